"""Plain-English text for notebooks, written from computed results (numbers are never typed in).

Notebook markdown cells hold the explanation that does not depend on the data; every sentence
with a number comes from a function here, so re-running on new data rewrites it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML, Markdown

from lahelpers import framework
from lahelpers.framework import variable_label
from lahelpers.htmlsafe import md_text

SMALL_N = framework.SMALL_N
#: "What it does not show" lists the unclear pairs by name up to this many, then counts them.
LIST_AT_MOST = 8


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _list(items: Iterable[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def coverage(df: pd.DataFrame) -> Markdown:
    """How many authorities are rated, how fully, and on what evidence."""
    n = len(df)
    rated = df[df["cqc_status"] == "rated"]
    full = df[list(framework.QS_COLUMNS)].notna().all(axis=1)
    pct_known = df["overall_pct"].notna()
    basis = rated["rating_basis"].value_counts()
    basis_text = _list(f"{v} {k}" for k, v in basis.items())
    counts = rated["rating"].value_counts().reindex(framework.RATINGS[::-1], fill_value=0)
    rating_text = _list(f"{v} {k}" for k, v in counts.items())
    dates = rated["publication_date"].dropna()
    span = f"{dates.min():%B %Y} to {dates.max():%B %Y}" if len(dates) else "unknown dates"
    return Markdown(
        f"**{len(rated)} of {n} authorities ({_pct(len(rated), n)}) have a CQC rating in our data**; "
        f"{n - len(rated)} are not yet in our data. Ratings: {rating_text}. "
        f"All 9 quality statement scores are known for {int(full.sum())} authorities and an overall % for "
        f"{int(pct_known.sum())}. The ratings are {basis_text} (by how we know them). "
        f"Reports in our data were published from {span}."
    )


def missing_list(df: pd.DataFrame, by_region: bool = True) -> Markdown:
    """The authorities not yet in our data, by region."""
    miss = df[df["cqc_status"] != "rated"].sort_values(["region", "name"])
    if miss.empty:
        return Markdown("Every authority here has a rating in our data.")
    if not by_region:
        return Markdown(f"Not yet in our data ({len(miss)}): {_list(miss['name'].map(md_text))}.")
    lines = [
        f"- **{md_text(r)}** ({len(g)}): {_list(g['name'].map(md_text))}"
        for r, g in miss.groupby("region", sort=True)
    ]
    return Markdown(f"**Not yet in our data ({len(miss)} authorities)**\n\n" + "\n".join(lines))


def result_sentences(results: pd.DataFrame) -> Markdown:
    """A bullet per statistics result, using each result's own sentence."""
    return Markdown("\n".join(f"- {s}" for s in results["sentence"]))


def clear(results: pd.DataFrame) -> pd.DataFrame:
    """Results whose 95% CI excludes no association (0 for correlations, differences and
    regression coefficients; 1 for odds ratios from ordered logit models).

    A Kruskal-Wallis row's effect size (epsilon-squared) cannot be below 0, so its interval never
    includes 0: that row counts as clear only when its test's p-value is below 0.05.
    """
    method = results["method"].astype(str)
    null = method.str.contains("odds|logit", case=False).map({True: 1.0, False: 0.0})
    kruskal = method.str.startswith("Kruskal")
    by_ci = (results["ci_low"] > null) | (results["ci_high"] < null)
    p = results["p_value"] if "p_value" in results.columns else pd.Series(float("nan"), results.index)
    return results[(by_ci & ~kruskal) | (kruskal & (p < 0.05))]


def _holm_note(row: pd.Series, n_tests: int) -> str:
    """' Allowing for the N tests ...' when a Holm-adjusted p-value (``p_holm``) is given."""
    p = row.get("p_holm")
    if p is None or pd.isna(p):
        return ""
    if p < 0.05:
        return f" It stays clear once the {n_tests} tests made here are allowed for (Holm-adjusted p = {p:.3f})."
    return (f" Allowing for the {n_tests} tests made here, it could be chance (Holm-adjusted p = {p:.2f}): "
            "treat it as a lead to check, not a finding.")


