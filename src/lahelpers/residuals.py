"""Which authorities score better (or worse) than their context predicts.

A straight-line model (statsmodels OLS) predicts a score, such as the overall %, from a few
context measures (deprivation, age, ethnic diversity, unpaid care...). An authority's residual is
its actual score minus the predicted one; a positive residual means it did better than
authorities with a similar context usually do.

Two guards stop chance being read as merit. First, nobody is named unless the model explains
something (its overall F-test has p < 0.05): otherwise "better than predicted" only means "high
scoring". Second, with 80 or more authorities tested at once about 4 would fall outside a 95%
prediction interval by chance alone, so an authority stands out only when its externally
studentised residual survives Holm's adjustment over every authority in the model (statsmodels
``outlier_test``), above or below.

Residuals are leads for learning, not verdicts: they also carry everything the model leaves
out (what the authority does well, but also measures we lack, the timing of the assessment,
and chance). Predictors are standardised, so each coefficient is the change in the score per
1 standard deviation of the measure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from IPython.display import Markdown
from scipy import stats as sps
from statsmodels.regression.linear_model import OLS
from statsmodels.tools.tools import add_constant

from lahelpers import stats, wording
from lahelpers.framework import rating_labels, variable_label
from lahelpers.htmlsafe import md_text

#: Position of an authority against its 95% prediction interval.
ABOVE, WITHIN, BELOW = "above expected range", "within expected range", "below expected range"


@dataclass
class ExpectedFit:
    """A fitted model of one score on context, with every authority's residual.

    ``table``: one row per authority in the model (code, name, region, rating_label, observed,
    expected, residual, pi_low, pi_high, position), best residual first. ``coefficients``: a
    :mod:`lahelpers.stats` result table, one row per predictor (per 1 SD).
    """

    outcome: str
    predictors: list[str]
    table: pd.DataFrame
    coefficients: pd.DataFrame
    n: int
    n_missing: int
    r2: float
    r2_adj: float
    f_pvalue: float = float("nan")

    @property
    def explains(self) -> bool:
        """Whether the model explains anything (overall F-test p < 0.05): the gate for naming."""
        return bool(np.isfinite(self.f_pvalue) and self.f_pvalue < wording.ALPHA)

    def standing_out(self) -> pd.DataFrame:
        """The authorities above or below after the Holm adjustment (none when the model explains
        nothing), furthest first."""
        if not self.explains:
            return self.table.iloc[0:0]
        t = self.table[self.table["position"] != WITHIN]
        return t.reindex(t["residual"].abs().sort_values(ascending=False).index)


def expected_scores(
    df: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> ExpectedFit:
    """Fit ``outcome ~ predictors`` by OLS on the authorities with all values known.

    Authorities missing the outcome or any predictor are left out and counted (``n_missing``).
    Raises ValueError when fewer authorities than predictors + 3 remain, or a predictor does
    not vary.
    """
    predictors = list(predictors)
    if not predictors:
        raise ValueError("give at least one predictor")
    cols = {outcome: stats.numeric(df[outcome]), **{p: stats.numeric(df[p]) for p in predictors}}
    d = pd.DataFrame(cols, index=df.index)
    complete = d.notna().all(axis=1)
    n_missing = int((~complete).sum())
    d = d[complete]
    n = len(d)
    if n < len(predictors) + 3:
        raise ValueError(f"only {n} authorities have {outcome!r} and every predictor; too few to fit")
    sd = d[predictors].std(ddof=1)
    if flat := sd[~(sd > 0)].index.tolist():
        raise ValueError(f"predictors with no variation among the {n} complete rows: {flat}")
    x = add_constant(pd.DataFrame(sps.zscore(d[predictors], ddof=1), columns=predictors,
                                     index=d.index))
    res = OLS(d[outcome], x).fit()
    pred = res.get_prediction(x).summary_frame(alpha=0.05)
    observed = d[outcome]
    outliers = res.outlier_test(method="holm")  # externally studentised, Holm over all authorities
    p_adj = outliers.iloc[:, 2].to_numpy(float)
    stud = outliers["student_resid"].to_numpy(float)
    gate = bool(res.f_pvalue < wording.ALPHA)
    position = np.where(gate & (p_adj < wording.ALPHA) & (stud > 0), ABOVE,
                        np.where(gate & (p_adj < wording.ALPHA) & (stud < 0), BELOW, WITHIN))
    src = df.loc[d.index]
    table = pd.DataFrame({
        "code": src["code"], "name": src["name"], "region": src["region"],
        "rating_label": rating_labels(src), "observed": observed, "expected": pred["mean"],
        "residual": observed - pred["mean"], "pi_low": pred["obs_ci_lower"],
        "pi_high": pred["obs_ci_upper"], "student_resid": stud, "p_holm": p_adj, "position": position,
    }).sort_values("residual", ascending=False).reset_index(drop=True)
    ci = res.conf_int(alpha=0.05)
    yl = variable_label(outcome, labels)
    vifs = stats.vif(x[predictors])
    coef_rows = []
    for p in predictors:
        b, lo, hi, pv = float(res.params[p]), float(ci.loc[p, 0]), float(ci.loc[p, 1]), float(res.pvalues[p])
        r = wording.Result(estimate=b, ci_low=lo, ci_high=hi, p=pv, n=n, n_missing=n_missing)
        coef_rows.append({
            "outcome": outcome, "predictor": p, "n": n, "n_missing": n_missing, "estimate": b,
            "ci_low": lo, "ci_high": hi, "p_value": pv,
            "method": "OLS, predictors standardised (change per 1 SD), other predictors held fixed",
            "sentence": wording.coefficient(r, variable_label(p, labels), yl, float(sd[p]), vif=float(vifs[p])),
            "sd": float(sd[p]), "vif": float(vifs[p]), "collinear": wording.collinear(vifs[p]),
        })
    return ExpectedFit(outcome=outcome, predictors=predictors, table=table,
                       coefficients=stats._frame(coef_rows), n=n, n_missing=n_missing,
                       r2=float(res.rsquared), r2_adj=float(res.rsquared_adj),
                       f_pvalue=float(res.f_pvalue))


def residual_results(fit: ExpectedFit, top: int = 10, which: str = "best") -> pd.DataFrame:
    """The ``top`` best (or ``"worst"``) residuals as a stats-shaped table for
    :func:`lahelpers.charts.estimate_bars` (``label_col="label"``, the authority's name; no
    predictor, since a residual is not an association): estimate = residual, CI = the residual's
    range implied by the 95% prediction interval, p = Holm over every authority. Whether an
    authority stands out is decided by :meth:`ExpectedFit.standing_out`, not by this interval:
    with many authorities some fall outside their own 95% interval by chance."""
    if which not in ("best", "worst"):
        raise ValueError("which must be 'best' or 'worst'")
    t = fit.table.head(top) if which == "best" else fit.table.tail(top).iloc[::-1]
    return _as_results(fit, t)


def residual_table(fit: ExpectedFit) -> pd.DataFrame:
    """The authorities that stand out (:meth:`ExpectedFit.standing_out`), readable for policy
    readers: empty when the model explains nothing or nobody survives the adjustment."""
    t = fit.standing_out()
    yl = variable_label(fit.outcome)
    return pd.DataFrame({
        "Authority": t["name"], "Region": t["region"], "Rating": t["rating_label"],
        f"Actual {yl}": t["observed"], f"Expected {yl}": t["expected"],
        "Difference": t["residual"], "p (Holm, every authority in the model)": t["p_holm"],
        "Position": t["position"],
    })


def standouts(fit: ExpectedFit) -> object:
    """What a page shows about individual authorities: a table of those that stand out, or a
    sentence saying why nobody is named (the model explains nothing, or nobody survives the
    adjustment)."""
    from IPython.display import HTML

    from lahelpers import narrative  # late: narrative imports charts

    if not fit.explains or fit.standing_out().empty:
        return Markdown("No table: no authority is named (see above).")
    return HTML(narrative.table(residual_table(fit), digits=1).data)


def show_chart(fit: ExpectedFit, top: int = 10) -> None:
    """Draw the residuals of the authorities that stand out (with their 95% prediction
    intervals); when nobody does, draw nothing and say so, since a chart of the 'top ten' would
    name authorities the data do not single out."""
    from IPython.display import display

    from lahelpers import charts

    t = fit.standing_out().head(top)
    if t.empty:
        display(Markdown("No chart is drawn: no authority is named (see above)."))
        return
    charts.show(charts.estimate_bars(
        _as_results(fit, t), label_col="label", reference=0, reference_label="as predicted",
        estimate_name=f"Actual minus expected {variable_label(fit.outcome)}",
        interval_name="95% prediction interval",
        title="Authorities further from their prediction than chance explains (Holm)"))


def _as_results(fit: ExpectedFit, t: pd.DataFrame) -> pd.DataFrame:
    """Rows of the fit table in the stats shape for charts (CI = the prediction interval)."""
    return pd.DataFrame({
        "outcome": fit.outcome, "predictor": "", "label": t["name"].to_numpy(), "n": fit.n,
        "n_missing": fit.n_missing, "estimate": t["residual"].to_numpy(),
        "ci_low": (t["observed"] - t["pi_high"]).to_numpy(),
        "ci_high": (t["observed"] - t["pi_low"]).to_numpy(),
        "p_value": t["p_holm"].to_numpy(), "method": "residual with 95% prediction interval (OLS)",
        "sentence": [f"{r.name}: {r.observed:.0f} against {r.expected:.1f} expected ({r.position})"
                     for r in t.itertuples()],
        "rating_label": t["rating_label"].to_numpy(),
    })


def _standout_text(fit: ExpectedFit, labels: Mapping[str, str] | None = None) -> str:
    """Who stands out, in the one wording (:func:`lahelpers.wording.standouts`), or why nobody
    is named."""
    yl = variable_label(fit.outcome, labels)
    if not fit.explains:
        return wording.no_model(yl, fit.f_pvalue, fit.r2)
    t = fit.standing_out()
    return wording.standouts(t.loc[t["position"] == ABOVE, "name"].map(md_text).tolist(),
                             t.loc[t["position"] == BELOW, "name"].map(md_text).tolist(), fit.n, yl)


def fit_text(fit: ExpectedFit, labels: Mapping[str, str] | None = None) -> Markdown:
    """How well context predicts the score, and who stands out (if anyone), in plain words."""
    yl = variable_label(fit.outcome, labels)
    preds = wording.listing(variable_label(p, labels) for p in fit.predictors)
    collinear = fit.coefficients.loc[fit.coefficients["collinear"], "predictor"].tolist()
    overlap = (f" {wording.listing(variable_label(p, labels) for p in collinear)} move closely with the "
               "other measures (variance inflation factor "
               f"{wording.VIF_LIMIT:g} or more), so their separate coefficients are not findings."
               if collinear else "")
    return Markdown(
        f"A straight-line model of {yl} on {preds} uses the {fit.n} authorities with every value known "
        f"({fit.n_missing} left out for a missing value). Together these measures account for "
        f"{fit.r2 * 100:.0f}% of the variation between authorities (adjusted R² {wording.number(fit.r2_adj)}; "
        f"overall F-test {wording.p_text(fit.f_pvalue)}).{overlap} {_standout_text(fit, labels)} A residual "
        "is a lead worth following up (what do these authorities do?), not proof of better practice: it "
        "also holds whatever the model leaves out, and chance."
    )
