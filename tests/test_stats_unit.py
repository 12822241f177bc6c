"""Unit tests of lahelpers.stats on tiny data written here, each answer known independently:
worked by hand (Holm, Cliff's delta by counting pairs, epsilon squared from the H formula, VIF
from 1/(1 - R^2), the t interval, sign-flip p-values by enumerating every sign pattern), or from
scipy/statsmodels/numpy called directly. Never through the function under test. Fast: bootstraps
use 99-199 resamples.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps
from statsmodels.miscmodels.ordinal_model import OrderedModel
from statsmodels.tools.numdiff import approx_fprime, approx_hess3

from lahelpers import stats, wording

LABELS = {"x": "Share X", "y": "Score Y", "z": "Share Z", "g": "Group G", "a": "QA", "b": "QB",
          "c": "QC", "r": "Rating R"}


def _holm_by_hand(p: list[float]) -> list[float]:
    """Holm's step-down written out: the i-th smallest of m p-values times (m - i), each at least
    the one before it, capped at 1, back in the original order."""
    m = len(p)
    out, running = [0.0] * m, 0.0
    for i, j in enumerate(sorted(range(m), key=lambda k: p[k])):
        running = max(running, p[j] * (m - i))
        out[j] = min(running, 1.0)
    return out


def _brute_delta(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    """Cliff's delta by counting: the mean sign of every cross-pair difference (vectorised)."""
    return np.sign(a[..., :, None] - b[..., None, :]).mean(axis=(-1, -2))


# ------------------------------------------------------------------------------------ Holm


def test_holm_adjust_by_hand() -> None:
    # sorted 0.01, 0.03, 0.04 times 3, 2, 1 = 0.03, 0.06, 0.04; step-down max -> 0.03, 0.06, 0.06
    assert stats.holm_adjust(np.array([0.01, 0.04, 0.03])) == pytest.approx([0.03, 0.06, 0.06])
    # 0.2*3 = 0.6, 0.4*2 = 0.8, 0.5*1 = 0.5 -> 0.8 (monotone)
    assert stats.holm_adjust(np.array([0.4, 0.5, 0.2])) == pytest.approx([0.8, 0.8, 0.6])
    # 0.6*2 = 1.2 capped at 1; 0.7 raised to the running maximum, capped at 1
    assert stats.holm_adjust(np.array([0.7, 0.6])).tolist() == [1.0, 1.0]
    # 0.3*3 = 0.9, 0.45*2 = 0.9, 0.95: nothing above 1, nothing capped
    assert stats.holm_adjust(np.array([0.45, 0.3, 0.95])) == pytest.approx([0.9, 0.9, 0.95])
    assert stats.holm_adjust([0.02]).tolist() == [0.02]


def test_holm_series_keeps_index_and_missing() -> None:
    p = pd.Series([0.04, np.nan, 0.01, 0.03], index=["w", "x", "y", "z"])
    out = stats.holm(p)
    assert list(out.index) == ["w", "x", "y", "z"] and out.dtype == float
    assert np.isnan(out["x"])
    assert out[["w", "y", "z"]].tolist() == pytest.approx([0.06, 0.03, 0.06])
    none = stats.holm(pd.Series([np.nan, np.nan], index=[3, 4]))
    assert none.isna().all() and list(none.index) == [3, 4] and none.dtype == float


# ------------------------------------------------------------------------------------ helpers


def test_fmt_p_small_and_label() -> None:
    assert stats._fmt_p(0.0004) == "p < 0.001"
    assert stats._fmt_p(0.0234) == "p = 0.023"
    assert stats._small(5) == "; with only 5 authorities this estimate is uncertain"
    assert stats._small(stats.SMALL_N) == ""
    assert stats._label("x", LABELS) == "Share X"
    assert stats._label("not_a_column_anywhere", None) == "not_a_column_anywhere"


def test_numeric_uses_category_codes_and_coerces() -> None:
    cat = pd.Series(pd.Categorical(["b", None, "a", "c"], categories=["a", "b", "c"], ordered=True))
    out = stats.numeric(cat)
    assert out.dtype == float and out.iloc[[0, 2, 3]].tolist() == [1.0, 0.0, 2.0] and np.isnan(out.iloc[1])
    txt = stats.numeric(pd.Series(["3", "x", None, "4.5"]))
    assert txt.dtype == float and txt.iloc[[0, 3]].tolist() == [3.0, 4.5] and txt.iloc[[1, 2]].isna().all()
    ints = stats.numeric(pd.Series([1, 2], dtype="int64"))
    assert ints.dtype == float and ints.tolist() == [1.0, 2.0]


def test_frame_puts_columns_first_and_pair_labels() -> None:
    row = {c: i for i, c in enumerate(reversed(stats.COLUMNS))}
    df = stats._frame([{"extra": 1, **row, "more": 2}])
    assert list(df.columns) == [*stats.COLUMNS, "extra", "more"]
    res = pd.DataFrame({"predictor": ["x", "z"], "outcome": ["y", "y"]})
    assert stats._pair_labels(res, LABELS) == ["Score Y: Share X", "Score Y: Share Z"]


def test_resample_counts() -> None:
    counts = stats.resample_counts(np.array([[0, 0, 2], [1, 2, 2]]), 4)
    assert counts.dtype == float
    assert counts.tolist() == [[2, 0, 1, 0], [0, 1, 2, 0]]
    assert stats.resample_counts(np.array([[[3, 3]], [[0, 1]]]), 4).tolist() == [[0, 0, 0, 2], [1, 1, 0, 0]]


# ------------------------------------------------------------------------------------ means


def test_mean_ci_by_the_t_formula_every_column() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, np.nan], "b": [np.nan, 7.0, np.nan, np.nan, np.nan],
                       "c": [np.nan] * 5, "d": [1.0, np.nan, 3.0, np.nan, np.nan]})
    res = stats.mean_ci(df, ["a", "b", "c", "d"], labels=LABELS)
    assert list(res.columns) == [*stats.COLUMNS, "claim", "y_label", "sd"]
    a = res.iloc[0]
    sd = np.sqrt(((np.array([1, 2, 3, 4]) - 2.5) ** 2).sum() / 3)  # ddof 1
    half = sps.t.ppf(0.975, 3) * sd / 2  # t quantile with 3 df times the standard error
    assert (a["outcome"], a["predictor"], a["n"], a["n_missing"]) == ("a", "", 4, 1)
    assert a["estimate"] == 2.5 and a["sd"] == pytest.approx(sd)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx((2.5 - half, 2.5 + half))
    assert np.isnan(a["p_value"]) and a["claim"] == "mean" and a["y_label"] == "QA"
    assert a["method"] == "mean with 95% t confidence interval"
    assert a["sentence"] == ("The mean QA across the 4 authorities with a value was 2.50, 95% CI 0.45 to "
                             "4.55 (1 missing), a description of these authorities, not an explanation "
                             "of why; with only 4 authorities this estimate is uncertain.")
    b = res.iloc[1]  # one value: a mean without interval or sd
    assert (b["n"], b["n_missing"], b["estimate"]) == (1, 4, 7.0)
    assert np.isnan(b["ci_low"]) and np.isnan(b["ci_high"]) and np.isnan(b["sd"])
    c = res.iloc[2]  # none
    assert (c["n"], c["n_missing"]) == (0, 5) and np.isnan(c["estimate"]) and np.isnan(c["sd"])
    d = res.iloc[3]  # two values: mean 2, sd sqrt(2), t with 1 df
    half = sps.t.ppf(0.975, 1) * np.sqrt(2) / np.sqrt(2)
    assert (d["n"], d["estimate"], d["sd"]) == (2, 2.0, pytest.approx(np.sqrt(2)))
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((2 - half, 2 + half))


# ------------------------------------------------------------------------------------ Cliff's delta


def test_cliffs_delta_by_counting_pairs() -> None:
    # a=1: below 2, 2, 4 (-3); a=2: tied, tied, below (-1); a=3: above, above, below (+1): -3/9
    assert stats.cliffs_delta(np.array([1, 2, 3]), np.array([2, 2, 4])) == pytest.approx(-1 / 3)
    assert isinstance(stats.cliffs_delta(np.array([1, 2]), np.array([0, 3, 4])), float)
    # 2 x 3 against 2 x 2 along the last axis, and the same along axis 0 (transposed)
    a = np.array([[1.0, 5.0, 6.0], [2.0, 2.0, 2.0]])
    b = np.array([[0.0, 9.0], [2.0, 1.0]])
    # row 0: 1 vs 0 +, vs 9 -; 5: +, -; 6: +, -  -> 0; row 1: each 2 vs 2 tie, vs 1 +: 3/6
    assert stats.cliffs_delta(a, b).tolist() == pytest.approx([0.0, 0.5])
    assert stats.cliffs_delta(a.T, b.T, axis=0).tolist() == pytest.approx([0.0, 0.5])


