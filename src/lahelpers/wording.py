"""One wording function per kind of claim, so "clear", "higher/lower", "stands out" and counts are
decided in one place.

Every generated sentence starts from a structured result (:class:`Result`: estimate, 95% interval,
p-value, Holm-adjusted p-value and the size of the family it was adjusted over, n and missing) and
goes through :func:`verdict`, the single rule for when a result may be called clear:

- **clear**: p < 0.05, the 95% interval excludes "no effect" (when there is an interval), and,
  when the result belongs to a family of tests, its Holm-adjusted p-value is below 0.05 too;
- **suggestive**: p < 0.05 or the interval excludes "no effect", but not all of the above (it
  does not survive the adjustment, or the test and the interval disagree): a lead, not a finding;
- **none**: neither.

Numbers are formatted as a reader reads them (:func:`number`, :func:`p_text`, :func:`score`,
:func:`count`): "p < 0.001", never "p = 0.000"; "0.00", never "-0.00"; a score of 3, not 3.0;
"1 authority is", "2 authorities are". An interval is printed only when it is a real interval
around its estimate (:func:`interval_ok`): lower < upper and lower <= estimate <= upper as shown.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from lahelpers import framework

#: Significance level used for every verdict.
ALPHA = 0.05
#: Below this many authorities a sentence says the estimate is uncertain.
SMALL_N = framework.SMALL_N
#: A predictor whose variance inflation factor reaches this shares most of its variation with the
#: other predictors: its adjusted coefficient cannot be separated from theirs.
VIF_LIMIT = 5.0

CLEAR, SUGGESTIVE, NONE = "clear", "suggestive", "none"


# --------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------


def _finite(x: object) -> bool:
    """True for a real, finite number."""
    try:
        return x is not None and math.isfinite(float(x))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def number(x: float, digits: int = 2, sign: bool = False) -> str:
    """``x`` rounded to ``digits`` decimals, never "-0.00" (a rounded zero has no sign);
    ``sign=True`` writes "+" before positive values (for differences)."""
    if not _finite(x):
        return "not known"
    r = round(float(x), digits)
    if r == 0:
        r = 0.0  # drops the sign of -0.0
    text = f"{r:.{digits}f}"
    return f"+{text}" if sign and r > 0 else text


def score(x: float) -> str:
    """A score as read: whole numbers without decimals (3, not 3.0), others to 2 decimals."""
    if not _finite(x):
        return "not known"
    return f"{float(x):.0f}" if float(x) == round(float(x)) else number(x, 2)


def p_text(p: float, name: str = "p") -> str:
    """'p < 0.001' or 'p = 0.023' (never 'p = 0.000'); 'p not available' when missing."""
    if not _finite(p):
        return f"{name} not available"
    return f"{name} < 0.001" if p < 0.001 else f"{name} = {p:.3f}"


def count(n: int, noun: str = "authority", plural: str | None = None) -> str:
    """'1 authority', '2 authorities' (plural: noun + 's', or 'y' -> 'ies', unless given)."""
    if int(n) == 1:
        return f"1 {noun}"
    if plural is None:
        plural = noun[:-1] + "ies" if noun.endswith("y") and noun[-2:-1] not in "aeiou" else noun + "s"
    return f"{int(n)} {plural}"


def be(n: int) -> str:
    """'is' for 1, 'are' otherwise."""
    return "is" if int(n) == 1 else "are"


def has(n: int) -> str:
    """'has' for 1, 'have' otherwise."""
    return "has" if int(n) == 1 else "have"


def listing(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def interval_ok(estimate: float, low: float, high: float, digits: int = 2) -> bool:
    """True when (low, high) is a real interval around ``estimate`` as printed at ``digits``:
    all finite, low < high and low <= estimate <= high after rounding."""
    if not all(_finite(v) for v in (estimate, low, high)):
        return False
    e, lo, hi = (round(float(v), digits) for v in (estimate, low, high))
    return lo < hi and lo <= e <= hi


def estimate_ci(name: str, estimate: float, low: float, high: float, digits: int = 2,
                sign: bool = False, unit: str = "") -> str:
    """'name 0.12, 95% CI 0.01 to 0.25' (the one way an estimate with its interval is written),
    or 'name 0.12 (no 95% CI: ...)' when the interval is not a real interval around the estimate."""
    head = f"{name} {number(estimate, digits, sign)}{unit}".strip()
    if interval_ok(estimate, low, high, digits):
        return (f"{head}, 95% CI {number(low, digits, sign)}{unit} to "
                f"{number(high, digits, sign)}{unit}")
    return f"{head} (no 95% confidence interval could be given)"


# --------------------------------------------------------------------------------------------
# The structured result and the verdict
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """What every claim is worded from. ``null`` is the no-effect value (0, or 1 for ratios);
    ``family_n`` is how many tests ``p_adj`` was adjusted over (0: not part of a family)."""

    estimate: float
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    p: float = float("nan")
    p_adj: float = float("nan")
    family_n: int = 0
    n: int = 0
    n_missing: int = 0
    null: float = 0.0

    @classmethod
    def from_row(cls, row: Mapping | pd.Series, null: float | None = None) -> Result:
        """From a :mod:`lahelpers.stats` result row (columns estimate, ci_low, ci_high, p_value,
        p_holm, family_n, n, n_missing; the null is 1 for odds ratios, else 0)."""
        def get(key: str, default: float = float("nan")) -> float:
            v = row.get(key, default) if hasattr(row, "get") else default
            return float(v) if _finite(v) else default
        if null is None:
            method = str(row.get("method", "")).lower()
            ratio = row.get("claim") == "odds_ratio" or "odds" in method or "logit" in method
            null = 1.0 if ratio else 0.0
        return cls(estimate=get("estimate"), ci_low=get("ci_low"), ci_high=get("ci_high"),
                   p=get("p_value"), p_adj=get("p_holm"), family_n=int(get("family_n", 0)),
                   n=int(get("n", 0)), n_missing=int(get("n_missing", 0)), null=null)

    @property
    def has_interval(self) -> bool:
        """Whether a real interval around the estimate is known."""
        return interval_ok(self.estimate, self.ci_low, self.ci_high)

    @property
    def excludes_null(self) -> bool:
        """Whether the interval lies wholly on one side of the no-effect value."""
        return self.has_interval and (self.ci_low > self.null or self.ci_high < self.null)

    @property
    def in_family(self) -> bool:
        """Whether the result was adjusted for a family of more than one test."""
        return self.family_n > 1 and _finite(self.p_adj)


def verdict(r: Result) -> str:
    """The one rule for "clear": :data:`CLEAR`, :data:`SUGGESTIVE` or :data:`NONE` (see the
    module docstring). Without a p-value the interval decides alone; without an interval, the
    p-value."""
    p_sig = _finite(r.p) and r.p < ALPHA
    ci_sig = r.excludes_null
    tested = _finite(r.p)
    if not tested and not r.has_interval:
        return NONE
    agree = (p_sig or not tested) and (ci_sig or not r.has_interval)
    adjusted_ok = (not r.in_family) or r.p_adj < ALPHA
    if agree and adjusted_ok and (p_sig or ci_sig):
        return CLEAR
    return SUGGESTIVE if (p_sig or ci_sig) else NONE


def direction(r: Result, up: str = "higher", down: str = "lower") -> str:
    """``up`` or ``down`` by the side of the null the estimate lies on ('' at the null)."""
    if not _finite(r.estimate) or round(r.estimate - r.null, 10) == 0:
        return ""
    return up if r.estimate > r.null else down


def adjustment(r: Result) -> str:
    """'Holm-adjusted p = 0.012 over the 18 tests on this page' ('' outside a family)."""
    if not r.in_family:
        return ""
    return f"{p_text(r.p_adj, 'Holm-adjusted p')} over the {r.family_n} tests on this page"


def small(n: int) -> str:
    """The small-sample clause ('' when n is large enough)."""
    return f"; with only {count(n)} this estimate is uncertain" if 0 < n < SMALL_N else ""


def _qualify(r: Result) -> str:
    """Why a result is only suggestive: the adjustment or a disagreement of test and interval."""
    p_sig = _finite(r.p) and r.p < ALPHA
    if r.has_interval and _finite(r.p) and p_sig != r.excludes_null:
        return ("the test and the 95% interval disagree about it, so the evidence is weak: "
                "treat it as a lead to check, not a finding")
    if r.in_family and not r.p_adj < ALPHA:
        return (f"it does not hold once the {r.family_n} tests on this page are allowed for: treat it "
                "as a lead to check, not a finding")
    return "treat it as a lead to check, not a finding"


def _tail(r: Result) -> str:
    """The p-value, and the adjusted one where the result is in a family, for brackets."""
    parts = [p_text(r.p)] if _finite(r.p) else []
    if r.in_family:
        parts.append(adjustment(r))
    return "; ".join(parts)


# --------------------------------------------------------------------------------------------
# One function per kind of claim
# --------------------------------------------------------------------------------------------


def association(r: Result, x: str, y: str, stat: str) -> str:
    """A correlation between two measures across authorities."""
    v = verdict(r)
    x, y = lower_first(x), lower_first(y)  # mid-sentence: 'higher share of residents ...'
    numbers = estimate_ci(stat, r.estimate, r.ci_low, r.ci_high)
    tail = _tail(r)
    bracket = f"({numbers}{'; ' + tail if tail else ''})"
    if not r.has_interval and _finite(r.estimate) and r.n:
        return (f"Across only {r.n} authorities, {stat} between {x} and {y} was "
                f"{number(r.estimate)} ({p_text(r.p)}), too few (or too alike) for a confidence "
                "interval: read it as a description, not evidence of an association.")
    if not _finite(r.estimate):
        return (f"An association between {x} and {y} could not be estimated from "
                f"{count(r.n)} with both values{small(r.n)}.")
    if v == CLEAR:
        lead = f"higher {x} clearly went with {direction(r)} {y} {bracket}"
    elif v == SUGGESTIVE:
        lead = f"higher {x} went with {direction(r)} {y} on this test alone {bracket}, but {_qualify(r)}"
    else:
        lead = f"{x} showed no clear association with {y} {bracket}"
    return (f"Across {r.n} authorities, {lead}; an association rather than evidence "
            f"that one causes the other{small(r.n)}.")


def difference(r: Result, what: str, a: str, b: str, stat: str = "difference in means",
               n_a: int | None = None, n_b: int | None = None, sign: bool = True) -> str:
    """How ``a`` compares with ``b`` on ``what`` (a group difference: region against the rest,
    one class against another, one statement against another on the same authorities)."""
    sizes_a = f" ({count(n_a)})" if n_a is not None else ""
    sizes_b = f" ({count(n_b)})" if n_b is not None else ""
    numbers = estimate_ci(stat, r.estimate, r.ci_low, r.ci_high, sign=sign)
    tail = _tail(r)
    bracket = f"({numbers}{'; ' + tail if tail else ''})"
    v = verdict(r)
    if v == CLEAR:
        head = f"{what} was clearly {direction(r)} in {a}{sizes_a} than in {b}{sizes_b} {bracket}"
    elif v == SUGGESTIVE:
        head = (f"{what} looked {direction(r)} in {a}{sizes_a} than in {b}{sizes_b} on this test "
                f"alone {bracket}, but {_qualify(r)}")
    else:
        head = f"{what} did not differ clearly between {a}{sizes_a} and {b}{sizes_b} {bracket}"
    return f"{head}; a difference between groups of authorities, not a cause."


def group_test(r: Result, what: str, groups: str, k: int, stat_text: str) -> str:
    """Whether ``what`` differs at all between ``k`` groups (Kruskal-Wallis): worded from the
    test, since an effect size bounded at 0 has no reliable interval here."""
    v = verdict(r)
    tail = _tail(r)
    what, groups = lower_first(what), lower_first(groups)  # mid-sentence
    if v == CLEAR:
        head = f"{what} clearly differed between the {k} groups by {groups}"
    elif v == SUGGESTIVE:
        head = f"{what} differed between the {k} groups by {groups} on this test alone, but {_qualify(r)}"
    else:
        head = f"{what} did not differ clearly between the {k} groups by {groups}"
    return (f"Across {r.n} authorities, {head} ({stat_text}; {tail}), an association, not evidence "
            f"that {groups} causes it{small(r.n)}.")


def _collinear_text(x: str, vif: float, what: str) -> str:
    """Why an adjusted estimate of a collinear predictor is not a finding (``what``: the estimate
    with its numbers)."""
    return (f"{x} moves closely with the other measures in the model (variance inflation factor "
            f"{number(vif, 1)}), so its {what} cannot be told apart from theirs and is not a finding.")


#: How a unit of ``load.variables()`` reads after a number (units not listed read as given).
UNIT_WORDS = {"%": "percentage points", "score": "points", "category": "", "rank": "places"}


@lru_cache(maxsize=1)
def _units() -> dict[str, str]:
    """Each variable's unit, by its label (``load.variables()``); empty without processed data."""
    try:
        from lahelpers import load  # late: load imports framework, which nothing here needs first

        v = load.variables()
        return {str(lab): str(u) for lab, u in zip(v["label"], v["unit"], strict=True)
                if isinstance(u, str) and u}
    except Exception:  # noqa: BLE001 - no units known just means numbers without them
        return {}


