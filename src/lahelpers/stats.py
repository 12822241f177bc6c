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
from scipy import special as spspecial
from scipy import stats as sps
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.weightstats import DescrStatsW
from statsmodels.tools.numdiff import approx_fprime

from lahelpers import framework, wording

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
    return framework.variable_label(col, labels)


def numeric(s: pd.Series) -> pd.Series:
    """A column as floats: ordered categoricals by category code (missing stays NaN)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        codes = s.cat.codes.astype(float)
        return codes.where(codes >= 0)
    return pd.to_numeric(s, errors="coerce").astype(float)


def _fmt_p(p: float) -> str:
    """p-value as words use it: 'p < 0.001' or 'p = 0.023' (:func:`lahelpers.wording.p_text`)."""
    return wording.p_text(p)


def _small(n: int) -> str:
    """The small-sample warning clause ('' when n is large enough)."""
    return wording.small(n)


def _frame(rows: list[dict]) -> pd.DataFrame:
    """Rows -> DataFrame with :data:`COLUMNS` first."""
    df = pd.DataFrame(rows)
    extra = [c for c in df.columns if c not in COLUMNS]
    return df[[*COLUMNS, *extra]]


def holm(p: pd.Series) -> pd.Series:
    """Holm-adjusted p-values over the p-values given, as one family (:func:`holm_adjust`, the
    numbers of statsmodels ``multipletests(method="holm")``); a missing p-value stays missing
    and is left out of the family."""
    out = pd.Series(np.nan, index=p.index, dtype=float)
    ok = p.notna()
    if ok.any():
        out[ok] = holm_adjust(p[ok].to_numpy(float))
    return out


def holm_adjust(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment of the p-values ``p`` (no NaN), by the same operations as
    statsmodels ``multipletests(p, method="holm")[1]``, so the same numbers.

    Why not call statsmodels: its Holm branch runs a full garbage collection (``gc.collect()``)
    on every call, which costs 0.1-0.2 s in a kernel holding pandas, altair and the data, and
    the pages adjust dozens of times.
    """
    p = np.asarray(p, float)
    order = np.argsort(p)
    adjusted = np.maximum.accumulate(p[order] * np.arange(len(p), 0, -1))
    adjusted[adjusted > 1] = 1
    out = np.empty_like(adjusted)
    out[order] = adjusted
    return out


def _pair_labels(results: pd.DataFrame, labels: Mapping[str, str] | None) -> list[str]:
    """'Outcome: predictor' in readable words, one per result row (names rows in charts)."""
    return [f"{_label(str(y), labels)}: {_label(str(x), labels)}"
            for x, y in zip(results["predictor"], results["outcome"], strict=True)]


def _bootstrap_ci(data: tuple, statistic, *, paired: bool, n_boot: int, seed: int | None,
                  vectorized: bool = False, estimate: float | None = None) -> tuple[float, float, str]:
    """95% bootstrap CI via scipy.stats.bootstrap: BCa, falling back to percentile when BCa is
    degenerate (e.g. a tiny or constant sample). Returns (low, high, method used).

    When ``estimate`` is given, an interval that does not contain it, or has no width, is not a
    usable interval (a statistic near a bound, or resamples that barely vary): the next method is
    tried, and if none gives a real interval around the estimate, NaN is returned with the reason.
    """
    def usable(lo: float, hi: float) -> bool:
        return estimate is None or wording.interval_ok(estimate, lo, hi)

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
        if np.isfinite(lo) and np.isfinite(hi) and usable(float(lo), float(hi)):
            return float(lo), float(hi), method
    # Small samples of tied scores (a region's QS8 scores, say) give some resamples with no
    # variation, whose statistic is undefined (NaN) and makes scipy's interval NaN. Drop those
    # resamples and take the percentile interval of the rest, saying so, if at least 90% remain.
    if res is not None:
        dist = np.asarray(res.bootstrap_distribution, float)
        ok = dist[np.isfinite(dist)]
        if len(ok) >= 0.9 * len(dist) and len(ok) > 0:
            lo, hi = np.percentile(ok, [2.5, 97.5])
            if usable(float(lo), float(hi)):
                return float(lo), float(hi), (f"percentile; {len(dist) - len(ok)} of {len(dist)} "
                                              "resamples undefined, dropped")
    return float("nan"), float("nan"), "none: no bootstrap interval around the estimate"


#: Resamples computed together by the index statistics: blocks of a few hundred keep the
#: temporary arrays small enough to stay in cache (2.5 times faster than all 2,000 at once); each
#: resample's value is computed alone either way, so the block size changes no number.
RESAMPLE_CHUNK = 256


def resample_counts(idx: np.ndarray, n: int) -> np.ndarray:
    """How often each of ``n`` observations appears in each resample: indices ``idx`` of shape
    (..., m) -> counts of shape (k, n), k the product of the leading dimensions (floats, exact)."""
    return _counts(idx, n).astype(float)