def findings(results: pd.DataFrame, caveats: Iterable[str] = (),
             labels: dict[str, str] | None = None) -> tuple[Markdown, Markdown]:
    """'What this shows' and 'What it does not show', written from a table of statistics results.

    A result "shows" something only when its 95% confidence interval excludes no association;
    everything else is reported as no clear association. Where the table has ``p_holm``
    (:func:`lahelpers.stats.correlations`), each clear result also says whether it survives
    allowing for the number of tests made. The second text always states what a
    cross-sectional comparison of ratings cannot show, plus the caller's own caveats.
    """
    strong = clear(results)
    weak = results.drop(strong.index)
    if strong.empty:
        shows = (
            "- None of the associations tested is clear: every 95% confidence interval includes "
            "no association."
        )
    else:
        head = f"Of the {len(results)} associations tested here, {len(strong)} {'has' if len(strong) == 1 else 'have'} a 95% confidence interval that excludes no association"
        if "p_holm" in strong.columns and strong["p_holm"].notna().any():
            survive = int((strong["p_holm"] < 0.05).sum())
            if len(strong) == 1:
                head += f"; it {'stays' if survive else 'does not stay'} clear"
            else:
                head += ("; none of them stays clear" if survive == 0 else
                         f"; {survive} of them {'stays' if survive == 1 else 'stay'} clear")
            head += " once the number of tests is allowed for (Holm)"
        shows = head + ":\n\n" + "\n".join(
            f"- {s}{_holm_note(r, len(results))}"
            for s, (_i, r) in zip(strong["sentence"], strong.iterrows(), strict=True))
    n_min, n_max = int(results["n"].min()), int(results["n"].max())
    lines = []
    if not weak.empty:
        pairs = sorted({f"{variable_label(str(o), labels)} with {variable_label(str(p), labels)}"
                        for o, p in zip(weak["outcome"], weak["predictor"], strict=True)})
        what = (f"these: {_list(pairs)}" if len(pairs) <= LIST_AT_MOST
                else f"the other {len(weak)} of the {len(results)} tested (each is in the tables above)")
        lines.append(
            f"- No clear association (95% CI includes none) for {what}. Absence of evidence here "
            "is not evidence of absence: the samples are small."
        )
    lines += [
        f"- Cause. These are associations across authorities (n from {n_min} to {n_max}), measured once; "
        "they cannot show that context causes a rating, nor rule out other explanations.",
        "- Individuals. Area-level patterns say nothing about the experience of any one person "
        "(the ecological fallacy).",
        "- Missing ratings. Authorities not yet in our data (mostly published in 2026) may differ from "
        "those rated earlier; if so, these estimates are biased in an unknown direction.",
    ]
    lines += [f"- {c}" for c in caveats]
    return Markdown("\n".join([shows])), Markdown("\n".join(lines))


def small_n_warning(n: int, what: str = "authorities") -> Markdown:
    """A plain warning when a comparison rests on few authorities."""
    if n >= SMALL_N:
        return Markdown("")
    return Markdown(
        f"> **Small numbers.** This rests on {n} {what}; a single authority can move the "
        "result a lot, so read it as a description, not evidence of a pattern."
    )


def table(df: pd.DataFrame, columns: dict[str, str] | None = None, digits: int = 1) -> HTML:
    """An HTML table with readable headers, no index, numbers rounded (for policy readers)."""
    out = df[list(columns)] if columns else df
    if columns:
        out = out.rename(columns=columns)
    fmt = {c: f"{{:.{digits}f}}" for c in out.select_dtypes("float").columns}
    styler = (out.style.format(na_rep="–", escape="html").format(fmt, na_rep="–", escape="html")
              .format_index(escape="html", axis=1).hide(axis="index"))  # text from data is escaped
    return HTML(styler.to_html())