def sd_text(sd: float, label: str) -> str:
    """A standard deviation as read, with the measure's unit: '7.38 percentage points',
    '12,345 people', '4.1 points'; large values without false decimals."""
    if not _finite(sd):
        return "not known"
    value = f"{sd:,.0f}" if abs(sd) >= 100 else f"{sd:.3g}"
    unit = _units().get(str(label), "")
    unit = UNIT_WORDS.get(unit, unit)
    if unit.startswith("£"):
        return f"£{value}{unit[1:]}"
    return f"{value} {unit}".strip()


def _per_sd_head(r: Result, x: str, y: str, sd: float, effect: str, bracket: str) -> str:
    """The heart of a per-1-SD sentence, its words decided by :func:`verdict`: ``effect`` is what
    higher ``x`` went with (e.g. "higher odds of a better QS3")."""
    per = f"each 1 standard deviation ({sd_text(sd, x)}) higher {lower_first(x)}"
    x, y = lower_first(x), lower_first(y)
    v = verdict(r)
    if v == CLEAR:
        return f"{per} clearly went with {effect} {bracket}"
    if v == SUGGESTIVE:
        return f"{per} went with {effect} on this test alone {bracket}, but {_qualify(r)}"
    return f"{x} showed no clear association with {y} {bracket}"


