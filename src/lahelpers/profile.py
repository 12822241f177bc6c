"""Helpers for the region profile: one English region's authorities against the rest of England.

The comparison is with the *rest* of England (the other 144 or so authorities), not with England
as a whole, so the region is not compared with itself. With 10 to 33 authorities per region,
and fewer with known scores, every regional estimate is uncertain; the text says so.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from IPython.display import Markdown

from lahelpers import authority, framework, load, narrative, peers, wording
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
        f"({rating_text}); {len(r) - len(rated)} {wording.be(len(r) - len(rated))} not yet in our data. All 9 quality statement scores "
        f"are known for {full}. {_scrape_text(scrape)}"
    )


def _scrape_text(scrape: int) -> str:
    """How many ratings rest on the unverified scan, as a sentence ('None of the ratings ...')."""
    head = "None" if scrape == 0 else str(scrape)
    verb = "rests" if scrape <= 1 else "rest"
    return f"{head} of the ratings {verb} on an unverified keyword scan of CQC's pages."


def _date_text(row: pd.Series) -> str:
    d, p = row["publication_date"], row["publication_date_precision"]
    if pd.isna(d):
        return "–"
    return {"day": f"{d:%d %b %Y}", "month": f"{d:%b %Y}"}.get(p, f"{d:%Y}")


def authority_table(df: pd.DataFrame, region: str) -> pd.DataFrame:
    """One row per authority: rating, %, the 9 scores, publication date and key context; each
    name links to the authority's profile page."""
    r = rows(df, region).sort_values(["overall_pct", "name"], ascending=[False, True], na_position="last")
    out = pd.DataFrame({
        "Authority": [authority.profile_link(n) for n in r["name"]],
        "Rating": r["rating_label"],
        "Overall %": r["overall_pct"],
        **{q.upper(): r[q] for q in framework.QS_COLUMNS},
        "Published": r.apply(_date_text, axis=1),
        **{label: r[col] for col, label in KEY_CONTEXT.items()},
    })
    out["Rating"] = out["Rating"] + np.where(r["rating_basis"] == "unverified keyword scrape", " (unverified)", "")
    return out


#: Random permutations for the region-against-rest test (and its inverted interval).
N_PERMUTATIONS = 9999


@lru_cache(maxsize=16)
def _permutations(n_a: int, n_total: int, seed: int | None) -> np.ndarray:
    """``N_PERMUTATIONS`` random draws of which ``n_a`` of ``n_total`` positions form group A
    (read-only).

    Kept in memory per (n_a, n_total, seed) because a region page draws the same ones for each
    of its 13 comparisons (drawing 9,999 permutations of ~150 positions is most of a test's
    cost). The draws depend on nothing else, so a kept one is exactly what a new draw would be:
    it holds no data and no result, so it cannot be stale.
    """
    rng = np.random.default_rng(seed)
    idx = np.ascontiguousarray(  # a copy: the full draw is ~12 MB, the kept part ~1 MB
        rng.permuted(np.tile(np.arange(n_total), (N_PERMUTATIONS, 1)), axis=1)[:, :n_a])
    idx.setflags(write=False)
    return idx


