"""Expected scores from context and residuals, checked against statsmodels called directly."""

from __future__ import annotations

import fixtures_analysis as fx
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from lahelpers import residuals

PREDICTORS = ["imd2025_score", "pct_65plus"]


@pytest.fixture
def df() -> pd.DataFrame:
    return fx.authorities(per_region=10)


def test_fit_matches_statsmodels(df: pd.DataFrame) -> None:
    fit = residuals.expected_scores(df, "overall_pct", PREDICTORS)
    d = df[["overall_pct", *PREDICTORS]].dropna()
    z = (d[PREDICTORS] - d[PREDICTORS].mean()) / d[PREDICTORS].std(ddof=1)
    res = sm.OLS(d["overall_pct"], sm.add_constant(z)).fit()
    assert fit.n == len(d) and fit.n_missing == len(df) - len(d)
    assert fit.r2 == pytest.approx(res.rsquared)
    coef = fit.coefficients.set_index("predictor")
    assert coef.loc["imd2025_score", "estimate"] == pytest.approx(res.params["imd2025_score"])
    assert coef.loc["imd2025_score", "ci_low"] == pytest.approx(res.conf_int().loc["imd2025_score", 0])
    t = fit.table.set_index("code")
    codes = df.loc[d.index, "code"]
    assert t.loc[codes, "residual"].to_numpy() == pytest.approx(res.resid.to_numpy())
    pi = res.get_prediction(sm.add_constant(z)).summary_frame(alpha=0.05)
    assert t.loc[codes, "pi_low"].to_numpy() == pytest.approx(pi["obs_ci_lower"].to_numpy())


def test_residuals_sorted_and_positions_follow_holm_over_authorities(df: pd.DataFrame) -> None:
    d = df.copy()
    scored = d.index[d["overall_pct"].notna()]
    d.loc[scored[0], "overall_pct"] = 250  # far above anything its context predicts (off the scale)
    fit = residuals.expected_scores(d, "overall_pct", PREDICTORS)
    t = fit.table
    assert t["residual"].is_monotonic_decreasing
    named = fit.explains & (t["p_holm"] < 0.05)
    assert ((t["position"] == residuals.ABOVE) == (named & (t["residual"] > 0))).all()
    assert ((t["position"] == residuals.BELOW) == (named & (t["residual"] < 0))).all()
    text = residuals.fit_text(fit).data
    assert f"uses the {fit.n} authorities" in text and "not proof of better practice" in text
    assert (d.loc[scored[0], "name"] in text) == (t.iloc[0]["position"] == residuals.ABOVE)


def test_residual_results_feed_estimate_bars(df: pd.DataFrame) -> None:
    fit = residuals.expected_scores(df, "overall_pct", PREDICTORS)
    best = residuals.residual_results(fit, top=5)
    assert len(best) == 5 and best["estimate"].is_monotonic_decreasing
    row, t0 = best.iloc[0], fit.table.iloc[0]
    assert row["ci_low"] == pytest.approx(t0["observed"] - t0["pi_high"])
    assert row["ci_high"] == pytest.approx(t0["observed"] - t0["pi_low"])
    worst = residuals.residual_results(fit, top=3, which="worst")
    assert worst["estimate"].is_monotonic_increasing
    assert list(residuals.residual_table(fit)["Authority"]) == list(fit.standing_out()["name"])


def test_too_few_or_flat_predictors_fail_clearly(df: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="too few to fit"):
        residuals.expected_scores(df.head(4), "overall_pct", PREDICTORS)
    d = df.copy()
    d["flat"] = 1.0
    with pytest.raises(ValueError, match=r"no variation.*\['flat'\]"):
        residuals.expected_scores(d, "overall_pct", ["flat"])
    with pytest.raises(ValueError, match="at least one predictor"):
        residuals.expected_scores(d, "overall_pct", [])
    with pytest.raises(ValueError, match="'best' or 'worst'"):
        residuals.residual_results(residuals.expected_scores(d, "overall_pct", PREDICTORS), which="top")


def test_missing_values_are_counted_not_dropped_silently(df: pd.DataFrame) -> None:
    d = df.copy()
    d.loc[d.index[:7], "pct_65plus"] = np.nan
    fit = residuals.expected_scores(d, "overall_pct", PREDICTORS)
    complete = d[["overall_pct", *PREDICTORS]].notna().all(axis=1)
    assert fit.n == int(complete.sum()) and fit.n + fit.n_missing == len(d)
    assert (fit.coefficients["n_missing"] == fit.n_missing).all()
