"""Read one CQC local authority report page (HTML, or the page's text) into a checked row.

The layout, as CQC publishes it (``.../local-authority-assessment-reports/<slug>`` and its
``/summary`` and ``/themeN/<statement>`` sub-pages)::

    City of York Council: local authority assessment
    Published: 5 December 2025 Page last updated: 5 December 2025
    ...
    Local authority rating and score
      City of York Council
      Requires improvement
    Overall rating for City of York Council: 39%
    Quality statement scores
      Assessing needs
      Score: 1
      ... (nine statements)

A theme sub-page has the title line, one statement's name and ``Score: n``. A summary page must
give the rating, the % and all nine scores, and they must obey CQC's rules: scores are whole
numbers 1-4, % = ceil(100 x sum / 36) (:func:`lahelpers.framework.overall_pct`), and the rating
lies in its % band (:func:`lahelpers.framework.band_of`). Anything else raises
:class:`PageError` with the page's address and the reason: a page is never half-read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from bs4 import BeautifulSoup

from lahelpers import framework
from lahelpers.inputs import codes, names

#: CQC's statement titles (normalised) -> our column. CQC's page calls QS2 "Supporting people to
#: lead healthier lives"; framework's label says "live"; both are accepted.
STATEMENT_TITLES: dict[str, str] = {
    "assessing needs": "qs1",
    "supporting people to lead healthier lives": "qs2",
    "supporting people to live healthier lives": "qs2",
    "equity in experience and outcomes": "qs3",
    "care provision, integration and continuity": "qs4",
    "partnerships and communities": "qs5",
    "safe pathways, systems and transitions": "qs6",
    "safeguarding": "qs7",
    "governance, management and sustainability": "qs8",
    "learning, improvement and innovation": "qs9",
}
QS = list(framework.QS_COLUMNS)
CSV_COLUMNS: list[str] = [
    "code", "name", "rating", "overall_pct", *QS, "publication_date", "report_url",
]  # fmt: skip

TITLE = re.compile(r"^(?P<name>.+?):\s*local authority assessment\s*$", re.I)
PUBLISHED = re.compile(r"(?:Assessment published|Published):\s*(\d{1,2} [A-Z][a-z]+ \d{4})")
OVERALL = re.compile(r"^Overall rating for (?P<name>.+?):\s*(?P<pct>\S+?)\s*%\s*$")
SCORE = re.compile(r"^Score:\s*(?P<score>\S+)\s*$")
REPORT_URL = re.compile(r"^(?P<base>.*?/local-authority-assessment-reports/[a-z0-9-]+)(?:/.*)?$")


class PageError(ValueError):
    """A report page that cannot be read or breaks CQC's rules; says which page and why."""

    def __init__(self, where: str, problem: str) -> None:
        self.where, self.problem = where, problem
        super().__init__(f"{where}: {problem}")


@dataclass
class Page:
    """What one page says. ``kind`` is ``summary`` (rating, % and 9 scores) or ``theme`` (one score)."""

    kind: str
    council: str
    code: str
    name: str
    report_url: str
    publication_date: str = ""
    rating: str = ""
    overall_pct: int | None = None
    scores: dict[str, int] = field(default_factory=dict)

    def row(self) -> dict[str, object]:
        """The page as one CSV row (:data:`CSV_COLUMNS`); unknown values blank."""
        out: dict[str, object] = {
            "code": self.code, "name": self.name, "rating": self.rating,
            "overall_pct": "" if self.overall_pct is None else self.overall_pct,
        }  # fmt: skip
        out.update({q: self.scores.get(q, "") for q in QS})
        out.update({"publication_date": self.publication_date, "report_url": self.report_url})
        return out


def page_lines(content: str) -> list[str]:
    """The page's visible text as stripped, non-empty lines (HTML or text alike).

    Bullets are dropped, so "  • Assessing needs" and "Assessing needs" read the same.
    """
    if re.search(r"<(html|body|div|p|li|h\d)\b", content, re.I):
        soup = BeautifulSoup(content, "html.parser")
        for tag in soup(["script", "style", "noscript"]):
            tag.decompose()
        content = soup.get_text("\n")
    lines = (re.sub(r"^[•*\-–]\s+", "", ln.strip()).strip() for ln in content.splitlines())
    return [ln for ln in lines if ln]


def canonical_url(content: str) -> str:
    """The page's own address from ``<link rel=canonical>`` or ``og:url``, if the HTML has one."""
    if "<" not in content:
        return ""
    soup = BeautifulSoup(content, "html.parser")
    link = soup.find("link", rel="canonical")
    if link and link.get("href"):
        return str(link["href"])
    meta = soup.find("meta", property="og:url")
    return str(meta["content"]) if meta and meta.get("content") else ""


def report_url_of(url: str) -> str:
    """The report's own address (sub-page suffixes such as ``/summary`` removed)."""
    m = REPORT_URL.match(url.strip()) if url else None
    return m.group("base") if m else url


@lru_cache(maxsize=1)
def _reference_keys() -> dict[str, str]:
    return {names.normalise_name(n): c for c, n in codes.names().items()}


def resolve_council(name: str) -> str | None:
    """The April 2023 code of a council named on a CQC page, or None.

    The name rules of :mod:`lahelpers.inputs.names` (normalisation, :data:`names.ALIASES`) then
    :func:`lahelpers.inputs.codes.map_upper_tier` (so "North Yorkshire Council" -> E06000065).
    """
    key = names.normalise_name(name)
    code = names.ALIASES.get(key) or _reference_keys().get(key)
    return codes.map_upper_tier(code).code if code else None