def statement_ranking(means: pd.DataFrame, labels: dict[str, str] | None = None) -> Markdown:
    """Name the weakest and strongest of a set of means (``stats.mean_ci`` output), with CIs.

    Says whether the two intervals overlap: overlapping intervals mean the data cannot rank them
    with confidence.
    """
    labels = labels or {}
    ranked = means.dropna(subset=["estimate"]).sort_values("estimate")
    if len(ranked) < 2:
        return Markdown("Too few scores to rank.")

    def name(r: pd.Series) -> str:
        return labels.get(
            r["outcome"], framework.QUALITY_STATEMENTS.get(r["outcome"], r["outcome"])
        )

    def desc(r: pd.Series) -> str:
        return f"**{name(r)}** (mean {r['estimate']:.2f}, 95% CI {r['ci_low']:.2f} to {r['ci_high']:.2f}, n = {int(r['n'])})"

    low, high = ranked.iloc[0], ranked.iloc[-1]
    overlap = low["ci_high"] >= high["ci_low"]
    verdict = (
        "Their confidence intervals overlap, so the data cannot say with confidence which is weaker."
        if overlap
        else "Their confidence intervals do not overlap: the gap is larger than chance variation among "
        "these authorities would easily produce."
    )
    below = ranked[ranked["ci_high"] < 2.5]
    extra = (
        f" {len(below)} of the {len(ranked)} {'has' if len(below) == 1 else 'have'} a mean whose whole "
        "interval lies below 2.5, the midpoint "
        "between 'some shortfalls' (2) and 'good' (3)."
        if len(below)
        else ""
    )
    return Markdown(f"Weakest: {desc(low)}. Strongest: {desc(high)}. {verdict}{extra}")


def band_spread(df: pd.DataFrame) -> pd.DataFrame:
    """n, lowest, median and highest overall % within each rating band (rated with a known %)."""
    d = df.dropna(subset=["rating", "overall_pct"])
    grouped = d.groupby("rating", observed=False)["overall_pct"]
    out = pd.DataFrame(
        {
            "n": grouped.size(),
            "lowest": grouped.min(),
            "median": grouped.median(),
            "highest": grouped.max(),
        }
    ).reindex(framework.RATINGS)
    out["band"] = [f"{lo}-{hi}%" for lo, hi in (framework.BANDS[r] for r in framework.RATINGS)]
    out["rated without a known %"] = (
        df[df["overall_pct"].isna()]
        .groupby("rating", observed=False)
        .size()
        .reindex(framework.RATINGS, fill_value=0)
    )
    return out.rename_axis("rating").reset_index()[
        ["rating", "band", "n", "lowest", "median", "highest", "rated without a known %"]
    ]


def band_spread_text(spread: pd.DataFrame) -> Markdown:
    """One sentence per band with authorities: how widely scores vary inside it."""
    parts = []
    for r in spread.itertuples():
        if r.n:
            parts.append(
                f"{r.rating}: {int(r.n)} authorities from {r.lowest:.0f}% to {r.highest:.0f}% (median {r.median:.0f}%)"
            )
    widest = spread.assign(width=spread["highest"] - spread["lowest"]).dropna(subset=["width"])
    w = widest.loc[widest["width"].idxmax()] if len(widest) else None
    tail = (
        f" The widest spread is within **{w['rating']}** ({w['width']:.0f} points): authorities with the same "
        "rating can differ a good deal in their scores."
        if w is not None
        else ""
    )
    return Markdown("; ".join(parts) + "." + tail)