def test_cliffs_delta_from_indices_matches_counting_on_resamples() -> None:
    a, b = np.array([1.0, 2.0, 3.0, 3.0]), np.array([2.0, 2.0, 4.0, 5.0, 0.0])
    rng = np.random.default_rng(1)
    ia, ib = rng.integers(0, 4, (30, 4)), rng.integers(0, 5, (30, 5))
    got = stats.cliffs_delta_from_indices(a, b)(ia, ib)
    assert got.shape == (30,)
    assert got == pytest.approx([_brute_delta(a[i], b[j]) for i, j in zip(ia, ib, strict=True)])
    one = stats.cliffs_delta_from_indices(a, b)(np.array([0, 0, 3, 2]), np.array([4, 4, 4, 1, 1]))
    # a = 1, 1, 3, 3 against b = 0, 0, 0, 2, 2: 1 beats 0 three times and loses to 2 twice, 3 beats all
    assert isinstance(one, float) and one == pytest.approx((2 * (3 - 2) + 2 * 5) / 20)


# ------------------------------------------------------------------------------------ epsilon squared


def test_epsilon_squared_from_the_h_formula() -> None:
    # ranks 1..6, rank sums 6 and 15: H = 12/(6*7) (36/3 + 225/3) - 3*7 = 27/7; eps = H/(N-1)
    h = 12 / 42 * (36 / 3 + 225 / 3) - 21
    assert stats._epsilon_squared(np.array([1, 2, 3]), np.array([4, 5, 6])) == pytest.approx(h / 5)
    # three groups of unequal size: ranks 1,2 | 3,4,5 | 6: sums 3, 12, 6
    h3 = 12 / 42 * (9 / 2 + 144 / 3 + 36 / 1) - 21
    got = stats._epsilon_squared(np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0]), np.array([9.0]))
    assert isinstance(got, float) and got == pytest.approx(h3 / 5)
    stacked = stats._epsilon_squared(np.array([[1, 2, 3], [4, 5, 6]]), np.array([[4, 5, 6], [1, 2, 3]]))
    assert stacked.tolist() == pytest.approx([h / 5, h / 5])
    along0 = stats._epsilon_squared(np.array([[1, 4], [2, 5], [3, 6]]), np.array([[4, 1], [5, 2], [6, 3]]),
                                    axis=0)
    assert along0.tolist() == pytest.approx([h / 5, h / 5])


# ------------------------------------------------------------------------------------ VIF


def _r2(target: np.ndarray, others: np.ndarray) -> float:
    """R^2 of least squares of ``target`` on a constant and ``others`` (numpy)."""
    design = np.column_stack([np.ones(len(target)), others])
    fitted = design @ np.linalg.lstsq(design, target, rcond=None)[0]
    return 1 - ((target - fitted) ** 2).sum() / ((target - target.mean()) ** 2).sum()


def test_vif_by_one_over_one_minus_r2() -> None:
    x = pd.DataFrame({"p": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], "q": [2.0, 1.0, 4.0, 3.0, 6.0, 7.0],
                      "s": [5.0, 3.0, 4.0, 1.0, 2.0, 2.5]})
    two = stats.vif(x[["p", "q"]])
    r = np.corrcoef(x["p"], x["q"])[0, 1]
    assert list(two.index) == ["p", "q"] and two.tolist() == pytest.approx([1 / (1 - r * r)] * 2)
    three = stats.vif(x)
    arr = x.to_numpy()
    expected = [1 / (1 - _r2(arr[:, i], np.delete(arr, i, axis=1))) for i in range(3)]
    assert three.tolist() == pytest.approx(expected)
    assert stats.vif(x[["p"]]).tolist() == [1.0] and list(stats.vif(x[["q"]]).index) == ["q"]


# ------------------------------------------------------------------------------------ sign flips


def _exact_sign_flip_p(diff: list[float]) -> float:
    """The exact two-sided p-value: the share of all 2^n sign patterns whose |mean| is at least
    the observed |mean|."""
    obs = abs(np.mean(diff))
    pats = list(itertools.product([-1, 1], repeat=len(diff)))
    return sum(abs(np.mean(np.array(s) * diff)) >= obs - 1e-12 for s in pats) / len(pats)


@pytest.mark.parametrize("diff", [[1.0, 1.0, 1.0, 1.0], [1.0, 2.0, 3.0, 4.0, 5.0], [3.0, -1.0, 2.0, 0.5, 1.0]])
def test_sign_flip_p_against_exact_enumeration(diff) -> None:
    exact = _exact_sign_flip_p(diff)
    assert stats.sign_flip_p(np.array(diff), n_resamples=20000, seed=3) == pytest.approx(exact, abs=0.01)
    assert stats.sign_flip_p(np.array(diff)) == pytest.approx(exact, abs=0.02)  # default 9999


def test_sign_flip_p_defaults_9999_flips_seed_0() -> None:
    diff = np.array([0.3, -0.2, 0.5, 0.1, -0.4, 0.6, 0.2])
    assert stats.sign_flip_p(diff) == stats.sign_flip_p(diff, n_resamples=9999, seed=0)
    assert stats.sign_flip_p(diff) != stats.sign_flip_p(diff, n_resamples=9999, seed=1)  # the seed matters here
    assert stats.sign_flip_p(diff) != stats.sign_flip_p(diff, n_resamples=10000, seed=0)


def test_sign_flip_p_counts_the_observed_and_ties() -> None:
    # mean 0: every flip is as extreme, so (1 + n) / (n + 1) = 1 exactly
    assert stats.sign_flip_p(np.array([1.0, -1.0, 2.0, -2.0]), n_resamples=50) == 1.0
    # +-0.1 ... with exact ties of |mean|: float sums must count as ties (tolerance)
    assert stats.sign_flip_p(np.array([0.1, 0.2, 0.3]), n_resamples=4000, seed=1) == pytest.approx(
        _exact_sign_flip_p([0.1, 0.2, 0.3]), abs=0.03)
    # never below 1 / (n + 1), the observed counted once
    assert stats.sign_flip_p(np.array([5.0] * 12), n_resamples=19, seed=0) == pytest.approx(1 / 20)


# ------------------------------------------------------------------------------------ paired differences


def _paired_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "a": [3.0, 4.0, 2.0, 4.0, 3.0, 4.0, 2.0, 3.0, 4.0, np.nan],
        "b": [2.0, 3.0, 2.0, 3.0, 1.0, 2.0, 2.0, 2.0, 3.0, 1.0],
        "c": [3.0, 4.0, 2.0, 4.0, 3.0, 4.0, 2.0, 3.0, 4.0, 2.0],
    })


def test_paired_differences_every_column() -> None:
    df = _paired_frame()
    out = stats.paired_differences(df, ["a", "b", "c"], n_boot=199, seed=2, labels=LABELS)
    assert list(out.columns) == [*stats.COLUMNS, "claim", "what", "a", "b", "stat", "term", "p_holm"]
    assert list(zip(out["outcome"], out["predictor"], strict=True)) == [("a", "b"), ("a", "c"), ("b", "c")]
    ab = out.iloc[0]
    diff = np.array([1, 1, 0, 1, 2, 2, 0, 1, 1.0])  # a - b on the 9 complete rows, by hand
    assert (ab["n"], ab["n_missing"]) == (9, 1) and ab["estimate"] == pytest.approx(9 / 9)
    boot = sps.bootstrap((diff,), np.mean, n_resamples=199, method="BCa", rng=np.random.default_rng(2))
    assert (ab["ci_low"], ab["ci_high"]) == pytest.approx(tuple(boot.confidence_interval))
    assert ab["p_value"] == pytest.approx(_exact_sign_flip_p(list(diff)), abs=0.01)
    assert ab["p_value"] == stats.sign_flip_p(diff, seed=2)  # the seed given is the test's seed
    assert ab["method"] == ("paired difference in means; bootstrap 95% CI (BCa); sign-flip permutation test")
    assert (ab["claim"], ab["what"], ab["a"], ab["b"]) == ("difference", "the mean score", "QA", "QB")
    assert (ab["stat"], ab["term"]) == ("mean paired difference", "a vs b")
    # a - c is 0 on every complete row: estimate 0, no interval, no test
    ac = out.iloc[1]
    assert (ac["n"], ac["n_missing"], ac["estimate"]) == (9, 1, 0.0)
    assert np.isnan(ac["ci_low"]) and np.isnan(ac["ci_high"]) and np.isnan(ac["p_value"])
    assert ac["method"].startswith("paired difference in means; bootstrap 95% CI (none)")
    bc = out.iloc[2]
    assert bc["estimate"] == pytest.approx(-(1 + 1 + 0 + 1 + 2 + 2 + 0 + 1 + 1 + 1) / 10)
    assert (bc["n"], bc["n_missing"]) == (10, 0)
    # Holm over the two tested pairs (a - c has no test)
    assert out["p_holm"].iloc[[0, 2]].tolist() == pytest.approx(_holm_by_hand([ab["p_value"], bc["p_value"]]))
    assert np.isnan(out["p_holm"].iloc[1])
    for _, r in out.iterrows():
        res = wording.Result.from_row(r.to_dict())
        assert r["sentence"] == wording.difference(res, "the mean score", r["a"], r["b"], stat="mean paired difference")