def odds_ratio(r: Result, x: str, y: str, sd: float, adjusted_for: str = "", vif: float = float("nan"),
               alone: Result | None = None) -> str:
    """An ordered-logit odds ratio per 1 SD of ``x``; when ``x`` is collinear with the other
    predictors (variance inflation factor >= :data:`VIF_LIMIT`) the adjusted odds ratio is not
    headlined: the sentence says so and gives the one-at-a-time estimate beside it. No estimate
    (no finite interval, as when the ratings are separated by the model's measures, see
    :func:`lahelpers.stats.ordinal_regression`): the sentence says why no size is given, and
    claims nothing."""
    if not _finite(r.estimate):
        return (f"Across {r.n} authorities, no odds ratio can be given for {lower_first(x)}: the "
                f"model has no finite estimate, which happens when {lower_first(y)} lines up almost "
                f"perfectly with its measures, so nothing is said about this link.")
    numbers = estimate_ci("odds ratio", r.estimate, r.ci_low, r.ci_high)
    tail = _tail(r)
    held = f", holding {adjusted_for} fixed" if adjusted_for else ""
    alone_text = ""
    if alone is not None and _finite(alone.estimate):
        alone_text = (f" Without {adjusted_for or 'the other measures'} held fixed, it had an "
                      f"{estimate_ci('odds ratio of', alone.estimate, alone.ci_low, alone.ci_high)} "
                      f"({p_text(alone.p)}).")
    if collinear(vif):
        return _collinear_text(x, vif, f"adjusted {numbers} ({tail})") + alone_text
    effect = f"{direction(r, 'higher', 'lower')} odds of a better {lower_first(y)}"
    head = _per_sd_head(r, x, y, sd, effect, f"({numbers}; {tail}){held}")
    return (f"Across {r.n} authorities, {head}; an association, not evidence of cause{small(r.n)}."
            f"{alone_text}")


