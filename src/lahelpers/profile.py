"""Helpers for the region profile: one English region's authorities against the rest of England.

The comparison is with the *rest* of England (the other 144 or so authorities), not with England
as a whole, so the region is not compared with itself. With 10 to 33 authorities per region,
and fewer with known scores, every regional estimate is uncertain; the text says so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown
from scipy import stats as sps

from lahelpers import framework, narrative, peers
from lahelpers import stats as lstats
from lahelpers.htmlsafe import md_text

#: Below this many authorities with a score, a regional mean is flagged as resting on few.
SMALL_REGION_N = 10

#: Context columns shown in the authorities table, with readable headers.
KEY_CONTEXT = {
    "pop_total": "Population (mid-2022)",
    "pct_65plus": "% aged 65+",
    "imd2025_score": "IMD 2025 score",
    "rural_class": "Rural-urban class",
    "turnover_rate": "Staff turnover % (2022-23)",
}


def check_region(region: str) -> str:
    """The canonical region name; an unknown one fails at once listing the nine valid names."""
    return framework.check_region(region)


def title(region: str) -> Markdown:
    """The report's title (a real H1, so it becomes the page title)."""
    return Markdown(f"# Adult social care in {md_text(region)}: CQC assessments of local authorities")


def heading(region: str, text: str, level: int = 2) -> Markdown:
    """A section heading naming the region (headings become the table of contents)."""
    return Markdown(f"{'#' * level} {md_text(text)}: {md_text(region)}")


def rows(df: pd.DataFrame, region: str) -> pd.DataFrame:
    """The region's authorities."""
    return df[df["region"] == region].copy()


def overview(df: pd.DataFrame, region: str) -> Markdown:
    """How many authorities the region has, how many are rated, and how they were rated."""
    r = rows(df, region)
    rated = r[r["cqc_status"] == "rated"]
    counts = rated["rating"].value_counts().reindex(framework.RATINGS[::-1], fill_value=0)
    rating_text = ", ".join(f"{v} {k}" for k, v in counts.items() if v) or "none"
    full = int(r[list(framework.QS_COLUMNS)].notna().all(axis=1).sum())
    scrape = int((rated["rating_basis"] == "unverified keyword scrape").sum())
    pop = r["pop_total"].sum()
    return Markdown(
        f"{region} has **{len(r)} of England's {len(df)} upper-tier authorities**, serving "
        f"{pop / 1e6:.1f} million people (mid-2022). **{len(rated)} have a rating in our data** "
        f"({rating_text}); {len(r) - len(rated)} are not yet in our data. All 9 quality statement scores "
        f"are known for {full}. {scrape} of the ratings {'rests' if scrape == 1 else 'rest'} on an unverified "
        "keyword scan of CQC's pages."
    )


def _date_text(row: pd.Series) -> str:
    d, p = row["publication_date"], row["publication_date_precision"]
    if pd.isna(d):
        return "–"
    return {"day": f"{d:%d %b %Y}", "month": f"{d:%b %Y}"}.get(p, f"{d:%Y}")


def authority_table(df: pd.DataFrame, region: str) -> pd.DataFrame:
    """One row per authority: rating, %, the 9 scores, publication date and key context."""
    r = rows(df, region).sort_values(["overall_pct", "name"], ascending=[False, True], na_position="last")
    out = pd.DataFrame({
        "Authority": r["name"],
        "Rating": r["rating_label"],
        "Overall %": r["overall_pct"],
        **{q.upper(): r[q] for q in framework.QS_COLUMNS},
        "Published": r.apply(_date_text, axis=1),
        **{label: r[col] for col, label in KEY_CONTEXT.items()},
    })
    out["Population (mid-2022)"] = out["Population (mid-2022)"].map(lambda v: f"{v:,.0f}")
    out["Rating"] = out["Rating"] + np.where(r["rating_basis"] == "unverified keyword scrape", " (unverified)", "")
    return out