def test_paired_differences_defaults_2000_resamples_seed_0() -> None:
    # continuous differences, so that another seed or resample count moves the interval
    diff = np.array([0.13, -0.52, 0.91, 0.27, 1.33, -0.08, 0.64, 0.45, 0.2, 0.71])
    df = pd.DataFrame({"b": diff + 1.0, "c": np.ones(10)})
    row = stats.paired_differences(df, ["b", "c"]).iloc[0]
    boot = sps.bootstrap((diff,), np.mean, n_resamples=2000, method="BCa", rng=np.random.default_rng(0))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(boot.confidence_interval))
    assert row["p_value"] == stats.sign_flip_p(diff, seed=0)


def test_paired_differences_few_authorities_and_errors() -> None:
    df = pd.DataFrame({"a": [1.0, 2.0, 4.0], "b": [0.0, 2.0, 1.0]})
    r = stats.paired_differences(df, ["a", "b"], n_boot=99).iloc[0]
    assert (r["n"], r["estimate"]) == (3, pytest.approx(4 / 3))
    assert np.isnan(r["ci_low"]) and np.isnan(r["p_value"])
    assert "bootstrap 95% CI (none)" in r["method"]
    seven = pd.DataFrame({"a": np.arange(7.0), "b": np.zeros(7)})
    assert np.isnan(stats.paired_differences(seven, ["a", "b"], n_boot=99).iloc[0]["p_value"])
    eight = pd.DataFrame({"a": np.arange(1.0, 9.0), "b": np.zeros(8)})
    assert np.isfinite(stats.paired_differences(eight, ["a", "b"], n_boot=99).iloc[0]["p_value"])
    empty = pd.DataFrame({"a": [np.nan, 1.0], "b": [1.0, np.nan]})
    e = stats.paired_differences(empty, ["a", "b"], n_boot=99).iloc[0]
    assert (e["n"], e["n_missing"]) == (0, 2) and np.isnan(e["estimate"])
    with pytest.raises(ValueError, match="^give at least two columns$"):
        stats.paired_differences(df, ["a"])


# ------------------------------------------------------------------------------------ families


def _assoc_row(p: float, est: float = 0.5) -> dict:
    return {"outcome": "y", "predictor": "x", "n": 40, "n_missing": 0, "estimate": est, "ci_low": 0.2,
            "ci_high": 0.7, "p_value": p, "method": "Spearman's rho", "sentence": "old",
            "claim": "association", "stat": "Spearman's rho", "x_label": "Share X", "y_label": "Score Y"}


def test_family_adjusts_over_every_part_and_rewords() -> None:
    one = pd.DataFrame([{"part": "old", **_assoc_row(0.01)}, {"part": "old", **_assoc_row(0.04)}]).assign(
        p_holm=0.5, family_n=9)  # an old part, first, and an old adjustment: replaced
    two = pd.DataFrame([_assoc_row(0.03), {**_assoc_row(np.nan), "sentence": "untested"}])
    page = stats.family({"first part": one, "second part": two})
    assert len(page) == 4 and list(page["part"]) == ["first part"] * 2 + ["second part"] * 2
    assert page["p_holm"].iloc[:3].tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert np.isnan(page["p_holm"].iloc[3]) and (page["family_n"] == 3).all()
    assert page.columns.tolist().count("p_holm") == 1 and list(page.columns[-3:]) == ["part", "p_holm", "family_n"]
    assert page["sentence"].iloc[0] == (
        "Across 40 authorities, higher share X clearly went with higher score Y (Spearman's rho 0.50, "
        "95% CI 0.20 to 0.70; p = 0.010; Holm-adjusted p = 0.030 over the 3 tests on this page); an "
        "association rather than evidence that one causes the other.")
    assert page["sentence"].iloc[1] == (
        "Across 40 authorities, higher share X went with higher score Y on this test alone (Spearman's "
        "rho 0.50, 95% CI 0.20 to 0.70; p = 0.040; Holm-adjusted p = 0.060 over the 3 tests on this page), "
        "but it does not hold once the 3 tests on this page are allowed for: treat it as a lead to check, "
        "not a finding; an association rather than evidence that one causes the other.")
    halves = stats.parts(page)
    assert [h["part"].iloc[0] for h in halves] == ["first part", "second part"]
    assert [list(h.index) for h in halves] == [[0, 1], [0, 1]]
    assert [list(h.columns) for h in halves] == [list(page.columns)] * 2
    assert halves[1]["p_holm"].iloc[0] == pytest.approx(0.06)
    with pytest.raises(ValueError, match="^give at least one table$"):
        stats.family({})


def test_family_text_and_combine() -> None:
    page = stats.combine(pd.DataFrame([_assoc_row(0.01), _assoc_row(0.2)]),
                         pd.DataFrame([_assoc_row(0.03), _assoc_row(np.nan)]))
    assert page["part"].tolist() == ["table 1", "table 1", "table 2", "table 2"]
    head = ("**Allowing for many tests.** Every Holm-adjusted p-value and every result called \"clear\" on "
            "this page allows for the 3 tests made here at once (Holm's method): 2 table 1 and 1 table 2.")
    assert stats.family_text(page) == head
    assert stats.family_text(page, "the regional tests") == head + (
        " The other p-values shown (the regional tests) are not part of this family and nothing is "
        "claimed from them.")
    assert "allows for the 0 tests" in stats.family_text(page.iloc[:0])
    later_first = stats.family({"z tests": pd.DataFrame([_assoc_row(0.01)]),
                                "a tests": pd.DataFrame([_assoc_row(0.02), _assoc_row(0.03)])})
    assert stats.family_text(later_first).endswith("(Holm's method): 1 z tests and 2 a tests.")
    single = stats.combine(pd.DataFrame([_assoc_row(0.2)]))
    assert single["family_n"].tolist() == [1]
    assert "allows for the 1 tests made here at once (Holm's method): 1 table 1." in stats.family_text(single)
    with pytest.raises(ValueError, match="^give at least one table$"):
        stats.combine()


# ------------------------------------------------------------------------------------ sentence


def test_sentence_dispatches_each_claim_with_its_fields() -> None:
    r = wording.Result(estimate=0.4, ci_low=0.1, ci_high=0.6, p=0.02, n=12, n_missing=1)
    base = {"estimate": 0.4, "ci_low": 0.1, "ci_high": 0.6, "p_value": 0.02, "n": 12, "n_missing": 1}
    assoc = {**base, "claim": "association", "x_label": "Share X", "y_label": "Score Y", "stat": "rho"}
    assert stats.sentence(assoc) == wording.association(r, "Share X", "Score Y", "rho")
    diff = {**base, "claim": "difference", "what": "QA", "a": "North", "b": "South", "stat": "delta",
            "n_a": 5, "n_b": 7}
    assert stats.sentence(diff) == wording.difference(r, "QA", "North", "South", stat="delta", n_a=5, n_b=7)
    assert "North (5 authorities) than in South (7 authorities)" in stats.sentence(diff)
    gt = {**base, "claim": "group_test", "y_label": "Score Y", "x_label": "Group G", "k": 3.0,
          "stat_text": "H = 2"}
    assert stats.sentence(gt) == wording.group_test(r, "Score Y", "Group G", 3, "H = 2")
    assert stats.sentence({**base, "claim": "mean", "y_label": "QA"}) == wording.mean(r, "QA")
    assert stats.sentence({"claim": "other", "sentence": "kept."}) == "kept."
    assert stats.sentence({"estimate": 1.0}) == ""


def test_sentence_of_an_odds_ratio_with_and_without_alone() -> None:
    row = {"estimate": 1.8, "ci_low": 1.2, "ci_high": 2.7, "p_value": 0.004, "n": 40, "n_missing": 0,
           "claim": "odds_ratio", "x_label": "Share X", "y_label": "Rating R", "sd": 3.5,
           "adjusted_for": "Share Z", "vif": 1.3}
    r = wording.Result.from_row(row)
    assert r.null == 1.0
    assert stats.sentence(row) == wording.odds_ratio(r, "Share X", "Rating R", 3.5, adjusted_for="Share Z",
                                                     vif=1.3)
    with_alone = {**row, "alone_estimate": 2.0, "alone_ci_low": 1.1, "alone_ci_high": 3.3, "alone_p": 0.02}
    alone = wording.Result(estimate=2.0, ci_low=1.1, ci_high=3.3, p=0.02, null=1.0)
    text = stats.sentence(with_alone)
    assert text == wording.odds_ratio(r, "Share X", "Rating R", 3.5, adjusted_for="Share Z", vif=1.3,
                                      alone=alone)
    assert text.endswith("Without Share Z held fixed, it had an odds ratio of 2.00, 95% CI 1.10 to 3.30 "
                         "(p = 0.020).")
    bare = {k: v for k, v in row.items() if k not in ("adjusted_for", "vif")}
    assert stats.sentence(bare) == wording.odds_ratio(r, "Share X", "Rating R", 3.5)
    collinear = stats.sentence({**row, "vif": 6.0})
    assert "variance inflation factor 6.0" in collinear


# ------------------------------------------------------------------------------------ as_ordered