def coefficient(r: Result, x: str, y: str, sd: float, vif: float = float("nan")) -> str:
    """A straight-line (OLS) coefficient per 1 SD of ``x``, other predictors held fixed."""
    numbers = estimate_ci("change", r.estimate, r.ci_low, r.ci_high, sign=True)
    if collinear(vif):
        return _collinear_text(x, vif, f"coefficient ({numbers}; {p_text(r.p)})")
    bracket = f"({numbers}; {p_text(r.p)}) holding the other measures fixed"
    head = _per_sd_head(r, x, y, sd, f"{direction(r)} {lower_first(y)}", bracket)
    return f"Across {r.n} authorities, {head}; an association, not evidence of cause{small(r.n)}."


def mean(r: Result, what: str) -> str:
    """A mean with its interval: a description, not a test."""
    return (f"The mean {what} across the {count(r.n)} with a value was "
            f"{estimate_ci('', r.estimate, r.ci_low, r.ci_high).strip()} ({r.n_missing} missing), a "
            f"description of these authorities, not an explanation of why{small(r.n)}.")


def collinear(vif: float) -> bool:
    """Whether a variance inflation factor is too high for an adjusted coefficient to stand alone."""
    return _finite(vif) and vif >= VIF_LIMIT


def standouts(above: list[str], below: list[str], family_n: int, what: str) -> str:
    """Who stands out from a model after allowing for every authority tested: the only place a
    sentence may say "stands out" about authorities."""
    if not above and not below:
        return (f"No authority stands out: once the {family_n} authorities tested are allowed for "
                f"(Holm), none lies further from the {what} its context predicts than chance would "
                "readily produce.")
    parts = []
    if above:
        parts.append(f"{count(len(above))} {be(len(above))} clearly above it ({listing(above)})")
    if below:
        parts.append(f"{count(len(below))} {be(len(below))} clearly below it ({listing(below)})")
    return (f"Allowing for the {family_n} authorities tested (Holm), these stand out from the {what} "
            "their context predicts: " + " and ".join(parts) + ".")


