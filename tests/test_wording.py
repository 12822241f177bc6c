"""Findings a policy reader can trust (issue 10): each class of overstatement, on small constructed
data where the right answer is known, worded through :mod:`lahelpers.wording`."""

from __future__ import annotations

import re

import fixtures_analysis as fx
import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from lahelpers import framework, measures, narrative, profile, residuals, stats, wording

COLS = [*framework.QS_COLUMNS, *framework.THEMES]


def _england_with_tied_region(n_region: int = 5, value: float = 2.0, seed: int = 3,
                              tied: tuple[str, ...] = ("qs1", "qs3")) -> pd.DataFrame:
    """125 authorities with a spread of 1-4 scores averaging about 2.6; in region "Tiny" (the
    first ``n_region``), every authority scored ``value`` on the ``tied`` statements."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({q: rng.choice([1, 2, 3, 4], p=[0.05, 0.35, 0.55, 0.05], size=120 + n_region).astype(float)
                       for q in framework.QS_COLUMNS})
    df["region"] = ["Tiny"] * n_region + ["Elsewhere"] * 120
    df.loc[: n_region - 1, list(tied)] = value
    for col, (_name, qs) in framework.THEMES.items():
        df[col] = df[list(qs)].mean(axis=1)
    return df


def test_five_tied_authorities_are_not_clearly_different() -> None:
    df = _england_with_tied_region()
    a = df.loc[df["region"] == "Tiny", "qs1"].to_numpy()
    b = df.loc[df["region"] != "Tiny", "qs1"].to_numpy()
    welch = sps.ttest_ind(a, b, equal_var=False).confidence_interval()
    assert welch.high < 0  # the old method: "clearly lower"
    comp = profile.compare_with_rest(df, "Tiny", COLS)
    text = profile.comparison_text(comp, "Tiny").data
    claim = text.split(". ")[0]  # the sentence that names what is clearly different, if anything
    assert "QS1" not in claim and "QS3" not in claim and "13 tests on this page" in claim
    page = stats.family({"comparisons": comp})
    for r in page[page["outcome"].isin(["qs1", "qs3"])].to_dict("records"):
        assert wording.verdict(wording.Result.from_row(r)) != wording.CLEAR
    assert "**Small numbers.**" in text  # the small-sample warning reaches the page
    for r in comp[comp["outcome"].isin(["qs1", "qs3"])].itertuples():
        assert r.ci_low < r.estimate < r.ci_high  # uncertainty from all of England, not zero
        assert (r.ci_high - r.ci_low) > (welch.high - welch.low)


def test_permutation_difference_agrees_with_scipy_and_its_own_interval() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.choice([1, 2, 3, 4], size=12).astype(float), rng.choice([1, 2, 3, 4], size=100).astype(float)
    diff, lo, hi, p = profile.permutation_difference(a, b)
    ref = sps.permutation_test((a, b), lambda x, y, axis=-1: np.abs(np.mean(x, axis=axis) - np.mean(y, axis=axis)),
                               alternative="greater", vectorized=True, n_resamples=9999,
                               rng=np.random.default_rng(1)).pvalue
    assert diff == pytest.approx(a.mean() - b.mean()) and p == pytest.approx(ref, abs=0.03)
    assert lo < diff < hi and (lo > 0 or hi < 0) == (p <= 0.05)


def test_clear_region_difference_survives_holm_and_says_so() -> None:
    df = _england_with_tied_region(n_region=25, value=4.0, tied=("qs1",))
    text = profile.comparison_text(profile.compare_with_rest(df, "Tiny", COLS), "Tiny").data
    assert "clearly **higher** than the rest of England on QS1 Assessing needs" in text
    assert "Allowing for the 13 tests on this page (Holm)" in text


def _no_signal(n: int = 90, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"code": [f"E{i}" for i in range(n)], "name": [f"A{i}" for i in range(n)],
                         "region": "R", "rating": pd.Categorical(["Good"] * n, categories=framework.RATINGS,
                                                                 ordered=True),
                         "overall_pct": rng.normal(65, 8, n).round(), "x1": rng.normal(size=n),
                         "x2": rng.normal(size=n)})


def test_a_model_with_no_explanatory_power_names_nobody() -> None:
    fit = residuals.expected_scores(_no_signal(), "overall_pct", ["x1", "x2"])
    assert fit.f_pvalue > 0.05 and not fit.explains
    text = residuals.fit_text(fit).data
    assert "No authority is named" in text and "A1" not in text.replace("A1 ", "")
    assert fit.standing_out().empty and residuals.residual_table(fit).empty
    assert (fit.table["position"] == residuals.WITHIN).all()


def test_standouts_allow_for_every_authority_above_and_below() -> None:
    df = _no_signal()
    df["overall_pct"] = (65 + 8 * df["x1"] + np.random.default_rng(5).normal(0, 2, len(df))).round()
    df.loc[3, "overall_pct"] += 25  # far above its prediction
    df.loc[7, "overall_pct"] -= 25  # far below
    fit = residuals.expected_scores(df, "overall_pct", ["x1", "x2"])
    named = fit.standing_out()
    assert set(named["name"]) == {"A3", "A7"}
    text = residuals.fit_text(fit).data
    assert "1 authority is clearly above it (A3)" in text and "1 authority is clearly below it (A7)" in text
    # a residual just outside its own 95% prediction interval is not enough with 90 tested at once
    outside = fit.table[(fit.table["observed"] > fit.table["pi_high"]) | (fit.table["observed"] < fit.table["pi_low"])]
    assert len(outside) >= len(named)


def test_near_identical_predictors_trigger_the_collinearity_wording() -> None:
    rng = np.random.default_rng(4)
    n = 150
    z = rng.normal(size=n)
    df = pd.DataFrame({"care": z + rng.normal(0, 0.15, n), "disab": z + rng.normal(0, 0.15, n),
                       "other": rng.normal(size=n)})
    df["rating"] = pd.Categorical(np.digitize(z + rng.normal(0, 1, n), [-1, 0, 1]).astype(int),
                                  categories=[0, 1, 2, 3], ordered=True)
    res = stats.ordinal_regression(df, "rating", ["care", "disab", "other"]).set_index("predictor")
    assert res.loc["care", "vif"] > wording.VIF_LIMIT and res.loc["care", "collinear"]
    assert res.loc["other", "vif"] < 2 and not res.loc["other", "collinear"]
    s = res.loc["care", "sentence"]
    assert "variance inflation factor" in s and "is not a finding" in s and "Without disab and other held fixed" in s
    assert np.isfinite(res.loc["care", "alone_estimate"]) and res.loc["care", "alone_estimate"] > 1
    assert "care" not in narrative.clear(res.reset_index())["predictor"].tolist()


def test_a_bounded_statistic_never_shows_an_interval_without_its_estimate() -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"g": np.repeat(["a", "b", "c"], 30), "y": rng.normal(size=90)})
    out = stats.group_compare(df, "g", "y", n_boot=500)
    kw = out.iloc[0]
    assert np.isnan(kw["ci_low"]) and "95% CI" not in kw["sentence"] and "epsilon-squared" in kw["sentence"]
    samples = tuple(df.loc[df["g"] == g, "y"].to_numpy() for g in "abc")
    eps = stats._epsilon_squared(*samples)
    lo, hi, _ = stats._bootstrap_ci(samples, stats._epsilon_squared, paired=False, n_boot=500, seed=0,
                                    vectorized=True, estimate=eps)
    assert (np.isnan(lo) and np.isnan(hi)) or wording.interval_ok(eps, lo, hi)
    for r in out.iloc[1:].itertuples():
        assert np.isnan(r.ci_low) or wording.interval_ok(r.estimate, r.ci_low, r.ci_high)


def test_numbers_read_as_a_reader_reads_them() -> None:
    assert wording.p_text(0.0002) == "p < 0.001" and wording.p_text(0.0234) == "p = 0.023"
    assert wording.number(-0.001) == "0.00" and wording.number(-0.0) == "0.00"
    assert wording.number(0.12, sign=True) == "+0.12" and wording.number(-0.004, sign=True) == "0.00"
    assert wording.score(3.0) == "3" and wording.score(2.5) == "2.50"
    assert wording.count(1) == "1 authority" and wording.count(2) == "2 authorities"
    assert wording.be(1) == "is" and wording.be(3) == "are"
    html = narrative.table(pd.DataFrame({"QS1": [3.0, 2.0, np.nan], "d": [-0.001, 0.5, 1.0],
                                         "p": [0.0001, 0.2, 0.04]}), digits=2).data
    html = re.sub(r' data-sort="[^"]*"', "", html)  # the sort keys are full values, not shown
    assert ">3<" in html and "3.0" not in html and "-0.00" not in html
    assert ("&lt; 0.001" in html or "< 0.001" in html) and "0.000" not in html
    df = fx.authorities()
    one_missing = pd.concat([df[df["cqc_status"] == "rated"], df[df["cqc_status"] != "rated"].head(1)])
    assert "; 1 is not yet in our data" in narrative.coverage(one_missing).data


def test_a_p_value_below_005_is_never_called_no_clear_association() -> None:
    r = wording.Result(estimate=0.2, ci_low=-0.01, ci_high=0.4, p=0.027, n=100)
    s = wording.association(r, "X", "Y", "Spearman's rho")
    assert "no clear association" not in s and "disagree" in s and wording.verdict(r) == wording.SUGGESTIVE


def test_a_tiny_cliffs_delta_is_not_called_lower() -> None:
    r = wording.Result(estimate=-0.02, ci_low=-0.3, ci_high=0.26, p=0.92, n=60)
    s = wording.difference(r, "The overall %", "rural areas", "urban areas", stat="Cliff's delta")
    assert "did not differ clearly" in s and "lower" not in s


def test_one_family_per_page_is_stated_and_used_everywhere() -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60), "c": rng.normal(size=60),
                       "g": np.repeat(["x", "y", "z"], 20)})
    page = stats.family({"correlations": stats.correlations(df, ["a", "b"], ["c"], n_boot=200),
                         "group tests": stats.group_tests(df, "g", ["a", "b", "c"], n_boot=200)})
    assert (page["family_n"] == 5).all()
    assert page["p_holm"].tolist() == pytest.approx(stats.holm(page["p_value"]).tolist())
    text = stats.family_text(page)
    assert "the 5 tests made here" in text and "2 correlations and 3 group tests" in text
    html = narrative.results_table(stats.parts(page)[0]).data
    assert "p (Holm, 5 tests on this page)" in html
    shows, _ = narrative.findings(page)
    assert "of the 5 tests on this page" in shows.data.lower()


def test_statement_ranking_compares_on_the_same_authorities() -> None:
    rng = np.random.default_rng(1)
    base = rng.choice([1, 2, 3, 4], size=60).astype(float)
    bump = np.where(np.arange(60) < 20, 1.0, 0.0)
    df = pd.DataFrame({"qs1": base, "qs5": np.minimum(base + bump, 4)})
    means = stats.mean_ci(df, ["qs1", "qs5"])
    assert means.loc[0, "ci_high"] > means.loc[1, "ci_low"]  # the two intervals overlap...
    pairs = stats.family({"pairs": stats.paired_differences(df, ["qs1", "qs5"], n_boot=500)})
    text = narrative.statement_ranking(means, pairs).data
    assert "the weakest is clearly lower than 1 other (Partnerships and communities)" in text  # ...yet it is
    assert "overlap" not in text


def test_measure_wording_follows_the_data() -> None:
    df = pd.DataFrame({"m1": [1.0] * 10 + [np.nan] * 20, "m2": [1.0] * 25 + [np.nan] * 5})
    text = measures.coverage_text(df, ["m1", "m2"]).data
    assert "from 10 to 25 of the 30" in text and "1 of the 2 cover more than half" in text
    v = pd.DataFrame({"column": ["a", "b"], "label": ["Same", "Same"], "source_id": ["s1", "s2"],
                      "vintage": ["2020-21", "2022-23"], "module": ["care_market"] * 2})
    labs = measures.labels(v, ["a", "b"])
    assert labs["a"] != labs["b"]


def test_available_counts_authorities_with_the_measure_and_every_outcome() -> None:
    df = pd.DataFrame({"rating": ["Good"] * 40, "m": [1.0] * 40, "qs8": [2.0] * 23 + [np.nan] * 17})
    assert measures.available(df, ["m"]) == ["m"]
    assert measures.available(df, ["m"], outcomes=["qs8"]) == []


def test_one_measure_per_model_avoids_the_collinear_joint_model() -> None:
    rng = np.random.default_rng(4)
    n = 150
    z = rng.normal(size=n)
    df = pd.DataFrame({"care": z + rng.normal(0, 0.15, n), "disab": z + rng.normal(0, 0.15, n),
                       "imd": rng.normal(size=n)})
    df["rating"] = pd.Categorical(np.digitize(z + rng.normal(0, 1, n), [-1, 0, 1]).astype(int),
                                  categories=[0, 1, 2, 3], ordered=True)
    each = stats.each_adjusted_for(df, ["rating"], ["care", "disab"], ["imd"])
    assert each["predictor"].tolist() == ["care", "disab"] and (each["vif"] < 2).all()
    assert not each["collinear"].any() and each["sentence"].str.contains("holding imd fixed").all()
    text = narrative.overlap(df, ["care", "disab", "imd"]).data
    assert "closest pair is care and disab" in text and "modelled on its own" in text
    assert "modelled on its own" not in narrative.overlap(df, ["care", "imd"]).data


def test_a_clear_correlation_stays_clear_in_a_family_with_model_rows() -> None:
    rng = np.random.default_rng(7)
    n = 120
    x = rng.normal(size=n)
    df = pd.DataFrame({"x": x, "y": x + rng.normal(0, 0.5, n), "w": rng.normal(size=n)})
    df["rating"] = pd.Categorical(np.digitize(rng.normal(size=n), [-1, 0, 1]), categories=[0, 1, 2, 3], ordered=True)
    page = stats.family({"correlations": stats.correlations(df, ["x"], ["y"], n_boot=200),
                         "models": stats.ordinal_regression(df, "rating", ["w", "x"])})
    assert page["collinear"].isna().iloc[0]  # the correlation row has no collinearity flag at all
    assert narrative.clear(page)["predictor"].tolist() == ["x"]
    shows, _ = narrative.findings(page)
    assert "1 is clear once all of them are allowed for" in shows.data


def test_sign_flip_p_agrees_with_scipy_permutation_test() -> None:
    rng = np.random.default_rng(3)
    diff = rng.choice([-1.0, 0.0, 0.0, 1.0, 1.0], size=40)
    ref = sps.permutation_test((diff,), lambda v, axis=-1: np.abs(np.mean(v, axis=axis)), permutation_type="samples",
                               alternative="greater", vectorized=True, n_resamples=9999,
                               rng=np.random.default_rng(1)).pvalue
    assert stats.sign_flip_p(diff) == pytest.approx(ref, abs=0.02)


def test_every_market_measure_is_tested_or_listed_with_its_reason() -> None:
    v = pd.DataFrame({"column": ["m", "few"], "label": ["M", "Few"], "source_id": ["s", "s"],
                      "vintage": ["2022", "2022"], "module": ["care_market"] * 2})
    df = pd.DataFrame({"rating": ["Good"] * 40, "m": [1.0] * 40, "few": [1.0] * 10 + [np.nan] * 30,
                       "qs8": [2.0] * 20 + [np.nan] * 20, "pop_65plus": [1.0] * 40})
    df = measures.with_rates(df.assign(bbc_hours_handed_back_2223=1.0, bbc_contracts_handed_back_2223=1.0,
                                       salt_requests_65=1.0))
    tested = measures.available(df, measures.market_measures(v), outcomes=["qs8"])
    listed = measures.left_out(df, v, outcomes=["qs8"]).set_index("Measure")["Why not tested"]
    assert "m" not in tested and "few" not in tested  # m has 40 values but only 20 beside a QS8 score
    assert "only 20 authorities have both this" in listed["m"]
    assert "only 10 rated authorities have a value" in listed["few"]
    assert set(measures.market_measures(v)) <= set(tested) | {c for c in measures.market_measures(v)
                                                              if measures.variable_label(c, measures.LABELS) in listed}
