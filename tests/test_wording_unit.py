"""Every wording helper on hand-made results, each sentence written out in full by hand (so a changed
word, number, rule or threshold fails): numbers, the verdict and its edges, each kind of claim,
key points and chart titles, and one authority against a group. No data is read."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from lahelpers import wording
from lahelpers.wording import CLEAR, NONE, SUGGESTIVE, Result

NAN = float("nan")
#: clear: p and interval agree, and the Holm-adjusted p is below 0.05 over 10 tests.
CLEAR_R = Result(0.3, 0.1, 0.5, p=0.01, p_adj=0.02, family_n=10, n=100)
#: suggestive: clear on its own test, not after the adjustment.
ADJ_R = Result(0.3, 0.1, 0.5, p=0.01, p_adj=0.2, family_n=10, n=20)
#: suggestive: the test says yes, the interval no.
SPLIT_R = Result(-0.3, -0.5, 0.1, p=0.01, n=100)
NONE_R = Result(0.05, -0.1, 0.2, p=0.4, n=100)
CLEAR_TAIL = "p = 0.010; Holm-adjusted p = 0.020 over the 10 tests on this page"
ADJ_WHY = ("it does not hold once the 10 tests on this page are allowed for: treat it as a lead to "
           "check, not a finding")  # fmt: skip
SPLIT_WHY = ("the test and the 95% interval disagree about it, so the evidence is weak: treat it as "
             "a lead to check, not a finding")  # fmt: skip


# ---------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("args", "text"),
    [((1.234,), "1.23"), ((-0.001,), "0.00"), ((-0.004,), "0.00"), ((0.4, 0), "0"),
     ((2.5, 1, True), "+2.5"), ((-2.5, 1, True), "-2.5"), ((0.001, 2, True), "0.00"),
     ((1.5,), "1.50"), (("1.5",), "1.50"), ((None,), "not known"), ((NAN,), "not known"),
     ((math.inf,), "not known"), (("abc",), "not known"), ((12.3456, 3), "12.346")],
)  # fmt: skip
def test_number(args: tuple, text: str) -> None:
    assert wording.number(*args) == text


@pytest.mark.parametrize(("x", "text"), [(3.0, "3"), (3, "3"), (2.5, "2.50"), (2.666, "2.67"),
                                         (NAN, "not known"), (None, "not known")])  # fmt: skip
def test_score(x: object, text: str) -> None:
    assert wording.score(x) == text


@pytest.mark.parametrize(
    ("args", "text"),
    [((0.0004,), "p < 0.001"), ((0.001,), "p = 0.001"), ((0.0234,), "p = 0.023"), ((1.0,), "p = 1.000"),
     ((NAN,), "p not available"), ((None,), "p not available"),
     ((0.0004, "Holm-adjusted p"), "Holm-adjusted p < 0.001"), ((NAN, "q"), "q not available")],
)  # fmt: skip
def test_p_text(args: tuple, text: str) -> None:
    assert wording.p_text(*args) == text


@pytest.mark.parametrize(
    ("args", "text"),
    [((1,), "1 authority"), ((1.0,), "1 authority"), ((2,), "2 authorities"), ((0,), "0 authorities"),
     ((2.0,), "2 authorities"), ((3, "test"), "3 tests"), ((2, "key"), "2 keys"), ((2, "day"), "2 days"),
     ((2, "city"), "2 cities"), ((2, "person", "people"), "2 people"), ((1, "person", "people"), "1 person")],
)  # fmt: skip
def test_count(args: tuple, text: str) -> None:
    assert wording.count(*args) == text


def test_be_has_listing() -> None:
    assert [wording.be(n) for n in (0, 1, 2, 1.0)] == ["are", "is", "are", "is"]
    assert [wording.has(n) for n in (0, 1, 3)] == ["have", "has", "have"]
    assert wording.listing([]) == "" and wording.listing(["a"]) == "a"
    assert wording.listing(["a", "b"]) == "a and b"
    assert wording.listing(iter(["a", "b", "c"])) == "a, b and c"
    assert wording.listing(["a", "b", "c", "d"]) == "a, b, c and d"


@pytest.mark.parametrize(
    ("args", "ok"),
    [((0.3, 0.1, 0.5), True), ((0.3, 0.5, 0.1), False), ((0.6, 0.1, 0.5), False),
     ((0.504, 0.1, 0.5), True),  # 0.50 as printed
     ((0.3, 0.3, 0.3), False), ((0.3, 0.3, 0.5), True), ((0.5, 0.3, 0.5), True),
     ((0.3, 0.301, 0.5), True), ((0.31, 0.34, 0.5), False), ((0.31, 0.34, 0.5, 1), True),
     ((NAN, 0.1, 0.5), False), ((0.3, NAN, 0.5), False), ((0.3, 0.1, math.inf), False)],
)  # fmt: skip
def test_interval_ok(args: tuple, ok: bool) -> None:
    assert wording.interval_ok(*args) is ok


def test_estimate_ci() -> None:
    assert wording.estimate_ci("rho", 0.3, 0.1, 0.5) == "rho 0.30, 95% CI 0.10 to 0.50"
    assert (wording.estimate_ci("diff", 1.5, -0.5, 3.3, digits=1, sign=True, unit=" pp")
            == "diff +1.5 pp, 95% CI -0.5 pp to +3.3 pp")  # fmt: skip
    assert wording.estimate_ci("", 2.0, NAN, NAN) == "2.00 (no 95% confidence interval could be given)"
    assert wording.estimate_ci("rho", 0.6, 0.1, 0.5) == "rho 0.60 (no 95% confidence interval could be given)"


def test_clean() -> None:
    out = wording.clean([-0.0, 0.004, -0.004, 0.006, NAN, 1.5, -2.0])
    assert out[:4].tolist() == [0.0, 0.0, 0.0, 0.006] and not np.signbit(out[:3]).any()
    assert math.isnan(out[4]) and out[5:].tolist() == [1.5, -2.0]


@pytest.mark.parametrize(("label", "short"), [("QS4 Care provision, integration", "QS4"), ("QS10 x", "QS10"),
                                              ("QSx y", "QSx y"), ("Overall score (%)", "Overall score (%)"),
                                              ("QS", "QS"), ("Qs4 thing", "Qs4 thing")])  # fmt: skip
def test_short_label(label: str, short: str) -> None:
    assert wording.short_label(label) == short


@pytest.mark.parametrize(("text", "out"), [("Share rural", "share rural"), ("QS4", "QS4"), ("IMD 2019", "IMD 2019"),
                                           ("A", "a"), ("", ""), ("Age 65+", "age 65+")])  # fmt: skip
def test_lower_first(text: str, out: str) -> None:
    assert wording.lower_first(text) == out


# ---------------------------------------------------------------------------- the result and the verdict


def test_result_from_row() -> None:
    row = {"estimate": 0.3, "ci_low": 0.1, "ci_high": 0.5, "p_value": 0.01, "p_holm": 0.02,
           "family_n": 10, "n": 100, "n_missing": 3}  # fmt: skip
    assert Result.from_row(row) == Result(0.3, 0.1, 0.5, 0.01, 0.02, 10, 100, 3, 0.0)
    assert Result.from_row(pd.Series(row)) == Result(0.3, 0.1, 0.5, 0.01, 0.02, 10, 100, 3, 0.0)
    assert Result.from_row({**row, "claim": "odds_ratio"}).null == 1.0
    assert Result.from_row({**row, "method": "Ordered logit"}).null == 1.0
    assert Result.from_row({**row, "method": "Odds ratio"}).null == 1.0
    assert Result.from_row({**row, "method": "OLS"}).null == 0.0
    assert Result.from_row({**row, "claim": "odds_ratio"}, null=5.0).null == 5.0
    empty = Result.from_row({"estimate": None, "family_n": NAN, "n": None})
    assert (empty.family_n, empty.n, empty.n_missing) == (0, 0, 0)
    assert all(math.isnan(v) for v in (empty.estimate, empty.ci_low, empty.ci_high, empty.p, empty.p_adj))


def test_result_properties() -> None:
    assert CLEAR_R.has_interval and CLEAR_R.excludes_null and CLEAR_R.in_family
    assert not Result(0.3).has_interval and not Result(0.3).excludes_null
    assert not Result(0.3, 0.0, 0.5).excludes_null  # the interval touches 0
    assert not Result(-0.3, -0.5, 0.0).excludes_null
    assert Result(-0.3, -0.5, -0.1).excludes_null
    assert Result(1.5, 1.1, 2.0, null=1.0).excludes_null and Result(0.8, 0.6, 0.9, null=1.0).excludes_null
    assert not Result(1.2, 0.9, 1.5, null=1.0).excludes_null
    assert not Result(0.3, p_adj=0.01, family_n=1).in_family  # one test is no family
    assert not Result(0.3, p_adj=NAN, family_n=5).in_family
    assert Result(0.3, p_adj=0.3, family_n=2).in_family


@pytest.mark.parametrize(
    ("r", "v"),
    [(CLEAR_R, CLEAR), (ADJ_R, SUGGESTIVE), (SPLIT_R, SUGGESTIVE), (NONE_R, NONE),
     (Result(0.3, 0.1, 0.5), CLEAR),  # the interval alone
     (Result(0.3, p=0.01), CLEAR),  # the p-value alone
     (Result(0.3, p=0.01, p_adj=0.04, family_n=3), CLEAR),
     (Result(0.3, p=0.01, p_adj=0.05, family_n=3), SUGGESTIVE),  # the adjusted p must be below 0.05
     (Result(0.3, p=0.05), NONE), (Result(0.3, p=0.0499), CLEAR),
     (Result(0.3, 0.1, 0.5, p=0.3), SUGGESTIVE),  # the interval says yes, the test no
     (Result(0.3, 0.1, 0.5, p_adj=0.2, family_n=3), SUGGESTIVE),
     (Result(0.3), NONE), (Result(0.3, p=0.3), NONE), (Result(0.3, -0.1, 0.5), NONE)],
)  # fmt: skip
def test_verdict(r: Result, v: str) -> None:
    assert wording.verdict(r) == v


def test_direction_adjustment_small_and_why() -> None:
    assert [wording.direction(Result(e)) for e in (0.3, -0.3, 0.0, 1e-12, NAN)] == ["higher", "lower", "", "", ""]
    assert wording.direction(Result(1.2, null=1.0)) == "higher" and wording.direction(Result(0.8, null=1.0)) == "lower"
    assert wording.direction(Result(1.0, null=1.0)) == ""
    assert wording.direction(Result(-1.0), "more", "less") == "less"
    assert wording.adjustment(CLEAR_R) == "Holm-adjusted p = 0.020 over the 10 tests on this page"
    assert wording.adjustment(SPLIT_R) == ""
    assert wording.small(10) == "; with only 10 authorities this estimate is uncertain"
    assert wording.small(29) == "; with only 29 authorities this estimate is uncertain"
    assert wording.small(1) == "; with only 1 authority this estimate is uncertain"
    assert wording.small(30) == "" and wording.small(0) == ""
    assert wording._qualify(ADJ_R) == ADJ_WHY and wording._qualify(SPLIT_R) == SPLIT_WHY
    assert wording._qualify(Result(0.3, p=0.01)) == "treat it as a lead to check, not a finding"
    assert wording._tail(CLEAR_R) == CLEAR_TAIL
    assert wording._tail(Result(0.3)) == "" and wording._tail(Result(0.3, p=0.2)) == "p = 0.200"
    assert wording._tail(Result(0.3, p_adj=0.2, family_n=3)) == (
        "Holm-adjusted p = 0.200 over the 3 tests on this page"
    )


# ---------------------------------------------------------------------------- each kind of claim


def test_association_in_each_verdict() -> None:
    def say(r: Result) -> str:
        return wording.association(r, "Share rural", "QS4", "Spearman's rho")

    assert say(CLEAR_R) == (
        "Across 100 authorities, higher share rural clearly went with higher QS4 (Spearman's rho 0.30, "
        f"95% CI 0.10 to 0.50; {CLEAR_TAIL}); an association rather than evidence that one causes the other."
    )
    assert say(ADJ_R) == (
        "Across 20 authorities, higher share rural went with higher QS4 on this test alone (Spearman's "
        f"rho 0.30, 95% CI 0.10 to 0.50; p = 0.010; Holm-adjusted p = 0.200 over the 10 tests on this "
        f"page), but {ADJ_WHY}; an association rather than evidence that one causes the other; with only "
        "20 authorities this estimate is uncertain."
    )
    assert say(NONE_R) == (
        "Across 100 authorities, share rural showed no clear association with QS4 (Spearman's rho 0.05, "
        "95% CI -0.10 to 0.20; p = 0.400); an association rather than evidence that one causes the other."
    )
    assert say(Result(0.3, p=0.2, n=6)) == (
        "Across only 6 authorities, Spearman's rho between share rural and QS4 was 0.30 (p = 0.200), "
        "too few (or too alike) for a confidence interval: read it as a description, not evidence of "
        "an association."
    )
    assert say(Result(NAN, n=2)) == (
        "An association between share rural and QS4 could not be estimated from 2 authorities with both "
        "values; with only 2 authorities this estimate is uncertain."
    )


def test_difference_in_each_verdict() -> None:
    def say(r: Result, **kw) -> str:
        return wording.difference(r, "The mean QS1", "London", "the rest", **kw)

    assert say(CLEAR_R, n_a=33, n_b=120) == (
        "The mean QS1 was clearly higher in London (33 authorities) than in the rest (120 authorities) "
        f"(difference in means +0.30, 95% CI +0.10 to +0.50; {CLEAR_TAIL}); a difference between "
        "groups of authorities, not a cause."
    )
    assert say(SPLIT_R, n_a=1, n_b=120) == (
        "The mean QS1 looked lower in London (1 authority) than in the rest (120 authorities) on this "
        "test alone (difference in means -0.30, 95% CI -0.50 to +0.10; p = 0.010), but "
        f"{SPLIT_WHY}; a difference between groups of authorities, not a cause."
    )
    assert say(NONE_R, stat="median difference", sign=False) == (
        "The mean QS1 did not differ clearly between London and the rest (median difference 0.05, "
        "95% CI -0.10 to 0.20; p = 0.400); a difference between groups of authorities, not a cause."
    )


def test_group_test_in_each_verdict() -> None:
    def say(r: Result) -> str:
        return wording.group_test(r, "QS4 score", "Rurality class", 6, "H = 12.1")

    assert say(CLEAR_R) == (
        "Across 100 authorities, QS4 score clearly differed between the 6 groups by rurality class "
        f"(H = 12.1; {CLEAR_TAIL}), an association, not evidence that rurality class causes it."
    )
    assert say(Result(0.1, p=0.01, p_adj=0.3, family_n=5, n=25)) == (
        "Across 25 authorities, QS4 score differed between the 6 groups by rurality class on this test "
        "alone, but it does not hold once the 5 tests on this page are allowed for: treat it as a lead "
        "to check, not a finding (H = 12.1; p = 0.010; Holm-adjusted p = 0.300 over the 5 tests on "
        "this page), an association, not evidence that rurality class causes it; with only 25 "
        "authorities this estimate is uncertain."
    )
    assert say(Result(0.1, p=0.5, n=100)) == (
        "Across 100 authorities, QS4 score did not differ clearly between the 6 groups by rurality "
        "class (H = 12.1; p = 0.500), an association, not evidence that rurality class causes it."
    )


@pytest.fixture
def units(monkeypatch: pytest.MonkeyPatch) -> None:
    """The units load.variables() would give, by label (so no built data is read)."""
    monkeypatch.setattr(wording, "_units", lambda: {"Share rural": "%", "Spend": "£ per person",
                                                    "Population": "people", "QS1": "score",
                                                    "Class": "category", "Rank": "rank"})


@pytest.mark.parametrize(
    ("sd", "label", "text"),
    [(7.384, "Share rural", "7.38 percentage points"), (12345.6, "Population", "12,346 people"),
     (123.4, "Spend", "£123 per person"), (0.41234, "QS1", "0.412 points"), (5, "Class", "5"),
     (5, "Unknown", "5"), (-1500, "Population", "-1,500 people"), (2.5, "Rank", "2.5 places"),
     (NAN, "Share rural", "not known")],
)  # fmt: skip
def test_sd_text(units: None, sd: float, label: str, text: str) -> None:
    assert wording.sd_text(sd, label) == text


OR_CLEAR = Result(1.5, 1.2, 1.9, p=0.001, p_adj=0.01, family_n=8, n=140, null=1.0)
OR_TAIL = "p = 0.001; Holm-adjusted p = 0.010 over the 8 tests on this page"
PER_SD = "each 1 standard deviation (7.38 percentage points) higher share rural"


def test_odds_ratio_in_each_verdict(units: None) -> None:
    alone = Result(1.3, 1.0, 1.7, p=0.04)
    assert wording.odds_ratio(OR_CLEAR, "Share rural", "QS4", 7.384, "deprivation", alone=alone) == (
        f"Across 140 authorities, {PER_SD} clearly went with higher odds of a better QS4 (odds ratio "
        f"1.50, 95% CI 1.20 to 1.90; {OR_TAIL}), holding deprivation fixed; an association, not "
        "evidence of cause. Without deprivation held fixed, it had an odds ratio of 1.30, 95% CI 1.00 "
        "to 1.70 (p = 0.040)."
    )
    lead = Result(0.8, 0.7, 0.95, p=0.01, p_adj=0.2, family_n=8, n=20, null=1.0)
    assert wording.odds_ratio(lead, "Share rural", "QS4", 7.384, alone=Result(NAN)) == (
        f"Across 20 authorities, {PER_SD} went with lower odds of a better QS4 on this test alone (odds "
        "ratio 0.80, 95% CI 0.70 to 0.95; p = 0.010; Holm-adjusted p = 0.200 over the 8 tests on this "
        "page), but it does not hold once the 8 tests on this page are allowed for: treat it as a lead "
        "to check, not a finding; an association, not evidence of cause; with only 20 authorities this "
        "estimate is uncertain."
    )
    none = Result(0.9, 0.7, 1.2, p=0.5, n=140, null=1.0)
    assert wording.odds_ratio(none, "Share rural", "QS4", 7.384) == (
        "Across 140 authorities, share rural showed no clear association with QS4 (odds ratio 0.90, "
        "95% CI 0.70 to 1.20; p = 0.500); an association, not evidence of cause."
    )


def test_a_collinear_odds_ratio_is_not_a_finding(units: None) -> None:
    alone = Result(1.3, 1.0, 1.7, p=0.04)
    assert wording.odds_ratio(OR_CLEAR, "Share rural", "QS4", 7.384, vif=6.3, alone=alone) == (
        "Share rural moves closely with the other measures in the model (variance inflation factor "
        f"6.3), so its adjusted odds ratio 1.50, 95% CI 1.20 to 1.90 ({OR_TAIL}) cannot be told apart "
        "from theirs and is not a finding. Without the other measures held fixed, it had an odds ratio "
        "of 1.30, 95% CI 1.00 to 1.70 (p = 0.040)."
    )
    assert wording.odds_ratio(OR_CLEAR, "Share rural", "QS4", 7.384, vif=5.0).startswith("Share rural moves")
    assert wording.odds_ratio(OR_CLEAR, "Share rural", "QS4", 7.384, vif=4.99).startswith("Across 140")
    assert [wording.collinear(v) for v in (5.0, 4.99, NAN, math.inf, 12)] == [True, False, False, False, True]


def test_coefficient(units: None) -> None:
    r = Result(-2.5, -4.0, -1.0, p=0.002, n=150)
    assert wording.coefficient(r, "Share rural", "Overall score (%)", 7.384) == (
        f"Across 150 authorities, {PER_SD} clearly went with lower overall score (%) (change -2.50, "
        "95% CI -4.00 to -1.00; p = 0.002) holding the other measures fixed; an association, not "
        "evidence of cause."
    )
    assert wording.coefficient(r, "Share rural", "Overall score (%)", 7.384, vif=7) == (
        "Share rural moves closely with the other measures in the model (variance inflation factor "
        "7.0), so its coefficient (change -2.50, 95% CI -4.00 to -1.00; p = 0.002) cannot be told "
        "apart from theirs and is not a finding."
    )


def test_mean() -> None:
    assert wording.mean(Result(2.61, 2.5, 2.72, n=117, n_missing=36), "QS1 score") == (
        "The mean QS1 score across the 117 authorities with a value was 2.61, 95% CI 2.50 to 2.72 "
        "(36 missing), a description of these authorities, not an explanation of why."
    )
    assert wording.mean(Result(3.0, n=1), "QS1 score") == (
        "The mean QS1 score across the 1 authority with a value was 3.00 (no 95% confidence interval "
        "could be given) (0 missing), a description of these authorities, not an explanation of why; "
        "with only 1 authority this estimate is uncertain."
    )


def test_standouts() -> None:
    assert wording.standouts([], [], 150, "overall %") == (
        "No authority stands out: once the 150 authorities tested are allowed for (Holm), none lies "
        "further from the overall % its context predicts than chance would readily produce."
    )
    assert wording.standouts(["York"], ["Leeds", "Hull"], 150, "overall %") == (
        "Allowing for the 150 authorities tested (Holm), these stand out from the overall % their "
        "context predicts: 1 authority is clearly above it (York) and 2 authorities are clearly below "
        "it (Leeds and Hull)."
    )
    assert wording.standouts(["York", "Hull"], [], 150, "overall %") == (
        "Allowing for the 150 authorities tested (Holm), these stand out from the overall % their "
        "context predicts: 2 authorities are clearly above it (York and Hull)."
    )
    assert wording.standouts([], ["Leeds"], 12, "QS1") == (
        "Allowing for the 12 authorities tested (Holm), these stand out from the QS1 their context "
        "predicts: 1 authority is clearly below it (Leeds)."
    )


def test_no_model() -> None:
    assert wording.no_model("the overall %", 0.3, 0.052) == (
        "Together these measures do not explain the overall % (overall F-test p = 0.300; they account "
        "for 5% of the variation, no more than chance would give), so an authority's distance from its "
        "'prediction' is just its distance from the average. No authority is named as doing better or "
        "worse than its context predicts."
    )


# ---------------------------------------------------------------------------- key points and titles


def _assoc(y: str, est: float, lo: float, hi: float, p: float, p_adj: float, **kw) -> dict:
    return {"claim": "association", "x_label": "Share rural", "predictor": "rural", "y_label": y,
            "outcome": y.split(" ")[0].lower(), "estimate": est, "ci_low": lo, "ci_high": hi,
            "p_value": p, "p_holm": p_adj, "family_n": 3, "n": 150, "stat": "Spearman's rho", **kw}  # fmt: skip


#: clear (Holm p < 0.05), none, and a lead (p < 0.05 alone), over 3 tests.
A_CLEAR = _assoc("QS4 Care provision", -0.41, -0.54, -0.26, 0.0001, 0.0003)
B_NONE = _assoc("QS8 Governance", 0.05, -0.1, 0.2, 0.5, 1.0)
C_LEAD = _assoc("QS1 Assessing needs", 0.2, 0.05, 0.35, 0.01, 0.06)
D_UNTESTED = {"claim": "association", "x_label": "Share rural", "y_label": "QS9", "estimate": 0.1, "n": 12}
DIFF = {"claim": "difference", "a": "London", "b": "the rest", "what": "QS1 Assessing needs", "outcome": "qs1",
        "estimate": -0.3, "ci_low": -0.5, "ci_high": -0.1, "p_value": 0.001, "n": 150, "n_a": 33,
        "stat": "difference in means"}  # fmt: skip
GROUP = {"claim": "group_test", "y_label": "QS4 Care provision", "x_label": "Rurality class", "outcome": "qs4",
         "predictor": "rural_class", "estimate": 0.1, "p_value": 0.001, "n": 150}  # fmt: skip


def test_row_verdict_and_sorting() -> None:
    assert wording._row_verdict(A_CLEAR) == CLEAR
    assert wording._row_verdict({**A_CLEAR, "collinear": True}) == SUGGESTIVE
    assert wording._row_verdict({**A_CLEAR, "collinear": np.bool_(True)}) == SUGGESTIVE
    assert wording._row_verdict({**A_CLEAR, "collinear": False}) == CLEAR
    assert wording._row_verdict({**A_CLEAR, "collinear": np.bool_(False)}) == CLEAR
    assert wording._row_verdict({**A_CLEAR, "collinear": "yes"}) == CLEAR  # only a real True counts
    assert wording._row_verdict({**B_NONE, "collinear": True}) == NONE
    groups = wording.sort_rows(pd.DataFrame([A_CLEAR, B_NONE, C_LEAD, D_UNTESTED]))
    assert {k: [r["y_label"] for r in v] for k, v in groups.items()} == {
        CLEAR: ["QS4 Care provision"], SUGGESTIVE: ["QS1 Assessing needs"], NONE: ["QS8 Governance"],
        "untested": ["QS9"]}  # fmt: skip
    interval_only = {"estimate": 0.3, "ci_low": 0.1, "ci_high": 0.5, "n": 40}
    assert wording.sort_rows([interval_only])[CLEAR] == [interval_only]
    assert wording.records([A_CLEAR]) == [A_CLEAR]
    assert wording.records(pd.DataFrame([{"a": 1}])) == [{"a": 1}]


def test_clauses() -> None:
    assert wording._clause(A_CLEAR) == "higher share rural went with lower QS4 Care provision"
    assert wording._clause(A_CLEAR, short=True) == "higher share rural went with lower QS4"
    assert wording._clause(A_CLEAR, names={"qs4": "home care", "rural": "rurality"}) == (
        "higher rurality went with lower home care"
    )
    assert wording._clause(DIFF) == "London scored lower on QS1 Assessing needs than the rest"
    assert wording._clause(DIFF, short=True) == "London scored lower on QS1 than the rest"
    assert wording._clause(GROUP) == "QS4 Care provision differed between the groups by rurality class"
    assert wording._clause(GROUP, short=True) == "QS4 differed between the groups by rurality class"
    assert [wording._link_word(r) for r in (A_CLEAR, DIFF, GROUP, {})] == ["link", "difference", "difference", "link"]


def test_headline() -> None:
    assert wording.headline([A_CLEAR, B_NONE], "Rurality and scores") == "Higher share rural went with lower QS4"
    assert wording.headline([A_CLEAR], "Rurality and scores", held="allowing for deprivation") == (
        "Higher share rural went with lower QS4, allowing for deprivation"
    )
    four = [_assoc(f"QS{i} x", -0.41, -0.54, -0.26, 0.0001, 0.0003, x_label="R") for i in range(1, 5)]
    assert wording.headline(four[:2], "T") == "Higher r went with lower QS1 and higher r went with lower QS2"
    assert wording.headline(four[:3], "T") == "T: 3 clear links"  # 91 characters: too long
    assert wording.headline(four, "T") == "T: 4 clear links"
    assert wording.headline(four, "T", held="held") == "T: 4 clear links, held"
    assert wording.headline([B_NONE], "Rurality and scores") == "Rurality and scores: no clear link"
    assert wording.headline([{**DIFF, "p_value": 0.5, "ci_high": 0.1}], "By region") == "By region: no clear difference"
    assert wording.headline([B_NONE, C_LEAD], "Rurality and scores") == "Rurality and scores"
    assert wording.headline([D_UNTESTED], "Rurality and scores") == "Rurality and scores"
    assert wording.headline([], "Rurality and scores") == "Rurality and scores"


def test_headline_names_every_clear_result_or_counts_them() -> None:
    """The shortest clause ('higher r went with lower a', 26 characters): two fit in 80, three
    (85 characters) never do, so a title never names some clear results and hides the rest."""
    short = {"rural": "r", "qs1": "a", "qs2": "b", "qs3": "c"}
    three = [_assoc(f"QS{i} x", -0.41, -0.54, -0.26, 0.0001, 0.0003) for i in range(1, 4)]
    assert wording.headline(three[:2], "T", names=short) == "Higher r went with lower a and higher r went with lower b"
    assert wording.headline(three, "T", names=short) == "T: 3 clear links"


def test_headline_length_limit() -> None:
    """'higher ' + x + ' went with lower QS4' is 27 characters plus x: 80 fits, 81 does not."""
    fits = _assoc("QS4 x", -0.41, -0.54, -0.26, 0.0001, 0.0003, x_label="r" * 53)
    too_long = {**fits, "x_label": "r" * 54}
    assert wording.headline([fits], "T") == f"Higher {'r' * 53} went with lower QS4"
    assert wording.headline([too_long], "T") == "T: 1 clear link"


def test_finding() -> None:
    assert wording.finding(A_CLEAR) == (
        "higher share rural clearly went with lower QS4 Care provision (Spearman's rho -0.41, 95% CI "
        "-0.54 to -0.26; Holm-adjusted p < 0.001 over the 3 tests on this page; 150 authorities)"
    )
    assert wording.finding(DIFF) == (
        "London clearly scored lower on QS1 Assessing needs than the rest (difference in means -0.30, "
        "95% CI -0.50 to -0.10; p = 0.001; 33 scored in London)"
    )
    odds = {**A_CLEAR, "claim": "odds_ratio", "estimate": 0.7, "ci_low": 0.6, "ci_high": 0.85, "stat": "ignored"}
    assert wording.finding(odds) == (
        "higher share rural clearly went with lower QS4 Care provision (odds ratio per 1 SD 0.70, 95% CI "
        "0.60 to 0.85; Holm-adjusted p < 0.001 over the 3 tests on this page; 150 authorities)"
    )
    plain_diff = {k: v for k, v in DIFF.items() if k not in ("stat", "n_a")}
    assert wording.finding(plain_diff) == (
        "London clearly scored lower on QS1 Assessing needs than the rest (difference -0.30, 95% CI "
        "-0.50 to -0.10; p = 0.001; 150 authorities)"
    )
    assert wording.finding(GROUP) == (
        "QS4 Care provision clearly differed between the groups by rurality class (estimate 0.10 (no 95% "
        "confidence interval could be given); p = 0.001; 150 authorities)"
    )
    for row in (B_NONE, C_LEAD, {**A_CLEAR, "collinear": True}):
        with pytest.raises(ValueError, match=r"^finding\(\) words clear results only; use span\(\) for the others$"):
            wording.finding(row)


def test_span() -> None:
    assert wording.span([], "rho") == "no estimate could be made from 0 authorities"
    assert wording.span([{"estimate": NAN, "n": 5}, {"estimate": None, "n": 1}], "rho") == (
        "no estimate could be made from 5 authorities"
    )
    assert wording.span([{"estimate": 0.05, "ci_low": -0.1, "ci_high": 0.2, "n": 79}], "rho") == (
        "rho 0.05, 95% CI -0.10 to 0.20; 79 authorities"
    )
    two = [{"estimate": -0.12, "ci_low": -0.3, "ci_high": 0.06, "n": 79, "n_missing": 38},
           {"estimate": 0.08, "ci_low": -0.1, "ci_high": 0.25, "n": 117, "n_missing": 0}]  # fmt: skip
    assert wording.span(two, "rho") == (
        "rho from -0.12 to 0.08; their 95% CIs together run from -0.30 to 0.25; each on 79 to 117 authorities"
    )
    same = [{"estimate": -0.123, "n": 79, "n_missing": 74}, {"estimate": 0.081, "n": 79, "n_missing": None}]
    assert wording.span(same, "rho", digits=1) == "rho from -0.1 to 0.1; each on 79 of the 153 authorities"
    ones = [{"estimate": 0.2, "n": 1}, {"estimate": 0.4, "n": 1}]
    assert wording.span(ones, "d") == "d from 0.20 to 0.40; each on 1 authority"


def test_family_summary_with_a_clear_result() -> None:
    text = wording.family_summary([A_CLEAR, B_NONE, C_LEAD], "the share rural with the 4 scores",
                                  "Spearman's rho", held="allowing for deprivation", answer=("Yes", "No"))
    assert text == (
        "Yes: of 3 tests of the share rural with the 4 scores, allowing for deprivation, 1 is clear "
        "once the 3 tests on this page are allowed for (Holm): higher share rural clearly went with "
        "lower QS4 Care provision (Spearman's rho -0.41, 95% CI -0.54 to -0.26; Holm-adjusted p < 0.001 "
        "over the 3 tests on this page; 150 authorities). These are associations, not evidence of "
        "cause. 1 more result looked real on a single test only: a lead to check, not a finding."
    )


def test_family_summary_with_nothing_clear() -> None:
    text = wording.family_summary([B_NONE, C_LEAD, D_UNTESTED], "the share rural with the 4 scores",
                                  "Spearman's rho", answer=("Yes", ""))
    assert text == (
        "None of the 2 tests of the share rural with the 4 scores is clear once the 3 tests on this "
        "page are allowed for (Holm); Spearman's rho from 0.05 to 0.20; their 95% CIs together run "
        "from -0.10 to 0.35; each on 150 authorities. 1 of them looked real on a single test only "
        "(higher share rural went with higher QS1): a lead to check, not a finding. 1 more estimate "
        "could not be tested (too few authorities)."
    )
    one = {**B_NONE, "family_n": 1}
    assert wording.family_summary([one], "the share rural with QS8", "rho", answer=("Yes", "No")) == (
        "No: the one test of the share rural with QS8 is not clear on its own test; rho 0.05, 95% CI "
        "-0.10 to 0.20; 150 authorities."
    )


def test_family_summary_counts_beyond_most() -> None:
    clear = [_assoc(f"QS{i} x", -0.41, -0.54, -0.26, 0.0001, 0.0003) for i in range(1, 5)]
    text = wording.family_summary(clear, "w", "rho", most=3)
    assert text.startswith("Of 4 tests of w 4 are clear once the 3 tests on this page are allowed for (Holm): ")
    assert text.endswith("; and 1 more (in the tables below). These are associations, not evidence of cause.")
    assert text.count("clearly went with") == 3
    leads = [_assoc(f"QS{i} x", 0.2, 0.05, 0.35, 0.01, 0.06) for i in range(1, 5)]
    text = wording.family_summary(leads, "w", "rho", most=3)
    assert text.endswith(
        " 4 of them looked real on a single test only (higher share rural went with higher QS1; higher "
        "share rural went with higher QS2; higher share rural went with higher QS3; 1 more): leads to "
        "check, not findings."
    )
    text = wording.family_summary([*clear[:1], *leads[:2]], "w", "rho")
    assert text.endswith(" 2 more results looked real on a single test only: leads to check, not findings.")


def _pair(outcome: str, predictor: str, est: float, lo: float, hi: float, p: float) -> dict:
    return {"outcome": outcome, "predictor": predictor, "estimate": est, "ci_low": lo, "ci_high": hi,
            "p_value": p, "n": 100}  # fmt: skip


#: estimate = outcome minus predictor: qs1 clearly below qs2 and qs3, qs3 clearly above qs2.
PAIRS = pd.DataFrame([
    _pair("qs1", "qs2", -0.3, -0.5, -0.1, 0.001), _pair("qs3", "qs1", 0.6, 0.4, 0.8, 0.001),
    _pair("qs1", "qs4", 0.1, -0.1, 0.3, 0.3), _pair("qs3", "qs2", 0.3, 0.1, 0.5, 0.001),
    _pair("qs4", "qs3", -0.1, -0.3, 0.1, 0.4), _pair("qs2", "qs4", 0.05, -0.1, 0.2, 0.5),
])  # fmt: skip
MEANS = pd.DataFrame({"outcome": ["qs1", "qs2", "qs3", "qs4", "qs5"], "estimate": [2.3, 2.6, 2.9, 2.5, NAN]})


def test_pair_sides() -> None:
    assert wording.pair_sides(PAIRS, "qs1") == (["qs2", "qs3"], [], ["qs4"])
    assert wording.pair_sides(PAIRS, "qs3") == ([], ["qs1", "qs2"], ["qs4"])
    assert wording.pair_sides(PAIRS, "qs2") == (["qs3"], ["qs1"], ["qs4"])
    assert wording.pair_sides(PAIRS, "qs9") == ([], [], [])


def test_ranking_headline() -> None:
    assert wording.ranking_headline(MEANS, PAIRS, "Scores") == (
        "QS1 lowest, below 2 of the other 3; QS3 highest, above 2 of the other 3"
    )
    assert wording.ranking_headline(MEANS, PAIRS, "Scores", names={"qs1": "Needs"}) == (
        "Needs lowest, below 2 of the other 3; QS3 highest, above 2 of the other 3"
    )
    long = {"qs1": "n" * 40, "qs3": "h" * 40}
    assert wording.ranking_headline(MEANS, PAIRS, "Scores", names=long) == f"{'n' * 40} lowest, below 2 of the other 3"
    # only qs3 against qs2 is compared: the lowest (qs1) is below nothing, the highest above one
    assert wording.ranking_headline(MEANS, PAIRS.iloc[[3]], "Scores") == "QS3 highest, above 1 of the other 1"
    unclear = PAIRS.assign(p_value=0.5)
    assert wording.ranking_headline(MEANS, unclear, "Scores") == "Scores"
    assert wording.ranking_headline(MEANS.iloc[[0, 4]], PAIRS, "Scores") == "Scores"


# ---------------------------------------------------------------------------- one authority against a group


@pytest.mark.parametrize(
    ("args", "text"),
    [((2.63, 2.58, "the England mean"), "the same as the England mean of 2.6"),
     ((2.7, 2.58, "the England mean"), "above the England mean of 2.6"),
     ((2.5, 2.58, "the England mean"), "below the England mean of 2.6"),
     ((2.63, 2.58, "the England mean", 2), "above the England mean of 2.58"),
     ((NAN, 2.58, "the England mean"), "(the England mean is 2.6)"),
     ((2.5, NAN, "the England mean"), "(the England mean is not known)")],
)  # fmt: skip
def test_against(args: tuple, text: str) -> None:
    assert wording.against(*args) == text


@pytest.mark.parametrize(
    ("pct", "band", "low", "high", "nxt", "text"),
    [(70, "Good", 63, 87, "Outstanding", "in the Good band (63-87%), 7 points above the band's lowest "
      "score and 18 points short of Outstanding (88%)"),
     (70.9, "Good", 63, 87, "Outstanding", "in the Good band (63-87%), 7 points above the band's lowest "
      "score and 18 points short of Outstanding (88%)"),
     (63, "Good", 63, 87, "Outstanding", "in the Good band (63-87%), at the band's lowest score and 25 "
      "points short of Outstanding (88%)"),
     (87, "Good", 63, 87, "Outstanding", "in the Good band (63-87%), 24 points above the band's lowest "
      "score and 1 point short of Outstanding (88%)"),
     (26, "Inadequate", 25, 38, "Requires improvement", "in the Inadequate band (25-38%), 1 point above "
      "the band's lowest score and 13 points short of Requires improvement (39%)"),
     (100, "Outstanding", 88, 100, None, "in the Outstanding band (88-100%), 12 points above the band's "
      "lowest score and at the top of the scale"),
     (95, "Outstanding", 88, 100, None, "in the Outstanding band (88-100%), 7 points above the band's "
      "lowest score and 5 points below the top of the scale (100%)"),
     (99, "Outstanding", 88, 100, None, "in the Outstanding band (88-100%), 11 points above the band's "
      "lowest score and 1 point below the top of the scale (100%)")],
)  # fmt: skip
def test_band_position(pct: float, band: str, low: int, high: int, nxt: str | None, text: str) -> None:
    assert wording.band_position(pct, band, low, high, nxt) == text


def test_rank_among_and_ordinal() -> None:
    assert wording.rank_among(1, 6, "overall %") == "the highest overall % of the 6"
    assert wording.rank_among(6, 6, "overall %") == "the lowest overall % of the 6"
    assert wording.rank_among(2, 6, "overall %") == "the 2nd highest overall % of the 6"
    assert wording.rank_among(5, 6, "overall %") == "the 5th highest overall % of the 6"
    assert wording.rank_among(1, 1, "overall %") == "the only one of these with overall %"
    assert wording.rank_among(1, 0, "overall %") == "the only one of these with overall %"
    assert wording.rank_among(2, 2, "overall %") == "the lowest overall % of the 2"
    numbers = [0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 101, 111, 112, 113, 121]
    assert [wording.ordinal(n) for n in numbers] == [
        "0th", "1st", "2nd", "3rd", "4th", "10th", "11th", "12th", "13th", "14th", "20th", "21st", "22nd",
        "23rd", "101st", "111th", "112th", "113th", "121st"]  # fmt: skip
    assert wording.ordinal(2.0) == "2nd"


# ---------------------------------------------------------------------------- edges the first mutation run found


def test_clauses_use_given_names_and_never_shorten_the_predictor() -> None:
    names = {"qs1": "needs", "qs4": "home care", "rural_class": "rurality"}
    assert wording._clause(DIFF, names=names) == "London scored lower on needs than the rest"
    assert wording._clause(GROUP, names=names) == "home care differed between the groups by rurality"
    by_statement = {**GROUP, "x_label": "QS2 Supporting people"}
    assert wording._clause(by_statement, short=True) == "QS4 differed between the groups by QS2 Supporting people"
    x_statement = {**A_CLEAR, "x_label": "QS1 Assessing needs"}
    assert wording._clause(x_statement, short=True) == "higher QS1 Assessing needs went with lower QS4"
    assert wording.headline([A_CLEAR], "T", names={"qs4": "home care"}) == "Higher share rural went with lower home care"


def test_why_a_result_is_only_a_lead_at_p_exactly_005() -> None:
    """0.05 is not below 0.05: an adjusted p of 0.05 does not hold, and a p of 0.05 with an interval
    that excludes no effect is a disagreement."""
    assert wording._qualify(Result(0.3, p=0.01, p_adj=0.05, family_n=3)) == (
        "it does not hold once the 3 tests on this page are allowed for: treat it as a lead to check, "
        "not a finding"
    )
    assert wording._qualify(Result(0.3, 0.1, 0.5, p=0.05)) == SPLIT_WHY


def test_an_interval_without_a_p_value_has_no_empty_tail() -> None:
    r = Result(0.3, 0.1, 0.5, n=100)
    assert wording.association(r, "Share rural", "QS4", "rho") == (
        "Across 100 authorities, higher share rural clearly went with higher QS4 (rho 0.30, 95% CI 0.10 "
        "to 0.50); an association rather than evidence that one causes the other."
    )
    assert wording.difference(r, "QS1", "London", "the rest") == (
        "QS1 was clearly higher in London than in the rest (difference in means +0.30, 95% CI +0.10 to "
        "+0.50); a difference between groups of authorities, not a cause."
    )


def test_clean_takes_blanks() -> None:
    out = wording.clean([None, 1])
    assert math.isnan(out[0]) and out[1] == 1.0 and out.dtype == float


def test_a_positive_coefficient_has_its_sign_and_a_null_one_its_outcome(units: None) -> None:
    r = Result(2.5, 1.0, 4.0, p=0.002, n=150)
    assert wording.coefficient(r, "Share rural", "Overall score (%)", 7.384) == (
        f"Across 150 authorities, {PER_SD} clearly went with higher overall score (%) (change +2.50, "
        "95% CI +1.00 to +4.00; p = 0.002) holding the other measures fixed; an association, not "
        "evidence of cause."
    )
    r = Result(0.5, -1.0, 2.0, p=0.5, n=150)
    assert wording.coefficient(r, "Share rural", "Overall score (%)", 7.384) == (
        "Across 150 authorities, share rural showed no clear association with overall score (%) (change "
        "+0.50, 95% CI -1.00 to +2.00; p = 0.500) holding the other measures fixed; an association, "
        "not evidence of cause."
    )


def test_small_edges() -> None:
    assert wording.count(2, "journey") == "2 journeys"
    assert wording.direction(Result(1e-11)) == ""  # at the null to 10 decimals
    assert wording.estimate_ci("x", 0.31, 0.34, 0.5, digits=1) == "x 0.3, 95% CI 0.3 to 0.5"
    assert wording.lower_first("QS") == "QS" and wording.lower_first("GPs per 1,000") == "GPs per 1,000"
    assert wording.no_model("QS1", 0.3, 0.9).split("account for ")[1].startswith("90% of the variation")
    row = {"estimate": 0.3, "p_value": 0.01, "n": 50}  # a p-value and no interval is tested
    assert wording.sort_rows([row])[CLEAR] == [row]
    empty = Result.from_row(object(), null=0.0)  # not a mapping: every value unknown
    assert math.isnan(empty.estimate) and math.isnan(empty.p) and (empty.n, empty.family_n) == (0, 0)


def test_span_keeps_its_digits() -> None:
    two = [{"estimate": -0.12, "ci_low": -0.34, "ci_high": 0.06, "n": 79},
           {"estimate": 0.08, "ci_low": -0.1, "ci_high": 0.26, "n": 79}]  # fmt: skip
    assert wording.span(two, "rho", digits=1) == (
        "rho from -0.1 to 0.1; their 95% CIs together run from -0.3 to 0.3; each on 79 authorities"
    )
    assert wording.span(two[:1], "rho", digits=1) == "rho -0.1, 95% CI -0.3 to 0.1; 79 authorities"


def test_family_summary_edges() -> None:
    """No family size at all; a family of two; two clear results joined; the default of three in
    full; the one test without an answer put first."""
    no_family = [{k: v for k, v in B_NONE.items() if k != "family_n"}]
    assert wording.family_summary(no_family, "w", "rho").startswith("The one test of w is not clear on its own test; ")
    two = [{**B_NONE, "family_n": 2}]
    assert wording.family_summary(two, "w", "rho").startswith(
        "The one test of w is not clear once the 2 tests on this page are allowed for (Holm); "
    )
    a2 = {**A_CLEAR, "y_label": "QS8 Governance", "outcome": "qs8"}
    text = wording.family_summary([A_CLEAR, a2], "w", "rho")
    assert text.startswith("Of 2 tests of w 2 are clear once the 3 tests on this page are allowed for (Holm): ")
    assert "150 authorities); higher share rural clearly went with lower QS8 Governance (" in text
    clear = [_assoc(f"QS{i} x", -0.41, -0.54, -0.26, 0.0001, 0.0003) for i in range(1, 5)]
    assert wording.family_summary(clear, "w", "rho").count("clearly went with") == 3


def test_a_positive_difference_finding_has_its_sign() -> None:
    up = {**DIFF, "estimate": 0.3, "ci_low": 0.1, "ci_high": 0.5}
    assert wording.finding(up) == (
        "London clearly scored higher on QS1 Assessing needs than the rest (difference in means +0.30, "
        "95% CI +0.10 to +0.50; p = 0.001; 33 scored in London)"
    )


def test_pair_sides_after_an_unclear_pair() -> None:
    pairs = pd.DataFrame([_pair("qs1", "qs4", 0.1, -0.1, 0.3, 0.3), _pair("qs1", "qs2", -0.3, -0.5, -0.1, 0.001)])
    assert wording.pair_sides(pairs, "qs1") == (["qs2"], [], ["qs4"])


def test_ranking_headline_edges() -> None:
    two = MEANS.iloc[[0, 2]]  # two means are enough to rank
    assert wording.ranking_headline(two, PAIRS, "Scores") == "QS1 lowest, below 2 of the other 3; QS3 highest, above 2 of the other 3"
    with_blank_ci = MEANS.assign(ci_low=[NAN, 2.5, 2.8, 2.4, NAN])  # only a blank estimate drops a row
    assert wording.ranking_headline(with_blank_ci, PAIRS, "Scores").startswith("QS1 lowest")
    fits = {"qs1": "n" * 12}  # 80 characters in all: kept whole
    assert wording.ranking_headline(MEANS, PAIRS, "Scores", names=fits) == (
        f"{'n' * 12} lowest, below 2 of the other 3; QS3 highest, above 2 of the other 3"
    )
    assert wording.ranking_headline(MEANS, PAIRS, "Scores", names={"qs1": "n" * 13}) == (
        f"{'n' * 13} lowest, below 2 of the other 3"
    )