def test_as_ordered() -> None:
    rating = pd.Series(pd.Categorical(["b", "a"], categories=["b", "a"], ordered=True))
    assert stats.as_ordered(rating) is rating
    s = pd.Series([3, 1, np.nan, 2, 1], index=list("pqrst"), name="qs")
    out = stats.as_ordered(s)
    assert out.cat.ordered and list(out.cat.categories) == [1.0, 2.0, 3.0]
    assert list(out.index) == list("pqrst") and out.name == "qs"
    assert out.isna().tolist() == [False, False, True, False, False]
    assert out.cat.codes.tolist() == [2, 0, -1, 1, 0]
    unordered = pd.Series(pd.Categorical([2, 1, 2]))
    assert stats.as_ordered(unordered).cat.ordered
    assert list(stats.as_ordered(pd.Series(["4", "x", "1"])).cat.categories) == [1.0, 4.0]


# ------------------------------------------------------------------------------------ correlation

X10 = np.array([1, 2, 2, 3, 4, 5, 5, 6, 7, 8.0])
Y10 = np.array([2, 1, 3, 3, 5, 4, 6, 8, 7, 7.0])


def _corr_frame() -> pd.DataFrame:
    """Ten complete authorities with ties in both, one missing x and one missing y."""
    return pd.DataFrame({"x": [*X10, np.nan, 3.0], "y": [*Y10, 2.0, np.nan]})


@pytest.mark.parametrize("method,func,name", [("spearman", sps.spearmanr, "Spearman's rho"),
                                              ("kendall", sps.kendalltau, "Kendall's tau-b")])
def test_correlation_every_column(method, func, name) -> None:
    out = stats.correlation(_corr_frame(), "x", "y", method=method, n_boot=199, seed=4, labels=LABELS)
    assert list(out.columns) == [*stats.COLUMNS, "claim", "stat", "x_label", "y_label"]
    row = out.iloc[0]
    direct = func(X10, Y10)
    assert (row["outcome"], row["predictor"], row["n"], row["n_missing"]) == ("y", "x", 10, 2)
    assert row["estimate"] == pytest.approx(direct.statistic) and row["p_value"] == pytest.approx(direct.pvalue)
    boot = sps.bootstrap((X10, Y10), lambda a, b: func(a, b).statistic, paired=True, vectorized=False,
                         n_resamples=199, method="BCa", rng=np.random.default_rng(4))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(boot.confidence_interval), abs=1e-12)
    assert row["method"] == f"{name}; bootstrap 95% CI (BCa, 199 resamples)"
    assert (row["claim"], row["stat"], row["x_label"], row["y_label"]) == ("association", name, "Share X", "Score Y")
    assert row["sentence"] == wording.association(wording.Result.from_row(row.to_dict()), "Share X", "Score Y", name)
    assert row["sentence"].endswith("; with only 10 authorities this estimate is uncertain.")


def test_correlation_small_n_no_interval_and_no_estimate() -> None:
    seven = pd.DataFrame({"x": X10[:7], "y": Y10[:7]})
    r = stats.correlation(seven, "x", "y", n_boot=99, labels=LABELS).iloc[0]
    assert r["estimate"] == pytest.approx(sps.spearmanr(X10[:7], Y10[:7]).statistic)
    assert np.isnan(r["ci_low"]) and np.isnan(r["ci_high"])
    assert r["method"] == "Spearman's rho; bootstrap 95% CI (not computed: fewer than 8 authorities, 99 resamples)"
    assert r["sentence"].startswith("Across only 7 authorities, Spearman's rho between share X and score Y was ")
    eight = stats.correlation(pd.DataFrame({"x": X10[:8], "y": Y10[:8]}), "x", "y", n_boot=99).iloc[0]
    assert np.isfinite(eight["ci_low"])
    flat = stats.correlation(pd.DataFrame({"x": X10, "y": np.ones(10)}), "x", "y", n_boot=99, labels=LABELS).iloc[0]
    assert np.isnan(flat["estimate"]) and np.isnan(flat["p_value"]) and np.isnan(flat["ci_low"])
    assert flat["method"] == "Spearman's rho; bootstrap 95% CI (none, 99 resamples)"
    assert flat["sentence"] == ("An association between share X and score Y could not be estimated from "
                                "10 authorities with both values; with only 10 authorities this estimate "
                                "is uncertain.")
    flat_x = stats.correlation(pd.DataFrame({"x": np.ones(10), "y": Y10}), "x", "y", n_boot=99).iloc[0]
    assert np.isnan(flat_x["estimate"])
    two = stats.correlation(pd.DataFrame({"x": [1.0, 2.0], "y": [2.0, 1.0]}), "x", "y", n_boot=99).iloc[0]
    assert two["n"] == 2 and np.isnan(two["estimate"])
    three = stats.correlation(pd.DataFrame({"x": [1.0, 2.0, 3.0], "y": [2.0, 1.0, 3.0]}), "x", "y").iloc[0]
    assert three["estimate"] == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"method must be one of \['kendall', 'spearman'\], got 'pearson'"):
        stats.correlation(seven, "x", "y", method="pearson")


def test_correlation_ci_rounds_near_zero_values() -> None:
    # rho exactly 0 (x against a symmetric y): the estimate is cleaned to +0.0
    d = pd.DataFrame({"x": np.arange(1.0, 11.0), "y": [1.0, 2, 3, 4, 5, 5, 4, 3, 2, 1]})
    r = stats.correlation(d, "x", "y", n_boot=99).iloc[0]
    assert r["estimate"] == 0.0 and not np.signbit(r["estimate"])


def test_correlations_family_matches_one_by_one_and_holm() -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"x": rng.normal(size=12).round(1), "z": rng.integers(1, 5, 12).astype(float),
                       "y": rng.normal(size=12).round(1)})
    df.loc[11, "z"] = np.nan  # a pair with 11 authorities beside two with 12
    df["w"] = df["x"] + rng.normal(size=12)
    shorter_first = stats.correlations(df, ["z", "x"], ["y"], n_boot=99, seed=5)  # n 11 then 12
    for _, row in shorter_first.iterrows():
        one = stats.correlation(df, row["predictor"], "y", n_boot=99, seed=5).iloc[0]
        assert (row["ci_low"], row["ci_high"], row["method"]) == (
            pytest.approx(one["ci_low"], abs=1e-12), pytest.approx(one["ci_high"], abs=1e-12), one["method"])
    for seed in (5, None):
        out = stats.correlations(df, ["x", "z"], ["y", "w"], n_boot=99, seed=seed, labels=LABELS)
        assert list(zip(out["outcome"], out["predictor"], strict=True)) == [("y", "x"), ("y", "z"), ("w", "x"), ("w", "z")]
        assert out["label"].tolist() == ["Score Y: Share X", "Score Y: Share Z", "w: Share X", "w: Share Z"]
        assert out["x_label"].tolist() == ["Share X", "Share Z"] * 2 and out["y_label"].iloc[0] == "Score Y"
        assert out["p_holm"].tolist() == pytest.approx(_holm_by_hand(out["p_value"].tolist()))
        if seed is not None:  # pairs sharing resamples: each interval is the one its own call gives
            for _, row in out.iterrows():
                one = stats.correlation(df, row["predictor"], row["outcome"], n_boot=99, seed=seed).iloc[0]
                assert (row["ci_low"], row["ci_high"]) == pytest.approx((one["ci_low"], one["ci_high"]), abs=1e-12)
                assert row["method"] == one["method"] and row["n"] == one["n"]
        else:
            assert out["ci_low"].notna().all()
    with pytest.raises(ValueError, match="^give at least one predictor and one outcome$"):
        stats.correlations(df, [], ["y"])


def test_correlations_pair_without_shared_bca_falls_back_alone() -> None:
    # y is mostly tied: some resamples have no variation, the shared BCa interval of (x, y) is not
    # finite and that pair takes the pair-by-pair route; (x, w) keeps its shared BCa interval
    df = pd.DataFrame({"x": np.arange(1.0, 9.0), "y": [3, 3, 3, 3, 3, 3, 2, 4.0],
                       "w": [5, 1, 7, 3, 2, 8, 4, 6.0]})
    out = stats.correlations(df, ["x"], ["y", "w"], n_boot=199, seed=0)
    y_row, w_row = out.iloc[0], out.iloc[1]
    assert "percentile;" in y_row["method"] and "resamples undefined, dropped" in y_row["method"]
    assert w_row["method"] == "Spearman's rho; bootstrap 95% CI (BCa, 199 resamples)"
    x, y, w = df["x"].to_numpy(), df["y"].to_numpy(), df["w"].to_numpy()
    boot = sps.bootstrap((x, w), lambda a, b: sps.spearmanr(a, b).statistic, paired=True, vectorized=False,
                         n_resamples=199, method="BCa", rng=np.random.default_rng(0))
    assert (w_row["ci_low"], w_row["ci_high"]) == pytest.approx(tuple(boot.confidence_interval), abs=1e-12)
    res = sps.bootstrap((x, y), lambda a, b: sps.spearmanr(a, b).statistic, paired=True, vectorized=False,
                        n_resamples=199, method="percentile", rng=np.random.default_rng(0))
    dist = res.bootstrap_distribution
    kept = dist[np.isfinite(dist)]
    assert (y_row["ci_low"], y_row["ci_high"]) == pytest.approx(tuple(np.percentile(kept, [2.5, 97.5])), abs=1e-12)
    assert y_row["method"].startswith(f"Spearman's rho; bootstrap 95% CI (percentile; {len(dist) - len(kept)} of 199 ")