def _counts(idx: np.ndarray, n: int) -> np.ndarray:
    """:func:`resample_counts` as integers (int64): integer sums are exact in any order and
    integer running sums are several times faster than floating-point ones."""
    idx = np.asarray(idx).reshape(-1, np.shape(idx)[-1])
    k = idx.shape[0]
    flat = (idx + n * np.arange(k)[:, None]).ravel()
    return np.bincount(flat, minlength=k * n).reshape(k, n)


def _quadratic(w: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``w_r' M w_r`` for each row r of ``w`` (exact for integer counts and small integer M)."""
    return np.einsum("ij,ij->i", w @ m, w)


def _index_statistic(n: int, per_resample):
    """A vectorised statistic of resampled *indices* for :func:`_bootstrap_ci` with
    ``data=(np.arange(n),)``: scipy's paired bootstrap resamples exactly these indices from the
    same random stream, so the resamples (and BCa's jackknife) are the same as with
    ``paired=True``. ``per_resample(idx2d, counts)`` gets the indices as (k, m) and the integer
    counts as (k, n) and returns k values; the result takes the indices' leading shape."""
    def statistic(idx: np.ndarray, axis: int = -1) -> float | np.ndarray:
        idx = np.asarray(idx)
        flat = idx.reshape(-1, idx.shape[-1])
        parts = [per_resample(chunk, _counts(chunk, n))
                 for chunk in np.split(flat, range(RESAMPLE_CHUNK, len(flat), RESAMPLE_CHUNK))]
        out = np.concatenate(parts).reshape(idx.shape[:-1])
        return float(out) if out.ndim == 0 else out
    return statistic


#: Above this many distinct values, sums over groups of tied values are taken from running sums
#: (``np.add.reduceat`` is faster for a few groups, slower for many).
_FEW_GROUPS = 16


class _Ties:
    """The groups of tied values of ``v``: its sorted order and where each group starts in it.
    :meth:`sums` adds a (k, n) array, columns in that order, within each group (exact for
    integers); :meth:`ranks2` gives twice the average rank of each group in each resample."""

    def __init__(self, v: np.ndarray) -> None:
        self.order = np.argsort(v, kind="stable")
        vs = v[self.order]
        self.starts = np.flatnonzero(np.r_[True, vs[1:] != vs[:-1]])
        self.untied = len(self.starts) == len(v)
        self.ends = np.r_[self.starts[1:], len(v)] - 1  # last position of each group
        self.group = np.repeat(np.arange(len(self.starts)), np.diff(np.r_[self.starts, len(v)]))

    def sums(self, a: np.ndarray) -> np.ndarray:
        """Each group's sum of the columns of ``a`` (already in sorted order), (k, groups)."""
        if self.untied:
            return a
        if len(self.starts) <= _FEW_GROUPS:
            return np.add.reduceat(a, self.starts, axis=1)
        upto = np.take(np.cumsum(a, axis=1), self.ends, axis=1)  # running sums at group ends
        upto[:, 1:] -= upto[:, :-1]  # numpy buffers overlapping operands
        return upto

    @staticmethod
    def ranks2(t: np.ndarray) -> np.ndarray:
        """Twice each group's average rank from the groups' counts ``t`` (k, groups): values
        below it twice, plus its own count, plus 1 (the ranks run from below + 1 to below + t)."""
        return 2 * np.cumsum(t, axis=1) - t + 1


def spearman_from_indices(x: np.ndarray, y: np.ndarray):
    """Spearman's rho of ``x[i], y[i]`` for stacks of resampled indices ``i`` (an
    :func:`_index_statistic`): :func:`spearman_rho` of the resampled values, without sorting.

    A resample holds observation j w_j times, each with the same average rank (values below it,
    plus half its ties, plus 1/2). Spearman's rho is Pearson's r of those ranks:
    S_xy / sqrt(S_xx S_yy), the sums of products of the ranks around their mean (m + 1)/2.
    Each is computed in integers, so exactly, from the counts of each group of tied values t:
    S_xx = (m^3 - sum t^3) / 12 (the usual tie correction) and
    S_xy = (sum_j w_j (2 R_xj)(2 R_yj) - m (m + 1)^2) / 4, the inner sum taken over the groups of
    tied y (all of one group share its rank). The variable with more distinct values plays x.
    Exact integers make the result independent of the order of summation, so it is the same to
    the last bit as any exact computation (m^3 must stay below 2^53: m up to 200,000); only the
    last floating-point digits can differ from scipy's own arithmetic (tests compare the
    intervals on the real data). A resample with no variation gives NaN.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if len(np.unique(y)) > len(np.unique(x)):
        x, y = y, x  # symmetric: the finer variable is ranked observation by observation
    tx, ty = _Ties(x), _Ties(y)
    # y's order among x's sorted positions, for the products that need both
    y_in_x = np.argsort(tx.order)[ty.order]

    def per_resample(idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        m = idx.shape[1]
        wx = np.take(w, tx.order, axis=1)  # C order (w[:, order] is F order: slow sums)
        cx = tx.sums(wx)
        r2x = tx.ranks2(cx)
        if not tx.untied:
            r2x = np.take(r2x, tx.group, axis=1)
        cy = ty.sums(np.take(w, ty.order, axis=1))
        s4 = (ty.ranks2(cy) * ty.sums(np.take(wx * r2x, y_in_x, axis=1))).sum(axis=1)
        sxx = (m ** 3 - (cx * cx * cx).sum(axis=1)) / 12
        syy = (m ** 3 - (cy * cy * cy).sum(axis=1)) / 12
        sxy = (s4 - m * (m + 1) ** 2) / 4
        with np.errstate(divide="ignore", invalid="ignore"):
            r = sxy / np.sqrt(sxx * syy)
        return np.clip(r, -1.0, 1.0)
    return _index_statistic(len(x), per_resample)


def kendall_from_indices(x: np.ndarray, y: np.ndarray):
    """Kendall's tau-b of ``x[i], y[i]`` for stacks of resampled indices ``i`` (an
    :func:`_index_statistic`): the same numbers as ``scipy.stats.kendalltau`` on each resample.

    scipy counts, over pairs of positions, concordant minus discordant pairs and the pairs tied in
    x and in y, then tau-b = (C - D) / sqrt(tot - ties_x) / sqrt(tot - ties_y). With counts w of
    each authority in a resample those integers are exact: C - D is the quadratic form w'Sw (S
    the products of the pairs' signs), and the pairs tied in x are (sum t^2 - m)/2 over the
    counts t of each group of tied x values. So all resamples take one matrix product instead of
    one scipy call each; the final division is scipy's, so tau-b is the same to the last bit.
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    concordance = np.sign(x[:, None] - x[None, :]) * np.sign(y[:, None] - y[None, :])
    tx, ty = _Ties(x), _Ties(y)

    def per_resample(idx: np.ndarray, w: np.ndarray) -> np.ndarray:
        m = idx.shape[1]
        tot = m * (m - 1) // 2
        con_minus_dis = 0.5 * _quadratic(w.astype(float), concordance)
        cx, cy = tx.sums(np.take(w, tx.order, axis=1)), ty.sums(np.take(w, ty.order, axis=1))
        xtie = ((cx * cx).sum(axis=1) - m) // 2  # pairs of positions tied in x (not i with i)
        ytie = ((cy * cy).sum(axis=1) - m) // 2
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = con_minus_dis / np.sqrt(tot - xtie) / np.sqrt(tot - ytie)
        tau = np.minimum(1.0, np.maximum(-1.0, tau))
        return np.where((xtie == tot) | (ytie == tot), np.nan, tau)
    return _index_statistic(len(x), per_resample)


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
    """Rank correlation of ``x`` with ``y`` as a one-row table (:func:`_correlation_row`)."""
    return _frame([_correlation_row(df, x, y, method, n_boot, seed, labels=labels)])


