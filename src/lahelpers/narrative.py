"""Plain-English text for notebooks, written from computed results (numbers are never typed in).

Notebook markdown cells hold the explanation that does not depend on the data; every sentence
with a number comes from a function here, so re-running on new data rewrites it.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from IPython.display import HTML, Markdown

from lahelpers import framework

SMALL_N = 30


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
        return Markdown(f"Not yet in our data ({len(miss)}): {_list(miss['name'])}.")
    lines = [
        f"- **{r}** ({len(g)}): {_list(g['name'])}" for r, g in miss.groupby("region", sort=True)
    ]
    return Markdown(f"**Not yet in our data ({len(miss)} authorities)**\n\n" + "\n".join(lines))


def result_sentences(results: pd.DataFrame) -> Markdown:
    """A bullet per statistics result, using each result's own sentence."""
    return Markdown("\n".join(f"- {s}" for s in results["sentence"]))


def clear(results: pd.DataFrame) -> pd.DataFrame:
    """Results whose 95% CI excludes no association (0 for correlations, 1 for odds ratios)."""
    null = results["method"].str.contains("odds", case=False).map({True: 1.0, False: 0.0})
    return results[(results["ci_low"] > null) | (results["ci_high"] < null)]


def findings(results: pd.DataFrame, caveats: Iterable[str] = ()) -> tuple[Markdown, Markdown]:
    """'What this shows' and 'What it does not show', written from a table of statistics results.

    A result "shows" something only when its 95% confidence interval excludes no association;
    everything else is reported as no clear association. The second text always states what a
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
        shows = "\n".join(f"- {s}" for s in strong["sentence"])
    n_min, n_max = int(results["n"].min()), int(results["n"].max())
    lines = []
    if not weak.empty:
        names = _list(
            sorted(
                {f"{o} with {p}" for o, p in zip(weak["outcome"], weak["predictor"], strict=True)}
            )
        )
        lines.append(
            f"- No clear association (95% CI includes none) for: {names}. Absence of evidence here "
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
    styler = out.style.format(fmt, na_rep="–").hide(axis="index")
    return HTML(styler.to_html())