def test_correlation_defaults_2000_resamples_seed_0() -> None:
    d = pd.DataFrame({"x": X10, "y": Y10})
    row = stats.correlation(d, "x", "y").iloc[0]
    assert row["method"] == "Spearman's rho; bootstrap 95% CI (BCa, 2000 resamples)"
    boot = sps.bootstrap((X10, Y10), lambda a, b: sps.spearmanr(a, b).statistic, paired=True, vectorized=False,
                         n_resamples=2000, method="BCa", rng=np.random.default_rng(0))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(boot.confidence_interval), abs=1e-12)
    both = stats.correlations(d, ["x"], ["y"])
    assert both["method"].iloc[0] == row["method"] and both["ci_low"].iloc[0] == pytest.approx(row["ci_low"])


def test_correlation_of_a_two_valued_measure() -> None:
    x = np.array([0, 0, 0, 1, 1, 0, 1, 1, 1, 0.0])  # two distinct values are enough
    r = stats.correlation(pd.DataFrame({"x": x, "y": Y10}), "x", "y", n_boot=99).iloc[0]
    assert r["estimate"] == pytest.approx(sps.spearmanr(x, Y10).statistic)
    assert r["p_value"] == pytest.approx(sps.spearmanr(x, Y10).pvalue)


def test_correlation_by_kendall_seed_and_resamples_passed_on() -> None:
    df = pd.DataFrame({"g": [3] * 10 + ["north"] * 10,  # mixed kinds of group value: sorted as text
                       "x": [*X10, *X10[::-1]], "y": [*Y10, *Y10]})
    out = stats.correlation_by(df, "g", "x", "y", method="kendall", n_boot=99, seed=5)
    assert out["group"].tolist() == ["3", "north"]
    for (_, row), xs in zip(out.iterrows(), [X10, X10[::-1]], strict=True):
        assert row["method"] == "Kendall's tau-b; bootstrap 95% CI (BCa, 99 resamples)"
        boot = sps.bootstrap((xs, Y10), lambda a, b: sps.kendalltau(a, b).statistic, paired=True,
                             vectorized=False, n_resamples=99, method="BCa", rng=np.random.default_rng(5))
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(boot.confidence_interval), abs=1e-12)
    default = stats.correlation_by(df, "g", "x", "y").iloc[0]
    assert default["method"] == "Spearman's rho; bootstrap 95% CI (BCa, 1000 resamples)"
    boot = sps.bootstrap((X10, Y10), lambda a, b: sps.spearmanr(a, b).statistic, paired=True, vectorized=False,
                         n_resamples=1000, method="BCa", rng=np.random.default_rng(0))
    assert (default["ci_low"], default["ci_high"]) == pytest.approx(tuple(boot.confidence_interval), abs=1e-12)


def test_bca_together_gives_each_pair_its_own_interval() -> None:
    w = np.array([5, 1, 7, 3, 2, 8, 4, 6.0])
    x = np.arange(1.0, 9.0)
    df = pd.DataFrame({"x": x, "w": w, "v": w[::-1] + x / 10})
    pairs = [stats._Pair(df, "x", "w", "spearman"), stats._Pair(df, "x", "v", "kendall")]
    together = stats._bca_together(pairs, 199, 3)
    for pr, got, func in zip(pairs, together, [sps.spearmanr, sps.kendalltau], strict=True):
        boot = sps.bootstrap((x, df[pr.y].to_numpy()), lambda a, b, f=func: f(a, b).statistic, paired=True,
                             vectorized=False, n_resamples=199, method="BCa", rng=np.random.default_rng(3))
        assert got is not None and got[2] == "BCa"
        assert got[:2] == pytest.approx(tuple(boot.confidence_interval), abs=1e-12)
    assert stats._bca_together(pairs[:1], 199, 3) == [None]  # one pair: the pair-by-pair route
    assert stats._bca_together(pairs, 0, 3) == [None, None]  # scipy refuses: no interval from here


def test_correlation_by_group() -> None:
    df = pd.DataFrame({"g": ["b"] * 10 + ["a"] * 10 + [np.nan],
                       "x": [*X10, *X10[::-1], 1.0], "y": [*Y10, *Y10, 2.0]})
    out = stats.correlation_by(df, "g", "x", "y", n_boot=99, labels=LABELS)
    assert out["group"].tolist() == ["a", "b"]
    assert list(out.columns[: len(stats.COLUMNS) + 1]) == [*stats.COLUMNS, "group"]
    assert out["label"].tolist() == ["a (n = 10)", "b (n = 10)"]
    assert out["estimate"].tolist() == pytest.approx([sps.spearmanr(X10[::-1], Y10).statistic,
                                                      sps.spearmanr(X10, Y10).statistic])
    assert out["sentence"].iloc[1].startswith("b: Across 10 authorities, higher share X ")
    assert list(out.index) == [0, 1]
    with pytest.raises(ValueError, match="^no groups in column 'g'$"):
        stats.correlation_by(df.assign(g=np.nan), "g", "x", "y")


# ------------------------------------------------------------------------------------ index statistics


def test_spearman_rho_one_pair_and_along_an_axis() -> None:
    one = stats.spearman_rho(X10, Y10)
    assert isinstance(one, float) and one == pytest.approx(sps.spearmanr(X10, Y10).statistic)
    cols_a, cols_b = np.column_stack([X10, Y10]), np.column_stack([Y10, X10[::-1]])
    along0 = stats.spearman_rho(cols_a, cols_b, axis=0)
    assert along0.tolist() == pytest.approx([sps.spearmanr(X10, Y10).statistic,
                                             sps.spearmanr(Y10, X10[::-1]).statistic])


def _resamples(n: int, k: int, seed: int) -> np.ndarray:
    idx = np.random.default_rng(seed).integers(0, n, (k, n))
    idx[0] = 0  # one resample of a single authority: no variation, NaN
    return idx


@pytest.mark.parametrize("x,y", [
    (X10, Y10),  # ties in both, as many distinct values
    (np.array([1, 1, 2, 2, 3, 3, 4, 4, 5, 5.0]), np.arange(10.0)),  # y finer: the variables swap
    (np.arange(10.0), np.array([3, 1, 4, 1, 5, 9, 2, 6, 5, 3.0])),  # untied x
])
def test_index_statistics_equal_scipy_on_each_resample(x, y) -> None:
    idx = _resamples(len(x), 40, 1)
    rho = stats.spearman_from_indices(x, y)(idx)
    tau = stats.kendall_from_indices(x, y)(idx)
    assert rho.shape == tau.shape == (40,) and np.isnan(rho[0]) and np.isnan(tau[0])
    assert rho[1:] == pytest.approx([sps.spearmanr(x[i], y[i]).statistic for i in idx[1:]], abs=1e-12)
    assert tau[1:] == pytest.approx([sps.kendalltau(x[i], y[i]).statistic for i in idx[1:]], abs=1e-12)
    one = stats.spearman_from_indices(x, y)(np.arange(len(x)))
    assert isinstance(one, float) and one == pytest.approx(sps.spearmanr(x, y).statistic)