def no_model(what: str, f_p: float, r2: float) -> str:
    """Why nobody is named when the model explains nothing."""
    return (f"Together these measures do not explain {what} (overall F-test {p_text(f_p)}; they "
            f"account for {100 * r2:.0f}% of the variation, no more than chance would give), so an "
            "authority's distance from its 'prediction' is just its distance from the average. No "
            "authority is named as doing better or worse than its context predicts.")


def clean(values: Iterable[float]) -> np.ndarray:
    """Floats with negative zeros (and values that round to zero at 2 dp) set to 0.0."""
    a = np.asarray(list(values), float)
    return np.where(np.isfinite(a) & (np.round(a, 2) == 0), 0.0, a)


# --------------------------------------------------------------------------------------------
# Key points and chart titles: a family of results in a few words
# --------------------------------------------------------------------------------------------


def short_label(label: str) -> str:
    """A label short enough for a title: 'QS4 Care provision, ...' -> 'QS4'; others unchanged."""
    head = str(label).split(" ", 1)[0]
    return head if head[:2] == "QS" and head[2:].isdigit() else str(label)


def lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, unless it starts an acronym ('QS4', 'IMD')."""
    text = str(text)
    if len(text) > 1 and text[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _row_verdict(row: Mapping) -> str:
    """:func:`verdict` of a result row; an adjusted estimate of a collinear predictor is never
    clear (its own sentence says why), only suggestive."""
    v = verdict(Result.from_row(row))
    if bool(row.get("collinear") is True or (isinstance(row.get("collinear"), np.bool_) and row["collinear"])):
        return SUGGESTIVE if v == CLEAR else v
    return v


def records(rows: Iterable[Mapping] | pd.DataFrame) -> list[Mapping]:
    """Result rows as a list of mappings (a DataFrame's rows as dicts)."""
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)


def sort_rows(rows: Iterable[Mapping] | pd.DataFrame) -> dict[str, list[Mapping]]:
    """Result rows split by :func:`verdict` (collinear adjusted estimates are never clear), and
    the untested ones (no p-value and no interval) apart: keys clear, suggestive, none, untested."""
    out: dict[str, list[Mapping]] = {CLEAR: [], SUGGESTIVE: [], NONE: [], "untested": []}
    for row in records(rows):
        r = Result.from_row(row)
        if not _finite(r.p) and not r.has_interval:
            out["untested"].append(row)
        else:
            out[_row_verdict(row)].append(row)
    return out


