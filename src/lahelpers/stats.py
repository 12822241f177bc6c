"""Honest, tidy statistics for the notebooks: estimates with 95% CIs, n and missing, plain words.

Every function returns a tidy DataFrame with at least the columns :data:`COLUMNS`:
``outcome, predictor, n, n_missing, estimate, ci_low, ci_high, p_value, method, sentence``.
``sentence`` is one plain-English sentence stating the estimate and its CI, that it is an
association and not evidence of cause, and, when fewer than :data:`SMALL_N` authorities are
used, that the estimate is uncertain. Calculations are scipy's and statsmodels'; this module
only prepares the data and words the results.

Ordered categorical columns (the CQC rating) are used through their category codes
(0 = Inadequate ... 3 = Outstanding); missing values are dropped pairwise per analysis and
counted in ``n_missing``.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.weightstats import DescrStatsW

from lahelpers import framework

#: Columns every result table has, in this order (extra columns follow).
COLUMNS: tuple[str, ...] = (
    "outcome", "predictor", "n", "n_missing", "estimate", "ci_low", "ci_high", "p_value",
    "method", "sentence",
)
#: Below this many authorities a sentence warns that the estimate is uncertain.
SMALL_N = framework.SMALL_N
#: Below this many authorities no bootstrap interval is given: with so few, resamples repeat the
#: same handful of authorities and the interval would look far more certain than it is.
MIN_BOOTSTRAP_N = framework.MIN_BOOTSTRAP_N


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _label(col: str, labels: Mapping[str, str] | None) -> str:
    """Readable name of a column (labels, built-ins, load.variables(), else the name)."""
    from lahelpers.charts import variable_label  # late: keeps stats importable on its own

    return variable_label(col, labels)


def numeric(s: pd.Series) -> pd.Series:
    """A column as floats: ordered categoricals by category code (missing stays NaN)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.astype(float)
        return codes.where(codes >= 0)
    return pd.to_numeric(s, errors="coerce").astype(float)


def _fmt_p(p: float) -> str:
    """p-value as words use it: 'p < 0.001' or 'p = 0.023'."""
    if p is None or np.isnan(p):
        return "p not available"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _small(n: int) -> str:
    """The small-sample warning clause ('' when n is large enough)."""
    return f"; with only {n} authorities this estimate is uncertain" if n < SMALL_N else ""


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Rows -> DataFrame with :data:`COLUMNS` first."""
    df = pd.DataFrame(rows)
    extra = [c for c in df.columns if c not in COLUMNS]
    return df[[*COLUMNS, *extra]]


def holm(p: pd.Series) -> pd.Series:
    """Holm-adjusted p-values (statsmodels ``multipletests``) over the p-values given, as one
    family; a missing p-value stays missing and is left out of the family."""
    out = pd.Series(np.nan, index=p.index, dtype=float)
    ok = p.notna()
    if ok.any():
        out[ok] = multipletests(p[ok].to_numpy(float), method="holm")[1]
    return out


def _pair_labels(results: pd.DataFrame, labels: Mapping[str, str] | None) -> list[str]:
    """'Outcome: predictor' in readable words, one per result row (names rows in charts)."""
    return [f"{_label(str(y), labels)}: {_label(str(x), labels)}"
            for x, y in zip(results["predictor"], results["outcome"], strict=True)]


def _bootstrap_ci(data: tuple, statistic, *, paired: bool, n_boot: int, seed: int | None,
                  vectorized: bool = False) -> tuple[float, float, str]:
    """95% bootstrap CI via scipy.stats.bootstrap: BCa, falling back to percentile when BCa is
    degenerate (e.g. a tiny or constant sample). Returns (low, high, method used)."""
    res = None
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                res = sps.bootstrap(data, statistic, paired=paired, vectorized=vectorized,
                                    n_resamples=n_boot, confidence_level=0.95, method=method,
                                    rng=np.random.default_rng(seed))
            except ValueError:
                continue
        lo, hi = res.confidence_interval
        if np.isfinite(lo) and np.isfinite(hi):
            return float(lo), float(hi), method
    # Small samples of tied scores (a region's QS8 scores, say) give some resamples with no
    # variation, whose statistic is undefined (NaN) and makes scipy's interval NaN. Drop those
    # resamples and take the percentile interval of the rest, saying so, if at least 90% remain.
    if res is not None:
        dist = np.asarray(res.bootstrap_distribution, float)
        ok = dist[np.isfinite(dist)]
        if len(ok) >= 0.9 * len(dist) and len(ok) > 0:
            lo, hi = np.percentile(ok, [2.5, 97.5])
            return float(lo), float(hi), f"percentile; {len(dist) - len(ok)} of {len(dist)} resamples undefined, dropped"
    return float("nan"), float("nan"), "none"


# --------------------------------------------------------------------------------------------
# Correlation
# --------------------------------------------------------------------------------------------


def spearman_rho(a: np.ndarray, b: np.ndarray, axis: int = -1) -> float | np.ndarray:
    """Spearman's rho along ``axis``: Pearson's r of the (average) ranks, with scipy's
    ``rankdata`` and ``pearsonr``. Equals ``scipy.stats.spearmanr`` for one pair but works on a
    whole stack of bootstrap resamples at once; a resample with no variation gives NaN."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = sps.pearsonr(sps.rankdata(a, axis=axis), sps.rankdata(b, axis=axis), axis=axis).statistic
    return float(r) if np.ndim(r) == 0 else r


