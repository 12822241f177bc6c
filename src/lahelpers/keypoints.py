"""Key points: the answer to each page's title question, first, in 3-5 plain sentences.

Every page opens with its key points, then shows the evidence. Each function here takes the
results the page itself computes (the same tables, the same seeds, after the page's Holm
adjustment), so the key points and the evidence below them cannot disagree: nothing is computed
twice, and a number in a key point is a number shown again further down. Whether a result is
called "clear" is decided by :func:`lahelpers.wording.verdict` (through
:func:`lahelpers.wording.family_summary` and :func:`lahelpers.wording.finding`); a region
compared with the rest of England is described, and called different only when its
permutation test survives the page's adjustment.

:func:`show` displays the points as one HTML block (``section.key-points``), every text
escaped, which the published page styles and the index page reuses.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from IPython.display import HTML, display

from lahelpers import framework, narrative, profile, residuals, wording
from lahelpers.htmlsafe import html_text

#: Fewest and most key points a page may open with.
MIN_POINTS, MAX_POINTS = 3, 5


def html(points: Sequence[str]) -> str:
    """The key points as the page's HTML block: ``<section class="key-points"
    aria-labelledby="key-points"><h2 id="key-points">Key points</h2><ul><li>...</li></ul>
    </section>``, each point escaped (:func:`lahelpers.htmlsafe.html_text`). Fails unless there
    are :data:`MIN_POINTS` to :data:`MAX_POINTS` points, none empty."""
    points = [str(p).strip() for p in points]
    if not MIN_POINTS <= len(points) <= MAX_POINTS or not all(points):
        raise ValueError(f"a page needs {MIN_POINTS} to {MAX_POINTS} non-empty key points, got {points!r}")
    items = "".join(f"<li>{html_text(p)}</li>" for p in points)
    return ('<section class="key-points" aria-labelledby="key-points">'
            f'<h2 id="key-points">Key points</h2><ul>{items}</ul></section>')


def show(points: Sequence[str]) -> None:
    """Display the key points as exactly one HTML output (:func:`html`)."""
    display(HTML(html(points)))


def _pct(part: int, whole: int) -> str:
    """'76%' (whole per cent: counts of authorities do not merit more)."""
    return f"{100 * part / whole:.0f}%" if whole else "no"


def _labels(rows: pd.DataFrame, col: str) -> str:
    """The distinct readable labels of a column of result rows, in order, as 'the CQC rating,
    QS1 and QS4' (statements by their number)."""
    def one(label: str) -> str:
        short = wording.short_label(label)
        return short if short != label else f"the {wording.lower_first(label)}"
    return wording.listing(one(v) for v in dict.fromkeys(rows[col].astype(str)))


# --------------------------------------------------------------------------------------------
# National overview
# --------------------------------------------------------------------------------------------


def _statement(row: pd.Series) -> str:
    """'QS1 Assessing needs (mean 2.20 on CQC's 1-4 scale, 95% CI 2.08 to 2.31; 81 authorities scored)'."""
    name = framework.variable_label(row["outcome"])
    numbers = wording.estimate_ci("mean", row["estimate"], row["ci_low"], row["ci_high"])
    return f"{name} ({numbers}, on CQC's 1 to 4 scale; {wording.count(int(row['n']))} scored)"


