"""Region profile helpers: region checks, the comparison with the rest of England, peers, tables."""

from __future__ import annotations

import fixtures_analysis as fx
import numpy as np
import pandas as pd
import pytest

from lahelpers import framework, load, profile
from lahelpers.inputs import validate


@pytest.fixture
def df() -> pd.DataFrame:
    return fx.authorities()


def test_check_region_accepts_case_and_rejects_unknown() -> None:
    assert profile.check_region(" london ") == "London"
    with pytest.raises(ValueError, match=r"Unknown region 'Londn' \(did you mean 'London'\?\)\. Valid names: North East, .*South West\."):
        profile.check_region("Londn")


def test_title_and_headings_name_the_region() -> None:
    assert profile.title("London").data.startswith("# ") and "London" in profile.title("London").data
    assert profile.heading("London", "Peers").data == "## Peers: London"


def test_compare_with_rest_counts_and_permutation_interval(df: pd.DataFrame) -> None:
    region = df["region"].iloc[0]
    comp = profile.compare_with_rest(df, region, ["qs1", "theme_people"]).set_index("outcome")
    a = df.loc[df["region"] == region, "qs1"].dropna().to_numpy(float)
    b = df.loc[df["region"] != region, "qs1"].dropna().to_numpy(float)
    row = comp.loc["qs1"]
    assert row["estimate"] == pytest.approx(a.mean() - b.mean())
    diff, lo, hi, p = profile.permutation_difference(a, b)
    assert (row["ci_low"], row["ci_high"], row["p_value"]) == pytest.approx((lo, hi, p))
    assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    assert row["n"] == len(a) and row["n_rest"] == len(b)
    assert row["n_missing"] == int(df.loc[df["region"] == region, "qs1"].isna().sum())


def test_compare_with_rest_too_few_scores(df: pd.DataFrame) -> None:
    region = df["region"].iloc[0]
    d = df.copy()
    d.loc[d["region"] == region, "qs2"] = np.nan
    d.loc[d.index[d["region"] == region][0], "qs2"] = 3
    row = profile.compare_with_rest(d, region, ["qs2"]).iloc[0]
    assert np.isnan(row["ci_low"]) and "too few to compare" in row["sentence"]


def test_comparison_text_says_when_nothing_differs() -> None:
    comp = pd.DataFrame({"label": ["QS1 x"], "n": [8], "estimate": [0.1], "ci_low": [-0.2], "ci_high": [0.4],
                         "p_value": [0.4]})
    text = profile.comparison_text(comp, "North East").data
    assert "does North East differ clearly" in text and "at most 8" in text
    comp.loc[0, ["ci_low", "ci_high", "p_value"]] = [0.05, 0.5, 0.01]
    assert "clearly **higher** than the rest of England on QS1 x" in profile.comparison_text(comp, "North East").data


def test_authority_table_one_row_per_authority(df: pd.DataFrame) -> None:
    region = df["region"].iloc[0]
    t = profile.authority_table(df, region)
    assert len(t) == int((df["region"] == region).sum())
    assert list(t.columns[:3]) == ["Authority", "Rating", "Overall %"]
    assert all(q.upper() in t.columns for q in framework.QS_COLUMNS)


@pytest.mark.pipeline
@pytest.mark.parametrize("region", validate.REGIONS)
def test_every_real_region(built, region: str) -> None:
    """Each of the 9 regions: overview counts, all authorities in the tables, peers found."""
    df = load.authorities()
    here = df[df["region"] == region]
    assert f"{len(here)} of England's 153" in profile.overview(df, region).data
    assert len(profile.authority_table(df, region)) == len(here) == validate.REGION_COUNTS[region]
    comp = profile.compare_with_rest(df, region)
    assert len(comp) == 13 and (comp["n"] + comp["n_missing"] == len(here)).all()
    assert (comp["n_rest"] + comp["n"] <= 153).all()
    peers = profile.peer_table(df, region)
    assert len(peers) == len(here)
    assert (peers["Peers outside the region"] <= 5).all()
    rural = profile.rural_ratings(df, region)
    assert rural["Authorities"].sum() == len(here)
    within = profile.within_region(df, region, n_boot=200)
    assert set(within["predictor"]) == set(profile.WITHIN)
