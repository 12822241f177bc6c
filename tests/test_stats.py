"""Known-answer tests for lahelpers.stats: estimates and p-values against scipy/statsmodels
called directly, CIs against scipy.stats.bootstrap with the same seed, tidy output and words."""

from __future__ import annotations

import itertools
import re

import fixtures_analysis as fx
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.multitest import multipletests

from lahelpers import stats
from lahelpers.framework import RATING_DTYPE


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    return fx.authorities()


@pytest.fixture(scope="module")
def big() -> pd.DataFrame:
    return fx.authorities(per_region=12, seed=7)


def _tidy(res: pd.DataFrame) -> None:
    assert list(res.columns[: len(stats.COLUMNS)]) == list(stats.COLUMNS)
    assert res["sentence"].map(lambda s: isinstance(s, str) and s.endswith(".")).all()


# ---------------------------------------------------------------- correlation


@pytest.mark.parametrize("method,func", [("spearman", sps.spearmanr), ("kendall", sps.kendalltau)])
def test_correlation_matches_scipy(df, method, func):
    res = stats.correlation(df, "imd2025_score", "overall_pct", method=method, n_boot=500, seed=3)
    _tidy(res)
    row = res.iloc[0]
    d = df[["imd2025_score", "overall_pct"]].dropna()
    direct = func(d["imd2025_score"], d["overall_pct"])
    assert row["estimate"] == pytest.approx(direct.statistic)
    assert row["p_value"] == pytest.approx(direct.pvalue)
    assert row["n"] == len(d) and row["n_missing"] == len(df) - len(d)
    boot = sps.bootstrap((d["imd2025_score"].to_numpy(), d["overall_pct"].to_numpy()),
                         lambda a, b: func(a, b).statistic, paired=True, vectorized=False,
                         n_resamples=500, method="BCa", rng=np.random.default_rng(3))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(boot.confidence_interval))
    assert row["ci_low"] <= row["estimate"] <= row["ci_high"]


def test_correlation_ordinal_uses_category_codes(df):
    res = stats.correlation(df, "imd2025_score", "rating", n_boot=200).iloc[0]
    d = pd.DataFrame({"x": df["imd2025_score"], "y": df["rating"].cat.codes.where(
        df["rating"].notna())}).dropna()
    assert res["estimate"] == pytest.approx(sps.spearmanr(d["x"], d["y"]).statistic)
    assert res["n"] == len(d)


def test_correlation_sentence_words(df, big):
    small = stats.correlation(df, "imd2025_score", "overall_pct", n_boot=200).iloc[0]
    assert small["n"] < stats.SMALL_N
    s = small["sentence"]
    assert "association" in s and "cause" in s and "95% CI" in s
    assert f"{small['estimate']:.2f}" in s
    assert f"with only {small['n']} authorities this estimate is uncertain" in s
    large = stats.correlation(big, "pct_65plus", "imd2025_score", n_boot=200).iloc[0]
    assert large["n"] >= stats.SMALL_N
    assert "uncertain" not in large["sentence"]
    with pytest.raises(ValueError, match="method"):
        stats.correlation(df, "pct_65plus", "overall_pct", method="pearson")


# ---------------------------------------------------------------- group comparison