def national(df: pd.DataFrame, qs_means: pd.DataFrame, qs_pairs: pd.DataFrame) -> list[str]:
    """How England's councils are rated: coverage, the ratings, the weakest and strongest
    statements (paired comparisons, Holm over the page), and how sure we are.

    ``qs_means``: :func:`lahelpers.stats.mean_ci` of the 9 statements; ``qs_pairs``: their
    paired differences as adjusted in the page's family."""
    n = len(df)
    rated = df[df["cqc_status"] == "rated"]
    k = len(rated)
    counts = rated["rating"].value_counts()
    good = int(counts.get("Good", 0) + counts.get("Outstanding", 0))
    poor = int(counts.get("Requires improvement", 0) + counts.get("Inadequate", 0))
    points = [
        f"{k} of England's {n} upper-tier authorities ({_pct(k, n)}) have a CQC rating in our data; "
        f"the other {n - k} {wording.be(n - k)} not yet in our data, so the national picture may "
        "shift as they are added.",
        f"Of the {k} rated, {good} ({_pct(good, k)}) were rated Good or Outstanding "
        f"({int(counts.get('Outstanding', 0))} Outstanding, {int(counts.get('Good', 0))} Good) and "
        f"{poor} ({_pct(poor, k)}) Requires improvement or Inadequate "
        f"({int(counts.get('Requires improvement', 0))} Requires improvement, "
        f"{int(counts.get('Inadequate', 0))} Inadequate).",
    ]
    ranked = qs_means.dropna(subset=["estimate"]).sort_values("estimate")
    if len(ranked) >= 2:
        low, high = ranked.iloc[0], ranked.iloc[-1]
        lower, higher, unclear = narrative.pair_sides(qs_pairs, low["outcome"])
        above = narrative.pair_sides(qs_pairs, high["outcome"])[1]
        fam = int(qs_pairs["family_n"].iloc[0]) if "family_n" in qs_pairs.columns and len(qs_pairs) else 0
        others = len(lower) + len(higher) + len(unclear)
        weak = (f"the weakest is clearly lower than {len(lower)} of the other {others}" if lower else
                f"the weakest is not clearly lower than any of the other {others}")
        strong = (f"the strongest clearly higher than {len(above)}" if above else
                  "the strongest not clearly higher than any")
        compare = (f"Compared on the same authorities, once the {fam} tests on this page are allowed "
                   f"for (Holm), {weak}, and {strong}.")
        points.append(f"The weakest quality statement nationally is {_statement(low)}; the strongest is "
                      f"{_statement(high)}. {compare}")
    full = int(df[list(framework.QS_COLUMNS)].notna().all(axis=1).sum())
    scrape = narrative.unverified_count(df)
    points.append(
        f"How sure: {scrape} of the {k} ratings rest only on an unchecked automated keyword scan of "
        f"CQC's pages, and all 9 statement scores are known for only {full} authorities, so the "
        "statement means rest on fewer authorities than the rating counts.")
    spread = narrative.band_spread(df).dropna(subset=["lowest"])
    if len(spread):
        w = spread.loc[(spread["highest"] - spread["lowest"]).idxmax()]
        points.append(
            f"A rating covers a wide band of scores: the {int(w['n'])} {w['rating']} authorities with a "
            f"known overall score ran from {w['lowest']:.0f}% to {w['highest']:.0f}%, so two "
            "authorities with the same rating can differ a good deal.")
    return points


# --------------------------------------------------------------------------------------------
# Thematic pages
# --------------------------------------------------------------------------------------------


RHO = "Spearman's rho"
ODDS = "odds ratio per standard deviation"


def rural_urban(class_tests: pd.DataFrame, rural_corr: pd.DataFrame, adjusted_rural: pd.DataFrame,
                barriers: pd.DataFrame, rural_by_region: pd.DataFrame) -> list[str]:
    """Do rural councils score lower? From the page's own family: the class tests, the
    correlations with % rural, the odds ratios allowing for deprivation and age, the home care
    and staffing pressures and the regions."""
    scores = _labels(rural_corr, "y_label")
    return [
        wording.family_summary(
            rural_corr, f"the share of residents in rural areas with {scores}", RHO,
            answer=("Rurality went with some scores", "No clear sign that more rural councils score lower (or higher)")),
        wording.family_summary(
            adjusted_rural, f"rurality with {_labels(adjusted_rural, 'y_label')}", ODDS,
            held="allowing for deprivation and the share aged 65 and over",
            answer=("Allowing for deprivation and age, rurality went with some scores",
                    "Allowing for deprivation and age, still no clear link")),
        wording.family_summary(
            class_tests, f"differences between DEFRA's rural-urban classes in {_labels(class_tests, 'y_label')}",
            "epsilon-squared",
            answer=("The rural-urban classes differed on some scores", "The three rural-urban classes did not differ clearly")),
        wording.family_summary(
            barriers, "the share of residents in rural areas with home care and staffing pressures", RHO,
            answer=("On the barriers CQC names, some clear links", "On the barriers CQC names, no clear difference")),
        _regions_point(rural_by_region, "rurality and the overall score"),
    ]


