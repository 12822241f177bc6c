"""The faster implementations (issue 16) against the ones they replaced, on the real data.

Each test runs the old way (written out here as it was: scipy's statistic on every resample,
statsmodels' Holm and ordered logit as they come) and the new way with the same seed, and
compares. Where the new way does the same arithmetic, the numbers must be equal to the last bit;
Spearman's rho is the one statistic now computed by a different formula (weighted ranks instead
of sorting each resample), so its intervals may differ in the last floating-point digits only:
tolerance 1e-12 (a correlation is shown to 2 decimals). p-values are computed as before and must
be equal. Speed is measured by ``benchmarks/bench_run.py``, never here.
"""

from __future__ import annotations

import itertools
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.stats.multitest import multipletests

from lahelpers import load, measures, profile, stats, wording

#: The one tolerance: Spearman intervals, computed by a different formula (see the docstring).
SPEARMAN_TOL = 1e-12
CONTEXT = ["imd2025_score", "pct_ethnic_minority", "pct_unpaid_care", "pct_disabled", "pct_rural"]


@pytest.fixture(scope="module")
def real(built: Path) -> pd.DataFrame:
    return measures.with_rates(load.authorities())


def _old_ci(df: pd.DataFrame, x: str, y: str, statistic, vectorized: bool,
            n_boot: int = 2000, seed: int = 0) -> tuple[float, float, str]:
    """The interval as it was computed: scipy's paired bootstrap over the values."""
    pair = pd.DataFrame({"x": stats.numeric(df[x]), "y": stats.numeric(df[y])}).dropna()
    return stats._bootstrap_ci((pair["x"].to_numpy(), pair["y"].to_numpy()), statistic,
                               paired=True, n_boot=n_boot, seed=seed, vectorized=vectorized)


def _new_ci(df: pd.DataFrame, x: str, y: str, method: str, n_boot: int = 2000,
            seed: int = 0) -> tuple[float, float, str]:
    """The interval as it is now computed, before rounding near zero."""
    pair = pd.DataFrame({"x": stats.numeric(df[x]), "y": stats.numeric(df[y])}).dropna()
    make = stats.spearman_from_indices if method == "spearman" else stats.kendall_from_indices
    return stats._bootstrap_ci((np.arange(len(pair)),), make(pair["x"].to_numpy(), pair["y"].to_numpy()),
                               paired=False, n_boot=n_boot, seed=seed, vectorized=True)


# ------------------------------------------------------------------------------ unit: no data