def test_group_compare_matches_scipy(df):
    res = stats.group_compare(df, "rating", "imd2025_score", n_boot=300, seed=1)
    _tidy(res)
    d = df[["rating", "imd2025_score"]].dropna()
    groups = [g for g in RATING_DTYPE.categories if (d["rating"] == g).any()]
    samples = [d.loc[d["rating"] == g, "imd2025_score"].to_numpy() for g in groups]
    kw = sps.kruskal(*samples)
    overall = res.iloc[0]
    assert overall["term"] == "all groups"
    assert overall["statistic"] == pytest.approx(kw.statistic)
    assert overall["p_value"] == pytest.approx(kw.pvalue)
    assert overall["estimate"] == pytest.approx(kw.statistic / (len(d) - 1))
    assert overall["n"] == len(d) and overall["n_missing"] == len(df) - len(d)
    pairs = res.iloc[1:]
    assert len(pairs) == len(list(itertools.combinations(groups, 2)))
    for (a, b), (_, row) in zip(itertools.combinations(range(len(groups)), 2), pairs.iterrows(),
                                strict=True):
        xa, xb = samples[a], samples[b]
        # Cliff's delta by brute force: mean sign of every cross-pair difference.
        brute = np.sign(xa[:, None] - xb[None, :]).mean()
        assert row["estimate"] == pytest.approx(brute)
        assert row["group_a"] == groups[a] and row["group_b"] == groups[b]
        assert row["p_value"] == pytest.approx(
            sps.mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
    assert np.allclose(pairs["p_holm"], multipletests(pairs["p_value"], method="holm")[1])


def test_group_compare_needs_two_groups(df):
    one = df.assign(g="same")
    with pytest.raises(ValueError, match="at least 2 groups"):
        stats.group_compare(one, "g", "overall_pct")


def test_cliffs_delta_extremes():
    assert stats.cliffs_delta(np.array([5.0, 6.0]), np.array([1.0, 2.0, 3.0])) == 1.0
    assert stats.cliffs_delta(np.array([1.0]), np.array([1.0])) == 0.0


# ---------------------------------------------------------------- ordinal regression


def test_ordinal_regression_matches_orderedmodel(big):
    preds = ["imd2025_score", "pct_65plus"]
    res = stats.ordinal_regression(big, "rating", preds)
    _tidy(res)
    d = big[["rating", *preds]].dropna()
    x = (d[preds] - d[preds].mean()) / d[preds].std(ddof=1)
    y = d["rating"].cat.remove_unused_categories()
    direct = OrderedModel(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    for _, row in res.iterrows():
        p = row["predictor"]
        assert row["coef"] == pytest.approx(direct.params[p], rel=1e-3, abs=1e-4)
        assert row["estimate"] == pytest.approx(np.exp(direct.params[p]), rel=1e-3)
        lo, hi = np.exp(direct.conf_int(alpha=0.05).loc[p])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-3)
        assert row["p_value"] == pytest.approx(direct.pvalues[p], rel=1e-2, abs=1e-6)
        assert row["n"] == len(d) and row["n_missing"] == len(big) - len(d)
        assert "odds" in row["sentence"] and "cause" in row["sentence"]
        assert " fixed" in row["sentence"] and "Without " in row["sentence"]


def test_ordinal_regression_empty_category(big):
    no_inadequate = big[big["rating"] != "Inadequate"].copy()  # also drops unrated rows
    assert (no_inadequate["rating"] == "Inadequate").sum() == 0
    res = stats.ordinal_regression(no_inadequate, "rating", ["imd2025_score"])
    assert "empty categories removed: Inadequate" in res.iloc[0]["method"]
    assert res.iloc[0]["categories"] == "Requires improvement < Good < Outstanding"
    assert np.isfinite(res.iloc[0]["estimate"])


def test_ordinal_regression_rejects_unordered(df):
    with pytest.raises(ValueError, match="ordered Categorical"):
        stats.ordinal_regression(df, "overall_pct", ["imd2025_score"])
    with pytest.raises(ValueError, match="at least one predictor"):
        stats.ordinal_regression(df, "rating", [])


# ---------------------------------------------------------------- means


def test_mean_ci_matches_t_interval(df):
    res = stats.mean_ci(df, ["qs1", "qs7", "overall_pct"])
    _tidy(res)
    assert list(res["outcome"]) == ["qs1", "qs7", "overall_pct"]
    for _, row in res.iterrows():
        v = df[row["outcome"]].dropna()
        lo, hi = sps.t.interval(0.95, len(v) - 1, loc=v.mean(), scale=sps.sem(v))
        assert row["estimate"] == pytest.approx(v.mean())
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi))
        assert row["n"] == len(v) and row["n_missing"] == len(df) - len(v)
        assert np.isnan(row["p_value"])
        assert "uncertain" in row["sentence"]  # fixture n < 30


def test_correlations_family_with_holm() -> None:
    df = fx.authorities()
    out = stats.correlations(df, ["imd2025_score", "pct_rural"], ["overall_pct", "qs1"], n_boot=200)
    assert list(zip(out["outcome"], out["predictor"], strict=True)) == [
        ("overall_pct", "imd2025_score"), ("overall_pct", "pct_rural"),
        ("qs1", "imd2025_score"), ("qs1", "pct_rural")]
    expected = multipletests(out["p_value"].to_numpy(), method="holm")[1]
    assert out["p_holm"].to_numpy() == pytest.approx(expected)
    one = stats.correlation(df, "pct_rural", "qs1", n_boot=200)
    assert out.iloc[3]["estimate"] == pytest.approx(one["estimate"].iloc[0])


def test_correlation_by_region_matches_scipy_within_each_group() -> None:
    df = fx.authorities(per_region=8)
    out = stats.correlation_by(df, "region", "imd2025_score", "overall_pct", n_boot=200)
    assert sorted(out["group"]) == sorted(df["region"].unique()) and list(out["group"]) == sorted(out["group"])
    for _i, row in out.iterrows():
        sub = df[df["region"] == row["group"]].dropna(subset=["imd2025_score", "overall_pct"])
        assert row["n"] == len(sub) and row["sentence"].startswith(f"{row['group']}: ")
        assert row["label"] == f"{row['group']} (n = {len(sub)})"
        assert len(sub) >= 2, "fixture too thin to test the estimate"
        if len(sub) >= 3:  # spearmanr needs 3; the fixture has regions of both kinds
            assert row["estimate"] == pytest.approx(sps.spearmanr(sub["imd2025_score"], sub["overall_pct"]).statistic)
        else:
            assert np.isnan(row["estimate"])
        # The fixture's regions have fewer than MIN_BOOTSTRAP_N scored authorities: no interval.
        assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_group_tests_one_kruskal_row_per_outcome() -> None:
    df = fx.authorities(per_region=8)
    df["grp"] = pd.Categorical(np.where(df["pct_rural"] > 40, "rural", "urban"), ["urban", "rural"], ordered=True)
    out = stats.group_tests(df, "grp", ["overall_pct", "qs1"], n_boot=200)
    assert out["outcome"].tolist() == ["overall_pct", "qs1"] and (out["term"] == "all groups").all()
    d = df.dropna(subset=["qs1"])
    h = sps.kruskal(*(d.loc[d["grp"] == g, "qs1"] for g in ["urban", "rural"]))
    assert out.iloc[1]["p_value"] == pytest.approx(h.pvalue)


