"""Helpers for the authority profile: one council against England, its region and similar councils.

The profile (``notebooks/authority_profile.ipynb``, parameter ``authority``) shows one of the 153
upper-tier authorities: its rating and how we know it, its 9 statement scores and 4 theme means
against the England, region and similar-authority means, its similar authorities (:mod:`peers`),
its context as a spine chart, a map of its region and what is missing for it.

Honesty: one authority's score against a group mean is *described* ("above the England mean of
2.6"), never tested; the words come from :mod:`lahelpers.wording`.

Speed: a full run draws 153 profiles, several per warm kernel (:mod:`lahelpers.publish.kernels`).
What every profile shares (the tables, the peer space, England's and each region's means, the
ranks of every context measure) is prepared once per kernel by :func:`shared` and kept in memory,
keyed on the processed data's build stamp, so new data is never served from an old copy; nothing
is cached on disk. Charts and peer choices are computed per page from it. This module imports no
chart library at import time (the runner imports it to plan and check names).
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from lahelpers import framework, load, paths, wording
from lahelpers.htmlsafe import https_url, md_text
from lahelpers.inputs.names import ALIASES, normalise_name
from lahelpers.paths import slug

if TYPE_CHECKING:
    import altair as alt

    from lahelpers.peers import PeerSpace

#: The profile notebook's file stem; its pages are ``<stem>-<slug of the name>.html``.
NOTEBOOK_STEM = "authority_profile"
#: The region profile's file stem (profiles link back to ``<stem>-<slug of the region>.html``).
REGION_STEM = "region_profile"
#: Similar authorities shown on a profile.
K_PEERS = 5

#: The spine chart's context measures, in reading order: (column, short label, log scale).
#: Population and density are drawn on a log scale (a few very large values would squash the rest).
CONTEXT_MEASURES: tuple[tuple[str, str, bool], ...] = (
    ("pop_total", "Population (mid-2022)", True),
    ("pct_65plus", "Aged 65 and over (%)", False),
    ("pct_85plus", "Aged 85 and over (%)", False),
    ("imd2025_score", "Deprivation (IMD 2025 score)", False),
    ("pct_rural", "People in rural areas (%)", False),
    ("density", "People per sq km", True),
    ("pct_ethnic_minority", "Not White British (%)", False),
    ("pct_unpaid_care", "Providing unpaid care (%)", False),
    ("pct_disabled", "Disabled (Equality Act) (%)", False),
    ("turnover_rate", "Care staff turnover (%)", False),
    ("sfc_vacancy_rate", "Care staff vacancies (%)", False),
    ("ascof_2b1_reablement_at_home_91d", "At home 91 days after reablement (%)", False),
    ("ascof_1c2a_direct_payments", "Users with direct payments (%)", False),
    ("ascof_2a2_care_home_admissions_65", "Care home admissions 65+ (per 100,000)", False),
    ("salt_noservices_pct_2324", "New requests leading to no services (%)", False),
    ("pct_homecare_external", "Home care from external providers (%)", False),
)

#: How a rating came to be known, by ``rating_basis``, in a reader's words.
EVIDENCE = {
    "stated": "stated in a published source",
    "unverified keyword scrape": "only an unverified automated keyword scan of CQC's summary page",
    "secondary source": "a secondary source reporting CQC's rating",
    "derived from scores": "derived by us from the statement scores",
}

SCORE_COLUMNS: tuple[str, ...] = (*framework.QS_COLUMNS, *framework.THEMES)


# ---------------------------------------------------------------------------- names and pages


def page_file(name: str) -> str:
    """The profile page of an authority, relative to the run folder."""
    return f"{NOTEBOOK_STEM}-{slug(name)}.html"


def region_page_file(region: str) -> str:
    """The region profile page, relative to the run folder."""
    return f"{REGION_STEM}-{slug(region)}.html"


class PageLink:
    """A link to a page, for a table cell: ``str()`` is the escaped HTML anchor, so
    :func:`lahelpers.narrative.table` (which escapes text from data) shows it as a link while the
    name inside stays escaped; ``text`` is the plain name (for sorting and CSV), compared by it."""

    __slots__ = ("href", "text")

    def __init__(self, href: str, text: str) -> None:
        self.href, self.text = href, text

    def __str__(self) -> str:
        return f'<a href="{html.escape(self.href, quote=True)}">{html.escape(self.text)}</a>'

    __html__ = __str__

    def __repr__(self) -> str:
        return f"PageLink({self.href!r}, {self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PageLink) and (self.href, self.text) == (other.href, other.text)

    def __lt__(self, other: PageLink) -> bool:
        return self.text < other.text

    def __hash__(self) -> int:
        return hash((self.href, self.text))


def profile_link(name: str) -> PageLink:
    """The authority's name as a link to its profile page (for the region page's table)."""
    return PageLink(page_file(name), str(name))


def _keys(table: pd.DataFrame) -> dict[str, set[str]]:
    """Comparison key -> codes: each name's normalised key and the aliases that point at one of
    the 153 (``hull``, ``durham``...)."""
    keys: dict[str, set[str]] = {}
    for code, name in zip(table["code"], table["name"], strict=True):
        keys.setdefault(normalise_name(name), set()).add(code)
    known = set(table["code"])
    for key, code in ALIASES.items():
        if code in known:
            keys.setdefault(key, set()).add(code)
    return keys


def match(query: object, table: pd.DataFrame | None = None) -> str:
    """The ONS code of the authority ``query`` names: an ONS code (any case) or a name in any
    common spelling ("Kent County Council", "London Borough of Camden", "Hull", "Bristol, City
    of"), matched with :func:`lahelpers.inputs.names.normalise_name`; failing that, a name holding
    the query as whole words ("Windsor") when exactly one does.

    An unknown or ambiguous value raises ValueError at once naming the closest authorities.
    """
    table = load.authorities()[["code", "name"]] if table is None else table
    text = str(query).strip()
    codes = {c.upper(): c for c in table["code"]}
    if text.upper() in codes:
        return codes[text.upper()]
    keys = _keys(table)
    key = normalise_name(text)
    names = dict(zip(table["code"], table["name"], strict=True))
    found = keys.get(key, set())
    if not found and key:
        pattern = re.compile(rf"\b{re.escape(key)}\b")
        found = {c for k, cs in keys.items() if pattern.search(k) for c in cs}
    if len(found) == 1:
        return next(iter(found))
    if len(found) > 1:
        options = sorted(names[c] for c in found)
        raise ValueError(f"Authority {text!r} is ambiguous: it matches {wording.listing(options)}. "
                         "Give the full name or the ONS code.")
    close = difflib.get_close_matches(key, list(keys), n=4, cutoff=0.6)
    hint = sorted({names[c] for k in close for c in keys[k]})
    raise ValueError(
        f"Unknown authority {text!r}"
        + (f" (did you mean {wording.listing(repr(h) for h in hint)}?)" if hint else "")
        + ". Give one of the 153 upper-tier authorities by name or ONS code (e.g. 'Kent' or 'E10000016')."
    )


def check_authority(authority: object) -> str:
    """The ONS code of ``authority`` (name or code); an unknown or ambiguous one fails at once
    with the closest names (:func:`match`), before any work, as regions do."""
    return match(authority)


# ---------------------------------------------------------------------------- shared, once per kernel


@dataclass
class Shared:
    """What every profile in a kernel uses (see the module docstring), for one build stamp."""

    stamp: str
    df: pd.DataFrame
    geo: Any
    regions: Any
    variables: pd.DataFrame
    missing: pd.DataFrame
    space: PeerSpace
    england: pd.Series  # mean of each score column over the authorities with a value
    england_n: pd.Series
    region_means: pd.DataFrame  # region x score column
    region_n: pd.DataFrame
    context: pd.DataFrame  # the context measures: values (rows = authorities)
    ranks: pd.DataFrame  # rank of each value, 1 = highest (ties share the lowest rank)
    spread: pd.DataFrame  # per context measure: n, min, q1, median, q3, max over England
    memo: dict = field(default_factory=dict)  # per-authority tables of this stamp (see _memo)


_SHARED: dict[str, Shared] = {}
_LOCK = threading.Lock()


def build_stamp() -> str:
    """The processed data's build stamp (a hash of ``build_stamp.json``): changes with every build."""
    path = paths.processed_dir() / "build_stamp.json"
    if not path.is_file():
        load.authorities()  # builds the processed data when missing
    return hashlib.sha256(path.read_bytes()).hexdigest()


def shared() -> Shared:
    """The shared tables for the current build stamp, prepared on first use in this process and
    kept in memory (only the latest stamp); a new build is picked up at the next call."""
    stamp = build_stamp()
    with _LOCK:
        got = _SHARED.get("current")
        if got is None or got.stamp != stamp:
            got = _prepare(stamp)
            _SHARED.clear()
            _SHARED["current"] = got
        return got


def _prepare(stamp: str) -> Shared:
    """Load the tables and compute the group summaries every profile needs."""
    from lahelpers.peers import PeerSpace

    df = load.authorities()
    geo = load.authorities_geo()
    cols = list(SCORE_COLUMNS)
    context_cols = [c for c, _, _ in CONTEXT_MEASURES if c in df.columns]
    context = df.set_index("code")[context_cols].apply(pd.to_numeric, errors="coerce")
    return Shared(
        stamp=stamp, df=df, geo=geo, regions=load.regions_geo(), variables=load.variables(),
        missing=load.context_missing(), space=PeerSpace(df),
        england=df[cols].mean(), england_n=df[cols].notna().sum(),
        region_means=df.groupby("region")[cols].mean(),
        region_n=df.groupby("region")[cols].count(),
        context=context, ranks=context.rank(ascending=False, method="min"),
        spread=pd.DataFrame({
            "n": context.count(), "min": context.min(), "q1": context.quantile(0.25),
            "median": context.median(), "q3": context.quantile(0.75), "max": context.max(),
        }),
    )


def _memo(kind: str, code: str, make: Any) -> pd.DataFrame:
    """``make(code)``, computed once per authority and build stamp in this process (a page asks
    for its scores and context three times each: chart, words, table). A copy is returned, so
    no caller can change the kept one."""
    memo = shared().memo
    key = (kind, code)
    if key not in memo:
        memo[key] = make(code)
    return memo[key].copy()


def row(code: str) -> pd.Series:
    """The authority's row of the joined table."""
    df = shared().df
    return df.loc[df["code"] == code].iloc[0]


def _name(code: str) -> str:
    return str(row(code)["name"])


def is_rated(code: str) -> bool:
    """Whether the authority has a rating in our data."""
    return row(code)["cqc_status"] == "rated"


# ---------------------------------------------------------------------------- the head of the page


def title(code: str) -> Markdown:
    """The page title (a real H1)."""
    return Markdown(f"# {md_text(_name(code))}: adult social care, CQC assessment and context")


def intro(code: str) -> Markdown:
    """Where the authority is and a link back to its region's page."""
    r = row(code)
    region = str(r["region"])
    return Markdown(
        f"{md_text(r['name'])} ({md_text(r['la_type'])}, ONS code {md_text(code)}) is one of "
        f"{framework.REGION_COUNTS.get(region, 0)} upper-tier authorities in "
        f"[{md_text(region)}]({region_page_file(region)}) and one of England's {len(shared().df)}. "
        "This page sets it against England, its region and the authorities most like it."
    )


def _date(r: pd.Series) -> str:
    d, p = r["publication_date"], r.get("publication_date_precision")
    if pd.isna(d):
        return "not known"
    return {"day": f"{d.day} {d:%B %Y}", "month": f"{d:%B %Y}"}.get(p, f"{d:%Y}")


def rating_summary(code: str) -> Markdown:
    """The rating, the overall %, where it sits in its band, when it was published, how we know
    it and a link to CQC's report; for an authority not yet assessed, says so plainly."""
    r = row(code)
    name = md_text(r["name"])
    link = https_url(r.get("report_url"))
    cqc = f" [CQC's report on {name}]({link})." if link else " We have no link to CQC's report."
    if r["cqc_status"] != "rated":
        status = str(r.get("assessment_status") or "").replace("_", " ")
        return Markdown(
            f"**{name} has no CQC rating in our data yet.** CQC is assessing every English council; "
            f"its report on {name} is not in the public sources we draw on"
            + (f" (status in our data: {md_text(status)})" if status and status != "nan" else "")
            + ". This page still shows its context and its similar authorities; the scores sections "
            "show only the group means for comparison." + cqc
        )
    lines = [f"**CQC rating: {md_text(r['rating_label'])}.**"]
    pct = r["overall_pct"]
    if pd.notna(pct):
        band = framework.band_of(pct)
        order = list(framework.RATINGS)
        nxt = order[order.index(band) + 1] if band and order.index(band) + 1 < len(order) else None
        if band is not None:
            lo, hi = framework.BANDS[band]
            lines.append(f"Overall score {pct:.0f}%, {wording.band_position(pct, band, lo, hi, nxt)}.")
        else:
            lines.append(f"Overall score {pct:.0f}%.")
    else:
        lines.append("The overall % score is not in our data.")
    lines.append(f"Published {_date(r)}.")
    basis = str(r.get("rating_basis") or "")
    source = r.get("rating_source")
    how = EVIDENCE.get(basis, md_text(basis) or "not recorded")
    lines.append(f"How we know it: {how}"
                 + (f"; our record of the source: “{md_text(source)}”" if isinstance(source, str) and source
                    else "") + ".")
    if basis == "unverified keyword scrape":
        lines.append("Treat this rating as unconfirmed until checked against CQC's report.")
    return Markdown(" ".join(lines) + cqc)


def key_points(code: str) -> list[str]:
    """The page's answer first, in 4 plain sentences computed from the same tables as the page:
    the rating, the scores against England, where it stands among similar authorities, and how
    far to trust a single authority's figures (described, never tested)."""
    r = row(code)
    name = str(r["name"])
    if r["cqc_status"] != "rated":
        first = f"{name} has no CQC rating in our data yet; this page shows its context and similar authorities."
    else:
        pct = r["overall_pct"]
        pct_text = f", with an overall score of {pct:.0f}%" if pd.notna(pct) else ""
        first = f"CQC rated {name} {r['rating_label']}{pct_text} (published {_date(r)})."
    sc = scores(code)
    known = sc[(sc["kind"] == "Statement") & sc["score"].notna()]
    if known.empty:
        second = "With no statement scores in our data, its scores cannot be set against England's."
    else:
        above = int((known["score"].round(1) > known["england"].round(1)).sum())
        below = int((known["score"].round(1) < known["england"].round(1)).sum())
        second = (f"Of its {len(known)} statement scores, {above} {wording.be(above)} above the England "
                  f"mean and {below} below it.")
    try:
        p = peers_frame(code)
        rated = pd.concat([pd.Series([r["overall_pct"]]), p["overall_pct"]], ignore_index=True).dropna()
        if pd.notna(r["overall_pct"]) and len(rated) > 1:
            rank = int((rated > r["overall_pct"]).sum()) + 1
            third = (f"Of {name} and its {len(p)} most similar authorities, {len(rated)} "
                     f"{wording.has(len(rated))} an overall score; {name} has "
                     f"{wording.rank_among(rank, len(rated), 'score')}.")
        else:
            third = (f"Its {len(p)} most similar authorities on context: "
                     f"{wording.listing(str(x) for x in p['name'])}.")
    except ValueError:
        third = "It cannot be given similar authorities: it lacks a context measure the method needs."
    fourth = ("How sure: these describe one authority against group means; a single authority is "
              "not a sample, so no difference here is a tested finding, and context is not cause.")
    return [first, second, third, fourth]


# ---------------------------------------------------------------------------- scores against groups


def peer_codes(code: str) -> list[str]:
    """The codes of the authority's similar authorities ([] when it lacks a peer feature)."""
    try:
        return list(peers_frame(code)["code"])
    except ValueError:
        return []


def peers_frame(code: str) -> pd.DataFrame:
    """The :data:`K_PEERS` nearest authorities on context (:meth:`lahelpers.peers.PeerSpace.nearest`);
    raises ValueError when the authority lacks a measure the method needs."""
    return _memo("peers", code, lambda c: shared().space.nearest(c, k=K_PEERS))


def scores(code: str) -> pd.DataFrame:
    """One row per statement and theme: the authority's score and the England, region and
    similar-authority means, each with how many authorities it rests on."""
    return _memo("scores", code, _scores)


def _scores(code: str) -> pd.DataFrame:
    s = shared()
    r = row(code)
    region = r["region"]
    pc = peer_codes(code)
    peer_rows = s.df[s.df["code"].isin(pc)]
    out = []
    for col in SCORE_COLUMNS:
        out.append({
            "column": col,
            "label": framework.variable_label(col).removeprefix("Theme: "),
            "kind": "Theme (our mean)" if col in framework.THEMES else "Statement",
            "score": float(r[col]) if pd.notna(r[col]) else np.nan,
            "england": float(s.england[col]), "england_n": int(s.england_n[col]),
            "region": float(s.region_means.loc[region, col]) if region in s.region_means.index else np.nan,
            "region_n": int(s.region_n.loc[region, col]) if region in s.region_n.index else 0,
            "peers": float(peer_rows[col].mean()) if peer_rows[col].notna().any() else np.nan,
            "peers_n": int(peer_rows[col].notna().sum()),
        })
    return pd.DataFrame(out)


def scores_table(code: str) -> pd.DataFrame:
    """The scores against the three group means, for the page (means to 1 decimal, with n)."""
    sc = scores(code)
    region = row(code)["region"]
    return pd.DataFrame({
        "Statement or theme": sc["label"],
        "Score": sc["score"],
        "England mean": sc["england"].round(1),
        "England n": sc["england_n"],
        f"{region} mean": sc["region"].round(1),
        f"{region} n": sc["region_n"],
        "Similar authorities' mean": sc["peers"].round(1),
        "Similar authorities with a score": sc["peers_n"],
    })


def scores_text(code: str) -> Markdown:
    """The scores in words: per statement, where the authority sits against each mean.

    Descriptions only (one authority is not a sample): 'above the England mean of 2.6'.
    """
    r = row(code)
    name = md_text(r["name"])
    sc = scores(code)
    qs = sc[sc["kind"] == "Statement"]
    if qs["score"].isna().all():
        return Markdown(
            f"{name} has no statement scores in our data, so there is nothing to set against the "
            "means above; the chart shows the England, region and similar-authority means alone."
        )
    known = qs.dropna(subset=["score"])
    above = [x.label for x in known.itertuples() if round(x.score, 1) > round(x.england, 1)]
    below = [x.label for x in known.itertuples() if round(x.score, 1) < round(x.england, 1)]
    lines = [
        f"Of the {len(known)} statement scores known for {name}, {len(above)} "
        f"{wording.be(len(above))} above the England mean and {len(below)} below it"
        + (f" ({len(known) - len(above) - len(below)} the same to one decimal)"
           if len(known) - len(above) - len(below) else "") + ". Statement by statement:"
    ]
    region = md_text(r["region"])
    for x in sc.itertuples():
        if np.isnan(x.score):
            lines.append(f"- **{md_text(x.label)}**: no score in our data.")
            continue
        parts = [wording.against(x.score, x.england, "the England mean"),
                 wording.against(x.score, x.region, f"the {region} mean")]
        if x.peers_n:
            parts.append(wording.against(x.score, x.peers, "its similar authorities' mean"))
        lines.append(f"- **{md_text(x.label)}**: {wording.score(x.score)}, {wording.listing(parts)}.")
    lines.append(
        "\nThese describe where one authority's scores sit; a single authority against a group "
        "mean is not a test, and a difference of a fraction of a point on a 1-4 scale is within "
        "the steps CQC's scoring allows."
    )
    return Markdown("\n".join(lines))


def scores_chart(code: str) -> alt.TopLevelMixin:
    """The 9 statements and 4 themes (:func:`lahelpers.charts.score_profile`)."""
    from lahelpers import charts

    r = row(code)
    return charts.score_profile(scores(code), str(r["name"]), str(r["region"]))


# ---------------------------------------------------------------------------- similar authorities


def peers_table(code: str) -> pd.DataFrame:
    """The authority and its similar authorities: region, rating, overall %, distance."""
    try:
        p = peers_frame(code)
    except ValueError:
        return pd.DataFrame()
    r = row(code)
    me = pd.DataFrame([{"peer_rank": 0, "distance": 0.0, "name": r["name"], "region": r["region"],
                        "rating_label": framework.rating_labels(pd.DataFrame([r])).iloc[0],
                        "overall_pct": r["overall_pct"]}])
    both = pd.concat([me, p], ignore_index=True)
    out = pd.DataFrame({
        "Authority": [f"{n} (this authority)" if i == 0 else n for i, n in enumerate(both["name"])],
        "Region": both["region"],
        "CQC rating": both["rating_label"],
        "Overall %": both["overall_pct"],
        "Distance (SD units)": both["distance"].round(2),
    })
    from lahelpers import peers as lpeers

    # its page names CQC and the context peers are chosen on (not in its columns)
    out.attrs["sources"] = [framework.CQC_SOURCE, *lpeers.feature_sources(load.variables())]
    return out


def peers_text(code: str) -> Markdown:
    """Who the similar authorities are, how they were chosen (the :mod:`peers` method, stated in
    full) and where this authority stands among them."""
    from lahelpers import peers as lpeers

    r = row(code)
    name = md_text(r["name"])
    try:
        p = peers_frame(code)
    except ValueError as err:
        return Markdown(f"{name} has no similar authorities on this page: {md_text(err)}. "
                        + lpeers.method_text(shared().space, K_PEERS))
    listed = [f"[{md_text(q.name)}]({page_file(q.name)})" for q in p.itertuples()]
    text = (f"The {len(p)} authorities most like {name}: {wording.listing(listed)}. "
            + lpeers.method_text(shared().space, K_PEERS))
    group = pd.concat([pd.Series([r["overall_pct"]]), p["overall_pct"]], ignore_index=True)
    rated = group.dropna()
    if pd.notna(r["overall_pct"]) and len(rated) > 1:
        rank = int((rated > r["overall_pct"]).sum()) + 1
        text += (f" Of these {len(rated)} with an overall % (this authority and its similar "
                 f"authorities), {name} has {wording.rank_among(rank, len(rated), 'overall %')}"
                 + (" (tied)" if int((rated == r['overall_pct']).sum()) > 1 else "") + ".")
    n_unrated = int((p["rating_label"] == framework.NOT_RATED).sum())
    if n_unrated:
        text += f" {n_unrated} of the {len(p)} {wording.has(n_unrated)} no rating in our data yet."
    return Markdown(text)


# ---------------------------------------------------------------------------- context


def context(code: str) -> pd.DataFrame:
    """One row per context measure: the authority's value, its England rank (1 = highest) of n,
    England's minimum, quartiles and maximum, and the similar authorities' range."""
    return _memo("context", code, _context)


def _context(code: str) -> pd.DataFrame:
    s = shared()
    pc = peer_codes(code)
    out = []
    for col, label, log in CONTEXT_MEASURES:
        if col not in s.context.columns:
            continue
        values = s.context[col]
        v = values.get(code, np.nan)
        peer_vals = values.reindex(pc).dropna()
        e = s.spread.loc[col]
        out.append({
            "column": col, "label": label, "log": log, "value": v,
            "rank": s.ranks.loc[code, col] if pd.notna(v) else np.nan, "n": int(e["n"]),
            "min": e["min"], "q1": e["q1"], "median": e["median"], "q3": e["q3"], "max": e["max"],
            "peer_min": peer_vals.min() if len(peer_vals) else np.nan,
            "peer_max": peer_vals.max() if len(peer_vals) else np.nan, "peer_n": len(peer_vals),
            "unit": _unit(col),
        })
    return pd.DataFrame(out)


def _unit(col: str) -> str:
    v = shared().variables
    hit = v.loc[v["column"] == col, "unit"]
    return str(hit.iloc[0]) if len(hit) and isinstance(hit.iloc[0], str) else ""


def context_chart(code: str) -> alt.TopLevelMixin:
    """The context spine chart (:func:`lahelpers.charts.spine_chart`)."""
    from lahelpers import charts

    return charts.spine_chart(context(code), _name(code))


def context_table(code: str) -> pd.DataFrame:
    """The spine chart's numbers: value, England rank of n, England's range and median, and the
    similar authorities' range."""
    c = context(code)

    def fmt(v: float) -> str:
        return "–" if pd.isna(v) else (f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.1f}")

    return pd.DataFrame({
        "Measure": c["label"],
        "Value": c["value"].map(fmt),
        "England rank (1 = highest)": [
            "–" if pd.isna(rk) else f"{int(rk)} of {n}" for rk, n in zip(c["rank"], c["n"], strict=True)],
        "England lowest": c["min"].map(fmt),
        "England median": c["median"].map(fmt),
        "England highest": c["max"].map(fmt),
        "Similar authorities": [
            "–" if pn == 0 else f"{fmt(lo)} to {fmt(hi)} ({pn})"
            for lo, hi, pn in zip(c["peer_min"], c["peer_max"], c["peer_n"], strict=True)],
    })


def context_text(code: str) -> Markdown:
    """The measures where the authority is among England's highest or lowest fifth, counted
    from the ranks (a description of where it sits, not a judgement)."""
    c = context(code).dropna(subset=["value"])
    name = md_text(_name(code))
    high = [f"{x.label.lower()} ({wording.ordinal(int(x.rank))} of {x.n})"
            for x in c.itertuples() if x.rank <= x.n / 5]
    low = [f"{x.label.lower()} ({wording.ordinal(int(x.rank))} of {x.n})"
           for x in c.itertuples() if x.rank > x.n * 4 / 5]
    parts = []
    if high:
        parts.append(f"among the highest fifth of England's authorities for {wording.listing(high)}")
    if low:
        parts.append(f"among the lowest fifth for {wording.listing(low)}")
    head = (f"{name} is " + "; and ".join(parts) + "." if parts
            else f"{name} is in neither England's highest nor lowest fifth on any of these measures.")
    return Markdown(head + " Ranks count from 1 = highest value; 'high' is not 'good' or 'bad' "
                    "here, and context describes the place, not the quality of its care.")


# ---------------------------------------------------------------------------- map, gaps


def region_map(code: str) -> alt.TopLevelMixin:
    """The authority's region coloured by rating, with this authority outlined
    (:func:`lahelpers.charts.highlight_map`)."""
    from lahelpers import charts

    s = shared()
    r = row(code)
    return charts.highlight_map(s.geo, s.regions, code, str(r["region"]))


def missing_text(code: str) -> Markdown:
    """What is missing for this authority and why: CQC scores, each context value with the
    build's reason, and whether it could be given similar authorities."""
    s = shared()
    r = row(code)
    name = md_text(r["name"])
    items = []
    if r["cqc_status"] != "rated":
        items.append("its CQC rating and scores: the assessment is not yet in the public sources we use")
    else:
        gaps = [q.upper() for q in framework.QS_COLUMNS if pd.isna(r[q])]
        if gaps:
            items.append(f"statement scores {wording.listing(gaps)}: not published in our sources")
        if pd.isna(r["overall_pct"]):
            items.append("the overall % score: not published in our sources")
    miss = s.missing[s.missing["code"] == code]
    labels = dict(zip(s.variables["column"], s.variables["label"], strict=True))
    shown = {c for c, _, _ in CONTEXT_MEASURES} | {f for f, _ in _peer_features()}
    for m in miss.itertuples():
        if m.variable in shown or m.variable.startswith(("imd", "pct_", "pop_")):
            items.append(f"{md_text(labels.get(m.variable, m.variable))}: {md_text(m.reason)}")
    excluded = s.space.excluded
    if code in set(excluded["code"]):
        gap = excluded.loc[excluded["code"] == code, "missing"].iloc[0]
        items.append(f"similar authorities: it has no value for {md_text(gap)}, which the peer "
                     "method needs")
    if not items:
        return Markdown(f"Nothing shown on this page is missing for {name}.")
    return Markdown(f"Missing for {name}:\n\n" + "\n".join(f"- {i}" for i in items))


def _peer_features() -> tuple[tuple[str, str | None], ...]:
    from lahelpers.peers import DEFAULT_FEATURES

    return DEFAULT_FEATURES


__all__ = [
    "CONTEXT_MEASURES", "K_PEERS", "NOTEBOOK_STEM", "PageLink", "Shared", "profile_link", "build_stamp", "check_authority",
    "context", "context_chart", "context_table", "context_text", "intro", "is_rated", "key_points",
    "match",
    "missing_text", "page_file", "peer_codes", "peers_frame", "peers_table", "peers_text",
    "rating_summary", "region_map", "region_page_file", "row", "scores", "scores_chart",
    "scores_table", "scores_text", "shared", "slug", "title",
]  # fmt: skip