def test_holm_equals_statsmodels_exactly():
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 40):
        p = rng.uniform(0, 0.4, n)
        p[: n // 3] = p[0]  # ties
        assert np.array_equal(stats.holm_adjust(p), multipletests(p, method="holm")[1])
    p = pd.Series([0.01, np.nan, 0.04, 0.5, 0.02])
    got = stats.holm(p)
    assert np.isnan(got[1])
    assert np.array_equal(got.dropna().to_numpy(), multipletests(p.dropna(), method="holm")[1])


def test_index_statistics_equal_scipy_on_resamples():
    rng = np.random.default_rng(2)
    x = rng.integers(1, 5, 40).astype(float)  # tied scores
    y = np.round(rng.normal(size=40), 1)
    idx = rng.integers(0, 40, (50, 40))
    tau = stats.kendall_from_indices(x, y)(idx)
    assert np.array_equal(tau, [sps.kendalltau(x[i], y[i]).statistic for i in idx])
    rho = stats.spearman_from_indices(x, y)(idx)
    assert np.allclose(rho, stats.spearman_rho(x[idx], y[idx]), rtol=0, atol=SPEARMAN_TOL)
    a, b = x[:25], y[25:]
    ia, ib = rng.integers(0, 25, (50, 25)), rng.integers(0, 15, (50, 15))
    assert np.array_equal(stats.cliffs_delta_from_indices(a, b)(ia, ib),
                          stats.cliffs_delta(a[ia], b[ib]))
    assert np.isnan(stats.kendall_from_indices(x, y)(np.zeros((1, 40), int)))[0]


def _spearman_by_ranked_counts(x: np.ndarray, y: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Spearman's rho of each resample as ``stats.spearman_from_indices`` computed it before
    3 December 2026 (the first vectorised version, written out here): each observation's average
    rank from floating-point running counts, then the count-weighted correlation of the ranks."""
    def group_ranks(v: np.ndarray):
        order = np.argsort(v, kind="stable")
        vs = v[order]
        first, last = np.searchsorted(vs, v, side="left"), np.searchsorted(vs, v, side="right")

        def ranks(w: np.ndarray) -> np.ndarray:
            upto = np.zeros((len(w), len(v) + 1))
            np.cumsum(w[:, order], axis=1, out=upto[:, 1:])
            return (upto[:, first] + upto[:, last] + 1) / 2
        return ranks

    rank_x, rank_y = group_ranks(np.asarray(x, float)), group_ranks(np.asarray(y, float))
    w = stats.resample_counts(idx, len(x))
    centre = (idx.shape[-1] + 1) / 2
    dx, dy = rank_x(w) - centre, rank_y(w) - centre
    with np.errstate(divide="ignore", invalid="ignore"):
        r = (w * dx * dy).sum(axis=1) / np.sqrt((w * dx * dx).sum(axis=1) * (w * dy * dy).sum(axis=1))
    return np.clip(r, -1.0, 1.0)


def _tie_patterns(rng: np.random.Generator, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs with every kind of ties: none, a few groups (scores 1-4, below
    ``stats._FEW_GROUPS``), many groups (rounded values), and a constant column."""
    cont = rng.normal(size=n)
    scores = rng.integers(1, 5, n).astype(float)
    rounded = np.round(rng.normal(size=n) * 4)  # ~25 distinct values: many groups, with ties
    return [(cont, scores), (scores, cont), (cont, rng.normal(size=n)), (rounded, scores),
            (rounded, np.round(cont * 3)), (scores, rng.integers(1, 4, n).astype(float)),
            (cont, np.ones(n))]


def test_spearman_from_counts_equals_the_ranked_version_exactly():
    """The integer formula (tie-corrected sums of squares, products summed over the groups of
    tied y) gives the same numbers, to the last bit, as the ranked counts did."""
    rng = np.random.default_rng(7)
    for n in (5, 12, 40, 130):
        for x, y in _tie_patterns(rng, n):
            idx = rng.integers(0, n, (600, n))  # more than one block of RESAMPLE_CHUNK
            jackknife = np.array([np.delete(np.arange(n), i) for i in range(n)])
            new = stats.spearman_from_indices(x, y)
            for ii in (idx, jackknife, np.arange(n)[None, :]):
                assert np.array_equal(new(ii), _spearman_by_ranked_counts(x, y, ii), equal_nan=True)
    x, y = _tie_patterns(rng, 30)[0]
    assert np.isnan(stats.spearman_from_indices(x, y)(np.zeros((1, 30), int)))[0]  # one value


def test_kendall_from_counts_equals_scipy_with_every_kind_of_ties():
    rng = np.random.default_rng(8)
    for n in (6, 45):
        for x, y in _tie_patterns(rng, n):
            idx = rng.integers(0, n, (40, n))
            got = stats.kendall_from_indices(x, y)(idx)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want = [sps.kendalltau(x[i], y[i]).statistic for i in idx]
            assert np.array_equal(got, want, equal_nan=True)


def test_charts_import_skips_only_the_iri_grammar():
    code = ("import sys, lahelpers.charts, jsonschema, altair as alt\n"
            "print('rfc3987_syntax' in sys.modules)\n"
            "checks = jsonschema.Draft7Validator.FORMAT_CHECKER.checkers\n"
            "print('uri' in checks, 'uri-reference' in checks, 'iri' in checks)\n"
            "try:\n"
            "    alt.Chart().mark_point().encode(x='a:Q').properties(width='wide').to_dict()\n"
            "    print('not validated')\n"
            "except Exception:\n"
            "    print('validated')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "True", "False", "validated"]


# ------------------------------------------------------------------------------ real data


@pytest.mark.parametrize("y", ["qs3", "overall_pct"])
def test_kendall_intervals_identical(real, y):
    for x in CONTEXT[:3]:
        old = _old_ci(real, x, y, lambda a, b: sps.kendalltau(a, b).statistic, vectorized=False)
        assert _new_ci(real, x, y, "kendall") == old


def test_spearman_intervals_within_rounding(real):
    pairs = [(x, y) for x in CONTEXT for y in ["qs3", "qs8", "overall_pct", "rating"]]
    here = real[real["region"] == "London"]  # a small group, with ties
    for df, (x, y) in [*((real, p) for p in pairs), (here, ("imd2025_score", "overall_pct"))]:
        old = _old_ci(df, x, y, stats.spearman_rho, vectorized=True,
                      n_boot=2000 if df is real else 1000)
        new = _new_ci(df, x, y, "spearman", n_boot=2000 if df is real else 1000)
        assert new[2] == old[2]
        assert np.allclose(new[:2], old[:2], rtol=0, atol=SPEARMAN_TOL, equal_nan=True)
    row = stats.correlation(real, "imd2025_score", "qs3").iloc[0]
    d = real[["imd2025_score", "qs3"]].dropna()
    assert row["p_value"] == sps.spearmanr(d["imd2025_score"], d["qs3"]).pvalue


def test_spearman_resamples_identical_to_the_ranked_version(real):
    """Every correlation pair of the four pages: each resample's rho is the same to the last bit
    as the ranked-counts version gave (so every interval is unchanged)."""
    market = measures.available(real, measures.market_measures(load.variables()),
                                outcomes=["qs8", "qs4", "overall_pct"])
    xs = [*CONTEXT, "imd2019_score", "pct_unpaid_care_20h", *measures.WORKFORCE, *market]
    for x in xs:
        for y in ["qs3", "qs8", "qs4", "overall_pct", "rating"]:
            pair = pd.DataFrame({"x": stats.numeric(real[x]), "y": stats.numeric(real[y])}).dropna()
            a, b, n = pair["x"].to_numpy(), pair["y"].to_numpy(), len(pair)
            idx = np.random.default_rng(0).integers(0, n, (2000, n))
            assert np.array_equal(stats.spearman_from_indices(a, b)(idx),
                                  _spearman_by_ranked_counts(a, b, idx), equal_nan=True), (x, y)


def test_group_comparison_intervals_identical(real):
    for y in ["overall_pct", "qs1", "qs4", "rating"]:
        d = pd.DataFrame({"g": real["rural_class"], "y": stats.numeric(real[y])}).dropna()
        groups = [d.loc[d["g"] == c, "y"].to_numpy() for c in real["rural_class"].cat.categories]
        new = stats.group_compare(real, "rural_class", y).iloc[1:]
        for (xa, xb), (_, row) in zip(itertools.combinations(groups, 2), new.iterrows(), strict=True):
            delta = float(stats.cliffs_delta(xa, xb))
            lo, hi, _ = stats._bootstrap_ci((xa, xb), stats.cliffs_delta, paired=False, n_boot=2000,
                                            seed=0, vectorized=True, estimate=delta)
            old = wording.clean([delta, lo, hi])
            assert [row["estimate"], row["ci_low"], row["ci_high"]] == list(old)


#: The ordered logit's fits, with the analytic gradient, against statsmodels' own (numerical
#: gradient and Hessian): the optimiser stops within its tolerance of the same optimum, so the
#: numbers agree to about 1e-6 (observed: odds ratios 2e-9, intervals and p-values 2e-6, relative).
ORDERED_LOGIT_RTOL = 1e-5


def test_ordered_logit_score_is_the_gradient_of_its_likelihood():
    """Unit, no data: the analytic score equals statsmodels' numerical gradient of loglike,
    at random parameters, for 3 and 4 ordered categories with tied and untied predictors."""
    from statsmodels.tools.numdiff import approx_fprime, approx_hess

    rng = np.random.default_rng(7)
    for levels in (3, 4):
        n = 60
        x = pd.DataFrame({"a": rng.normal(size=n), "b": rng.integers(0, 3, n).astype(float)})
        y = pd.Series(pd.Categorical(rng.integers(0, levels, n), ordered=True))
        model = stats.OrderedLogit(y, x, distr="logit")
        for _ in range(3):
            params = rng.normal(size=len(model.start_params)) * 0.7
            numerical = approx_fprime(params, model.loglike, centered=True)
            np.testing.assert_allclose(model.score(params), numerical, rtol=1e-6, atol=1e-6)
            hess = model.hessian(params)
            np.testing.assert_allclose(hess, hess.T)
            # statsmodels' second differences of loglike, which it replaces
            np.testing.assert_allclose(hess, approx_hess(params, model.loglike), rtol=1e-4,
                                       atol=1e-4)


@pytest.mark.parametrize(("outcomes", "predictors"), [
    (["qs8", "qs4", "rating"], [*measures.WORKFORCE, "imd2025_score", "pct_rural"]),  # 04
    (["rating", "qs1", "qs2", "qs4"], ["pct_rural", "imd2025_score", "pct_65plus"]),  # 02
], ids=["workforce", "rural_urban"])
def test_ordered_logit_within_optimiser_tolerance(real, monkeypatch, outcomes, predictors):
    def old_fit(y, x):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return OrderedModel(y, x, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)

    cols = ["estimate", "ci_low", "ci_high", "p_value", "coef", "alone_estimate", "alone_p"]
    new = stats.ordinal_regressions(real, outcomes, predictors)
    monkeypatch.setattr(stats, "_fit_ordered", old_fit)
    old = stats.ordinal_regressions(real, outcomes, predictors)
    pd.testing.assert_frame_equal(new[cols], old[cols], check_exact=False, rtol=ORDERED_LOGIT_RTOL,
                                  atol=0)
    # what a reader sees is the same: the sentences, and every number as the pages print it
    assert new["sentence"].tolist() == old["sentence"].tolist()
    for c in ["estimate", "ci_low", "ci_high"]:
        assert [wording.number(v) for v in new[c]] == [wording.number(v) for v in old[c]]
    assert new[["n", "n_missing", "vif"]].equals(old[["n", "n_missing", "vif"]])


def test_region_comparison_same_as_fresh_draws(real, monkeypatch):
    new = profile.compare_with_rest(real, "North East")
    monkeypatch.setattr(profile, "_permutations", profile._permutations.__wrapped__)
    old = profile.compare_with_rest(real, "North East")
    pd.testing.assert_frame_equal(new, old, check_exact=True)
    assert not profile._permutations(5, 20, 0).flags.writeable


def test_shared_peer_space_answers_like_fresh_calls(real):
    from lahelpers import peers

    space = peers.PeerSpace(real)
    for code in real.loc[real["region"] == "London", "code"]:
        try:
            fresh = peers.nearest_peers(real, code)
        except ValueError as err:
            with pytest.raises(ValueError, match=str(err)[:30]):
                space.nearest(code)
            continue
        shared = space.nearest(code)
        pd.testing.assert_frame_equal(shared, fresh, check_exact=True)
        assert shared.attrs["n_candidates"] == fresh.attrs["n_candidates"]


@pytest.mark.parametrize("method", ["spearman", "kendall"])
def test_correlation_table_same_as_joined_rows(real, method):
    """correlations() builds one table from all its rows, bootstrapping pairs with the same n in
    one scipy call; before, it joined one-row tables, one bootstrap each. The care-market pairs
    (60, in 19 groups of equal n) are the page's largest family."""
    market = measures.available(real, measures.market_measures(load.variables()),
                                outcomes=["qs8", "qs4", "overall_pct"])
    xs = ["turnover_rate", "sfc_vacancy_rate", "pct_rural", *market]
    ys = ["qs8", "overall_pct", "rating"]
    new = stats.correlations(real, xs, ys, method=method, n_boot=2000)
    assert new["n"].duplicated().sum() > 20  # many pairs shared their resamples
    old = pd.concat([stats.correlation(real, x, y, method=method, n_boot=2000)
                     for y in ys for x in xs], ignore_index=True)
    old["label"] = stats._pair_labels(old, None)
    old["p_holm"] = stats.holm(old["p_value"])
    pd.testing.assert_frame_equal(new, old, check_exact=True)


def test_pairs_bootstrapped_together_equal_one_by_one():
    """Unit, no data: pairs with the same n share one scipy bootstrap call, and each interval
    is the one its own call gives, to the last bit; a pair whose shared BCa interval is not
    finite (a nearly constant column) falls back to the pair-by-pair route, as before."""
    rng = np.random.default_rng(11)
    n = 40
    df = pd.DataFrame({
        "a": rng.normal(size=n), "b": rng.integers(1, 5, n).astype(float),
        "c": np.r_[np.ones(n - 2), 2.0, 3.0],  # 38 equal values: many resamples constant
        "y": rng.normal(size=n), "z": rng.integers(1, 5, n).astype(float),
    })
    df.loc[:4, "z"] = np.nan  # a different n for the pairs with z
    xs, ys = ["a", "b", "c"], ["y", "z"]
    together = stats.correlations(df, xs, ys, n_boot=500)
    one_by_one = pd.concat([stats.correlation(df, x, y, n_boot=500) for y in ys for x in xs],
                           ignore_index=True)
    cols = ["n", "estimate", "ci_low", "ci_high", "p_value", "method", "sentence"]
    pd.testing.assert_frame_equal(together[cols], one_by_one[cols], check_exact=True)
    assert together["n"].tolist() == [40, 40, 40, 35, 35, 35]
    assert "BCa" not in together.loc[together["predictor"] == "c", "method"].iloc[0]


def test_group_tests_same_without_the_pairs_intervals(real):
    """group_tests() no longer bootstraps intervals for the pair rows it drops."""
    outcomes = ["rating", "overall_pct", "qs1"]
    new = stats.group_tests(real, "rural_class", outcomes)
    old = pd.concat([stats.group_compare(real, "rural_class", y).iloc[[0]] for y in outcomes],
                    ignore_index=True).drop(columns=["p_holm"])
    pd.testing.assert_frame_equal(new, old, check_exact=True)