def test_combine_recomputes_holm_over_the_whole_family() -> None:
    a = pd.DataFrame({"p_value": [0.01, 0.04], "p_holm": [0.02, 0.04], "estimate": [1, 2]})
    b = pd.DataFrame({"p_value": [0.03, np.nan], "estimate": [3, 4]})
    out = stats.combine(a, b)
    assert len(out) == 4 and np.isnan(out.loc[3, "p_holm"])
    assert out.loc[:2, "p_holm"].to_numpy() == pytest.approx(multipletests([0.01, 0.04, 0.03], method="holm")[1])
    with pytest.raises(ValueError, match="at least one table"):
        stats.combine()


def test_as_ordered_and_ordinal_regressions_on_scores() -> None:
    df = fx.authorities(per_region=10)
    qs = stats.as_ordered(df["qs1"])
    assert qs.cat.ordered and list(qs.cat.categories) == sorted(df["qs1"].dropna().unique())
    assert qs.isna().sum() == df["qs1"].isna().sum()
    kept = stats.as_ordered(df["rating"])
    assert kept.dtype == df["rating"].dtype and kept.equals(df["rating"])
    out = stats.ordinal_regressions(df, ["qs1", "rating"], ["imd2025_score", "pct_65plus"])
    assert out["outcome"].tolist() == ["qs1", "qs1", "rating", "rating"]
    assert out["label"].iloc[0].startswith("QS1 Assessing needs: ")
    # Same answer as statsmodels called directly on the score as an ordered outcome.
    d = df[["qs1", "imd2025_score", "pct_65plus"]].dropna()
    x = (d[["imd2025_score", "pct_65plus"]] - d[["imd2025_score", "pct_65plus"]].mean()) / d[
        ["imd2025_score", "pct_65plus"]].std(ddof=1)
    y = pd.Series(pd.Categorical(d["qs1"], ordered=True), index=d.index)
    res = OrderedModel(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    assert out.iloc[0]["estimate"] == pytest.approx(np.exp(res.params["imd2025_score"]), rel=1e-3)


def test_bootstrap_drops_undefined_resamples_of_tied_scores() -> None:
    # Eight authorities, scores mostly tied: some resamples have no variation in y (rho undefined).
    d = pd.DataFrame({"x": [1, 2, 3, 4, 5, 6, 7, 8], "y": [3, 3, 3, 3, 3, 3, 2, 4]})
    out = stats.correlation(d, "x", "y", n_boot=500)
    row = out.iloc[0]
    assert np.isfinite(row["ci_low"]) and np.isfinite(row["ci_high"])
    assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    assert re.search(r"percentile; \d+ of 500 resamples undefined, dropped", row["method"])


def test_spearman_rho_matches_scipy_and_vectorises() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=40), np.round(rng.normal(size=40))  # ties in y
    assert stats.spearman_rho(x, y) == pytest.approx(sps.spearmanr(x, y).statistic)
    xs, ys = rng.normal(size=(5, 30)), rng.normal(size=(5, 30))
    assert stats.spearman_rho(xs, ys) == pytest.approx([sps.spearmanr(a, b).statistic for a, b in zip(xs, ys, strict=True)])
    assert np.isnan(stats.spearman_rho(x[:10], np.ones(10)))


def test_no_bootstrap_interval_from_a_handful_of_authorities() -> None:
    d = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.0, 2.0, 4.0, 3.0]})
    row = stats.correlation(d, "x", "y", n_boot=200).iloc[0]
    assert row["estimate"] == pytest.approx(sps.spearmanr(d["x"], d["y"]).statistic)
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert f"fewer than {stats.MIN_BOOTSTRAP_N}" in row["method"]
    assert "too few (or too alike) for a confidence interval" in row["sentence"] and "nan" not in row["sentence"]


def test_holm_leaves_missing_p_values_out_of_the_family() -> None:
    p = pd.Series([0.01, np.nan, 0.04, 0.03], index=list("abcd"))
    out = stats.holm(p)
    assert np.isnan(out["b"]) and list(out.index) == list("abcd")
    assert out[["a", "c", "d"]].to_numpy() == pytest.approx(multipletests([0.01, 0.04, 0.03], method="holm")[1])
    assert stats.holm(pd.Series([np.nan, np.nan])).isna().all()