_CORRELATIONS = {"spearman": (sps.spearmanr, "Spearman's rho"),
                 "kendall": (sps.kendalltau, "Kendall's tau-b")}


class _Pair:
    """One pair of columns prepared for a rank correlation: complete cases, scipy's estimate
    and p-value, and the resampled-index statistic for its interval (``stat``; None, with the
    reason in ``boot``, when no interval is computed)."""

    def __init__(self, df: pd.DataFrame, x: str, y: str, method: str) -> None:
        if method not in _CORRELATIONS:
            raise ValueError(f"method must be one of {sorted(_CORRELATIONS)}, got {method!r}")
        func, self.name = _CORRELATIONS[method]
        self.x, self.y = x, y
        xs, ys = numeric(df[x]).to_numpy(), numeric(df[y]).to_numpy()
        complete = ~(np.isnan(xs) | np.isnan(ys))
        self.n_missing = int((~complete).sum())
        xs, ys = xs[complete], ys[complete]
        self.n = n = len(xs)
        self.est = self.p = float("nan")
        if n >= 3 and len(np.unique(xs)) > 1 and len(np.unique(ys)) > 1:
            res = func(xs, ys)
            self.est, self.p = float(res.statistic), float(res.pvalue)
        self.stat = None
        self.boot = "none"
        if n < MIN_BOOTSTRAP_N:
            self.boot = f"not computed: fewer than {MIN_BOOTSTRAP_N} authorities"
        elif not np.isnan(self.est):
            # All resamples at once, from the resampled indices (the paired bootstrap's own
            # random stream): the same intervals as scipy's rank correlation on each resample.
            make = spearman_from_indices if method == "spearman" else kendall_from_indices
            self.stat = make(xs, ys)

    def row(self, n_boot: int, ci: tuple[float, float, str] | None,
            labels: Mapping[str, str] | None) -> dict:
        """The result row (:data:`COLUMNS`; ``outcome`` = y, ``predictor`` = x), with the
        interval ``ci`` (low, high, method) when one was computed."""
        est, p = self.est, self.p
        lo, hi, boot = ci if ci is not None else (float("nan"), float("nan"), self.boot)
        if np.isfinite(est):
            est, lo, hi = (float(v) for v in wording.clean([est, lo, hi]))
        row = {
            "outcome": self.y, "predictor": self.x, "n": self.n, "n_missing": self.n_missing,
            "estimate": est, "ci_low": lo, "ci_high": hi, "p_value": p,
            "method": f"{self.name}; bootstrap 95% CI ({boot}, {n_boot} resamples)",
            "claim": "association", "stat": self.name, "x_label": _label(self.x, labels),
            "y_label": _label(self.y, labels),
        }
        row["sentence"] = sentence(row)
        return row


