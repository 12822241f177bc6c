"""Refresh the ratings from CQC's own pages: a proposed table and a change report, never a write.

Steps (:func:`refresh`):

1. read CQC's list of published reports (``<base>/care-services/local-authority-assessment-reports``,
   following "next page" links): each report is a link ``/care-services/local-authority-assessment-
   reports/<slug>`` named "<council>: local authority assessment" (the layout that
   carentspilot/cqc-monitor's ``monitor.py`` reads), the slug ``<council>-<mmyy>``; the 2023 pilot
   reports (slugs such as ``birmingham-cc``, indicative ratings) have no ``-mmyy`` and are skipped;
2. for each listed report, ask for its ``/summary`` page through the polite client (a page that
   has not changed since the last run comes back as a 304 from the cache); a report already in the
   dataset from a CQC page whose page did not change is skipped;
3. parse each page (:mod:`lahelpers.ratings.parse`, which checks CQC's rules) and check that the
   council it names is the one its slug names; a page that fails is listed with its address and
   why, and nothing is proposed for it;
4. propose one dataset row per page whose values differ from the dataset; write
   ``proposed.csv`` (the rows) and ``changes.md`` (the change report) to the output folder.

``lahelpers ratings apply`` then merges ``proposed.csv`` into ``data/cqc/assessments.csv``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pandas as pd
from bs4 import BeautifulSoup

from lahelpers.ratings import changes, dataset, parse
from lahelpers.ratings.client import PoliteClient

DEFAULT_BASE_URL = "https://www.cqc.org.uk"
LISTING_PATH = "/care-services/local-authority-assessment-reports"
LINK = re.compile(r"^/care-services/local-authority-assessment-reports/([a-z0-9-]+-\d{4})/?$")
MAX_LISTING_PAGES = 40


@dataclass
class Listed:
    """One report in CQC's list."""

    slug: str
    name: str
    url: str


@dataclass
class RefreshResult:
    """What a refresh found: proposed rows, the change report, failures, counts."""

    proposed: pd.DataFrame
    changes: list[changes.Change]
    failures: list[tuple[str, str]] = field(default_factory=list)
    listed: int = 0
    unchanged: int = 0
    requests: int = 0

    def report(self) -> str:
        """The change report (markdown) with a first line of counts."""
        head = (
            f"Reports listed: {self.listed}; unchanged: {self.unchanged}; proposed rows: "
            f"{len(self.proposed)}; pages not read: {len(self.failures)}; requests: {self.requests}\n\n"
        )
        return head + changes.markdown(self.changes, self.failures)


def parse_listing(html: str, page_url: str) -> tuple[list[Listed], str | None]:
    """The reports on one listing page and the next page's address (None on the last page)."""
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, Listed] = {}
    for a in soup.find_all("a", href=True):
        path = urlparse(urljoin(page_url, a["href"])).path
        m = LINK.match(path)
        if m:
            name = a.get_text(" ", strip=True).replace(": local authority assessment", "")
            found.setdefault(m.group(1), Listed(m.group(1), name, urljoin(page_url, path)))
    nxt = soup.find("a", rel="next") or soup.find(
        "a", string=re.compile(r"^\s*Next( page)?\s*$", re.I)
    )
    next_url = urljoin(page_url, nxt["href"]) if nxt and nxt.get("href") else None
    return list(found.values()), next_url


def read_listing(client: PoliteClient, base_url: str) -> tuple[list[Listed], list[tuple[str, str]]]:
    """Every report in CQC's list (all pages), and listing pages that failed."""
    url: str | None = base_url.rstrip("/") + LISTING_PATH
    seen_pages: set[str] = set()
    reports: dict[str, Listed] = {}
    failures: list[tuple[str, str]] = []
    while url and url not in seen_pages and len(seen_pages) < MAX_LISTING_PAGES:
        seen_pages.add(url)
        got = client.get(url)
        if not got.ok:
            failures.append((url, f"listing page not read: {got.error}"))
            break
        page, url = parse_listing(got.text, url)
        for r in page:
            reports.setdefault(r.slug, r)
    return list(reports.values()), failures