def _link_word(row: Mapping) -> str:
    """'link' for associations, 'difference' for group comparisons."""
    return "difference" if row.get("claim") in ("difference", "group_test") else "link"


def _clause(row: Mapping, short: bool = False, names: Mapping[str, str] | None = None) -> str:
    """What a clear result says, without numbers: 'higher X went with lower Y',
    'A scored lower on Y than B', 'Y differed between the groups by X'. ``short``: statements
    by their number only ('QS4'); ``names``: shorter names of columns (by column id)."""
    r = Result.from_row(row)
    names = names or {}

    def name(col_key: str, label_key: str, shorten: bool = short) -> str:
        given = names.get(str(row.get(col_key, "")))
        if given:
            return given
        label = str(row.get(label_key, ""))
        return lower_first(short_label(label) if shorten else label)

    claim = row.get("claim")
    if claim == "difference":
        return f"{row['a']} scored {direction(r)} on {name('outcome', 'what')} than {row['b']}"
    if claim == "group_test":
        return f"{name('outcome', 'y_label')} differed between the groups by {name('predictor', 'x_label', False)}"
    effect = direction(r, "higher", "lower")
    return f"higher {name('predictor', 'x_label', False)} went with {effect} {name('outcome', 'y_label')}"


#: A chart title's message longer than this many characters is not used (it would not fit a
#: phone's width); the title then counts the clear results instead.
HEADLINE_LIMIT = 80


def headline(rows: Iterable[Mapping] | pd.DataFrame, neutral: str, held: str = "",
             names: Mapping[str, str] | None = None) -> str:
    """A chart title from the results it draws (rows of a :mod:`lahelpers.stats` table, after the
    page's Holm adjustment): the message where the data support one, by :func:`verdict` only.

    - some results clear: what they show ('Higher X went with lower QS4 and QS8'), with
      ``held`` ('allowing for deprivation and age') appended for adjusted estimates (when that
      is longer than :data:`HEADLINE_LIMIT`: '<neutral>: 2 clear links');
    - every tested result 'none' (not even clear on its own test): '<neutral>: no clear link'
      (or 'no clear difference' for group comparisons), which is what the tests show;
    - otherwise (leads only, or nothing tested): ``neutral``, a description without a message.
    """
    groups = sort_rows(rows)
    tail = f", {held}" if held else ""
    if groups[CLEAR]:
        # Every clear result is named, or none (a title naming some would hide the others): a
        # clause is at least 26 characters, so more than two never fit the limit.
        text = listing([_clause(r, short=True, names=names) for r in groups[CLEAR]]) + tail
        if len(text) > HEADLINE_LIMIT:
            k = len(groups[CLEAR])
            return f"{neutral}: {k} clear {_link_word(groups[CLEAR][0])}{'' if k == 1 else 's'}{tail}"
        return text[:1].upper() + text[1:]
    if groups[NONE] and not groups[SUGGESTIVE]:
        return f"{neutral}: no clear {_link_word(groups[NONE][0])}{tail}"
    return neutral


def finding(row: Mapping) -> str:
    """One clear result for a key point, with its numbers and its adjustment: 'higher X clearly
    went with lower Y (Spearman's rho -0.41, 95% CI -0.54 to -0.26; Holm-adjusted p < 0.001 over
    the 87 tests on this page; 150 authorities)'. Only for results :func:`verdict` calls clear."""
    r = Result.from_row(row)
    if _row_verdict(row) != CLEAR:
        raise ValueError("finding() words clear results only; use span() for the others")
    claim = row.get("claim")
    stat = {"odds_ratio": "odds ratio per 1 SD", "difference": row.get("stat", "difference")}.get(
        claim, row.get("stat", "estimate"))
    numbers = estimate_ci(stat, r.estimate, r.ci_low, r.ci_high, sign=claim == "difference")
    clause = _clause(row).replace(" went with ", " clearly went with ", 1).replace(
        " scored ", " clearly scored ", 1).replace(" differed ", " clearly differed ", 1)
    sizes = count(r.n)
    if claim == "difference" and _finite(row.get("n_a")):
        sizes = f"{int(row['n_a'])} scored in {row['a']}"
    return f"{clause} ({numbers}; {adjustment(r) or p_text(r.p)}; {sizes})"