def _index_intervals(pairs: Sequence[_Pair], n_boot: int,
                     seed: int | None) -> list[tuple[float, float, str] | None]:
    """The bootstrap interval of each pair (None where none is computed), as
    :func:`_bootstrap_ci` gives it pair by pair.

    With a seed, pairs with the same number of authorities share their resamples (the same n and
    seed draw the same indices), so they go to scipy's bootstrap together, as rows of one array:
    one draw, one jackknife and one vectorised BCa instead of one call per pair (~2-7 ms of
    scipy's own work each, dozens of pairs a page). Each row's interval is computed from its own
    values only, so it is the one its own call gives (a test compares them on the real data).
    A pair whose shared BCa interval is not finite takes the pair-by-pair route (percentile,
    then dropped undefined resamples), as before.
    """
    out: list[tuple[float, float, str] | None] = [None] * len(pairs)
    groups: dict[int, list[int]] = {}
    for i, pr in enumerate(pairs):
        if pr.stat is not None:
            groups.setdefault(pr.n if seed is not None else -1 - i, []).append(i)
    for members in groups.values():
        together = _bca_together([pairs[i] for i in members], n_boot, seed)
        for i, ci in zip(members, together, strict=True):
            out[i] = ci if ci is not None else _bootstrap_ci(
                (np.arange(pairs[i].n),), pairs[i].stat, paired=False, n_boot=n_boot, seed=seed,
                vectorized=True)
    return out


def _bca_together(pairs: Sequence[_Pair], n_boot: int,
                  seed: int | None) -> list[tuple[float, float, str] | None]:
    """BCa intervals of pairs with the same n from one ``scipy.stats.bootstrap`` call (see
    :func:`_index_intervals`): row r of the data holds pair r's indices offset by r n, so the
    statistic knows each row's pair; None for a pair without a finite interval."""
    if len(pairs) == 1:
        return [None]
    n = pairs[0].n
    stats_ = [pr.stat for pr in pairs]

    def statistic(idx: np.ndarray, axis: int = -1) -> np.ndarray:
        idx = np.asarray(idx)
        return np.stack([np.asarray(f(idx[r] - r * n)) for r, f in enumerate(stats_)])

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = sps.bootstrap((np.arange(len(pairs) * n).reshape(len(pairs), n),), statistic,
                                vectorized=True, axis=-1, n_resamples=n_boot,
                                confidence_level=0.95, method="BCa",
                                rng=np.random.default_rng(seed))
        except ValueError:
            return [None] * len(pairs)
    lo, hi = res.confidence_interval
    return [(float(a), float(b), "BCa") if np.isfinite(a) and np.isfinite(b) else None
            for a, b in zip(lo, hi, strict=True)]


def _correlation_row(
    df: pd.DataFrame,
    x: str,
    y: str,
    method: str = "spearman",
    n_boot: int = 2000,
    seed: int | None = 0,
    *,
    labels: Mapping[str, str] | None = None,
) -> dict:
    """Rank correlation of ``x`` with ``y``: Spearman's rho or Kendall's tau-b (scipy), with a
    95% bootstrap CI (scipy.stats.bootstrap over authorities, BCa) and scipy's p-value.

    With fewer than :data:`MIN_BOOTSTRAP_N` authorities the estimate is given without an interval
    (and the sentence says it is only a description). Returns one row (:data:`COLUMNS`;
    ``outcome`` = y, ``predictor`` = x) as a dict.
    """
    pr = _Pair(df, x, y, method)
    ci = None
    if pr.stat is not None:
        ci = _bootstrap_ci((np.arange(pr.n),), pr.stat, paired=False, n_boot=n_boot, seed=seed,
                           vectorized=True)
    return pr.row(n_boot, ci, labels)


def sentence(row: Mapping) -> str:
    """The sentence of one result row, from its numbers and its ``claim`` (the kind of claim), by
    the one :mod:`lahelpers.wording` function for that kind. Re-run after ``p_holm`` and
    ``family_n`` change (:func:`family`), so every sentence states the page's adjustment."""
    claim = row.get("claim")
    r = wording.Result.from_row(row)
    if claim == "association":
        return wording.association(r, row["x_label"], row["y_label"], row["stat"])
    if claim == "difference":
        return wording.difference(r, row["what"], row["a"], row["b"], stat=row["stat"],
                                  n_a=row.get("n_a"), n_b=row.get("n_b"))
    if claim == "group_test":
        return wording.group_test(r, row["y_label"], row["x_label"], int(row["k"]), row["stat_text"])
    if claim == "odds_ratio":
        alone = None
        if np.isfinite(row.get("alone_estimate", np.nan)):
            alone = wording.Result(estimate=row["alone_estimate"], ci_low=row["alone_ci_low"],
                                   ci_high=row["alone_ci_high"], p=row["alone_p"], null=1.0)
        return wording.odds_ratio(r, row["x_label"], row["y_label"], row["sd"],
                                  adjusted_for=row.get("adjusted_for", ""), vif=row.get("vif", np.nan),
                                  alone=alone)
    if claim == "mean":
        return wording.mean(r, row["y_label"])
    return str(row.get("sentence", ""))


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