def permutation_difference(a: np.ndarray, b: np.ndarray, seed: int | None = 0
                           ) -> tuple[float, float, float, float]:
    """Difference in means ``a - b`` with a two-sided permutation p-value and a 95% CI found by
    inverting the same test (the shifts d for which "a - d and b are exchangeable" is not
    rejected at 5%). Returns (difference, low, high, p); NaN where a group has no values, and
    an open interval (NaN) where so few are scored that no shift can be rejected.

    Why: a region's 1-4 scores are few and tied (five authorities all scoring 2, say). Welch's
    interval then treats the region's mean as known exactly, and a bootstrap of the region can
    only resample the same value. Under the permutation test any authority could have been any
    other, so the spread of the whole of England sets the uncertainty, as it should. The same
    random permutations serve every shift, so the p-value and the interval agree. The p-value is
    two-sided on the absolute difference (as :func:`scipy.stats.permutation_test` computes the
    one-sided ones; its two-sided value doubles the smaller of those instead).
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    if len(a) == 0 or len(b) == 0:
        return float("nan"), float("nan"), float("nan"), float("nan")
    pooled = np.concatenate([a, b])
    n_a, n_b = len(a), len(b)
    idx = _permutations(n_a, len(pooled), seed)
    sum_a = pooled[idx].sum(axis=1)
    k = (idx < n_a).sum(axis=1)  # how many of the region's own authorities each draw keeps
    base = sum_a / n_a - (pooled.sum() - sum_a) / n_b
    slope = k / n_a - (n_a - k) / n_b
    diff = float(a.mean() - b.mean())

    def p_at(shift: float) -> float:
        obs = abs(diff - shift)
        return float((1 + np.sum(np.abs(base - shift * slope) >= obs - 1e-12)) / (N_PERMUTATIONS + 1))

    p = p_at(0.0)
    span = 2 * float(np.ptp(pooled)) + 1
    bounds = []
    for far in (diff - span, diff + span):
        if p_at(far) > 0.05:  # nothing this far off can be rejected: no finite interval
            bounds.append(float("nan"))
            continue
        inside, outside = diff, far
        for _ in range(30):
            mid = (inside + outside) / 2
            inside, outside = (mid, outside) if p_at(mid) > 0.05 else (inside, mid)
        bounds.append((inside + outside) / 2)
    lo, hi = bounds
    if p > 0.05:  # tied scores make p jump at a shift of 0: the interval must still hold 0
        lo, hi = min(lo, 0.0), max(hi, 0.0)
    return diff, lo, hi, p


def compare_with_rest(df: pd.DataFrame, region: str, cols: list[str] | None = None,
                      seed: int | None = 0) -> pd.DataFrame:
    """For each statement and theme: the region's mean, the rest of England's, and the difference.

    The difference (region minus rest of England) has a permutation p-value and a 95% CI from
    inverting that test (:func:`permutation_difference`), fit for few, tied 1-4 scores. Columns
    follow :mod:`lahelpers.stats` (outcome, n, n_missing, estimate, ci_low, ci_high, p_value,
    method, sentence), so the chart and narrative helpers take it directly; pass it to
    :func:`lahelpers.stats.family` with the page's other tests to adjust for all of them (Holm).
    """
    cols = cols or [*framework.QS_COLUMNS, *framework.THEMES]
    inside, rest = rows(df, region), df[df["region"] != region]
    region_means = lstats.mean_ci(inside, cols).set_index("outcome")
    out = []
    for c in cols:
        a, b = inside[c].dropna().to_numpy(float), rest[c].dropna().to_numpy(float)
        diff, lo, hi, p = permutation_difference(a, b, seed=seed)
        if len(a) < 2:  # one authority: a description, no test
            lo = hi = p = float("nan")
        diff, lo, hi = (float(v) for v in wording.clean([diff, lo, hi]))  # no "-0.00" anywhere
        row = {
            "outcome": c, "label": _name(c), "predictor": "", "n": len(a),
            "n_missing": int(inside[c].isna().sum()), "n_rest": len(b),
            "region_mean": region_means.loc[c, "estimate"],
            "region_ci_low": region_means.loc[c, "ci_low"], "region_ci_high": region_means.loc[c, "ci_high"],
            "rest_mean": float(b.mean()) if len(b) else float("nan"),
            "estimate": diff, "ci_low": lo, "ci_high": hi, "p_value": p,
            "method": ("difference in means (region minus rest of England); permutation test, "
                       f"95% CI by inverting it ({N_PERMUTATIONS} permutations)"),
            "claim": "difference", "what": _name(c), "a": region, "b": "the rest of England",
            "stat": "difference in means", "n_a": len(a), "n_b": len(b),
        }
        row["sentence"] = _comparison_sentence(row)
        out.append(row)
    return pd.DataFrame(out)


def _comparison_sentence(row: dict | pd.Series) -> str:
    """One comparison in words (:func:`lahelpers.stats.sentence`), or why it cannot be made."""
    if row["n"] < 2:
        return (f"{row['what']}: only {wording.count(row['n'])} in {row['a']} {wording.has(row['n'])} "
                "this score, too few to compare.")
    text = lstats.sentence(row)
    if row["n"] < SMALL_REGION_N:
        text += f" With only {wording.count(row['n'])} scored, treat this as a description."
    return text


def _name(col: str) -> str:
    if col in framework.QUALITY_STATEMENTS:
        return f"{col.upper()} {framework.QUALITY_STATEMENTS[col]}"
    if col in framework.THEMES:
        return f"Theme: {framework.THEMES[col][0]}"
    return col


def comparison_table(comp: pd.DataFrame) -> pd.DataFrame:
    """The comparison as a readable table for policy readers: means, the difference with its
    95% CI, the permutation p-value and, once adjusted (:func:`lahelpers.stats.family`), the
    Holm-adjusted one named by the number of tests it allows for."""
    comp = _adjusted(comp)
    n_fam = int(comp["family_n"].iloc[0]) if len(comp) else 0
    return pd.DataFrame({
        "Statement or theme": comp["label"],
        "Authorities scored": comp["n"],
        "Region mean": comp["region_mean"],
        "Rest of England mean": comp["rest_mean"],
        "Difference": comp["estimate"],
        "95% CI from": comp["ci_low"],
        "95% CI to": comp["ci_high"],
        "p": comp["p_value"],
        f"p (Holm, {n_fam} tests on this page)": comp["p_holm"],
    })


def page_family(comparison: pd.DataFrame, within: pd.DataFrame) -> pd.DataFrame:
    """The region page's tests as one Holm family (:func:`lahelpers.stats.family`): the
    comparisons with the rest of England (9 statements and 4 themes) and the correlations within
    the region. Split it back with :func:`lahelpers.stats.parts`."""
    return lstats.family({
        "comparisons with the rest of England (9 statements and 4 themes)": comparison,
        "correlations with the overall % within the region": within,
    })


def _adjusted(comp: pd.DataFrame) -> pd.DataFrame:
    """``comp`` with its Holm adjustment: the page's (already there), else over its own rows."""
    if "family_n" in comp.columns and "p_holm" in comp.columns:
        return comp
    return lstats.family({"comparisons with the rest of England": comp})