def correlation(
    df: pd.DataFrame,
    x: str,
    y: str,
    method: str = "spearman",
    n_boot: int = 2000,
    seed: int | None = 0,
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Rank correlation of ``x`` with ``y``: Spearman's rho or Kendall's tau-b (scipy), with a
    95% bootstrap CI (scipy.stats.bootstrap over authorities, BCa) and scipy's p-value.

    With fewer than :data:`MIN_BOOTSTRAP_N` authorities the estimate is given without an interval
    (and the sentence says it is only a description). Returns one row (:data:`COLUMNS`;
    ``outcome`` = y, ``predictor`` = x).
    """
    funcs = {"spearman": (sps.spearmanr, "Spearman's rho"),
             "kendall": (sps.kendalltau, "Kendall's tau-b")}
    if method not in funcs:
        raise ValueError(f"method must be one of {sorted(funcs)}, got {method!r}")
    func, name = funcs[method]
    pair = pd.DataFrame({"x": numeric(df[x]), "y": numeric(df[y])})
    n_missing = int(pair.isna().any(axis=1).sum())
    pair = pair.dropna()
    n = len(pair)
    est = p = lo = hi = float("nan")
    boot = "none"
    if n >= 3 and pair["x"].nunique() > 1 and pair["y"].nunique() > 1:
        res = func(pair["x"], pair["y"])
        est, p = float(res.statistic), float(res.pvalue)
    if n < MIN_BOOTSTRAP_N:
        boot = f"not computed: fewer than {MIN_BOOTSTRAP_N} authorities"
    elif not np.isnan(est):
        if method == "spearman":  # all resamples at once: same numbers, ~15x faster
            stat, vec = spearman_rho, True
        else:
            stat, vec = (lambda a, b: func(a, b).statistic), False
        lo, hi, boot = _bootstrap_ci((pair["x"].to_numpy(), pair["y"].to_numpy()), stat,
                                     paired=True, n_boot=n_boot, seed=seed, vectorized=vec)
    xl, yl = _label(x, labels), _label(y, labels)
    if np.isnan(est):
        sentence = (f"A {name} between {xl} and {yl} could not be estimated from {n} authorities "
                    f"with both values{_small(n)}.")
    elif np.isnan(lo) or np.isnan(hi):
        sentence = (f"Across only {n} authorities, {name} between {xl} and {yl} was {est:.2f} "
                    f"({_fmt_p(p)}), too few (or too alike) for a confidence interval: read it as a description, not "
                    "evidence of an association.")
    else:
        if lo > 0 or hi < 0:
            finding = f"higher {xl} went with {'higher' if est > 0 else 'lower'} {yl}"
        else:
            finding = f"{xl} showed no clear association with {yl}"
        sentence = (
            f"Across {n} authorities, {finding} ({name} {est:.2f}, 95% CI {lo:.2f} to {hi:.2f}, "
            f"{_fmt_p(p)}), an association rather than evidence that one causes the other"
            f"{_small(n)}."
        )
    return _frame([{
        "outcome": y, "predictor": x, "n": n, "n_missing": n_missing, "estimate": est,
        "ci_low": lo, "ci_high": hi, "p_value": p,
        "method": f"{name}; bootstrap 95% CI ({boot}, {n_boot} resamples)", "sentence": sentence,
    }])


# --------------------------------------------------------------------------------------------
# Group comparison
# --------------------------------------------------------------------------------------------


def cliffs_delta(a: np.ndarray, b: np.ndarray, axis: int = -1) -> float | np.ndarray:
    """Cliff's delta, P(a > b) - P(a < b), from scipy's Mann-Whitney U: 2U/(n_a n_b) - 1.

    It equals the rank-biserial correlation; +1 means every a exceeds every b. Vectorised
    along ``axis`` (as scipy.stats.bootstrap needs).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    u = sps.mannwhitneyu(a, b, alternative="two-sided", axis=axis).statistic
    delta = 2 * u / (a.shape[axis] * b.shape[axis]) - 1
    return float(delta) if np.ndim(delta) == 0 else delta


def _epsilon_squared(*samples: np.ndarray, axis: int = -1) -> float | np.ndarray:
    """Kruskal-Wallis effect size epsilon^2 = H / (n - 1) (Tomczak & Tomczak 2014),
    vectorised along ``axis``."""
    n = sum(np.asarray(s).shape[axis] for s in samples)
    eps = sps.kruskal(*samples, axis=axis).statistic / (n - 1)
    return float(eps) if np.ndim(eps) == 0 else eps


def group_compare(
    df: pd.DataFrame,
    group: str,
    y: str,
    n_boot: int = 2000,
    seed: int | None = 0,
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Compare ``y`` across the groups of ``group``.

    First row: Kruskal-Wallis test (scipy) with effect size epsilon-squared and its bootstrap CI
    (``predictor`` = the group column, ``term`` = "all groups"). Then one row per pair of
    groups: Cliff's delta (first group vs second; positive = first higher) with a bootstrap CI,
    the Mann-Whitney p-value and a Holm-adjusted one (``p_holm``). Groups with no values are
    skipped. Extra columns: term, group_a, group_b, n_a, n_b, statistic, p_holm.
    """
    d = pd.DataFrame({"g": df[group], "y": numeric(df[y])})
    n_missing = int(d.isna().any(axis=1).sum())
    d = d.dropna()
    if isinstance(df[group].dtype, pd.CategoricalDtype):
        order = [c for c in df[group].cat.categories if (d["g"] == c).any()]
    else:
        order = sorted(d["g"].unique(), key=str)
    samples = {str(g): d.loc[d["g"] == g, "y"].to_numpy() for g in order}
    if len(samples) < 2:
        raise ValueError(f"need at least 2 groups of {group!r} with values of {y!r}")
    n = len(d)
    gl, yl = _label(group, labels), _label(y, labels)
    rows = []
    vals = list(samples.values())
    if all(len(v) > 0 for v in vals) and d["y"].nunique() > 1:
        kw = sps.kruskal(*vals)
        eps = _epsilon_squared(*vals)
        lo, hi, boot = _bootstrap_ci(tuple(vals), _epsilon_squared, paired=False,
                                     n_boot=n_boot, seed=seed, vectorized=True)
        h, p = float(kw.statistic), float(kw.pvalue)
    else:
        h = p = eps = lo = hi = float("nan")
        boot = "none"
    rows.append({
        "outcome": y, "predictor": group, "n": n, "n_missing": n_missing, "estimate": eps,
        "ci_low": lo, "ci_high": hi, "p_value": p,
        "method": f"Kruskal-Wallis H; epsilon-squared with bootstrap 95% CI ({boot})",
        "sentence": (
            f"Across {n} authorities in {len(samples)} groups by {gl}, {yl} "
            f"{'differed between groups' if p < 0.05 else 'did not differ clearly between groups'}"
            f" (Kruskal-Wallis H = {h:.2f}, {_fmt_p(p)}; epsilon-squared {eps:.2f}, 95% CI "
            f"{lo:.2f} to {hi:.2f}), an association, not evidence that {gl} causes it{_small(n)}."
        ),
        "term": "all groups", "group_a": None, "group_b": None, "n_a": None, "n_b": None,
        "statistic": h,
    })
    pair_rows = []
    for a, b in itertools.combinations(samples, 2):
        xa, xb = samples[a], samples[b]
        delta = cliffs_delta(xa, xb)
        pval = float(sps.mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
        lo, hi, boot = _bootstrap_ci((xa, xb), cliffs_delta, paired=False, n_boot=n_boot,
                                     seed=seed, vectorized=True)
        npair = len(xa) + len(xb)
        pair_rows.append({
            "outcome": y, "predictor": group, "n": npair, "n_missing": n_missing,
            "estimate": delta, "ci_low": lo, "ci_high": hi, "p_value": pval,
            "method": f"Cliff's delta (Mann-Whitney U); bootstrap 95% CI ({boot})",
            "sentence": (
                f"{yl} in {a} ({len(xa)} authorities) was "
                f"{'higher' if delta > 0 else 'lower' if delta < 0 else 'no different'} than in "
                f"{b} ({len(xb)}) by Cliff's delta {delta:.2f} (95% CI {lo:.2f} to {hi:.2f}, "
                f"{_fmt_p(pval)}), an association, not a cause{_small(npair)}."
            ),
            "term": f"{a} vs {b}", "group_a": a, "group_b": b, "n_a": len(xa), "n_b": len(xb),
            "statistic": float(sps.mannwhitneyu(xa, xb, alternative="two-sided").statistic),
        })
    out = _frame(rows + pair_rows)
    out["p_holm"] = np.nan
    if pair_rows:
        out.loc[1:, "p_holm"] = holm(out.loc[1:, "p_value"])
    return out


# --------------------------------------------------------------------------------------------
# Ordinal regression
# --------------------------------------------------------------------------------------------


def ordinal_regression(
    df: pd.DataFrame,
    outcome: str,
    predictors: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Proportional-odds (ordered logit) model of an ordinal ``outcome`` (e.g. ``rating``) on
    ``predictors`` with statsmodels ``OrderedModel(distr="logit")``.

    Predictors are standardised (z-scores: minus the mean, divided by the standard deviation
    with ddof=1, over the authorities in the model) so each odds ratio is per 1 SD and they are
    comparable. Odds ratio > 1: higher values go with better ratings. Rows with the outcome or
    any predictor missing are dropped (counted in ``n_missing``). Outcome categories nobody has
    (e.g. no Inadequate among complete cases) are removed before fitting, and said in
    ``method``. Returns one row per predictor; extra columns ``coef``, ``sd``,
    ``categories``.
    """
    predictors = list(predictors)
    if not predictors:
        raise ValueError("give at least one predictor")
    y_raw = df[outcome]
    if not isinstance(y_raw.dtype, pd.CategoricalDtype) or not y_raw.cat.ordered:
        raise ValueError(f"{outcome!r} must be an ordered Categorical (e.g. framework.RATING_DTYPE)")
    d = pd.concat([y_raw.rename("_y"), *(numeric(df[p]).rename(p) for p in predictors)], axis=1)
    n_missing = int(d.isna().any(axis=1).sum())
    d = d.dropna()
    n = len(d)
    y = d["_y"].cat.remove_unused_categories()
    dropped = [c for c in y_raw.cat.categories if c not in y.cat.categories]
    if len(y.cat.categories) < 2:
        raise ValueError(f"{outcome!r} has fewer than 2 categories among the {n} complete rows")
    sd = d[predictors].std(ddof=1)
    if (flat := sd[~(sd > 0)].index.tolist()):
        raise ValueError(f"predictors with no variation among the {n} complete rows: {flat}")
    x = pd.DataFrame(sps.zscore(d[predictors], ddof=1), columns=predictors, index=d.index)
    model = OrderedModel(y, x, distr="logit")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = model.fit(method="bfgs", disp=False, maxiter=2000)
    ci = res.conf_int(alpha=0.05)
    method = "ordered logit (statsmodels OrderedModel), predictors standardised (per 1 SD)"
    if dropped:
        method += f"; empty categories removed: {', '.join(map(str, dropped))}"
    if not res.mle_retvals.get("converged", True):
        method += "; WARNING: optimiser did not converge"
    adj = " holding the other predictors fixed" if len(predictors) > 1 else ""
    rows = []
    for p in predictors:
        orr, lo, hi = np.exp(res.params[p]), np.exp(ci.loc[p, 0]), np.exp(ci.loc[p, 1])
        pval = float(res.pvalues[p])
        rows.append({
            "outcome": outcome, "predictor": p, "n": n, "n_missing": n_missing,
            "estimate": float(orr), "ci_low": float(lo), "ci_high": float(hi), "p_value": pval,
            "method": method,
            "sentence": (
                f"Across {n} authorities, each 1 standard deviation ({sd[p]:.3g}) higher "
                f"{_label(p, labels)} went with {orr:.2f} times the odds of a better "
                f"{_label(outcome, labels)} (odds ratio 95% CI {lo:.2f} to {hi:.2f}, "
                f"{_fmt_p(pval)}){adj}, an association, not evidence of cause{_small(n)}."
            ),
            "coef": float(res.params[p]), "sd": float(sd[p]),
            "categories": " < ".join(map(str, y.cat.categories)),
        })
    return _frame(rows)


# --------------------------------------------------------------------------------------------
# Means
# --------------------------------------------------------------------------------------------


def mean_ci(
    df: pd.DataFrame,
    cols: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Mean of each column with a 95% t confidence interval (statsmodels DescrStatsW), one row
    per column, e.g. each quality statement's national mean to find the weakest and strongest.

    ``predictor`` is empty (no predictor) and ``p_value`` NaN (no test); the sentence describes
    the authorities scored, and is not a claim about causes. Extra column ``sd``.
    """
    rows = []
    for c in cols:
        v = numeric(df[c])
        vals = v.dropna().to_numpy()
        n, n_missing = len(vals), int(v.isna().sum())
        mean = lo = hi = sd = float("nan")
        if n >= 2:
            ds = DescrStatsW(vals)
            mean, sd = float(ds.mean), float(np.std(vals, ddof=1))
            lo, hi = (float(b) for b in ds.tconfint_mean(alpha=0.05))
        elif n == 1:
            mean = float(vals[0])
        cl = _label(c, labels)
        rows.append({
            "outcome": c, "predictor": "", "n": n, "n_missing": n_missing, "estimate": mean,
            "ci_low": lo, "ci_high": hi, "p_value": float("nan"),
            "method": "mean with 95% t confidence interval",
            "sentence": (
                f"The mean {cl} across the {n} authorities with a value was {mean:.2f} "
                f"(95% CI {lo:.2f} to {hi:.2f}; {n_missing} missing), a description of these "
                f"authorities, not an explanation of why{_small(n)}."
            ),
            "sd": sd,
        })
    return _frame(rows)


# --------------------------------------------------------------------------------------------
# Families of correlations
# --------------------------------------------------------------------------------------------


def correlations(
    df: pd.DataFrame,
    predictors: Sequence[str],
    outcomes: Sequence[str],
    method: str = "spearman",
    n_boot: int = 2000,
    seed: int | None = 0,
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`correlation` for every predictor with every outcome, as one tidy table.

    Testing many pairs at once turns up some "significant" ones by chance, so the table adds
    ``p_holm``: the p-values adjusted for the whole family with Holm's method (statsmodels).
    ``label`` ("outcome: predictor", readable) names each pair for charts.
    A pair that could not be estimated keeps NaN there and is left out of the adjustment.
    """
    rows = [correlation(df, x, y, method=method, n_boot=n_boot, seed=seed, labels=labels)
            for y in outcomes for x in predictors]
    if not rows:
        raise ValueError("give at least one predictor and one outcome")
    out = pd.concat(rows, ignore_index=True)
    out["label"] = _pair_labels(out, labels)
    out["p_holm"] = holm(out["p_value"])
    return out


def correlation_by(
    df: pd.DataFrame,
    by: str,
    x: str,
    y: str,
    method: str = "spearman",
    n_boot: int = 1000,
    seed: int | None = 0,
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`correlation` of ``x`` with ``y`` within each group of ``by`` (e.g. each region).

    Groups are small (a region has 10 to 33 authorities, fewer with scores), so the per-group
    intervals are wide; the extra columns ``group`` and ``label`` (the group with its n, for
    charts) name the group and each sentence says where the estimate is uncertain. Groups are in
    sorted order.
    """
    rows = []
    for g in sorted(df[by].dropna().unique(), key=str):
        r = correlation(df[df[by] == g], x, y, method=method, n_boot=n_boot, seed=seed,
                        labels=labels)
        r.insert(len(COLUMNS), "group", str(g))
        r["label"] = f"{g} (n = {int(r['n'].iloc[0])})"
        r["sentence"] = f"{g}: " + r["sentence"]
        rows.append(r)
    if not rows:
        raise ValueError(f"no groups in column {by!r}")
    return pd.concat(rows, ignore_index=True)


def as_ordered(s: pd.Series) -> pd.Series:
    """An outcome as an ordered Categorical for :func:`ordinal_regression`: an ordered
    Categorical (the rating) is kept; numeric scores (a quality statement's 1-4) become ordered
    categories of their distinct values, lowest first."""
    if isinstance(s.dtype, pd.CategoricalDtype) and s.cat.ordered:
        return s
    v = pd.to_numeric(s, errors="coerce")
    levels = sorted(v.dropna().unique())
    return pd.Series(pd.Categorical(v, categories=levels, ordered=True), index=s.index, name=s.name)


def ordinal_regressions(
    df: pd.DataFrame,
    outcomes: Sequence[str],
    predictors: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """:func:`ordinal_regression` of each outcome on the same predictors, one table.

    Quality statement scores (1-4) are ordinal, not interval, so they are modelled like the
    rating (:func:`as_ordered`); odds ratio > 1 means higher values of the predictor went with
    higher scores. Each outcome uses its own complete cases (``n`` differs between outcomes).
    ``label`` ("outcome: predictor") names each row for charts.
    """
    out = []
    for y in outcomes:
        d = df.copy()
        d[y] = as_ordered(d[y])
        out.append(ordinal_regression(d, y, predictors, labels=labels))
    if not out:
        raise ValueError("give at least one outcome")
    res = pd.concat(out, ignore_index=True)
    res["label"] = _pair_labels(res, labels)
    return res


def group_tests(
    df: pd.DataFrame,
    group: str,
    outcomes: Sequence[str],
    n_boot: int = 2000,
    seed: int | None = 0,
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The overall Kruskal-Wallis row of :func:`group_compare` for each outcome: do the groups
    differ at all on the rating, the overall % and each statement? (Pairs: call
    :func:`group_compare` for the outcome of interest.)"""
    rows = [group_compare(df, group, y, n_boot=n_boot, seed=seed, labels=labels).iloc[[0]]
            for y in outcomes]
    if not rows:
        raise ValueError("give at least one outcome")
    return pd.concat(rows, ignore_index=True).drop(columns=["p_holm"])


def combine(*tables: pd.DataFrame) -> pd.DataFrame:
    """Several result tables as one family, with ``p_holm`` recomputed over all of its tests.

    A report's conclusions rest on every test it made, so "What this shows" should allow for all
    of them at once, not table by table. Rows without a p-value keep NaN.
    """
    if not tables:
        raise ValueError("give at least one table")
    out = pd.concat([t.drop(columns=["p_holm"], errors="ignore") for t in tables], ignore_index=True)
    out["p_holm"] = holm(out["p_value"])
    return out