def cliffs_delta_from_indices(a: np.ndarray, b: np.ndarray):
    """Cliff's delta of ``a[i], b[j]`` for stacks of resampled indices ``i`` of ``a`` and ``j``
    of ``b`` (a vectorised statistic for :func:`_bootstrap_ci` with
    ``data=(np.arange(len(a)), np.arange(len(b)))``, which resamples each group from the same
    random stream as the values themselves): the same numbers as :func:`cliffs_delta` of the
    resampled values.

    Mann-Whitney's U is the number of pairs with a > b plus half the tied pairs; with counts
    ``w_a``, ``w_b`` of each value in a resample it is ``w_a' G w_b`` (G = 1 where a_i > b_j,
    1/2 where equal), an exact half-integer, and delta = 2U/(m_a m_b) - 1 as before.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    greater = (a[:, None] > b[None, :]) + 0.5 * (a[:, None] == b[None, :])

    def statistic(ia: np.ndarray, ib: np.ndarray, axis: int = -1) -> float | np.ndarray:
        ia, ib = np.asarray(ia), np.asarray(ib)
        shape = np.broadcast_shapes(ia.shape[:-1], ib.shape[:-1])
        wa = resample_counts(np.broadcast_to(ia, (*shape, ia.shape[-1])), len(a))
        wb = resample_counts(np.broadcast_to(ib, (*shape, ib.shape[-1])), len(b))
        u = np.einsum("ij,ij->i", wa @ greater, wb)
        delta = (2 * u / (ia.shape[-1] * ib.shape[-1]) - 1).reshape(shape)
        return float(delta) if delta.ndim == 0 else delta
    return statistic


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
    pair_intervals: bool = True,
) -> pd.DataFrame:
    """Compare ``y`` across the groups of ``group``.

    First row: Kruskal-Wallis test (scipy) with effect size epsilon-squared and its bootstrap CI
    (``predictor`` = the group column, ``term`` = "all groups"). Then one row per pair of
    groups: Cliff's delta (first group vs second; positive = first higher) with a bootstrap CI,
    the Mann-Whitney p-value and a Holm-adjusted one (``p_holm``). Groups with no values are
    skipped. Extra columns: term, group_a, group_b, n_a, n_b, statistic, p_holm.
    ``pair_intervals=False`` skips the pairs' bootstrap intervals (NaN), for callers that keep
    only the first row (:func:`group_tests`); every other value is the same.
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
        eps = float(_epsilon_squared(*vals))
        h, p = float(kw.statistic), float(kw.pvalue)
    else:
        h = p = eps = float("nan")
    # Epsilon-squared is bounded at 0: its bootstrap interval collapses onto 0 or excludes the
    # estimate, so the test is worded without an interval.
    rows.append({
        "outcome": y, "predictor": group, "n": n, "n_missing": n_missing, "estimate": eps,
        "ci_low": float("nan"), "ci_high": float("nan"), "p_value": p,
        "method": "Kruskal-Wallis H; epsilon-squared (no interval: bounded at 0)",
        "claim": "group_test", "x_label": gl, "y_label": yl, "k": len(samples),
        "stat_text": (f"Kruskal-Wallis H = {wording.number(h)}; epsilon-squared "
                      f"{wording.number(eps)}, an effect size from 0 to 1 given without an interval "
                      "because it cannot fall below 0"),
        "term": "all groups", "group_a": None, "group_b": None, "n_a": None, "n_b": None,
        "statistic": h,
    })
    pair_rows = []
    for a, b in itertools.combinations(samples, 2):
        xa, xb = samples[a], samples[b]
        delta = float(cliffs_delta(xa, xb))
        mw = sps.mannwhitneyu(xa, xb, alternative="two-sided")
        lo, hi, boot = float("nan"), float("nan"), "not computed"
        if pair_intervals:
            lo, hi, boot = _bootstrap_ci((np.arange(len(xa)), np.arange(len(xb))),
                                         cliffs_delta_from_indices(xa, xb), paired=False,
                                         n_boot=n_boot, seed=seed, vectorized=True, estimate=delta)
        delta, lo, hi = (float(v) for v in wording.clean([delta, lo, hi]))
        pair_rows.append({
            "outcome": y, "predictor": group, "n": len(xa) + len(xb), "n_missing": n_missing,
            "estimate": delta, "ci_low": lo, "ci_high": hi, "p_value": float(mw.pvalue),
            "method": f"Cliff's delta (Mann-Whitney U); bootstrap 95% CI ({boot})",
            "claim": "difference", "what": yl, "a": a, "b": b, "stat": "Cliff's delta",
            "x_label": gl, "y_label": yl,
            "term": f"{a} vs {b}", "group_a": a, "group_b": b, "n_a": len(xa), "n_b": len(xb),
            "statistic": float(mw.statistic),
        })
    for r in rows + pair_rows:
        r["sentence"] = sentence(r)
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
    ``method``. A predictor whose interval has no finite bound (the ratings separated by the
    model's measures: :func:`_estimable`) gets no odds ratio, interval or p (NaN), and ``method``
    and its sentence say why. Returns one row per predictor; extra columns ``coef``, ``sd``,
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
    res = _fit_ordered(y, x)
    ci = res.conf_int(alpha=0.05)
    method = "ordered logit (statsmodels OrderedModel), predictors standardised (per 1 SD)"
    if dropped:
        method += f"; empty categories removed: {', '.join(map(str, dropped))}"
    if not res.mle_retvals.get("converged", True):
        method += "; WARNING: optimiser did not converge"
    if separated := [p for p in predictors if not _estimable(ci.loc[p])]:
        method += ("; no finite odds ratio for " + wording.listing(_label(q, labels) for q in separated)
                   + " (no finite 95% interval, as when the ratings line up almost perfectly with the "
                   "model's measures)")
    vifs = vif(x)
    rows = []
    for p in predictors:
        others = [_label(q, labels) for q in predictors if q != p]
        row = {
            "outcome": outcome, "predictor": p, "n": n, "n_missing": n_missing,
            **_odds_ratio(res, ci, p),
            "method": method, "claim": "odds_ratio", "x_label": _label(p, labels),
            "y_label": _label(outcome, labels), "adjusted_for": wording.listing(others),
            "vif": float(vifs[p]), "collinear": wording.collinear(vifs[p]),
            "coef": float(res.params[p]), "sd": float(sd[p]),
            "categories": " < ".join(map(str, y.cat.categories)),
        }
        if len(predictors) > 1:  # the one-at-a-time estimate, on the same authorities
            alone = _fit_ordered(y, x[[p]])
            row.update({f"alone_{'p' if k == 'p_value' else k}": v for k, v in
                        _odds_ratio(alone, alone.conf_int(alpha=0.05), p).items()})
        row["sentence"] = sentence(row)
        rows.append(row)
    return _frame(rows)


def _estimable(ci_row: pd.Series) -> bool:
    """Whether a fitted log odds ratio's 95% interval has finite bounds as an odds ratio.

    When the ratings are separated by a predictor (every higher value has a better rating, or
    nearly), the likelihood keeps rising as the coefficient grows: statsmodels stops somewhere
    huge and still reports convergence, with an interval from 0 to infinity. That number is
    an artefact of where the optimiser stopped, not an estimate, so it is not reported.
    """
    with np.errstate(over="ignore"):
        odds = np.exp(np.asarray(ci_row, float))
    return bool(np.all(np.isfinite(odds)) and np.all(odds > 0))


def _odds_ratio(res, ci: pd.DataFrame, p: str) -> dict[str, float]:
    """Odds ratio, its 95% interval and p for predictor ``p`` of a fitted ordered logit; all
    NaN when the interval has no finite bound (:func:`_estimable`), so no claim is made."""
    if not _estimable(ci.loc[p]):
        return {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan}
    return {"estimate": float(np.exp(res.params[p])), "ci_low": float(np.exp(ci.loc[p, 0])),
            "ci_high": float(np.exp(ci.loc[p, 1])), "p_value": float(res.pvalues[p])}


class OrderedLogit(OrderedModel):
    """statsmodels' ``OrderedModel(distr="logit")`` with the logistic cdf evaluated directly.

    ``scipy.stats.logistic.cdf`` is ``scipy.special.expit`` behind scipy's generic argument
    checks, which cost ~10 times the arithmetic; the optimiser evaluates the likelihood hundreds
    of times per model (numerical gradients and Hessian). ``expit`` gives the same numbers
    (loc 0 and scale 1 change nothing, +-inf give 1 and 0, NaN stays NaN), so the fit, its
    path and its results are the same.
    """

    def cdf(self, x):
        """The logistic cdf at ``x`` (``scipy.special.expit``)."""
        return spspecial.expit(x)

    def score(self, params):
        """The gradient of :meth:`loglike`, worked out analytically.

        statsmodels differentiates the log-likelihood numerically (2 evaluations per parameter,
        for every gradient BFGS asks for), which was most of the fitting time. For an
        observation in category j with bounds ``low = c_{j-1} - x'b`` and ``upp = c_j - x'b``,
        its term is log(F(upp) - F(low) + 1e-20) (statsmodels' own guard); with the logistic
        density f = F (1 - F): d/db = -x (f(upp) - f(low)) / prob, d/dc_j = f(upp) / prob,
        d/dc_{j-1} = -f(low) / prob. The thresholds are c_0 = t_0 and c_j = c_{j-1} +
        exp(t_j) (statsmodels' parameters t), so d/dt_l sums d/dc_j over j >= l, times exp(t_l)
        for l >= 1. A test checks it against statsmodels' numerical gradient; the fit then
        ends at the same optimum within the optimiser's tolerance.
        """
        params = np.asarray(params, float)
        k = self.k_levels - 1
        low, upp = self._bounds(params)
        cl, cu = spspecial.expit(low), spspecial.expit(upp)
        prob = np.maximum(cu - cl, 0) + 1e-20
        f_low, f_upp = cl * (1 - cl) / prob, cu * (1 - cu) / prob
        d_beta = -(f_upp - f_low) @ self.exog if self.exog is not None else np.empty(0)
        d_c = (np.bincount(self.endog + 1, weights=f_upp, minlength=k + 2)
               - np.bincount(self.endog, weights=f_low, minlength=k + 2))[1:-1]
        d_t = np.cumsum(d_c[::-1])[::-1] * np.r_[1.0, np.exp(params[-k:][1:])]
        return np.r_[d_beta, d_t]

    def hessian(self, params):
        """The Hessian of :meth:`loglike`: centred differences of the analytic :meth:`score`
        (2 scores per parameter), not statsmodels' second differences of the log-likelihood
        (~4 per pair of parameters); symmetrised."""
        h = approx_fprime(np.asarray(params, float), self.score, centered=True)
        return (h + h.T) / 2


def _fit_ordered(y: pd.Series, x: pd.DataFrame):
    """statsmodels' ordered logit of ``y`` on ``x`` (BFGS, warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return OrderedLogit(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)


def vif(x: pd.DataFrame) -> pd.Series:
    """Variance inflation factor of each predictor (statsmodels ``variance_inflation_factor``,
    with a constant): how much the variance of its coefficient is inflated because it moves with
    the others. 1 for a single predictor; :data:`lahelpers.wording.VIF_LIMIT` or more means its
    adjusted coefficient cannot be separated from the others'."""
    if x.shape[1] < 2:
        return pd.Series(1.0, index=x.columns)
    design = np.column_stack([np.ones(len(x)), x.to_numpy(float)])
    with warnings.catch_warnings(), np.errstate(divide="ignore"):
        warnings.simplefilter("ignore")
        vals = [float(variance_inflation_factor(design, i + 1)) for i in range(x.shape[1])]
    return pd.Series(vals, index=x.columns)


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
        row = {
            "outcome": c, "predictor": "", "n": n, "n_missing": n_missing, "estimate": mean,
            "ci_low": lo, "ci_high": hi, "p_value": float("nan"),
            "method": "mean with 95% t confidence interval", "claim": "mean",
            "y_label": _label(c, labels), "sd": sd,
        }
        row["sentence"] = sentence(row)
        rows.append(row)
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
    pairs = [_Pair(df, x, y, method) for y in outcomes for x in predictors]
    cis = _index_intervals(pairs, n_boot, seed)
    rows = [pr.row(n_boot, ci, labels) for pr, ci in zip(pairs, cis, strict=True)]
    if not rows:
        raise ValueError("give at least one predictor and one outcome")
    out = _frame(rows)  # one table from the rows (not one table per row, then joined)
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


def each_adjusted_for(
    df: pd.DataFrame,
    outcomes: Sequence[str],
    measures: Sequence[str],
    adjust_for: Sequence[str],
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One ordered-logit model per measure and outcome, each holding only ``adjust_for`` fixed
    (one measure per model), keeping the measure's row: when measures move together (unpaid care
    and disability), a model with all of them cannot tell them apart, while each beside the
    adjusters alone can be read. A measure that is itself an adjuster is modelled alone. Rows
    carry ``vif`` and the one-at-a-time estimate (:func:`ordinal_regression`)."""
    rows = []
    for y in outcomes:
        d = df.copy()
        d[y] = as_ordered(d[y])
        for m in measures:
            preds = [m, *(a for a in adjust_for if a != m)]
            res = ordinal_regression(d, y, preds, labels=labels)
            rows.append(res[res["predictor"] == m])
    if not rows:
        raise ValueError("give at least one outcome and one measure")
    out = pd.concat(rows, ignore_index=True)
    out["label"] = _pair_labels(out, labels)
    return out


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
    rows = [group_compare(df, group, y, n_boot=n_boot, seed=seed, labels=labels,
                          pair_intervals=False).iloc[[0]]  # the pairs' intervals are not kept
            for y in outcomes]
    if not rows:
        raise ValueError("give at least one outcome")
    return pd.concat(rows, ignore_index=True).drop(columns=["p_holm"])


def combine(*tables: pd.DataFrame) -> pd.DataFrame:
    """Several result tables as one family (:func:`family`), the tables named by position."""
    if not tables:
        raise ValueError("give at least one table")
    return family({f"table {i + 1}": t for i, t in enumerate(tables)})


def family(parts: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The tests of one page as one Holm family: ``parts`` maps a readable description of each set
    of tests (e.g. "correlations of % rural with the scores") to its result table.

    Returns the tables stacked, with ``part`` (the description), ``p_holm`` (Holm over every
    p-value in the family, statsmodels), ``family_n`` (how many tests that is) and every
    ``sentence`` re-worded so that "clear" means clear after this adjustment. Build it once per
    page, before the first table is shown, and show slices of it (:func:`parts`), so that every
    "survives adjustment" on the page refers to the same family (:func:`family_text` states it).
    """
    if not parts:
        raise ValueError("give at least one table")
    out = pd.concat([t.drop(columns=["p_holm", "family_n", "part"], errors="ignore").assign(part=name)
                     for name, t in parts.items()], ignore_index=True)
    out["p_holm"] = holm(out["p_value"])
    out["family_n"] = int(out["p_value"].notna().sum())
    out["sentence"] = [sentence(r) for r in out.to_dict("records")]
    return out


def parts(page: pd.DataFrame) -> list[pd.DataFrame]:
    """The tables of a :func:`family`, in the order given, each with its adjusted columns."""
    return [page[page["part"] == name].reset_index(drop=True) for name in page["part"].unique()]


def family_text(page: pd.DataFrame, outside: str = "") -> str:
    """One statement of what a page's Holm adjustment covers: 'the 23 tests on this page: 5 ...',
    and, when given, which other p-values the page shows (``outside``) that it does not cover."""
    n = int(page["family_n"].iloc[0]) if len(page) else 0
    counts = page.dropna(subset=["p_value"]).groupby("part", sort=False).size()
    listed = wording.listing(f"{k} {name}" for name, k in counts.items())
    return (f"**Allowing for many tests.** Every Holm-adjusted p-value and every result called "
            f"\"clear\" on this page allows for the {n} tests made here at once (Holm's method): "
            f"{listed}."
            + (f" The other p-values shown ({outside}) are not part of this family and nothing is "
               "claimed from them." if outside else ""))


def sign_flip_p(diff: np.ndarray, n_resamples: int = 9999, seed: int | None = 0) -> float:
    """Two-sided permutation p-value of a mean paired difference: under "no difference" each
    authority's difference is as likely to have either sign, so random sign flips give the null
    distribution of the mean (the paired permutation test of scipy.stats.permutation_test with
    ``permutation_type="samples"``, computed directly because scipy's is ~30x slower here)."""
    diff = np.asarray(diff, float)
    signs = np.random.default_rng(seed).choice([-1.0, 1.0], size=(n_resamples, len(diff)))
    null = np.abs((signs * diff).mean(axis=1))
    return float((1 + np.sum(null >= abs(diff.mean()) - 1e-12)) / (n_resamples + 1))


def paired_differences(
    df: pd.DataFrame,
    cols: Sequence[str],
    n_boot: int = 2000,
    seed: int | None = 0,
    *,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Every pair of ``cols`` (e.g. the 9 statements) compared on the same authorities: the mean
    of the paired differences (first minus second) with a paired bootstrap 95% CI
    (scipy.stats.bootstrap) and a sign-flip permutation test of the mean difference
    (:func:`sign_flip_p`), since two scores given to the same authorities are not
    independent and overlapping intervals of the two means say nothing about their difference.
    ``p_holm`` is Holm over the pairs; pass the table to :func:`family` to adjust over a page."""
    rows = []
    for a, b in itertools.combinations(cols, 2):
        d = pd.DataFrame({"a": numeric(df[a]), "b": numeric(df[b])})
        n_missing = int(d.isna().any(axis=1).sum())
        diff = (d["a"] - d["b"]).dropna().to_numpy()
        n = len(diff)
        est = lo = hi = p = float("nan")
        boot = "none"
        if n >= MIN_BOOTSTRAP_N and np.any(diff != 0):
            est = float(diff.mean())
            lo, hi, boot = _bootstrap_ci((diff,), lambda v, axis=-1: np.mean(v, axis=axis),
                                         paired=False, n_boot=n_boot, seed=seed, vectorized=True,
                                         estimate=est)
            p = sign_flip_p(diff, seed=seed)
        elif n:
            est = float(diff.mean())
        est, lo, hi = (float(v) for v in wording.clean([est, lo, hi]))
        row = {"outcome": a, "predictor": b, "n": n, "n_missing": n_missing, "estimate": est,
               "ci_low": lo, "ci_high": hi, "p_value": p,
               "method": f"paired difference in means; bootstrap 95% CI ({boot}); sign-flip permutation test",
               "claim": "difference", "what": "the mean score", "a": _label(a, labels), "b": _label(b, labels),
               "stat": "mean paired difference", "term": f"{a} vs {b}"}
        row["sentence"] = sentence(row)
        rows.append(row)
    if not rows:
        raise ValueError("give at least two columns")
    out = _frame(rows)
    out["p_holm"] = holm(out["p_value"])
    return out