def span(rows: list[Mapping], stat: str, digits: int = 2) -> str:
    """The range of a set of estimates for a key point: 'Spearman's rho from -0.12 to 0.08,
    each on 79 to 117 authorities' (one estimate: 'Spearman's rho 0.05, 95% CI ...')."""
    est = [float(r["estimate"]) for r in rows if _finite(r.get("estimate"))]
    ns = [int(r["n"]) for r in rows]
    if not est:
        return f"no estimate could be made from {count(max(ns, default=0))}"
    if len(est) == 1:
        r = Result.from_row(rows[0])
        return f"{estimate_ci(stat, r.estimate, r.ci_low, r.ci_high, digits)}; {count(r.n)}"
    totals = [int(r["n"]) + int(r.get("n_missing", 0) or 0) for r in rows]
    n_text = str(min(ns)) if min(ns) == max(ns) else f"{min(ns)} to {max(ns)}"
    n_text = (f"{n_text} of the {count(max(totals))}" if max(totals) > max(ns)
              else f"{n_text} {'authority' if max(ns) == 1 else 'authorities'}")
    lows = [float(r["ci_low"]) for r in rows if Result.from_row(r).has_interval]
    highs = [float(r["ci_high"]) for r in rows if Result.from_row(r).has_interval]
    cis = (f"; their 95% CIs together run from {number(min(lows), digits)} to "
           f"{number(max(highs), digits)}" if lows else "")
    return (f"{stat} from {number(min(est), digits)} to {number(max(est), digits)}{cis}; "
            f"each on {n_text}")


def family_summary(rows: Iterable[Mapping] | pd.DataFrame, what: str, stat: str, held: str = "",
                   answer: tuple[str, str] = ("", ""), most: int = 3) -> str:
    """A key point on one set of tests (``what``: e.g. 'the share of residents in rural areas
    with the rating and the 4 scores'): the clear results with their numbers, or that none is
    clear once the page's tests are allowed for (with the range of the estimates), and how many
    were leads on a single test. Words by :func:`verdict` only. ``answer`` is the plain answer
    put first: its first text when some result is clear, its second when none is; at most
    ``most`` clear results are given in full, the rest counted."""
    rows = records(rows)
    groups = sort_rows(rows)
    tested = len(rows) - len(groups["untested"])
    fam = next((int(r["family_n"]) for r in rows if _finite(r.get("family_n"))), 0)
    allow = (f"once the {fam} tests on this page are allowed for (Holm)" if fam > 1
             else "on its own test")
    held_text = f", {held}," if held else ""
    if groups[CLEAR]:
        found = [finding(r) for r in groups[CLEAR][:most]]
        more = len(groups[CLEAR]) - len(found)
        head = (f"Of {count(tested, 'test')} of {what}{held_text} {len(groups[CLEAR])} {be(len(groups[CLEAR]))} "
                f"clear {allow}: " + "; ".join(found)
                + (f"; and {more} more (in the tables below)" if more else "")
                + ". These are associations, not evidence of cause.")
    else:
        which = "The one test" if tested == 1 else f"None of the {tested} tests"
        head = (f"{which} of {what}{held_text} is {'not ' if tested == 1 else ''}clear {allow}; "
                f"{span(groups[NONE] + groups[SUGGESTIVE], stat)}.")
    leads = len(groups[SUGGESTIVE])
    if leads:
        # which way the leads point matters most when nothing is clear; else they are counted
        shown = [] if groups[CLEAR] else [_clause(r, short=True) for r in groups[SUGGESTIVE][:most]]
        shown += [f"{leads - len(shown)} more"] if shown and leads > len(shown) else []
        who = count(leads, "more result") if groups[CLEAR] else f"{leads} of them"
        listed = f" ({'; '.join(shown)})" if shown else ""
        head += (f" {who} looked real on a single test only{listed}: {'a lead' if leads == 1 else 'leads'} "
                 f"to check, not {'a finding' if leads == 1 else 'findings'}.")
    if groups["untested"]:
        head += f" {count(len(groups['untested']), 'more estimate')} could not be tested (too few authorities)."
    lead = answer[0] if groups[CLEAR] else answer[1]
    return f"{lead}: {head[:1].lower()}{head[1:]}" if lead else head