def test_index_statistics_undefined_resamples_are_nan_without_warnings() -> None:
    # X10[1] == X10[2] == 2 with Y10 1 and 3: x has no variation, y has; and one authority only
    idx = np.array([[1, 2, 1, 2, 2, 1, 1, 2, 2, 1], [4] * 10, [0, 3, 4, 5, 6, 7, 8, 9, 1, 2]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # thousands of resamples must not each warn
        rho = stats.spearman_from_indices(X10, Y10)(idx)
        tau = stats.kendall_from_indices(X10, Y10)(idx)
        tau_yx = stats.kendall_from_indices(Y10, X10)(idx)  # y constant instead
    assert np.isnan(rho[:2]).all() and np.isnan(tau[:2]).all() and np.isnan(tau_yx[:2]).all()
    assert tau[2] == pytest.approx(sps.kendalltau(X10[idx[2]], Y10[idx[2]]).statistic)
    assert rho[2] == pytest.approx(sps.spearmanr(X10[idx[2]], Y10[idx[2]]).statistic)


def test_index_statistics_many_tie_groups_chunks_and_shape() -> None:
    rng = np.random.default_rng(7)
    x = rng.integers(0, 20, 40).astype(float)  # 20 tie groups: more than _FEW_GROUPS
    y = rng.integers(0, 25, 40).astype(float)
    idx = rng.integers(0, 40, (600, 40))  # more than RESAMPLE_CHUNK resamples
    rho = stats.spearman_from_indices(x, y)(idx)
    tau = stats.kendall_from_indices(x, y)(idx)
    for j in (0, 255, 256, 257, 599):
        assert rho[j] == pytest.approx(sps.spearmanr(x[idx[j]], y[idx[j]]).statistic, abs=1e-12)
        assert tau[j] == pytest.approx(sps.kendalltau(x[idx[j]], y[idx[j]]).statistic, abs=1e-12)
    stack = stats.kendall_from_indices(x, y)(idx[:6].reshape(2, 3, 40))
    assert stack.shape == (2, 3) and stack.ravel() == pytest.approx(tau[:6])
    # a resample holding only two values of x, perfectly ordered with y: +1 exactly, never above
    pair = np.array([[0] * 20 + [1] * 20])
    sx, sy = (x[0], x[1]), (y[0], y[1])
    sign = np.sign(sx[1] - sx[0]) * np.sign(sy[1] - sy[0])
    assert stats.kendall_from_indices(x, y)(pair)[0] == sign
    assert stats.spearman_from_indices(x, y)(pair)[0] == pytest.approx(sign)


def test_ties_groups() -> None:
    t = stats._Ties(np.array([3.0, 1.0, 3.0, 2.0, 1.0]))
    assert t.order.tolist() == [1, 4, 3, 0, 2]  # stable: equal values keep their order
    assert t.starts.tolist() == [0, 2, 3] and t.ends.tolist() == [1, 2, 4]
    assert t.group.tolist() == [0, 0, 1, 2, 2] and not t.untied
    a = np.array([[1, 2, 3, 4, 5], [0, 1, 0, 1, 0]])
    assert t.sums(a).tolist() == [[3, 3, 9], [1, 0, 1]]
    # twice the average ranks of groups of 2, 1 and 2: ranks 1.5, 3, 4.5
    assert stats._Ties.ranks2(np.array([[2, 1, 2]])).tolist() == [[3, 6, 9]]
    u = stats._Ties(np.array([2.0, 1.0]))
    assert u.untied and u.sums(np.array([[7, 8]])).tolist() == [[7, 8]]


# ------------------------------------------------------------------------------------ bootstrap fallbacks


def test_bootstrap_ci_methods_and_fallbacks() -> None:
    def mean(v, axis=-1):
        return np.mean(v, axis=axis)

    def median(v, axis=-1):
        return np.median(v, axis=axis)

    data = np.arange(1.0, 9.0)
    bca = sps.bootstrap((data,), mean, n_resamples=99, method="BCa", rng=np.random.default_rng(0))
    assert stats._bootstrap_ci((data,), mean, paired=False, n_boot=99, seed=0, vectorized=True) == pytest.approx(
        (*bca.confidence_interval, "BCa"))
    # seven ones and a two: every jackknife median is 1, BCa is undefined: the percentile interval
    tied = np.array([1.0] * 7 + [2.0])
    pct = sps.bootstrap((tied,), median, n_resamples=99, method="percentile", rng=np.random.default_rng(0))
    assert stats._bootstrap_ci((tied,), median, paired=False, n_boot=99, seed=0, vectorized=True) == (
        *map(float, pct.confidence_interval), "percentile")
    # ... which has no width: with the estimate given, no interval
    assert stats._bootstrap_ci((tied,), median, paired=False, n_boot=99, seed=0, vectorized=True, estimate=1.0) == (
        pytest.approx(np.nan, nan_ok=True), pytest.approx(np.nan, nan_ok=True),
        "none: no bootstrap interval around the estimate")
    # an estimate outside every interval: none either
    lo, hi, how = stats._bootstrap_ci((data,), mean, paired=False, n_boot=99, seed=0, vectorized=True,
                                      estimate=100.0)
    assert np.isnan(lo) and np.isnan(hi) and how == "none: no bootstrap interval around the estimate"
    # not vectorised unless told: a statistic of one resample at a time works
    one_at_a_time = stats._bootstrap_ci((data,), lambda v: float(np.mean(v)), paired=False, n_boot=99, seed=0)
    assert one_at_a_time == pytest.approx((*bca.confidence_interval, "BCa"))
    # one observation: scipy refuses both methods
    lo, hi, how = stats._bootstrap_ci((np.array([1.0]),), mean, paired=False, n_boot=99, seed=0, vectorized=True)
    assert np.isnan(lo) and how.startswith("none")


def test_bootstrap_ci_drops_undefined_resamples_only_when_few() -> None:
    def rho(i, axis=-1):
        return stats.spearman_rho(x[i], y[i], axis=axis)

    x = np.arange(1.0, 11.0)
    y = np.array([3.0] * 8 + [2.0, 4.0])  # some resamples hold only 3s: rho undefined
    idx = np.arange(10)
    res = sps.bootstrap((idx,), rho, n_resamples=199, method="percentile", rng=np.random.default_rng(0))
    dist = res.bootstrap_distribution
    bad = int(np.isnan(dist).sum())
    assert 0 < bad <= 0.1 * 199  # the case this test is about
    lo, hi, how = stats._bootstrap_ci((idx,), rho, paired=False, n_boot=199, seed=0, vectorized=True)
    assert (lo, hi) == pytest.approx(tuple(np.percentile(dist[~np.isnan(dist)], [2.5, 97.5])))
    assert how == f"percentile; {bad} of 199 resamples undefined, dropped"
    est = sps.spearmanr(x, y).statistic  # inside that interval: the same interval
    assert stats._bootstrap_ci((idx,), rho, paired=False, n_boot=199, seed=0, vectorized=True,
                               estimate=est) == (lo, hi, how)
    lo, hi, how = stats._bootstrap_ci((idx,), rho, paired=False, n_boot=199, seed=0, vectorized=True,
                                      estimate=1.5)  # outside it: none
    assert np.isnan(lo) and np.isnan(hi) and how == "none: no bootstrap interval around the estimate"
    y2 = np.array([3.0] * 9 + [4.0])  # most resamples undefined: no interval
    x2 = x

    def rho2(i, axis=-1):
        return stats.spearman_rho(x2[i], y2[i], axis=axis)
    lo, hi, how = stats._bootstrap_ci((idx,), rho2, paired=False, n_boot=199, seed=0, vectorized=True)
    assert np.isnan(lo) and how.startswith("none")


# ------------------------------------------------------------------------------------ group comparison


def _groups_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "g": pd.Categorical(["B", "A", "B", "A", "C", "A", "C", "B", "B", None, "A"],
                            categories=["C", "A", "Z", "B"], ordered=True),
        "y": [2.0, 1.0, 2.0, 2.0, 5.0, 3.0, 6.0, 4.0, 0.0, 3.0, np.nan],
    })


def test_group_compare_by_hand_every_column() -> None:
    out = stats.group_compare(_groups_frame(), "g", "y", n_boot=199, seed=3, labels=LABELS)
    assert list(out.columns) == [*stats.COLUMNS, "claim", "x_label", "y_label", "k", "stat_text", "term",
                                 "group_a", "group_b", "n_a", "n_b", "statistic", "what", "a", "b", "stat",
                                 "p_holm"]
    samples = {"C": np.array([5.0, 6.0]), "A": np.array([1.0, 2.0, 3.0]), "B": np.array([2.0, 2.0, 4.0, 0.0])}
    kw = sps.kruskal(*samples.values())
    top = out.iloc[0]
    assert (top["outcome"], top["predictor"], top["n"], top["n_missing"], top["k"]) == ("y", "g", 9, 2, 3)
    assert top["estimate"] == pytest.approx(kw.statistic / 8) and top["statistic"] == pytest.approx(kw.statistic)
    assert top["p_value"] == pytest.approx(kw.pvalue) and np.isnan(top["ci_low"]) and np.isnan(top["ci_high"])
    assert top["method"] == "Kruskal-Wallis H; epsilon-squared (no interval: bounded at 0)"
    assert top["stat_text"] == (f"Kruskal-Wallis H = {kw.statistic:.2f}; epsilon-squared {kw.statistic / 8:.2f}, "
                                "an effect size from 0 to 1 given without an interval because it cannot fall below 0")
    assert (top["term"], top["claim"], top["x_label"], top["y_label"]) == ("all groups", "group_test", "Group G", "Score Y")
    assert top[["group_a", "group_b", "n_a", "n_b"]].isna().all() and np.isnan(top["p_holm"])
    assert top["sentence"] == wording.group_test(wording.Result.from_row(top.to_dict()), "Score Y", "Group G", 3,
                                                 top["stat_text"])
    pairs = out.iloc[1:]
    assert pairs["term"].tolist() == ["C vs A", "C vs B", "A vs B"]
    # counted by hand: C (5, 6) is above all of A and of B: +1, +1. A (1, 2, 3) against B (2, 2, 4, 0):
    # 1 is below 2, 2, 4 and above 0 (-2); 2 ties 2, 2, is below 4, above 0 (0); 3 is above 2, 2, 0 and
    # below 4 (+2): 0 of 12 pairs
    assert pairs["estimate"].tolist() == pytest.approx([1.0, 1.0, 0.0])
    for (a, b), (_, r) in zip(itertools.combinations(samples, 2), pairs.iterrows(), strict=True):
        xa, xb = samples[a], samples[b]
        mw = sps.mannwhitneyu(xa, xb, alternative="two-sided")
        assert r["p_value"] == pytest.approx(mw.pvalue) and r["statistic"] == pytest.approx(mw.statistic)
        assert (r["group_a"], r["group_b"], r["a"], r["b"], r["n_a"], r["n_b"]) == (a, b, a, b, len(xa), len(xb))
        assert (r["n"], r["n_missing"], r["outcome"], r["predictor"]) == (len(xa) + len(xb), 2, "y", "g")
        assert (r["claim"], r["what"], r["stat"]) == ("difference", "Score Y", "Cliff's delta")
        assert r["sentence"] == wording.difference(wording.Result.from_row(r.to_dict()), "Score Y", a, b,
                                                   stat="Cliff's delta", n_a=len(xa), n_b=len(xb))
    # C is above every A and every B in every resample: an interval of no width, so none is given
    for r in (pairs.iloc[0], pairs.iloc[1]):
        assert np.isnan(r["ci_low"]) and np.isnan(r["ci_high"])
        assert r["method"] == ("Cliff's delta (Mann-Whitney U); bootstrap 95% CI (none: no bootstrap interval "
                               "around the estimate)")
    boot = sps.bootstrap((samples["A"], samples["B"]), _brute_delta, n_resamples=199, method="BCa",
                         rng=np.random.default_rng(3))
    ab = pairs.iloc[2]
    assert (ab["ci_low"], ab["ci_high"]) == pytest.approx(tuple(boot.confidence_interval))
    assert ab["method"] == "Cliff's delta (Mann-Whitney U); bootstrap 95% CI (BCa)"
    assert pairs["p_holm"].tolist() == pytest.approx(_holm_by_hand(pairs["p_value"].tolist()))