def comparison_text(comp: pd.DataFrame, region: str) -> Markdown:
    """Which statements differ clearly from the rest of England, and how much to trust that.

    "Clearly" comes only from :func:`lahelpers.wording.verdict`, i.e. after the page's Holm
    adjustment; results clear on their own but not after it are counted as leads. When a region
    has fewer than :data:`SMALL_REGION_N` scored authorities the small-numbers warning follows.
    """
    comp = _adjusted(comp)
    rows_ = comp.to_dict("records")
    verdicts = [wording.verdict(wording.Result.from_row(r)) for r in rows_]
    results = [wording.Result.from_row(r) for r in rows_]
    higher = [r["label"] for r, v, res in zip(rows_, verdicts, results, strict=True)
              if v == wording.CLEAR and wording.direction(res) == "higher"]
    lower = [r["label"] for r, v, res in zip(rows_, verdicts, results, strict=True)
             if v == wording.CLEAR and wording.direction(res) == "lower"]
    leads = [r["label"] for r, v in zip(rows_, verdicts, strict=True) if v == wording.SUGGESTIVE]
    tested = int(comp["p_value"].notna().sum())
    n_fam = int(comp["family_n"].iloc[0]) if len(comp) else 0
    parts = []
    if higher:
        parts.append(f"clearly **higher** than the rest of England on {wording.listing(higher)}")
    if lower:
        parts.append(f"clearly **lower** than the rest of England on {wording.listing(lower)}")
    if parts:
        head = (f"Allowing for the {n_fam} tests on this page (Holm), {region} scores "
                + " and ".join(parts) + ".")
    else:
        head = (f"On no statement or theme does {region} differ clearly from the rest of England once "
                f"the {n_fam} tests on this page are allowed for (Holm).")
    if leads:
        head += (f" {wording.count(len(leads), 'difference')} ({wording.listing(leads)}) "
                 f"{'looks' if len(leads) == 1 else 'look'} real on a single test but not after that "
                 "adjustment: leads to check, not findings.")
    n_max = int(comp["n"].max()) if len(comp) else 0
    caution = (f" These rest on at most {wording.count(n_max)} in {region} with scores; with so few, "
               "a real difference can easily go undetected, and one authority's scores move the mean "
               "noticeably.")
    counted = f" ({tested} of {len(comp)} comparisons had enough scores to test.)"
    warn = narrative.small_n_warning(n_max, f"{region} authorities with scores").data
    return Markdown(head + caution + counted + (f"\n\n{warn}" if warn else ""))


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
    """Plain words for the within-region correlations, never over-claiming: clear results (after
    the page's adjustment, when there is one) in full, the rest counted."""
    clear = narrative.clear(results)
    n = int(results["n"].max()) if len(results) else 0
    if clear.empty:
        head = (f"Within {region}, none of these context measures shows a clear association with the "
                "overall score.")
    else:
        head = " ".join(clear["sentence"])
    return Markdown(
        head + f" With at most {wording.count(n)}, only a strong association could show up here; absence "
        "of a clear pattern does not mean there is none, and any pattern is an association, not a cause."
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
    found = 0  # peer places actually filled (an authority may have fewer than k, or none)
    space = peers.PeerSpace(df)  # prepared once for all the region's authorities
    for r in rows(df, region).sort_values("name").itertuples():
        try:
            p = space.nearest(r.code, k=k)
        except ValueError as err:
            out.append({"Authority": r.name, "Rating": r.rating_label, "Nearest peers (rating)": f"none: {err}",
                        "Peers outside the region": 0, "Peers rated": 0})
            continue
        listed = [
            f"{q.name}{'*' if q.region != region else ''} ({q.rating_label})" for q in p.itertuples()
        ]
        found += len(listed)
        out.append({
            "Authority": r.name,
            "Rating": r.rating_label,
            "Nearest peers (rating)": "; ".join(listed),
            "Peers outside the region": int((p["region"] != region).sum()),
            "Peers rated": int((p["rating_label"] != framework.NOT_RATED).sum()),
        })
    table = pd.DataFrame(out)
    table.attrs["peer_places"] = found
    # its page names CQC and the context peers are chosen on (not in its columns)
    table.attrs["sources"] = [framework.CQC_SOURCE, *peers.feature_sources(load.variables())]
    return table


def peers_text(table: pd.DataFrame, region: str) -> Markdown:
    """How many peers lie outside the region, and a reminder of what peers are."""
    total = int(table["Peers outside the region"].sum())
    n = int(table.attrs["peer_places"])  # the places filled, not authorities x k
    return Markdown(
        f"{total} of the {n} peer places go to authorities outside {md_text(region)} (marked *). "
        "Peers are the most "
        "similar authorities on population size, age, deprivation, rurality, ethnic diversity and density "
        "(standardised, equal weights); they are a starting point for learning from similar places, not a "
        "judgement that the authorities should score alike."
    )