def timeline(df: pd.DataFrame) -> Markdown:
    """When the reports in our data were published, and the busiest month."""
    d = df.dropna(subset=["publication_date"])
    rated = d[d["cqc_status"] == "rated"]
    by_month = rated["publication_date"].dt.to_period("M").value_counts().sort_index()
    if by_month.empty:
        return Markdown("No publication dates in our data.")
    busiest = by_month.idxmax()
    precise = rated["publication_date_precision"].value_counts()
    year_only = int(precise.get("year", 0))
    no_date = int(((df["cqc_status"] == "rated") & df["publication_date"].isna()).sum())
    return Markdown(
        f"The rated authorities' reports run from {by_month.index.min():%B %Y} to {by_month.index.max():%B %Y}; "
        f"the busiest month in our data was {busiest:%B %Y} ({int(by_month.max())} reports). "
        f"{year_only} dates are known only to the year (plotted in January) and {no_date} rated authorities "
        "have no publication date in our data, so the monthly pattern is approximate."
    )


def evidence_table(df: pd.DataFrame) -> pd.DataFrame:
    """Ratings by how we know them (stated, derived, unverified scrape, secondary source)."""
    rated = df[df["cqc_status"] == "rated"]
    table_ = pd.crosstab(
        rated["rating_basis"], rated["rating"].astype(str), margins=True, margins_name="Total"
    )
    cols = [r for r in framework.RATINGS if r in table_.columns] + ["Total"]
    return (
        table_[cols].rename_axis(None, axis=1).rename_axis("How we know the rating").reset_index()
    )


def results_table(results: pd.DataFrame, labels: dict[str, str] | None = None) -> HTML:
    """A statistics result table for policy readers: what was compared, n, missing, the estimate
    with its 95% CI and the p-value (and the Holm-adjusted one where given)."""
    term = results["term"] if "term" in results.columns else pd.Series("", index=results.index)
    out = pd.DataFrame({
        "Outcome": [variable_label(str(o), labels) for o in results["outcome"]],
        "Compared with": [
            (f"{variable_label(str(p), labels)}: {t}" if isinstance(t, str) and t and t != "all groups"
             else variable_label(str(p), labels)) if p else "–"
            for p, t in zip(results["predictor"], term, strict=True)],
        "Authorities": results["n"].astype(int),
        "Missing": results["n_missing"].astype(int),
        "Estimate": results["estimate"],
        "95% CI from": results["ci_low"],
        "95% CI to": results["ci_high"],
        "p": results["p_value"],
    })
    if "p_holm" in results.columns:
        out["p (Holm, all tests here)"] = results["p_holm"]
    if "group" in results.columns:
        out.insert(0, "Group", results["group"])
    out["Measure"] = results["method"].str.split(r";|\(", regex=True).str[0].str.strip()
    return table(out, digits=2)


def by_group_text(results: pd.DataFrame, what: str = "region") -> Markdown:
    """How uncertain per-group (e.g. per-region) estimates are, from :func:`stats.correlation_by`."""
    est = results.dropna(subset=["ci_low"])
    n_lo, n_hi = int(results["n"].min()), int(results["n"].max())
    if est.empty:
        return Markdown(f"No {what} has enough authorities with both values to estimate an association.")
    clear_rows = clear(est)
    widths = est["ci_high"] - est["ci_low"]
    widest = est.loc[widths.idxmax()]
    none = len(results) - len(est)
    lead = (f"Each {what} rests on {n_lo} to {n_hi} authorities. The 95% intervals are wide: on average "
            f"{widths.mean():.2f} across (the widest, {widest['group']}, runs from {widest['ci_low']:.2f} "
            f"to {widest['ci_high']:.2f}), so most regional estimates are compatible with anything from a "
            "clear negative to a clear positive association. ")
    if clear_rows.empty:
        body = (f"In none of the {len(est)} {what}{'s' if len(est) != 1 else ''} with an interval does it "
                "exclude no association.")
    else:
        body = (f"In {len(clear_rows)} of {len(est)} the interval excludes no association "
                f"({_list(clear_rows['group'])}); with {len(est)} {what}s tested, one or two such results "
                "could arise by chance.")
    tail = (f" {none} {what}{'s' if none != 1 else ''} had too few authorities (or too little variation) for a "
            "confidence interval." if none else "")
    return Markdown(lead + body + tail + " Differences between regions here are not evidence that the "
                    "pattern differs between regions.")