def test_group_compare_text_groups_flat_outcome_and_errors() -> None:
    df = pd.DataFrame({"g": ["n", "m", "n", "m", "n", "m"], "y": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]})
    out = stats.group_compare(df, "g", "y", n_boot=99, pair_intervals=False)
    assert out["term"].tolist() == ["all groups", "m vs n"]  # sorted as text
    assert np.isnan(out.iloc[0]["estimate"]) and np.isnan(out.iloc[0]["p_value"])
    assert out.iloc[0]["stat_text"].startswith("Kruskal-Wallis H = not known; epsilon-squared not known")
    assert out.iloc[1]["method"] == "Cliff's delta (Mann-Whitney U); bootstrap 95% CI (not computed)"
    assert np.isnan(out.iloc[1]["ci_low"]) and out.iloc[1]["estimate"] == 0.0
    with pytest.raises(ValueError, match="^need at least 2 groups of 'g' with values of 'y'$"):
        stats.group_compare(df.assign(g="same"), "g", "y")


def test_group_compare_defaults_two_valued_outcome_and_mixed_groups() -> None:
    xa, xb = np.array([1.0, 2.0, 2.0, 3.0, 5.0]), np.array([2.0, 4.0, 4.0, 6.0, 1.0, 7.0])
    df = pd.DataFrame({"g": [1] * 5 + ["b"] * 6, "y": [*xa, *xb]})
    out = stats.group_compare(df, "g", "y")
    assert out["term"].tolist() == ["all groups", "1 vs b"]  # 1 and "b" sorted as text
    boot = sps.bootstrap((xa, xb), _brute_delta, n_resamples=2000, method="BCa", rng=np.random.default_rng(0))
    assert (out.iloc[1]["ci_low"], out.iloc[1]["ci_high"]) == pytest.approx(tuple(boot.confidence_interval))
    binary = pd.DataFrame({"g": ["p"] * 4 + ["q"] * 4, "y": [0, 0, 0, 1, 1, 1, 1, 0.0]})
    top = stats.group_compare(binary, "g", "y", n_boot=99).iloc[0]
    kw = sps.kruskal([0, 0, 0, 1.0], [1, 1, 1, 0.0])
    assert top["statistic"] == pytest.approx(kw.statistic) and top["p_value"] == pytest.approx(kw.pvalue)


def test_group_tests_one_row_per_outcome() -> None:
    df = _groups_frame().assign(w=[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 1.0, 2.0])
    out = stats.group_tests(df, "g", ["y", "w"], n_boot=99, labels=LABELS)
    assert out["outcome"].tolist() == ["y", "w"] and "p_holm" not in out.columns
    assert out["x_label"].tolist() == ["Group G"] * 2 and out["y_label"].tolist() == ["Score Y", "w"]
    assert "the 3 groups by group G" in out["sentence"].iloc[0]
    assert (out["term"] == "all groups").all() and list(out.index) == [0, 1]
    d = df.dropna(subset=["g"])
    w = [d.loc[d["g"] == g, "w"].to_numpy() for g in ["C", "A", "B"]]
    assert out.iloc[1]["p_value"] == pytest.approx(sps.kruskal(*w).pvalue)
    with pytest.raises(ValueError, match="^give at least one outcome$"):
        stats.group_tests(df, "g", [])


# ------------------------------------------------------------------------------------ ordered logit


def _ordinal_frame() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 40
    x = rng.normal(size=n)
    z = 0.6 * x + rng.normal(size=n)
    latent = 1.2 * x + rng.logistic(size=n)
    levels = ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    codes = np.digitize(latent, [-1.0, 0.3, 1.5]) + 0
    codes = np.maximum(codes, 1)  # nobody Inadequate
    r = pd.Categorical.from_codes(codes, categories=levels, ordered=True)
    df = pd.DataFrame({"r": r, "x": 10 * x + 50, "z": z})
    df.loc[3, "x"] = np.nan
    df.loc[5, "r"] = np.nan
    return df


def _direct(d: pd.DataFrame, y: pd.Series, cols: list[str]):
    xz = (d[cols] - d[cols].mean()) / d[cols].std(ddof=1)
    return OrderedModel(y, xz, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)


def test_ordinal_regression_every_column_against_orderedmodel() -> None:
    df = _ordinal_frame()
    out = stats.ordinal_regression(df, "r", ["x", "z"], labels=LABELS)
    assert list(out.columns) == [*stats.COLUMNS, "claim", "x_label", "y_label", "adjusted_for", "vif", "collinear",
                                 "coef", "sd", "categories", "alone_estimate", "alone_ci_low", "alone_ci_high",
                                 "alone_p"]
    d = df.dropna()
    y = d["r"].cat.remove_unused_categories()
    both = _direct(d, y, ["x", "z"])
    ci = both.conf_int(alpha=0.05)
    r2 = np.corrcoef(d["x"], d["z"])[0, 1] ** 2
    for (_, row), p, other in zip(out.iterrows(), ["x", "z"], ["Share Z", "Share X"], strict=True):
        assert (row["outcome"], row["predictor"], row["n"], row["n_missing"]) == ("r", p, 38, 2)
        # BFGS both ways, the same optimum (the analytic gradient only speeds it up): close agreement
        assert row["coef"] == pytest.approx(both.params[p], rel=1e-5)
        assert row["estimate"] == pytest.approx(np.exp(both.params[p]), rel=1e-5)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(np.exp(ci.loc[p])), rel=1e-5)
        assert row["p_value"] == pytest.approx(both.pvalues[p], rel=1e-4)
        assert row["sd"] == pytest.approx(np.std(d[p].to_numpy(), ddof=1))
        assert row["vif"] == pytest.approx(1 / (1 - r2)) and row["collinear"] is False
        assert row["adjusted_for"] == other and row["x_label"] == LABELS[p] and row["y_label"] == "Rating R"
        assert row["categories"] == "Requires improvement < Good < Outstanding"
        assert row["method"] == ("ordered logit (statsmodels OrderedModel), predictors standardised (per 1 SD); "
                                 "empty categories removed: Inadequate")
        alone = _direct(d, y, [p])
        assert row["alone_estimate"] == pytest.approx(np.exp(alone.params[p]), rel=1e-5)
        a_ci = np.exp(alone.conf_int(alpha=0.05).loc[p])
        assert (row["alone_ci_low"], row["alone_ci_high"]) == pytest.approx(tuple(a_ci), rel=1e-3)
        assert row["alone_p"] == pytest.approx(alone.pvalues[p], rel=1e-2)
        assert row["sentence"] == stats.sentence(row.to_dict())  # dispatch checked in its own test
        assert f"holding {other} fixed" in row["sentence"] and f"Without {other} held fixed" in row["sentence"]
    assert out.iloc[0]["estimate"] > 1  # x drives the rating up in the data made above


def test_ordinal_regression_one_predictor_and_errors() -> None:
    df = _ordinal_frame()
    one = stats.ordinal_regression(df, "r", ["z"])
    assert "alone_estimate" not in one.columns and one.iloc[0]["vif"] == 1.0
    assert one.iloc[0]["adjusted_for"] == ""
    with pytest.raises(ValueError, match="^give at least one predictor$"):
        stats.ordinal_regression(df, "r", [])
    with pytest.raises(ValueError, match="'x' must be an ordered Categorical"):
        stats.ordinal_regression(df, "x", ["z"])
    unordered = df.assign(r=pd.Categorical(df["r"].astype(str)))
    with pytest.raises(ValueError, match="ordered Categorical"):
        stats.ordinal_regression(unordered, "r", ["z"])
    good = df.assign(r=pd.Categorical(["Good"] * len(df), categories=df["r"].cat.categories, ordered=True))
    with pytest.raises(ValueError, match="'r' has fewer than 2 categories among the 39 complete rows"):
        stats.ordinal_regression(good, "r", ["x"])
    with pytest.raises(ValueError, match=r"predictors with no variation among the 39 complete rows: \['c'\]"):
        stats.ordinal_regression(df.assign(c=2.0), "r", ["z", "c"])


