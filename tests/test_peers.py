"""Tests for lahelpers.peers: nearest statistical neighbours against a brute-force computation."""

from __future__ import annotations

import fixtures_analysis as fx
import numpy as np
import pandas as pd
import pytest

from lahelpers import peers


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return fx.authorities()


def _brute_force(df: pd.DataFrame, code: str) -> pd.Series:
    """Distances to every complete authority, computed directly with numpy."""
    cols = ["pop_total", "pct_65plus", "imd2025_score", "pct_rural", "pct_ethnic_minority",
            "density"]
    x = df.set_index("code")[cols].dropna().copy()
    x["pop_total"] = np.log(x["pop_total"])
    x["density"] = np.log(x["density"])
    z = (x - x.mean()) / x.std(ddof=1)
    d = np.sqrt(((z - z.loc[code]) ** 2).sum(axis=1))
    return d.drop(code).sort_values()


def test_nearest_peers_match_brute_force(df):
    code = df["code"].iloc[0]
    out = peers.nearest_peers(df, code, k=5)
    expected = _brute_force(df, code).iloc[:5]
    assert list(out["code"]) == list(expected.index)
    assert np.allclose(out["distance"], expected.to_numpy())
    assert list(out["peer_rank"]) == [1, 2, 3, 4, 5]
    assert {"rating_label", "overall_pct", "rating_basis", "name", "region"} <= set(out.columns)
    assert code not in set(out["code"])


def test_authorities_missing_a_feature_are_excluded_and_reported(df):
    out = peers.nearest_peers(df, df["code"].iloc[0], k=len(df))
    gaps = df.loc[df[["imd2025_score", "density"]].isna().any(axis=1), "code"]
    assert len(gaps) == 3
    excluded = out.attrs["excluded"]
    assert set(excluded["code"]) == set(gaps)
    assert not set(gaps) & set(out["code"])
    assert out.attrs["n_candidates"] == len(df) - len(gaps) - 1 == len(out)
    row = excluded.set_index("code").loc[df["code"].iloc[5]]
    assert row["missing"] == "density"


def test_identical_twin_is_nearest(df):
    twin = df.iloc[[7]].assign(code="E99999999", name="Twin")
    both = pd.concat([df, twin], ignore_index=True)
    out = peers.nearest_peers(both, df["code"].iloc[7], k=3)
    assert out.iloc[0]["code"] == "E99999999"
    assert out.iloc[0]["distance"] == pytest.approx(0.0)


def test_weights_and_single_feature(df):
    code = df["code"].iloc[0]
    only_age = peers.nearest_peers(df, code, k=4, weights={
        "pop_total": 0, "imd2025_score": 0, "pct_rural": 0, "pct_ethnic_minority": 0,
        "density": 0})
    pool = df.dropna(subset=["pop_total", "pct_65plus", "imd2025_score", "pct_rural",
                             "pct_ethnic_minority", "density"]).set_index("code")
    gap = (pool["pct_65plus"] - pool.loc[code, "pct_65plus"]).abs().drop(code).sort_values()
    assert list(only_age["code"]) == list(gap.index[:4])
    logpop = peers.nearest_peers(df, code, k=3, features=[("pop_total", "log")])
    lp = np.log(df.set_index("code")["pop_total"])
    expected = (lp - lp[code]).abs().drop(code).sort_values().index[:3]
    assert list(logpop["code"]) == list(expected)


def test_errors(df):
    with pytest.raises(ValueError, match="unknown authority code"):
        peers.nearest_peers(df, "E00000000")
    with pytest.raises(ValueError, match="no value for imd2025_score"):
        peers.nearest_peers(df, df["code"].iloc[3])
    with pytest.raises(ValueError, match="unknown transform"):
        peers.nearest_peers(df, df["code"].iloc[0], features=[("pop_total", "sqrt")])
    with pytest.raises(ValueError, match="weights"):
        peers.nearest_peers(df, df["code"].iloc[0], weights={"pop_total": -1})
