"""Which authorities score better (or worse) than their context predicts.

A straight-line model (statsmodels OLS) predicts a score, such as the overall %, from a few
context measures (deprivation, age, ethnic diversity, unpaid care...). An authority's residual is
its actual score minus the predicted one; a positive residual means it did better than
authorities with a similar context usually do. Each prediction has a 95% prediction interval
(the range an authority's score would fall in 95 times in 100 if the model were right); only an
authority outside it stands out from what its context alone would lead one to expect.

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
import statsmodels.api as sm
from IPython.display import Markdown
from scipy import stats as sps

from lahelpers import stats
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
    x = sm.add_constant(pd.DataFrame(sps.zscore(d[predictors], ddof=1), columns=predictors,
                                     index=d.index))
    res = sm.OLS(d[outcome], x).fit()
    pred = res.get_prediction(x).summary_frame(alpha=0.05)
    observed = d[outcome]
    position = np.where(observed > pred["obs_ci_upper"], ABOVE,
                        np.where(observed < pred["obs_ci_lower"], BELOW, WITHIN))
    src = df.loc[d.index]
    table = pd.DataFrame({
        "code": src["code"], "name": src["name"], "region": src["region"],
        "rating_label": rating_labels(src), "observed": observed, "expected": pred["mean"],
        "residual": observed - pred["mean"], "pi_low": pred["obs_ci_lower"],
        "pi_high": pred["obs_ci_upper"], "position": position,
    }).sort_values("residual", ascending=False).reset_index(drop=True)
    ci = res.conf_int(alpha=0.05)
    yl = variable_label(outcome, labels)
    coef_rows = []
    for p in predictors:
        b, lo, hi, pv = float(res.params[p]), float(ci.loc[p, 0]), float(ci.loc[p, 1]), float(res.pvalues[p])
        if lo > 0 or hi < 0:
            finding = f"went with {'higher' if b > 0 else 'lower'} {yl}"
        else:
            finding = f"showed no clear association with {yl}"
        coef_rows.append({
            "outcome": outcome, "predictor": p, "n": n, "n_missing": n_missing, "estimate": b,
            "ci_low": lo, "ci_high": hi, "p_value": pv,
            "method": "OLS, predictors standardised (change per 1 SD), other predictors held fixed",
            "sentence": (
                f"Across {n} authorities, each 1 standard deviation ({sd[p]:.3g}) higher "
                f"{variable_label(p, labels)} {finding} ({b:+.2f}, 95% CI {lo:+.2f} to {hi:+.2f}, "
                f"{stats._fmt_p(pv)}) holding the other measures fixed, an association, not evidence "
                f"of cause{stats._small(n)}."
            ),
            "sd": float(sd[p]),
        })
    return ExpectedFit(outcome=outcome, predictors=predictors, table=table,
                       coefficients=stats._frame(coef_rows), n=n, n_missing=n_missing,
                       r2=float(res.rsquared), r2_adj=float(res.rsquared_adj))


def residual_results(fit: ExpectedFit, top: int = 10, which: str = "best") -> pd.DataFrame:
    """The ``top`` best (or ``"worst"``) residuals as a stats-shaped table for
    :func:`lahelpers.charts.estimate_bars` (``label_col="label"``, the authority's name; no
    predictor, since a residual is not an association): estimate = residual, CI = the residual's range
    implied by the 95% prediction interval (it excludes 0 only for authorities outside it)."""
    if which not in ("best", "worst"):
        raise ValueError("which must be 'best' or 'worst'")
    t = fit.table.head(top) if which == "best" else fit.table.tail(top).iloc[::-1]
    return pd.DataFrame({
        "outcome": fit.outcome, "predictor": "", "label": t["name"].to_numpy(), "n": fit.n,
        "n_missing": fit.n_missing, "estimate": t["residual"].to_numpy(),
        "ci_low": (t["observed"] - t["pi_high"]).to_numpy(),
        "ci_high": (t["observed"] - t["pi_low"]).to_numpy(),
        "p_value": np.nan, "method": "residual with 95% prediction interval (OLS)",
        "sentence": [f"{r.name}: {r.observed:.0f} against {r.expected:.1f} expected ({r.position})"
                     for r in t.itertuples()],
        "rating_label": t["rating_label"].to_numpy(),
    })


def residual_table(fit: ExpectedFit, top: int = 10) -> pd.DataFrame:
    """The ``top`` authorities doing best against their context, readable for policy readers."""
    t = fit.table.head(top)
    yl = variable_label(fit.outcome)
    return pd.DataFrame({
        "Authority": t["name"], "Region": t["region"], "Rating": t["rating_label"],
        f"Actual {yl}": t["observed"], f"Expected {yl}": t["expected"],
        "Difference": t["residual"], "Expected range from": t["pi_low"],
        "Expected range to": t["pi_high"], "Stands out?": t["position"],
    })


def fit_text(fit: ExpectedFit, labels: Mapping[str, str] | None = None) -> Markdown:
    """How well context predicts the score, and which authorities stand out, in plain words."""
    yl = variable_label(fit.outcome, labels)
    preds = ", ".join(variable_label(p, labels) for p in fit.predictors)
    above = fit.table[fit.table["position"] == ABOVE]
    below = fit.table[fit.table["position"] == BELOW]
    best = fit.table.head(3)
    lead = "; ".join(f"{md_text(r.name)} ({r.observed:.0f} against {r.expected:.1f} expected)"
                     for r in best.itertuples())
    if above.empty:
        stand = (f"No authority's {yl} lies above the 95% range its context predicts; the three "
                 f"furthest above their prediction are {lead}.")
    else:
        stand = (f"{len(above)} {'authority lies' if len(above) == 1 else 'authorities lie'} above the "
                 f"95% range their context predicts ({', '.join(above['name'].map(md_text))}); the three furthest "
                 f"above their prediction are {lead}.")
    return Markdown(
        f"A straight-line model of {yl} on {preds} uses the {fit.n} authorities with every value known "
        f"({fit.n_missing} left out for a missing value). Together these measures account for "
        f"{fit.r2 * 100:.0f}% of the variation between authorities (adjusted R² {fit.r2_adj:.2f}), so most "
        f"of the difference between authorities lies elsewhere. {stand} {len(below)} "
        f"{'lies' if len(below) == 1 else 'lie'} below the range. A residual is a lead worth following up "
        "(what do these authorities do?), not proof of better practice: it also holds whatever the model "
        "leaves out, and chance."
    )