def _month_of(slug: str) -> str:
    """``york-1225`` -> ``2025-12`` (the slug's mmyy is the publication month)."""
    mmyy = slug.rsplit("-", 1)[-1]
    return f"20{mmyy[2:]}-{mmyy[:2]}"


def page_row(page: parse.Page, slug: str, summary_url: str, today: str) -> dict[str, str]:
    """A dataset row from a checked summary page."""
    published = page.publication_date or _month_of(slug)
    return {
        "ons_code": page.code,
        "la_name": page.name,
        "assessment_id": slug,
        "status": "published_full_scores",
        "overall_rating": page.rating,
        "rating_source": "stated (CQC report summary page)",
        "overall_score_pct": str(page.overall_pct),
        "score_basis": "stated on CQC summary page; equals ceil(sum/36*100)",
        **{col: str(page.scores[q]) for col, q in zip(dataset.QS, parse.QS, strict=True)},
        "publication_date": published,
        "publication_date_precision": "day" if page.publication_date else "month",
        "report_url": page.report_url or summary_url.removesuffix("/summary"),
        "source": "CQC report page",
        "evidence_basis": "CQC page",
        "evidence_url": summary_url,
        "retrieved": today,
        "notes": f"read from CQC's summary page by `lahelpers ratings refresh` on {today}",
    }


def _differs(current: pd.DataFrame, row: dict[str, str]) -> bool:
    """True when the row would change the dataset (values or evidence of that assessment)."""
    same = current[current["assessment_id"] == row["assessment_id"]]
    if same.empty:
        return True
    old = same.iloc[-1]
    cols = [*changes.VALUE_COLUMNS, "evidence_basis"]
    return any(str(old[c]) != row[c] for c in cols)


def refresh(
    client: PoliteClient,
    base_url: str = DEFAULT_BASE_URL,
    current: pd.DataFrame | None = None,
    today: str | None = None,
) -> RefreshResult:
    """Read CQC's list and the new or changed reports; propose rows (see the module docstring)."""
    current = dataset.read_dataset() if current is None else current
    today = today or date.today().isoformat()
    listed, failures = read_listing(client, base_url)
    from_cqc = set(current.loc[current["evidence_basis"] == "CQC page", "assessment_id"])
    rows, unchanged = [], 0
    for report in listed:
        summary_url = report.url.rstrip("/") + "/summary"
        got = client.get(summary_url)
        if not got.ok:
            failures.append((summary_url, got.error))
            continue
        if got.from_cache and report.slug in from_cqc:
            unchanged += 1
            continue
        try:
            page = parse.parse_page(got.text, url=summary_url, where=summary_url)
        except parse.PageError as err:
            failures.append((summary_url, err.problem))
            continue
        if page.kind != "summary":
            failures.append((summary_url, "not a summary page"))
            continue
        if not parse.slug_matches(report.slug, page.code):
            failures.append(
                (summary_url, f"the page is about {page.name} but its address is {report.slug}")
            )
            continue
        row = page_row(page, report.slug, summary_url, today)
        if _differs(current, row):
            rows.append(row)
        else:
            unchanged += 1
    proposed = pd.DataFrame(rows, columns=dataset.COLUMNS)
    found = changes.compare(current, dataset.merge(current, proposed))
    return RefreshResult(proposed, found, failures, len(listed), unchanged, client.requests_made)


def write_outputs(result: RefreshResult, out_dir: Path) -> dict[str, Path]:
    """Write ``proposed.csv``, ``changes.md`` and ``failures.json`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "proposed": out_dir / "proposed.csv",
        "changes": out_dir / "changes.md",
        "failures": out_dir / "failures.json",
    }
    dataset.write_dataset(result.proposed, files["proposed"])
    files["changes"].write_text(result.report(), encoding="utf-8")
    failures = [{"url": u, "why": w} for u, w in result.failures]
    files["failures"].write_text(json.dumps(failures, indent=1), encoding="utf-8")
    return files