def _regions_point(results: pd.DataFrame, what: str) -> str:
    """How uncertain the region-by-region estimates are, and whether any is clear (Holm)."""
    groups = wording.sort_rows(results)
    n_lo, n_hi = int(results["n"].min()), int(results["n"].max())
    with_ci = results.dropna(subset=["ci_low"])
    fam = int(results["family_n"].iloc[0]) if "family_n" in results.columns and len(results) else 0
    if groups[wording.CLEAR]:
        head = (f"Within regions, the link between {what} is clear in "
                f"{wording.count(len(groups[wording.CLEAR]), 'region')} once the {fam} tests on this "
                f"page are allowed for (Holm): {wording.listing(r['group'] for r in groups[wording.CLEAR])}")
    else:
        head = (f"Within regions, the link between {what} is not clear in any of the "
                f"{wording.count(len(with_ci), 'region')} with an interval once the {fam} tests on "
                "this page are allowed for (Holm)")
    return (f"{head}; each region rests on {n_lo} to {wording.count(n_hi)}, too few to tell "
            "regions apart.")


def inequality(qs3_corr: pd.DataFrame, overall_corr: pd.DataFrame, adjusted: pd.DataFrame,
               fit: residuals.ExpectedFit) -> list[str]:
    """Are diverse and deprived areas, and unpaid carers, less well served? From the page's own
    family (correlations with QS3 and the overall score, odds ratios beside deprivation) and its
    model of expected scores."""
    k = len(dict.fromkeys(qs3_corr["predictor"]))
    return [
        wording.family_summary(
            qs3_corr, f"QS3 Equity in experience and outcomes with {k} measures of deprivation, "
            "ethnicity, unpaid care and disability", RHO,
            answer=("Some of these measures went with QS3",
                    "No clear sign that authorities serving more deprived or diverse areas, or more "
                    "unpaid carers, score lower on QS3 Equity")),
        wording.family_summary(
            overall_corr, f"{_labels(overall_corr, 'y_label')} with the same measures", RHO,
            answer=("Some went with the overall score", "Nor on the overall score")),
        wording.family_summary(
            adjusted, f"{_labels(adjusted, 'y_label')} with each measure", ODDS, held="each beside deprivation",
            answer=("Beside deprivation, some measures went with QS3 or the rating",
                    "Allowing for deprivation, still no clear link")),
        _fit_point(fit),
    ]


def _fit_point(fit: residuals.ExpectedFit) -> str:
    """Who does better or worse than their context predicts, or why nobody is named."""
    yl = wording.lower_first(framework.variable_label(fit.outcome))
    head = (f"Together the context measures account for {fit.r2 * 100:.0f}% of the variation in "
            f"the {yl} across the {fit.n} authorities with every value ({fit.n_missing} left out; overall "
            f"F-test {wording.p_text(fit.f_pvalue)})")
    if not fit.explains:
        return head + ", no more than chance would give, so no authority is named as doing better or worse than its context predicts."
    t = fit.standing_out()
    return head + ". " + wording.standouts(
        t.loc[t["position"] == residuals.ABOVE, "name"].tolist(),
        t.loc[t["position"] == residuals.BELOW, "name"].tolist(), fit.n, yl)


def workforce(workforce_corr: pd.DataFrame, workforce_context: pd.DataFrame,
              adjusted_workforce: pd.DataFrame, market_corr: pd.DataFrame,
              gaps: pd.DataFrame) -> list[str]:
    """Do staffing pressures hold councils back? From the page's own family (turnover and
    vacancies against the scores, beside deprivation and rurality, and the care-market
    measures) and the table of what is missing."""
    scores = _labels(workforce_corr, "y_label")
    missing = [m for m in gaps["Missing"].astype(str)]
    ot = next((m for m in missing if "occupational" in m.lower()), missing[0] if missing else "")
    return [
        wording.family_summary(
            workforce_corr, f"staff turnover and vacancies with {scores}", RHO,
            answer=("Turnover or vacancies went with some scores",
                    "No clear sign that councils with higher staff turnover or vacancies score lower")),
        wording.family_summary(
            adjusted_workforce, f"turnover and vacancies with {_labels(adjusted_workforce, 'y_label')}", ODDS,
            held="allowing for deprivation and rurality",
            answer=("Allowing for deprivation and rurality, some links are clear",
                    "Allowing for deprivation and rurality, still no clear link")),
        wording.family_summary(
            workforce_context, "turnover and vacancies with rurality and deprivation", RHO,
            answer=("Where staffing pressures are", "Staffing pressures and context")),
        wording.family_summary(
            market_corr, f"{len(dict.fromkeys(market_corr['predictor']))} care-market measures with "
            f"{_labels(market_corr, 'y_label')}", RHO,
            answer=("Some care-market measures went with the scores", "No care-market measure went clearly with the scores")),
        f"What is missing: {len(missing)} kinds of data are not in our data, among them "
        f"{wording.lower_first(ot)}, so CQC's strongest claim, that shortages of occupational "
        "therapists and care staff hold councils back, cannot be tested properly here.",
    ]