def _welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float, float, float]:
    """Difference in means a - b with Welch's 95% CI and p-value (NaN when a group has < 2)."""
    if len(a) < 2 or len(b) < 2:
        diff = float(a.mean() - b.mean()) if len(a) and len(b) else float("nan")
        return diff, float("nan"), float("nan"), float("nan")
    res = sps.ttest_ind(a, b, equal_var=False)
    ci = res.confidence_interval(0.95)
    return float(a.mean() - b.mean()), float(ci.low), float(ci.high), float(res.pvalue)


def compare_with_rest(df: pd.DataFrame, region: str, cols: list[str] | None = None) -> pd.DataFrame:
    """For each statement and theme: the region's mean, the rest of England's, and the difference.

    The difference (region minus rest of England) has a Welch 95% CI (scipy); columns follow
    :mod:`lahelpers.stats` (outcome, n, n_missing, estimate, ci_low, ci_high, p_value, method,
    sentence) so the chart and narrative helpers take it directly.
    """
    cols = cols or [*framework.QS_COLUMNS, *framework.THEMES]
    inside, rest = rows(df, region), df[df["region"] != region]
    region_means = lstats.mean_ci(inside, cols).set_index("outcome")
    out = []
    for c in cols:
        a, b = inside[c].dropna().to_numpy(float), rest[c].dropna().to_numpy(float)
        diff, lo, hi, p = _welch(a, b)
        name = _name(c)
        if np.isnan(lo):
            sentence = f"{name}: only {len(a)} {region} authorities have this score, too few to compare."
        else:
            direction = "higher" if lo > 0 else "lower" if hi < 0 else None
            verdict = (f"{direction} than the rest of England" if direction
                       else "no clear difference from the rest of England")
            sentence = (f"{name}: {region} mean {a.mean():.2f} (n = {len(a)}) against {b.mean():.2f} for the "
                        f"rest of England (n = {len(b)}), a difference of {diff:+.2f} (95% CI {lo:+.2f} to "
                        f"{hi:+.2f}): {verdict}.")
            if len(a) < SMALL_REGION_N:
                sentence += f" With only {len(a)} authorities scored, treat this as a description."
        out.append({
            "outcome": c, "label": name, "predictor": "", "n": len(a), "n_missing": int(inside[c].isna().sum()),
            "n_rest": len(b), "region_mean": region_means.loc[c, "estimate"],
            "region_ci_low": region_means.loc[c, "ci_low"], "region_ci_high": region_means.loc[c, "ci_high"],
            "rest_mean": float(b.mean()) if len(b) else float("nan"),
            "estimate": diff, "ci_low": lo, "ci_high": hi, "p_value": p,
            "method": "difference in means (region minus rest of England), Welch 95% CI",
            "sentence": sentence,
        })
    return pd.DataFrame(out)


def _name(col: str) -> str:
    if col in framework.QUALITY_STATEMENTS:
        return f"{col.upper()} {framework.QUALITY_STATEMENTS[col]}"
    if col in framework.THEMES:
        return f"Theme: {framework.THEMES[col][0]}"
    return col


def comparison_table(comp: pd.DataFrame) -> pd.DataFrame:
    """The comparison as a readable table for policy readers."""
    return pd.DataFrame({
        "Statement or theme": comp["label"],
        "Authorities scored": comp["n"],
        "Region mean": comp["region_mean"],
        "Rest of England mean": comp["rest_mean"],
        "Difference": comp["estimate"],
        "95% CI from": comp["ci_low"],
        "95% CI to": comp["ci_high"],
    })


def comparison_text(comp: pd.DataFrame, region: str) -> Markdown:
    """Which statements differ clearly from the rest of England, and how much to trust that."""
    known = comp.dropna(subset=["ci_low"])
    higher = known[known["ci_low"] > 0]["label"].tolist()
    lower = known[known["ci_high"] < 0]["label"].tolist()
    n_max = int(comp["n"].max()) if len(comp) else 0
    parts = []
    if higher:
        parts.append(f"clearly **higher** than the rest of England on {', '.join(higher)}")
    if lower:
        parts.append(f"clearly **lower** on {', '.join(lower)}")
    head = (f"{region} scores " + " and ".join(parts) + "." if parts else
            f"On no statement or theme does {region} differ clearly from the rest of England: every 95% "
            "confidence interval for the difference includes zero.")
    caution = (f" These rest on at most {n_max} {region} authorities with scores; with so few, a real "
               "difference can easily go undetected, and one authority's scores move the mean noticeably.")
    tested = f" ({len(known)} of {len(comp)} comparisons had enough scores to test.)"
    return Markdown(head + caution + tested)


