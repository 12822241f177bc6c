"""Plain-English text for notebooks, written from computed results (numbers are never typed in).

Notebook markdown cells hold the explanation that does not depend on the data; every sentence
with a number comes from a function here, so re-running on new data rewrites it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from html import escape as html_escape

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

from lahelpers import framework, wording
from lahelpers.framework import variable_label
from lahelpers.htmlsafe import md_text

SMALL_N = framework.SMALL_N
#: Mimetype of the data :func:`table` attaches to a table output (the report exporter,
#: ``lahelpers.publish.datalinks``, reads it to write the table's CSV and source line).
TABLE_MIMETYPE = "application/vnd.lahelpers.table+json"
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
    counts = rated["rating"].value_counts().reindex(framework.RATINGS[::-1], fill_value=0)
    rating_text = _list(f"{v} {k}" for k, v in counts.items())
    dates = rated["publication_date"].dropna()
    span = f"{dates.min():%B %Y} to {dates.max():%B %Y}" if len(dates) else "unknown dates"
    return Markdown(
        f"**{len(rated)} of {n} authorities ({_pct(len(rated), n)}) have a CQC rating in our data**; "
        f"{n - len(rated)} {wording.be(n - len(rated))} not yet in our data. Ratings: {rating_text}. "
        f"All 9 quality statement scores are known for {int(full.sum())} authorities and an overall % for "
        f"{int(pct_known.sum())}. {evidence_text(df).data} "
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
    """Results that are clear by the one rule (:func:`lahelpers.wording.verdict`): p < 0.05, a
    95% CI that excludes no association (0, or 1 for odds ratios) where there is one, and a
    Holm-adjusted p < 0.05 where the result belongs to a page's family. An adjusted coefficient
    of a collinear predictor is never clear (its sentence says why)."""
    keep = [wording.verdict(wording.Result.from_row(r)) == wording.CLEAR and r.get("collinear") is not True
            and not (isinstance(r.get("collinear"), np.bool_) and r.get("collinear"))
            for r in results.to_dict("records")]
    return results[keep]


def suggestive(results: pd.DataFrame) -> pd.DataFrame:
    """Results with p < 0.05 or an interval excluding no association on their own, that are not
    clear (they do not survive the page's adjustment, or the test and interval disagree), and
    collinear adjusted coefficients that would otherwise look clear."""
    strong = clear(results).index
    keep = [i not in strong and wording.verdict(wording.Result.from_row(r)) != wording.NONE
            for i, r in zip(results.index, results.to_dict("records"), strict=True)]
    return results[keep]


def findings(results: pd.DataFrame, caveats: Iterable[str] = (),
             labels: dict[str, str] | None = None) -> tuple[Markdown, Markdown]:
    """'What this shows' and 'What it does not show', written from a page's family of results
    (:func:`lahelpers.stats.family`).

    A result "shows" something only when it is clear by :func:`clear` (after the page's Holm
    adjustment); results clear on a single test only are listed as leads; everything else is
    counted as no clear association. The second text always states what a cross-sectional
    comparison of ratings cannot show, plus the caller's own caveats.
    """
    tested = results.dropna(subset=["p_value"]) if "p_value" in results.columns else results
    strong = clear(results)
    leads = suggestive(results)
    weak = results.drop([*strong.index, *leads.index])
    n_fam = int(results["family_n"].iloc[0]) if "family_n" in results.columns and len(results) else len(tested)
    if strong.empty:
        shows = (f"- None of the {n_fam} tests on this page is clear once all of them are allowed "
                 "for (Holm).")
    else:
        shows = (f"Of the {n_fam} tests on this page, {len(strong)} {wording.be(len(strong))} clear "
                 "once all of them are allowed for (Holm):\n\n"
                 + "\n".join(f"- {s}" for s in strong["sentence"]))
    if not leads.empty:
        shows += (f"\n\n{wording.count(len(leads), 'more result')} looked clear on a single test but "
                  f"{'does' if len(leads) == 1 else 'do'} not hold once every test is allowed for, or "
                  "rest on a measure that moves with the others in a model: leads to check, not "
                  "findings:\n\n" + "\n".join(f"- {s}" for s in leads["sentence"]))
    n_min, n_max = int(results["n"].min()), int(results["n"].max())
    lines = []
    untested = weak[weak["p_value"].isna()] if "p_value" in weak.columns else weak.iloc[0:0]
    weak = weak.drop(untested.index)
    if not weak.empty:
        pairs = sorted({f"{variable_label(str(o), labels)} with {variable_label(str(p), labels)}"
                        if p else variable_label(str(o), labels)
                        for o, p in zip(weak["outcome"], weak["predictor"], strict=True)})
        what = (f"these: {_list(pairs)}" if len(pairs) <= LIST_AT_MOST
                else f"the other {len(weak)} of the {len(tested)} tests (each is in the tables above)")
        lines.append(
            f"- No clear association for {what}. Absence of evidence here is not evidence of "
            "absence: the samples are small."
        )
    if not untested.empty:
        lines.append(f"- {wording.count(len(untested), 'estimate')} could not be tested (too few "
                     "authorities, or too little variation) and so are not counted among the tests.")
    lines += [
        f"- Cause. These are associations across authorities (n from {n_min} to {n_max}), measured once; "
        "they cannot show that context causes a rating, nor rule out other explanations.",
        "- Individuals. Area-level patterns say nothing about the experience of any one person "
        "(the ecological fallacy).",
        "- Missing ratings. Authorities not yet in our data (mostly published in 2026) may differ from "
        "those rated earlier; if so, these estimates are biased in an unknown direction.",
    ]
    lines += [f"- {c}" for c in caveats]
    return Markdown(shows), Markdown("\n".join(lines))


def family_note(page: pd.DataFrame, outside: str = "") -> Markdown:
    """The page's one statement of which tests its Holm adjustment covers
    (:func:`lahelpers.stats.family_text`); ``outside`` names p-values shown on the page that are
    not in the family (e.g. "the measures held fixed in the models")."""
    from lahelpers import stats  # late: stats imports nothing from here, keep it that way

    return Markdown(stats.family_text(page, outside))


def overlap(df: pd.DataFrame, columns: list[str], labels: dict[str, str] | None = None) -> Markdown:
    """How closely a set of measures move together, computed: their strongest correlation
    (Spearman) and the variance inflation factors of a model holding all of them, so the page says
    why they are not entered together (or that they can be)."""
    from lahelpers import stats  # late: stats imports nothing from here

    d = df[columns].apply(pd.to_numeric, errors="coerce").dropna()
    corr = d.corr(method="spearman").where(~np.eye(len(columns), dtype=bool))
    a, b = corr.abs().stack().idxmax()
    z = (d - d.mean()) / d.std(ddof=1)
    v = stats.vif(z)
    worst = v.idxmax()
    name = {c: variable_label(c, labels) for c in columns}
    text = (f"Across the {len(d)} authorities with all {len(columns)} measures, the closest pair is "
            f"{name[a]} and {name[b]} (Spearman's rho {wording.number(corr.loc[a, b])}). In one model "
            f"holding all {len(columns)}, their variance inflation factors run from "
            f"{wording.number(v.min(), 1)} to {wording.number(v.max(), 1)} ({name[worst]})")
    if wording.collinear(v.max()):
        text += (f"; at {wording.VIF_LIMIT:g} or more a measure's separate effect cannot be told apart "
                 "from the others', so each measure is modelled on its own beside deprivation instead.")
    else:
        text += ", low enough for their separate effects to be estimated together."
    return Markdown(text)


def small_n_warning(n: int, what: str = "authorities", limit: int = SMALL_N) -> Markdown:
    """A plain warning when a comparison rests on fewer than ``limit`` authorities."""
    if n >= limit:
        return Markdown("")
    return Markdown(
        f"> **Small numbers.** This rests on {n} {what}; a single authority can move the "
        "result a lot, so read it as a description, not evidence of a pattern."
    )


class Table(HTML):
    """A table for a report page: its HTML plus, under :data:`TABLE_MIMETYPE`, the data behind it
    (readable column names, the original field names, unformatted values, caption and sources),
    from which the report exporter writes the table's CSV download and source line."""

    def __init__(self, html: str, payload: dict):
        super().__init__(html)
        self.payload = payload

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return {TABLE_MIMETYPE: self.payload, "text/html": self.data}


def table(df: pd.DataFrame, columns: dict[str, str] | None = None, digits: int = 1, *,
          caption: str | None = None, sources: Iterable[str] | None = None) -> Table:
    """An HTML table for policy readers: readable headers, no index, a caption, numbers rounded
    and right-aligned (whole numbers as integers, p-values never "0.000").

    Each cell carries ``data-sort`` (the unformatted number, a rating's rank, an ISO date) so
    the page can sort columns without reading formatted text. The table's data go with it (see
    :class:`Table`) for the page's CSV download; ``sources`` (catalogue ids) overrides the
    sources the page works out from the columns; without it, a table that knows its own sources
    (``df.attrs["sources"]``, e.g. a peer table) names those. Without ``caption`` the page
    captions the table with the heading above it. Text from data is escaped.
    """
    if sources is None:
        sources = df.attrs.get("sources")
    out = df[list(columns)] if columns else df
    fields = [str(c) for c in out.columns]
    if columns:
        out = out.rename(columns=columns)
    out = out.reset_index(drop=True)
    heads = [str(c) for c in out.columns]
    cols = []
    for c, head in zip(out.columns, heads, strict=True):
        col = out[c]
        if head == "p" or head.startswith("p ("):
            cols.append((col, _p_format, "num", _sort_number))
        elif pd.api.types.is_bool_dtype(col):
            cols.append((col, lambda v: "yes" if v else "no", "", _sort_text))
        elif pd.api.types.is_numeric_dtype(col):
            cols.append((col, _number_format(col, digits), "num", _sort_number))
        elif pd.api.types.is_datetime64_any_dtype(col):
            cols.append((col, lambda v: f"{v:%d %b %Y}", "", _sort_date))
        elif _is_rating(col):
            cols.append((col, str, "rating", _sort_rating))
        elif _is_date_text(col):
            cols.append((col, str, "", _sort_date_text))
        else:
            cols.append((col, str, "", _sort_text))
    head_html = "".join(
        f'<th scope="col"{_cls(kind)}>{html_escape(h)}</th>' for h, (_c, _f, kind, _s) in zip(heads, cols, strict=True)
    )
    body = []
    for i in range(len(out)):
        cells = []
        for col, fmt, kind, sort in cols:
            v = col.iloc[i]
            if hasattr(v, "__html__"):  # a link made by the package (its own text escaped)
                cells.append(f'<td{_cls(kind)} data-sort="{html_escape(_plain(v))}">{v.__html__()}</td>')
                continue
            missing = v is None or (not isinstance(v, str) and bool(pd.isna(v)))
            text = "–" if missing else str(fmt(v))
            key = "" if missing else sort(v)
            cells.append(f'<td{_cls(kind)} data-sort="{html_escape(key)}">{html_escape(text)}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    cap = f"<caption>{html_escape(caption)}</caption>" if caption else ""
    html = (f'<table class="data-table">{cap}<thead><tr>{head_html}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")
    payload = {
        "caption": caption,
        "columns": heads,
        "fields": fields,
        "rows": [[_json_value(v) for v in row] for row in out.itertuples(index=False, name=None)],
        "sources": list(sources) if sources is not None else None,
    }
    return Table(html, payload)


def _plain(v) -> str:
    """The plain text of a cell that renders itself as HTML (``__html__``, e.g.
    :class:`lahelpers.authority.PageLink`): its ``text``, for sorting and the CSV."""
    return str(getattr(v, "text", v))


def _json_value(v):
    """A cell for the table's attached data: numbers in full, dates as ISO text, missing as None."""
    if hasattr(v, "__html__"):
        return _plain(v)
    if v is None or (not isinstance(v, str) and bool(pd.isna(v))):
        return None
    if isinstance(v, (pd.Timestamp, datetime)):
        return v.isoformat()
    if isinstance(v, np.generic):
        return v.item()
    return v if isinstance(v, (str, int, float, bool)) else str(v)


def _cls(kind: str) -> str:
    """The class attribute of a cell of this kind ('' for text)."""
    return f' class="{kind}"' if kind else ""


def _sort_number(v) -> str:
    """A number's sort key: its full value."""
    return repr(float(v))


def _sort_text(v) -> str:
    """Text sorts as itself (the page compares it case-blind, in the reader's locale)."""
    return str(v)


def _sort_date(v) -> str:
    """A date sorts by its ISO form."""
    return f"{pd.Timestamp(v):%Y-%m-%d}"


#: A rating's rank for sorting: Outstanding highest; not rated has no rank and sorts last.
RATING_RANK = {r: str(i + 1) for i, r in enumerate(framework.RATINGS)}


def _rating_of(v) -> str | None:
    """The rating a cell names ("Good", "Good (unverified)"), or None."""
    text = str(v)
    for r in sorted(framework.RATINGS, key=len, reverse=True):
        if text == r or text.startswith(r + " ("):
            return r
    return None


def _is_rating(col: pd.Series) -> bool:
    """True for a column of ratings (and not-rated labels)."""
    known = [v for v in col.dropna().astype(str)]
    return bool(known) and all(_rating_of(v) or v == framework.NOT_RATED for v in known) and any(
        _rating_of(v) for v in known)


def _sort_rating(v) -> str:
    """A rating sorts by rank (Outstanding > Good > Requires improvement > Inadequate); a cell
    not rated has no key, so it sorts last either way."""
    r = _rating_of(v)
    return RATING_RANK[r] if r else ""


_DATE_FORMATS = ("%d %b %Y", "%b %Y", "%Y")


def _parse_date_text(v) -> pd.Timestamp | None:
    """A date written as the tables write them ('28 Feb 2025', 'Feb 2025', '2025'), else None."""
    for f in _DATE_FORMATS:
        try:
            return pd.Timestamp(datetime.strptime(str(v), f))
        except ValueError:
            continue
    return None


def _is_date_text(col: pd.Series) -> bool:
    """True for a text column of dates (missing ones written as a dash)."""
    known = [v for v in col.dropna().astype(str) if v not in ("–", "-", "")]
    return bool(known) and all(_parse_date_text(v) is not None for v in known) and any(
        not str(v).isdigit() for v in known)


def _sort_date_text(v) -> str:
    """A written date sorts by its ISO form; a dash has no key (sorts last)."""
    d = _parse_date_text(v)
    return "" if d is None else f"{d:%Y-%m-%d}"


def _number_format(col: pd.Series, digits: int):
    """How a number column is shown: whole numbers without decimals when every value is whole
    (a score of 3, not 3.0; thousands separated: 218,049), otherwise ``digits`` decimals; never
    '-0.00'."""
    known = pd.to_numeric(col, errors="coerce").dropna()
    if len(known) and (known == known.round()).all():
        if known.abs().max() >= 10_000:
            return lambda v: f"{round(float(v)):,}"
        return lambda v: wording.number(v, 0)
    return lambda v: wording.number(v, digits)


def _p_format(p: float) -> str:
    """A p-value in a table: '< 0.001' or 3 decimals (never '0.000')."""
    text = wording.p_text(p)
    return "–" if "not available" in text else text.removeprefix("p ").removeprefix("= ")


def statement_ranking(means: pd.DataFrame, pairs: pd.DataFrame | None = None,
                      labels: dict[str, str] | None = None) -> Markdown:
    """Name the weakest and strongest of a set of means (``stats.mean_ci`` output), with CIs, and
    say which differences between them are clear from ``pairs``
    (:func:`lahelpers.stats.paired_differences`, ideally adjusted with the page's family):
    scores given to the same authorities are compared pairwise on those authorities, never by
    whether two intervals overlap (overlapping intervals can still hide a clear difference)."""
    labels = labels or {}
    ranked = means.dropna(subset=["estimate"]).sort_values("estimate")
    if len(ranked) < 2:
        return Markdown("Too few scores to rank.")

    def name(col: str) -> str:
        return labels.get(col, framework.QUALITY_STATEMENTS.get(col, col))

    def desc(r: pd.Series) -> str:
        return (f"**{name(r['outcome'])}** ({wording.estimate_ci('mean', r['estimate'], r['ci_low'], r['ci_high'])}, "
                f"n = {int(r['n'])})")

    low, high = ranked.iloc[0], ranked.iloc[-1]
    text = f"Weakest: {desc(low)}. Strongest: {desc(high)}."
    if pairs is not None and len(pairs):
        text += " " + _pair_verdicts(pairs, low["outcome"], "weakest", name) + " " + _pair_verdicts(
            pairs, high["outcome"], "strongest", name)
    below = ranked[ranked["ci_high"] < 2.5]
    if len(below):
        text += (f" {len(below)} of the {len(ranked)} {wording.has(len(below))} a mean whose whole "
                 "interval lies below 2.5, the midpoint between 'some shortfalls' (2) and 'good' (3).")
    return Markdown(text)


def pair_sides(pairs: pd.DataFrame, col: str) -> tuple[list[str], list[str], list[str]]:
    """The columns ``col`` is clearly lower than, clearly higher than, and not clearly different
    from, in paired comparisons (:func:`lahelpers.stats.paired_differences`, after the page's
    family adjustment): "clearly" by :func:`lahelpers.wording.verdict` only."""
    return wording.pair_sides(pairs, col)


def _pair_verdicts(pairs: pd.DataFrame, col: str, role: str, name) -> str:
    """'Compared on the same authorities, the weakest is clearly lower than 3 of the other 8 (...)'."""
    mine = pairs[(pairs["outcome"] == col) | (pairs["predictor"] == col)]
    lower, higher, unclear = ([name(c) for c in side] for side in pair_sides(pairs, col))
    n_fam = int(mine["family_n"].iloc[0]) if "family_n" in mine.columns and len(mine) else len(pairs)
    found = []
    if lower:
        found.append(f"clearly lower than {wording.count(len(lower), 'other')} ({_list(lower)})")
    if higher:
        found.append(f"clearly higher than {wording.count(len(higher), 'other')} ({_list(higher)})")
    head = (f"Compared with each of the other {len(mine)} on the same authorities (paired differences, "
            f"Holm over the {n_fam} tests on this page), the {role} is ")
    if not found:
        return head + "not clearly different from any of them."
    tail = (f"; it is not clearly different from {wording.count(len(unclear), 'other')} ({_list(unclear)})"
            if unclear else "")
    return head + " and ".join(found) + tail + "."


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
                f"{r.rating}: {wording.count(r.n)} from {r.lowest:.0f}% to {r.highest:.0f}% (median {r.median:.0f}%)"
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
        f"{wording.count(year_only, 'date')} {wording.be(year_only)} known only to the year (plotted in "
        f"January) and {wording.count(no_date, 'rated authority', 'rated authorities')} "
        f"{wording.has(no_date)} no publication date in our data, so the monthly pattern is approximate."
    )


def evidence_text(df: pd.DataFrame) -> Markdown:
    """Where the ratings come from, counted from ``rating_source`` (the stated ones split by who
    states them), so the page never says "most" of a group that is not most."""
    rated = df[df["cqc_status"] == "rated"]
    if "rating_source" not in rated.columns:  # a table without sources: say how each was known
        basis = rated["rating_basis"].value_counts()
        return Markdown(f"Of the {len(rated)} ratings in our data, "
                        f"{_list(f'{v} {k}' for k, v in basis.items())} (by how we know them).")
    src = _sources(rated)
    groups = {
        "league": ("{} from a third-party league table that states {}", src.str.contains("league table")),
        "news": ("{} stated in news reports, CQC press text or council news",
                 src.str.startswith("stated") & ~src.str.contains("league table")),
        "scrape": ("{} only on an unchecked automated keyword scan of CQC's summary pages",
                   src.str.contains("scrape")),
        "derived": ("{} derived by us from the statement scores", src.str.startswith("derived")),
    }
    verbs = {"league": ("comes", "come"), "news": ("is", "are"), "scrape": ("rests", "rest"),
             "derived": ("is", "are")}
    counted = {k: int(mask.sum()) for k, (_t, mask) in groups.items()}
    parts = []
    for k, (template, _mask) in groups.items():
        v = counted[k]
        if v:
            verb = f"{v} {verbs[k][0] if v == 1 else verbs[k][1]}"
            parts.append(template.format(verb, "it" if v == 1 else "them"))
    other = len(rated) - sum(counted.values())
    if other:
        parts.append(f"{other} {wording.be(other)} from other sources")
    text = f"Of the {len(rated)} ratings in our data, {_list(parts)}."
    if counted["league"] * 2 > len(rated):
        text += " Most ratings here therefore come from a third-party table, not from CQC's own text."
    elif (counted["news"] + counted["league"]) * 2 > len(rated):
        text += " Most are stated somewhere, though not all in CQC's own words."
    return Markdown(text)


def _sources(rated: pd.DataFrame) -> pd.Series:
    """Each rated authority's rating source, lower case ('' when unknown)."""
    return rated["rating_source"].fillna("").astype(str).str.lower()


def unverified_count(df: pd.DataFrame) -> int:
    """How many ratings rest only on the unchecked automated keyword scan of CQC's pages (the
    count :func:`evidence_text` gives)."""
    rated = df[df["cqc_status"] == "rated"]
    if "rating_source" not in rated.columns:
        return int((rated["rating_basis"] == "unverified keyword scrape").sum())
    return int(_sources(rated).str.contains("scrape").sum())


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
    if "p_holm" in results.columns and "family_n" in results.columns and len(results):
        out[f"p (Holm, {int(results['family_n'].iloc[0])} tests on this page)"] = results["p_holm"]
    if "vif" in results.columns and results["vif"].gt(1).any():
        out["Variance inflation"] = results["vif"]
        out["Odds ratio alone"] = results.get("alone_estimate")
        out["Alone: 95% CI from"] = results.get("alone_ci_low")
        out["Alone: 95% CI to"] = results.get("alone_ci_high")
    if "group" in results.columns and results["group"].notna().any():
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
            f"{wording.number(widths.mean())} across (the widest, {widest['group']}, runs from "
            f"{wording.number(widest['ci_low'])} to {wording.number(widest['ci_high'])}), so most regional estimates are compatible with anything from a "
            "clear negative to a clear positive association. ")
    leads = suggestive(est)
    plural = f"{what}{'s' if len(est) != 1 else ''}"
    adjusted = ("once the page's tests are allowed for (Holm)" if "family_n" in est.columns
                else "on its own test")
    if clear_rows.empty:
        body = f"In none of the {len(est)} {plural} with an interval is the association clear {adjusted}."
    else:
        body = (f"In {len(clear_rows)} of the {len(est)} {plural} with an interval the association is clear "
                f"{adjusted} ({_list(clear_rows['group'])}).")
    if len(leads):
        body += (f" In {len(leads)} more ({_list(leads['group'])}) it looks clear on a single test only: "
                 "with this many regions tested, one or two such results could arise by chance.")
    tail = (f" {none} {what}{'s' if none != 1 else ''} had too few authorities (or too little variation) for a "
            "confidence interval." if none else "")
    return Markdown(lead + body + tail + " Differences between regions here are not evidence that the "
                    "pattern differs between regions.")