def pair_sides(pairs: pd.DataFrame, col: str) -> tuple[list[str], list[str], list[str]]:
    """The columns ``col`` is clearly lower than, clearly higher than, and not clearly different
    from, in paired comparisons (:func:`lahelpers.stats.paired_differences`, after the page's
    family adjustment), by :func:`verdict`."""
    lower, higher, unclear = [], [], []
    for r in pairs[(pairs["outcome"] == col) | (pairs["predictor"] == col)].to_dict("records"):
        other = r["predictor"] if r["outcome"] == col else r["outcome"]
        res = Result.from_row(r)
        if verdict(res) != CLEAR:
            unclear.append(other)
            continue
        own_lower = (res.estimate < 0) == (r["outcome"] == col)
        (lower if own_lower else higher).append(other)
    return lower, higher, unclear


def ranking_headline(means: pd.DataFrame, pairs: pd.DataFrame, neutral: str,
                     names: Mapping[str, str] | None = None) -> str:
    """A chart title for a set of means compared pairwise on the same authorities: which is
    lowest and highest, and how many of the others each is clearly below or above (Holm over
    the page, :func:`pair_sides`), e.g. 'QS1 lowest, below 6 of the other 8' (the highest left
    out when both would not fit :data:`HEADLINE_LIMIT`); ``neutral`` when neither differs
    clearly from any."""
    ranked = means.dropna(subset=["estimate"]).sort_values("estimate")
    if len(ranked) < 2:
        return neutral
    names = names or {}

    def name(col: str) -> str:
        return names.get(col) or short_label(framework.variable_label(col))

    low, high = ranked["outcome"].iloc[0], ranked["outcome"].iloc[-1]
    parts = []
    below = pair_sides(pairs, low)  # (clearly lower than, clearly higher than, unclear)
    if below[0]:
        parts.append(f"{name(low)} lowest, below {len(below[0])} of the other {sum(map(len, below))}")
    above = pair_sides(pairs, high)
    if above[1]:
        parts.append(f"{name(high)} highest, above {len(above[1])} of the other {sum(map(len, above))}")
    if not parts:
        return neutral
    text = "; ".join(parts)
    return text if len(text) <= HEADLINE_LIMIT else parts[0]


# --------------------------------------------------------------------------------------------
# One authority against a group (authority profiles): described, never tested
# --------------------------------------------------------------------------------------------


def against(value: float, reference: float, what: str, digits: int = 1) -> str:
    """'above the England mean of 2.6' / 'below ...' / 'the same as ...' (as printed at
    ``digits``), or '(the England mean is not known)'.

    One authority's score against a group mean is a description: the words say where it sits,
    never that it differs "significantly" or "clearly" (there is no test of one value here).
    """
    if not _finite(reference):
        return f"({what} is not known)"
    ref = number(reference, digits)
    if not _finite(value):
        return f"({what} is {ref})"
    v, r = round(float(value), digits), round(float(reference), digits)
    if v == r:
        return f"the same as {what} of {ref}"
    return f"{'above' if v > r else 'below'} {what} of {ref}"


def band_position(pct: float, band: str, low: int, high: int, next_band: str | None) -> str:
    """Where an overall % sits in its rating band, in points from each edge: 'in the Good band
    (63-87%), 7 points above the band's lowest score and 18 points short of Outstanding (88%)'."""
    p = int(pct)
    down = ("at the band's lowest score" if p == low
            else f"{count(p - low, 'point')} above the band's lowest score")
    up = (f"{count(high + 1 - p, 'point')} short of {next_band} ({high + 1}%)" if next_band
          else ("at the top of the scale" if p >= high
                else f"{count(high - p, 'point')} below the top of the scale ({high}%)"))
    return f"in the {band} band ({low}-{high}%), {down} and {up}"


def rank_among(rank: int, n: int, what: str) -> str:
    """'the 2nd highest overall % of the 6' ('the highest', 'the lowest'); ties share a rank."""
    if n <= 1:
        return f"the only one of these with {what}"
    if rank == 1:
        return f"the highest {what} of the {n}"
    if rank == n:
        return f"the lowest {what} of the {n}"
    return f"the {ordinal(rank)} highest {what} of the {n}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st..."""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