# --------------------------------------------------------------------------------------------
# Region profile
# --------------------------------------------------------------------------------------------


def region(df: pd.DataFrame, region: str, comparison: pd.DataFrame, within: pd.DataFrame) -> list[str]:
    """One region: its authorities and ratings, how it compares with the rest of England
    (described; called different only where the permutation test survives the page's Holm
    adjustment), patterns within it, and how few authorities every figure rests on."""
    here = df[df["region"] == region]
    rated = here[here["cqc_status"] == "rated"]
    counts = rated["rating"].value_counts().reindex(framework.RATINGS[::-1], fill_value=0)
    rating_text = wording.listing(f"{v} {k}" for k, v in counts.items() if v) or "none"
    points = [
        f"{region} has {len(here)} of England's {len(df)} upper-tier authorities; {len(rated)} "
        f"{wording.has(len(rated))} a CQC rating in our data ({rating_text}) and {len(here) - len(rated)} "
        f"{wording.be(len(here) - len(rated))} not yet in our data.",
        _comparison_point(comparison, region),
        wording.family_summary(
            within, f"the overall score with context within {region}", RHO,
            answer=("Within the region, some context measures went with the overall score",
                    "Within the region, no clear link between context and the overall score")),
    ]
    n_max = int(comparison["n"].max()) if len(comparison) else 0
    points.append(f"How sure: every regional figure rests on at most {wording.count(n_max)} with "
                  "scores, so only large differences could show up, and a single authority moves a mean "
                  "noticeably; a difference that is not clear here may still be real.")
    return points


def _comparison_point(comp: pd.DataFrame, region: str) -> str:
    """The region against the rest of England: its clear differences (permutation test, Holm
    over the page), else that none is clear, with the largest gap described (not claimed)."""
    groups = wording.sort_rows(comp)
    tested = len(comp) - len(groups["untested"])
    fam = int(comp["family_n"].iloc[0]) if "family_n" in comp.columns and len(comp) else 0
    k = len(groups[wording.SUGGESTIVE])
    noun = "more difference" if groups[wording.CLEAR] else "difference"
    leads = (f" {wording.count(k, noun)} ({wording.listing(r['label'] for r in groups[wording.SUGGESTIVE])}) "
             f"{'looks' if k == 1 else 'look'} real on a single test only: "
             f"{'a lead to check, not a finding' if k == 1 else 'leads to check, not findings'}." if k else "")
    if groups[wording.CLEAR]:
        found = [wording.finding(r) for r in groups[wording.CLEAR][:2]]
        more = len(groups[wording.CLEAR]) - len(found)
        fewest = min(int(r["n"]) for r in groups[wording.CLEAR])
        caution = (f" With as few as {fewest} scored, treat {'this' if len(groups[wording.CLEAR]) == 1 else 'these'} "
                   "as a description of these authorities." if fewest < profile.SMALL_REGION_N else "")
        return (f"Against the rest of England, {len(groups[wording.CLEAR])} of the {tested} statements and "
                f"themes tested differ clearly once the {fam} tests on this page are allowed for (Holm): "
                + "; ".join(found) + (f"; and {more} more (in the table below)" if more else "") + "."
                + caution + leads)
    known = comp.dropna(subset=["estimate"])
    if known.empty:
        return f"Too few {region} authorities have scores to compare with the rest of England."
    big = known.loc[known["estimate"].abs().idxmax()]
    gap = wording.estimate_ci("difference", big["estimate"], big["ci_low"], big["ci_high"], sign=True)
    adjusted = wording.adjustment(wording.Result.from_row(big)) or wording.p_text(big["p_value"])
    gap = f"{gap}; {adjusted}"
    return (f"On none of the {tested} statements and themes tested does {region} differ clearly from "
            f"the rest of England once the {fam} tests on this page are allowed for (Holm). The largest "
            f"gap, described rather than claimed, is on {big['label']}: mean {wording.number(big['region_mean'])} "
            f"in {region} ({wording.count(int(big['n']))} scored) against {wording.number(big['rest_mean'])} in the "
            f"rest of England ({gap}).{leads}")
