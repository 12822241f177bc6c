"""Narrative text is computed from the data: check its numbers against independent counts."""

from __future__ import annotations

import fixtures_analysis as fx
import numpy as np
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


def test_statement_ranking_names_weakest_and_strongest() -> None:
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
    assert "Weakest: **Assessing needs** (mean 2.20, 95% CI 2.10 to 2.30" in text
    assert "Strongest: **Partnerships and communities**" in text and "1 of the 3 has a mean" in text
    assert "overlap" not in text  # no ranking by overlapping intervals


def test_band_spread(df: pd.DataFrame) -> None:
    spread = narrative.band_spread(df).set_index("rating")
    d = df.dropna(subset=["rating", "overall_pct"])
    for r in framework.RATINGS:
        sub = d.loc[d["rating"] == r, "overall_pct"]
        assert spread.loc[r, "n"] == len(sub)
    # The fixture has no Inadequate authority with a known %: its range is empty, not invented.
    assert spread.loc["Inadequate", "n"] == 0
    assert spread.loc[["Inadequate"], ["lowest", "highest"]].isna().all(axis=None)
    for r in ("Requires improvement", "Good", "Outstanding"):
        sub = d.loc[d["rating"] == r, "overall_pct"]
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
    assert "Overall score (%) with b" in not_shows.data and "n from 70 to 80" in not_shows.data
    assert "Own caveat." in not_shows.data


def test_small_n_warning() -> None:
    assert "rests on 12 authorities" in narrative.small_n_warning(12).data
    assert narrative.small_n_warning(40).data == ""


def test_table_hides_index_and_rounds() -> None:
    html = narrative.table(
        pd.DataFrame({"a": [1.234], "b": ["x"]}), {"a": "Alpha", "b": "Beta"}
    ).data
    assert "Alpha" in html and ">1.2<" in html and ">1.234<" not in html
    assert 'data-sort="1.234"' in html  # sorting uses the unrounded value


def test_clear_uses_one_for_ordered_logit_and_p_for_kruskal() -> None:
    results = pd.DataFrame({
        "outcome": ["rating", "rating", "overall_pct", "overall_pct"],
        "predictor": ["a", "b", "g", "g"],
        "n": [80, 80, 80, 80],
        "estimate": [1.1, 1.6, 0.02, 0.3],
        "ci_low": [0.7, 1.2, 0.001, 0.01],
        "ci_high": [1.5, 2.1, 0.09, 0.5],
        "p_value": [0.6, 0.01, 0.4, 0.02],
        "method": ["ordered logit (statsmodels OrderedModel)", "ordered logit (statsmodels OrderedModel)",
                   "Kruskal-Wallis H; epsilon-squared", "Cliff's delta (Mann-Whitney U)"],
        "sentence": ["a", "b", "g", "pair"],
    })
    # odds ratio 0.7-1.5 spans 1 (not clear) though it excludes 0; Kruskal with p 0.4 is not clear
    # though epsilon-squared's CI excludes 0.
    assert narrative.clear(results)["sentence"].tolist() == ["b", "pair"]


def test_findings_say_whether_a_result_survives_many_tests() -> None:
    results = pd.DataFrame({
        "outcome": ["qs8", "qs8"], "predictor": ["turnover_rate", "x"], "n": [70, 70],
        "estimate": [-0.3, -0.5], "ci_low": [-0.5, -0.7], "ci_high": [-0.05, -0.3],
        "p_value": [0.02, 0.0001], "p_holm": [0.2, 0.0002], "family_n": [2, 2],
        "method": ["Spearman", "Spearman"], "sentence": ["T.", "X."],
    })
    shows, _ = narrative.findings(results)
    assert "Of the 2 tests on this page, 1 is clear once all of them are allowed for (Holm):\n\n- X." in shows.data
    assert "1 more result looked clear on a single test but does not hold" in shows.data and "- T." in shows.data


def test_results_table_is_readable() -> None:
    results = pd.DataFrame({
        "outcome": ["qs3"], "predictor": ["imd2025_score"], "n": [79], "n_missing": [74],
        "estimate": [-0.034], "ci_low": [-0.25], "ci_high": [0.2], "p_value": [0.76], "p_holm": [1.0],
        "family_n": [5],
        "method": ["Spearman's rho; bootstrap 95% CI (BCa, 2000 resamples)"], "sentence": ["s"],
    })
    html = narrative.results_table(results, labels={"imd2025_score": "Deprivation"}).data
    for text in ("QS3 Equity in experience and outcomes", "Deprivation", ">79<", ">74<", "-0.03",
                 "p (Holm, 5 tests on this page)", "Spearman&#x27;s rho"):  # text is HTML-escaped
        assert text in html, text
    assert "bootstrap" not in html  # the method is named, not its details


def test_by_group_text_counts_and_caution() -> None:
    res = pd.DataFrame({
        "group": ["A", "B", "C"], "n": [12, 8, 4], "estimate": [0.5, -0.1, 0.9],
        "ci_low": [0.1, -0.7, np.nan], "ci_high": [0.8, 0.6, np.nan], "method": ["Spearman"] * 3,
    })
    text = narrative.by_group_text(res).data
    assert "rests on 4 to 12 authorities" in text and "In 1 of the 2 regions with an interval the association is clear on its own test (A)" in text
    assert "the widest, B, runs from -0.70 to 0.60" in text and "1 region had too few" in text
    assert "not evidence that the pattern differs between regions" in text


def test_findings_headline_and_long_lists_counted() -> None:
    n = 12
    results = pd.DataFrame({
        "outcome": ["qs8"] * n, "predictor": [f"m{i}" for i in range(n)], "n": [70] * n,
        "estimate": [0.4] + [0.0] * (n - 1), "ci_low": [0.1] + [-0.2] * (n - 1),
        "ci_high": [0.6] + [0.2] * (n - 1), "p_value": [0.001] + [0.9] * (n - 1),
        "p_holm": [0.012] + [1.0] * (n - 1), "family_n": [n] * n, "method": ["Spearman"] * n,
        "sentence": [f"S{i}." for i in range(n)],
    })
    shows, not_shows = narrative.findings(results)
    assert shows.data.startswith("Of the 12 tests on this page, 1 is clear once all of them are allowed for")
    results.loc[0, "p_holm"] = 0.3
    assert narrative.findings(results)[0].data.startswith("- None of the 12 tests on this page is clear")
    assert "1 more result looked clear on a single test" in narrative.findings(results)[0].data
    results.loc[1, ["ci_low", "ci_high", "p_value", "p_holm"]] = [0.05, 0.5, 0.001, 0.01]
    assert "2 more results" not in narrative.findings(results)[0].data
    assert "1 is clear" in narrative.findings(results)[0].data
    assert "for the other 11 of the 12 tests" in not_shows.data and "m3" not in not_shows.data