WITHIN = {
    "imd2025_score": "deprivation (IMD 2025 score)",
    "pct_rural": "% of people in rural areas",
    "pct_65plus": "% aged 65 and over",
    "turnover_rate": "staff turnover (2022-23)",
    "sfc_vacancy_rate": "independent-sector vacancy rate (2023-24)",
}


def within_region(df: pd.DataFrame, region: str, y: str = "overall_pct", n_boot: int = 1000) -> pd.DataFrame:
    """Spearman correlations of ``y`` with context within the region (bootstrap 95% CIs)."""
    r = rows(df, region)
    results = [lstats.correlation(r, x, y, n_boot=n_boot, labels=WITHIN) for x in WITHIN]
    return pd.concat(results, ignore_index=True)


def within_text(results: pd.DataFrame, region: str) -> Markdown:
    """Plain words for the within-region correlations, never over-claiming."""
    clear = narrative.clear(results)
    n = int(results["n"].max()) if len(results) else 0
    if clear.empty:
        head = (f"Within {region}, none of these context measures shows a clear association with the overall "
                "score: every 95% confidence interval includes no association.")
    else:
        head = " ".join(clear["sentence"])
    return Markdown(
        head + f" With at most {n} authorities, only a strong association could show up here; absence of a "
        "clear pattern does not mean there is none, and any pattern is an association, not a cause."
    )


def rural_ratings(df: pd.DataFrame, region: str) -> pd.DataFrame:
    """Ratings by rural-urban class within the region (counts)."""
    r = rows(df, region)
    table = pd.crosstab(r["rural_class"], r["rating_label"]).reindex(
        columns=[*framework.RATINGS[::-1], framework.NOT_RATED], fill_value=0
    )
    table = table.loc[:, table.sum() > 0]
    table["Authorities"] = table.sum(axis=1)
    return table.rename_axis(None, axis=1).rename_axis("Rural-urban class").reset_index()


def peer_table(df: pd.DataFrame, region: str, k: int = 5) -> pd.DataFrame:
    """Each authority's k nearest peers on context (anywhere in England) and how they were rated.

    Peers outside the region are marked with an asterisk; an authority lacking a context feature
    gets a note instead of peers.
    """
    out = []
    for r in rows(df, region).sort_values("name").itertuples():
        try:
            p = peers.nearest_peers(df, r.code, k=k)
        except ValueError as err:
            out.append({"Authority": r.name, "Rating": r.rating_label, "Nearest peers (rating)": f"none: {err}",
                        "Peers outside the region": 0, "Peers rated": 0})
            continue
        listed = [
            f"{q.name}{'*' if q.region != region else ''} ({q.rating_label})" for q in p.itertuples()
        ]
        out.append({
            "Authority": r.name,
            "Rating": r.rating_label,
            "Nearest peers (rating)": "; ".join(listed),
            "Peers outside the region": int((p["region"] != region).sum()),
            "Peers rated": int((p["rating_label"] != framework.NOT_RATED).sum()),
        })
    return pd.DataFrame(out)


def peers_text(table: pd.DataFrame, region: str) -> Markdown:
    """How many peers lie outside the region, and a reminder of what peers are."""
    total = int(table["Peers outside the region"].sum())
    n = len(table) * 5
    return Markdown(
        f"{total} of the {n} peer places go to authorities outside {region} (marked *). Peers are the most "
        "similar authorities on population size, age, deprivation, rurality, ethnic diversity and density "
        "(standardised, equal weights); they are a starting point for learning from similar places, not a "
        "judgement that the authorities should score alike."
    )