_SLUG_STOPWORDS = {"and", "of", "on", "upon", "the", "with"}


def slug_matches(slug: str, code: str) -> bool:
    """True when a report slug (``york-1225``, ``eastriding-1025``) names the authority ``code``.

    CQC's slugs are the council's name run together, sometimes shortened or without "and"/"of":
    the slug's stem must begin the authority's name, with or without those words (and without a
    leading "County": ``durham-0824`` is County Durham).
    """
    stem = slug.rsplit("-", 1)[0].replace("-", "")
    words = names.normalise_name(codes.names()[code]).split()
    if words[:1] == ["county"]:
        words = words[1:]
    variants = {"".join(words), "".join(w for w in words if w not in _SLUG_STOPWORDS)}
    return bool(stem) and any(v.startswith(stem) or stem.startswith(v) for v in variants)


def _date(text: str) -> str:
    return datetime.strptime(text, "%d %B %Y").date().isoformat()


def _title(lines: list[str], where: str) -> str:
    for ln in lines[:40]:
        m = TITLE.match(ln)
        if m:
            return m.group("name").strip()
    raise PageError(
        where,
        "no '<council>: local authority assessment' title: not a CQC local authority report "
        "page, or CQC changed the layout",
    )


def _score(value: str, title: str, where: str) -> int:
    if not re.fullmatch(r"[1-4]", value):
        raise PageError(where, f"score {value!r} for {title!r} is not a whole number 1 to 4")
    return int(value)


def _statement_scores(lines: list[str], start: int, where: str) -> dict[str, int]:
    """The title/score pairs after "Quality statement scores"."""
    scores: dict[str, int] = {}
    i = start
    while i + 1 < len(lines):
        m = SCORE.match(lines[i + 1])
        title = lines[i]
        if not m:
            break
        qs = STATEMENT_TITLES.get(title.lower())
        if qs is None:
            raise PageError(where, f"unknown quality statement {title!r} (CQC changed the layout?)")
        if qs in scores:
            raise PageError(where, f"quality statement {title!r} is scored twice")
        scores[qs] = _score(m.group("score"), title, where)
        i += 2
    return scores


def _summary(lines: list[str], page: Page, where: str) -> None:
    """Fill rating, % and scores from a summary page, or raise."""
    heading = lines.index("Quality statement scores")
    overall = [(i, OVERALL.match(ln)) for i, ln in enumerate(lines[:heading])]
    overall = [(i, m) for i, m in overall if m]
    if len(overall) != 1:
        raise PageError(where, "no single 'Overall rating for <council>: <n>%' line")
    at, m = overall[0]
    if not re.fullmatch(r"\d{1,3}", m.group("pct")):
        raise PageError(where, f"overall % {m.group('pct')!r} is not a whole number")
    page.overall_pct = int(m.group("pct"))
    block = (
        lines[lines.index("Local authority rating and score") + 1 : at]
        if ("Local authority rating and score" in lines[:at])
        else lines[max(0, at - 3) : at]
    )
    ratings = [ln for ln in block if ln in framework.RATINGS]
    if len(ratings) != 1:
        raise PageError(
            where, f"expected one rating before the overall %, found {ratings or 'none'}"
        )
    page.rating = ratings[0]
    page.scores = _statement_scores(lines, heading + 1, where)
    missing = [f"{q} {framework.QUALITY_STATEMENTS[q]}" for q in QS if q not in page.scores]
    if missing:
        raise PageError(where, f"missing quality statement score(s): {', '.join(missing)}")


def check_rules(page: Page, where: str) -> None:
    """CQC's rules on a summary page: % = ceil(100 x sum / 36); rating within its band."""
    derived = framework.overall_pct([page.scores[q] for q in QS])
    if derived != page.overall_pct:
        raise PageError(
            where,
            f"overall {page.overall_pct}% disagrees with the nine scores "
            f"(ceil(100 x {sum(page.scores.values())} / 36) = {derived}%)",
        )
    band = framework.band_of(page.overall_pct)
    if band != page.rating:
        raise PageError(
            where, f"rating {page.rating!r} is outside its band: {page.overall_pct}% is {band!r}"
        )


def parse_page(content: str, url: str = "", where: str = "") -> Page:
    """Parse one report page; ``url`` is its address (else the HTML's canonical link).

    Raises :class:`PageError` naming ``where`` (the file or address) for a page that cannot be
    read, belongs to no known council, or breaks CQC's rules.
    """
    url = url or canonical_url(content)
    where = where or url or "page"
    lines = page_lines(content)
    council = _title(lines, where)
    code = resolve_council(council)
    if code is None:
        raise PageError(where, f"council {council!r} is not one of the 153 authorities")
    page = Page("theme", council, code, codes.names()[code], report_url_of(url))
    dates = [PUBLISHED.search(ln) for ln in lines[:40]]
    found = [m.group(1) for m in dates if m]
    page.publication_date = _date(found[0]) if found else ""
    if "Quality statement scores" in lines:
        page.kind = "summary"
        _summary(lines, page, where)
        check_rules(page, where)
        return page
    scores = [i for i, ln in enumerate(lines) if SCORE.match(ln)]
    if not scores and any(ln.startswith("Assessment published:") for ln in lines):
        raise PageError(
            where,
            "this is the report's front page: it has no rating or scores; read its /summary page",
        )
    if len(scores) != 1 or scores[0] == 0:
        raise PageError(
            where,
            "neither a summary page ('Quality statement scores') nor a quality statement page "
            "(one 'Score: n'): CQC changed the layout, or this is another sub-page",
        )
    page.scores = _statement_scores(lines, scores[0] - 1, where)
    return page
