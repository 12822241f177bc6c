"""Narrative text is computed from the data: check its numbers against independent counts."""

from __future__ import annotations

import fixtures_analysis as fx
import pandas as pd
import pytest

from lahelpers import framework, narrative


@pytest.fixture
def df() -> pd.DataFrame:
    return fx.authorities()


def test_coverage_counts(df: pd.DataFrame) -> None:
    text = narrative.coverage(df).data
    rated = int((df["cqc_status"] == "rated").sum())
    full = int(df[list(framework.QS_COLUMNS)].notna().all(axis=1).sum())
    assert f"**{rated} of {len(df)} authorities" in text
    assert f"{len(df) - rated} are not yet in our data" in text
    assert f"All 9 quality statement scores are known for {full} authorities" in text


def test_missing_list_names_every_unrated(df: pd.DataFrame) -> None:
    text = narrative.missing_list(df).data
    unrated = df[df["cqc_status"] != "rated"]
    assert f"({len(unrated)} authorities)" in text
    assert all(name in text for name in unrated["name"])
    assert narrative.missing_list(df[df["cqc_status"] == "rated"]).data.startswith(
        "Every authority"
    )


def test_statement_ranking_and_overlap() -> None:
    means = pd.DataFrame(
        {
            "outcome": ["qs1", "qs5", "qs3"],
            "estimate": [2.2, 2.9, 2.5],
            "ci_low": [2.1, 2.8, 2.3],
            "ci_high": [2.3, 3.0, 2.7],
            "n": [80, 79, 79],
        }
    )
    text = narrative.statement_ranking(means).data
    assert (
        "Weakest: **Assessing needs** (mean 2.20" in text
        and "Strongest: **Partnerships and communities**" in text
    )
    assert "do not overlap" in text and "1 of the 3 has a mean" in text
    means.loc[0, "ci_high"] = 2.85
    assert "overlap, so the data cannot say" in narrative.statement_ranking(means).data


def test_band_spread(df: pd.DataFrame) -> None:
    spread = narrative.band_spread(df).set_index("rating")
    d = df.dropna(subset=["rating", "overall_pct"])
    for r in framework.RATINGS:
        sub = d.loc[d["rating"] == r, "overall_pct"]
        assert spread.loc[r, "n"] == len(sub)
        if len(sub):
            assert spread.loc[r, "lowest"] == sub.min() and spread.loc[r, "highest"] == sub.max()
    assert spread["rated without a known %"].sum() == int(
        (df["rating"].notna() & df["overall_pct"].isna()).sum()
    )


def test_evidence_table_totals(df: pd.DataFrame) -> None:
    t = narrative.evidence_table(df).set_index("How we know the rating")
    assert t.loc["Total", "Total"] == int((df["cqc_status"] == "rated").sum())


def test_findings_separates_clear_from_unclear() -> None:
    results = pd.DataFrame(
        {
            "outcome": ["overall_pct", "overall_pct", "rating"],
            "predictor": ["a", "b", "c"],
            "n": [80, 80, 70],
            "estimate": [0.4, 0.05, 1.8],
            "ci_low": [0.2, -0.2, 1.1],
            "ci_high": [0.6, 0.3, 2.9],
            "method": ["Spearman", "Spearman", "odds ratio per SD"],
            "sentence": ["A is clear.", "B is not.", "C is clear."],
        }
    )
    shows, not_shows = narrative.findings(results, caveats=["Own caveat."])
    assert (
        "A is clear." in shows.data
        and "C is clear." in shows.data
        and "B is not." not in shows.data
    )
    assert "overall_pct with b" in not_shows.data and "n from 70 to 80" in not_shows.data
    assert "Own caveat." in not_shows.data


def test_small_n_warning() -> None:
    assert "rests on 12 authorities" in narrative.small_n_warning(12).data
    assert narrative.small_n_warning(40).data == ""


def test_table_hides_index_and_rounds() -> None:
    html = narrative.table(
        pd.DataFrame({"a": [1.234], "b": ["x"]}), {"a": "Alpha", "b": "Beta"}
    ).data
    assert "Alpha" in html and "1.2" in html and "1.234" not in html