def test_ordinal_regression_two_categories_and_two_removed() -> None:
    df = _ordinal_frame().dropna()
    two = df[df["r"].isin(["Good", "Requires improvement"])]
    row = stats.ordinal_regression(two, "r", ["x"]).iloc[0]
    y = two["r"].cat.remove_unused_categories()
    direct = _direct(two, y, ["x"])
    assert row["estimate"] == pytest.approx(np.exp(direct.params["x"]), rel=1e-5)
    assert row["method"].endswith("; empty categories removed: Inadequate, Outstanding")
    assert row["categories"] == "Requires improvement < Good"


def test_ordinal_regression_says_when_the_optimiser_did_not_converge(monkeypatch) -> None:
    fit = stats._fit_ordered

    def not_converged(y, x):
        res = fit(y, x)
        res.mle_retvals["converged"] = False  # as statsmodels reports a fit that ran out of iterations
        return res
    monkeypatch.setattr(stats, "_fit_ordered", not_converged)
    row = stats.ordinal_regression(_ordinal_frame(), "r", ["x"]).iloc[0]
    assert row["method"].endswith("; empty categories removed: Inadequate; WARNING: optimiser did not converge")
    assert row["method"].startswith("ordered logit (statsmodels OrderedModel)")


def test_ordinal_regressions_and_each_adjusted_for() -> None:
    df = _ordinal_frame()
    df["q"] = df["r"].cat.codes.replace(-1, np.nan) + 1.0  # a 2-4 score
    out = stats.ordinal_regressions(df, ["q", "r"], ["x"], labels=LABELS)
    assert out["outcome"].tolist() == ["q", "r"] and out["label"].tolist() == ["q: Share X", "Rating R: Share X"]
    assert out["x_label"].tolist() == ["Share X"] * 2 and list(out.index) == [0, 1]
    assert out["estimate"].iloc[0] == pytest.approx(out["estimate"].iloc[1], rel=1e-6)  # same order, same model
    assert out.iloc[0]["categories"] == "2.0 < 3.0 < 4.0"
    with pytest.raises(ValueError, match="^give at least one outcome$"):
        stats.ordinal_regressions(df, [], ["x"])
    each = stats.each_adjusted_for(df, ["r"], ["x", "z"], ["z"], labels=LABELS)
    assert each["predictor"].tolist() == ["x", "z"] and each["label"].tolist() == ["Rating R: Share X", "Rating R: Share Z"]
    assert each.iloc[0]["adjusted_for"] == "Share Z" and each.iloc[1]["adjusted_for"] == ""
    assert list(each.index) == [0, 1] and each["x_label"].tolist() == ["Share X", "Share Z"]
    both = stats.ordinal_regression(df, "r", ["x", "z"])
    assert each.iloc[0]["estimate"] == pytest.approx(both.iloc[0]["estimate"])
    with pytest.raises(ValueError, match="^give at least one outcome and one measure$"):
        stats.each_adjusted_for(df, ["r"], [], ["z"])


def test_ordered_logit_score_and_hessian_against_numerical_derivatives() -> None:
    df = _ordinal_frame().dropna()
    y = df["r"].cat.remove_unused_categories()
    x = (df[["x", "z"]] - df[["x", "z"]].mean()) / df[["x", "z"]].std(ddof=1)
    model = stats.OrderedLogit(y, x, distr="logit")
    ref = OrderedModel(y, x, distr="logit")
    for params in (np.array([0.3, -0.2, -0.5, 0.1]), np.array([1.0, 0.5, 0.2, -0.4])):
        assert model.loglike(params) == pytest.approx(ref.loglike(params))
        num = approx_fprime(params, ref.loglike, centered=True)
        assert model.score(params) == pytest.approx(num, rel=1e-5, abs=1e-6)
        hess = approx_hess3(params, ref.loglike)  # statsmodels' second differences
        got = model.hessian(params)
        assert got == pytest.approx(hess, rel=1e-4, abs=1e-4) and np.array_equal(got, got.T)
    assert model.cdf(np.array([-np.inf, 0.0, 2.0, np.inf])).tolist() == pytest.approx(
        [0.0, 0.5, 1 / (1 + np.exp(-2.0)), 1.0])


def test_bootstrap_ci_keeps_the_rest_when_at_least_90_percent_of_resamples_are_defined(monkeypatch) -> None:
    """The rule at its edge: 9 of 10 resamples defined is enough, 8 of 10 is not. scipy's bootstrap
    is replaced by a result whose intervals are NaN and whose distribution the test writes, so the
    count is exact; the interval is the percentile of 1..9 by hand (1 + 0.025 * 8, 1 + 0.975 * 8)."""
    class Result:
        confidence_interval = (np.nan, np.nan)

    nine = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, np.nan])
    Result.bootstrap_distribution = nine
    monkeypatch.setattr(stats.sps, "bootstrap", lambda *a, **k: Result())
    lo, hi, how = stats._bootstrap_ci((np.arange(10),), None, paired=False, n_boot=10, seed=0)
    assert (lo, hi) == pytest.approx((1.2, 8.8))
    assert how == "percentile; 1 of 10 resamples undefined, dropped"
    Result.bootstrap_distribution = np.where(nine == 9, np.nan, nine)  # 8 of 10
    lo, hi, how = stats._bootstrap_ci((np.arange(10),), None, paired=False, n_boot=10, seed=0)
    assert np.isnan(lo) and np.isnan(hi) and how == "none: no bootstrap interval around the estimate"


def _separated_ratings(cross: bool) -> pd.DataFrame:
    """12 authorities rated in x's order (Requires improvement, Good, Outstanding: separated), or
    with the 4th and 5th ratings swapped, so the ratings no longer line up with x."""
    from lahelpers.framework import RATING_DTYPE

    ratings = ["Requires improvement"] * 4 + ["Good"] * 4 + ["Outstanding"] * 4
    if cross:
        ratings[3], ratings[4] = ratings[4], ratings[3]
    z = [0.3, -1.2, 0.8, 0.1, -0.5, 1.4, -0.9, 0.6, -0.2, 1.1, -1.5, 0.4]
    return pd.DataFrame({"rating": pd.Series(ratings, dtype=RATING_DTYPE), "x": np.arange(12.0), "z": z})


def test_a_separated_ordinal_model_reports_no_odds_ratio() -> None:
    """Ratings in exactly x's order: the likelihood rises without limit, statsmodels stops at a
    huge coefficient (its interval 0 to infinity as an odds ratio) and still says it converged.
    No number is reported then, the method says why, and the sentence claims nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # exp of the runaway bounds overflows quietly
        res = stats.ordinal_regression(_separated_ratings(cross=False), "rating", ["x", "z"],
                                       labels={"x": "Deprivation", "z": "Age", "rating": "CQC rating"})
    assert res[["estimate", "ci_low", "ci_high", "p_value", "alone_estimate", "alone_ci_low",
                "alone_ci_high"]].loc[0].isna().all()
    assert res["method"].iloc[0] == (
        "ordered logit (statsmodels OrderedModel), predictors standardised (per 1 SD); empty categories "
        "removed: Inadequate; no finite odds ratio for Deprivation and Age (no finite 95% interval, as "
        "when the ratings line up almost perfectly with the model's measures)")
    assert res["sentence"].iloc[0] == (
        "Across 12 authorities, no odds ratio can be given for deprivation: the model has no finite "
        "estimate, which happens when CQC rating lines up almost perfectly with its measures, so "
        "nothing is said about this link.")
    groups = wording.sort_rows(res)  # what titles and key points are made from: nothing tested
    assert len(groups["untested"]) == 2 and not any(groups[k] for k in groups if k != "untested")


def test_an_ordinal_model_that_is_not_separated_keeps_its_odds_ratio() -> None:
    """The control: two ratings swapped, so x no longer orders them; the odds ratio is statsmodels'
    own, fitted here directly on the standardised x."""
    df = _separated_ratings(cross=True)
    res = stats.ordinal_regression(df, "rating", ["x"]).iloc[0]
    y = df["rating"].cat.remove_unused_categories()
    xz = pd.DataFrame({"x": (df["x"] - df["x"].mean()) / df["x"].std(ddof=1)})
    direct = OrderedModel(y, xz, distr="logit").fit(method="bfgs", disp=False, maxiter=2000)
    assert res["estimate"] == pytest.approx(np.exp(direct.params["x"]), rel=1e-4)
    assert 0 < res["ci_low"] < res["estimate"] < res["ci_high"] < np.inf
    assert "no finite odds ratio" not in res["method"]


def test_estimable_needs_both_odds_ratio_bounds_finite_and_above_zero() -> None:
    """Log-odds bounds -> odds-ratio bounds: (-1, 1) is (0.37, 2.72); (-800, -700) underflows to
    (0, 0), finite but zero; (700, 800) overflows to infinity; one infinite bound is enough."""
    assert stats._estimable(pd.Series([-1.0, 1.0]))
    assert not stats._estimable(pd.Series([-800.0, -700.0]))
    assert not stats._estimable(pd.Series([700.0, 800.0]))
    assert not stats._estimable(pd.Series([0.5, np.inf]))
