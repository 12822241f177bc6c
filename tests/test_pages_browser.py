"""The pages of a real run as readers meet them, in headless Chromium with the network cut off.

For every page (and the index), at 1280 and 390 px wide: no sideways scroll; every chart drawn
(data marks present); every chart and table has a source line and a CSV link whose file exists
and holds its data (row count and a sample value against the chart's spec or the table on the
page); an axe-core scan finds no serious or critical violation. Printed (A4, print media) every
chart and table fits the page width, and print to PDF works. Tables sort by clicking (and by
keyboard) in rating order and numerically; the index is a landing page for readers.

Each page is opened once per width and everything is measured in that visit (module fixture
``visits``); the tests then assert on what was measured.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from test_browser import CHROMIUM, DRAW_TIMEOUT_MS, LAUNCH_ARGS, browser  # noqa: F401 -- fixture

from lahelpers.publish import report, run

pytestmark = [pytest.mark.browser, pytest.mark.pipeline]

WIDTHS = (1280, 390)
#: A4 width less the print margins of report.css (@page 12 mm each side), in CSS pixels.
A4_CONTENT_PX = math.floor((210 - 2 * 12) / 25.4 * 96)
#: axe-core impacts that fail the test.
SERIOUS = {"serious", "critical"}


@dataclass
class Visit:
    """What one page showed at one width."""

    page: str
    width: int
    scroll_width: int = 0
    client_width: int = 0
    charts: int = 0
    drawn: int = 0
    blocks: list[dict] = field(default_factory=list)  # each chart/table: kind, csv href, sources
    violations: list[str] = field(default_factory=list)
    wide_tables: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _open(browser, folder: Path, page_path: Path, width: int, media: str = "screen"):  # noqa: F811
    """A new offline context and page at ``width``, loaded, with every chart drawn (or failed)."""
    allowed = folder.as_uri() + "/"
    context = browser.new_context(offline=True, viewport={"width": width, "height": 900})
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(allowed) else r.abort())
    page = context.new_page()
    page.emulate_media(media=media)
    page.goto(page_path.as_uri(), wait_until="load")
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('div.{report.CHART_CLASS}')]
            .every(d => d.querySelector('svg, canvas, .chart-error'))""",
        timeout=DRAW_TIMEOUT_MS,
    )
    return context, page


_BLOCKS_JS = """() => {
  const out = [];
  document.querySelectorAll('.chart-block, .table-wrap').forEach(el => {
    const chart = el.classList.contains('chart-block');
    let line = chart ? el.querySelector('p.source-line') : el.nextElementSibling;
    if (line && !line.matches('p.source-line')) line = null;
    const csv = line && line.querySelector('a.csv-link');
    const refs = line ? [...line.querySelectorAll('a.source-ref')].map(a => a.getAttribute('href')) : [];
    const table = chart ? null : el.querySelector('table');
    out.push({
      kind: chart ? 'chart' : 'table',
      id: chart ? el.querySelector('div.vega-chart').id : null,
      csv: csv ? csv.getAttribute('href') : null,
      refs: refs,
      refs_found: refs.every(h => document.getElementById(h.slice(1)) !== null),
      caption: table && table.caption ? table.caption.textContent.trim() : null,
      label: chart ? el.querySelector('div.vega-chart').getAttribute('aria-label') : el.getAttribute('aria-label'),
      role: chart ? el.querySelector('div.vega-chart').getAttribute('role') : el.getAttribute('role'),
      tabindex: chart ? el.querySelector('div.vega-chart').getAttribute('tabindex') : el.getAttribute('tabindex'),
      rows: table ? table.tBodies[0].rows.length : null,
      first: table ? [...table.tBodies[0].rows[0].cells].map(c => [c.textContent.trim(), c.getAttribute('data-sort'),
                                                                   c.classList.contains('num')]) : null,
    });
  });
  return out;
}"""


def _visit(browser, folder: Path, page_path: Path, width: int) -> Visit:  # noqa: F811
    """Open a page at ``width`` and measure everything the tests check."""
    from axe_playwright_python.sync_playwright import Axe

    v = Visit(page_path.name, width)
    context, page = _open(browser, folder, page_path, width)
    try:
        v.scroll_width = page.evaluate("document.documentElement.scrollWidth")
        v.client_width = page.evaluate("document.documentElement.clientWidth")
        v.charts = page.locator(f"div.{report.CHART_CLASS}").count()
        v.drawn = page.locator(f"div.{report.CHART_CLASS}:has(svg g.role-mark > *)").count()
        v.blocks = page.evaluate(_BLOCKS_JS)
        v.wide_tables = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')].map(w => ({
            caption: w.getAttribute('aria-label'), scroll: w.scrollWidth, client: w.clientWidth,
            right: w.getBoundingClientRect().right}))""")
        results = Axe().run(page)
        v.violations = [
            f"{x['id']} ({x['impact']}): {x['help']}: {len(x['nodes'])} nodes, e.g. "
            f"{x['nodes'][0]['target']}"
            for x in results.response["violations"]
            if x.get("impact") in SERIOUS
        ]
    finally:
        context.close()
    return v


@pytest.fixture(scope="module")
def folder(request: pytest.FixtureRequest) -> Path:
    """The real run's folder (every notebook must have succeeded); ``LAHELPERS_REPORT_FOLDER``
    names an existing full run instead (e.g. ``reports/latest``, to check a run by hand)."""
    given = os.environ.get("LAHELPERS_REPORT_FOLDER")
    if given:
        return Path(given).resolve()
    real_run: run.RunResult = request.getfixturevalue("real_run")
    assert real_run.failed == [], [r.error for r in real_run.failed]
    return real_run.folder.resolve()


#: Authority profiles checked here (153 pages at two widths with axe would cost most of CI's
#: time): a county, a London borough, a unitary, an unrated authority, Cumberland (no IMD 2019)
#: and the smallest, the Isles of Scilly. tests/test_profiles_run.py covers the profiles' own rules.
PROFILE_SAMPLE = ("kent", "camden", "york", "rutland", "cumberland", "isles-of-scilly")


@pytest.fixture(scope="module")
def pages(folder: Path) -> list[Path]:
    """Every page of the run, the index included, and a sample of the authority profiles."""
    found = sorted(folder.glob("*.html"))
    profiles = [p for p in found if p.name.startswith("authority_profile-")]
    others = [p for p in found if p not in profiles]
    assert len(others) == 14 and (folder / "index.html") in others
    assert len(profiles) in (0, 153), len(profiles)  # 0 only for a named run folder without them
    sample = [p for p in profiles if any(p.stem.endswith(f"-{s}") or f"-{s}" in p.stem
                                         for s in PROFILE_SAMPLE)]
    assert not profiles or len(sample) >= len(PROFILE_SAMPLE), [p.name for p in sample]
    return others + sample


@pytest.fixture(scope="module")
def visits(browser, folder: Path, pages: list[Path]) -> dict[tuple[str, int], Visit]:  # noqa: F811
    """Every page at every width, measured once."""
    return {(p.name, w): _visit(browser, folder, p, w) for p in pages for w in WIDTHS}


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(visits, pages, width):
    wide = [f"{p.name}: {visits[p.name, width].scroll_width} px wide in a {width} px window"
            for p in pages if visits[p.name, width].scroll_width > visits[p.name, width].client_width]
    assert wide == [], "\n".join(wide)


def test_wide_tables_scroll_in_their_own_box(visits, pages):
    """The 18-column table of the region profiles is wider than the page even at 1280 px: it
    scrolls inside its box, which stays inside the page."""
    for p in pages:
        for w in WIDTHS:
            for t in visits[p.name, w].wide_tables:
                assert t["right"] <= w + 1, f"{p.name} at {w}: table {t['caption']} overflows"
    london = visits["region_profile-london.html", 1280].wide_tables
    assert any(t["scroll"] > t["client"] for t in london), "the region table no longer overflows its box"


@pytest.mark.parametrize("width", WIDTHS)
def test_every_chart_is_drawn(visits, pages, width):
    bad = [f"{p.name}: {visits[p.name, width].drawn} of {visits[p.name, width].charts} drawn"
           for p in pages if visits[p.name, width].drawn != visits[p.name, width].charts]
    assert bad == [], "\n".join(bad)
    assert sum(visits[p.name, width].charts for p in pages) > 50


@pytest.mark.parametrize("width", WIDTHS)
def test_axe_finds_no_serious_or_critical_violation(visits, pages, width):
    bad = [f"{p.name}: {v}" for p in pages for v in visits[p.name, width].violations]
    assert bad == [], "\n".join(bad)


def test_charts_are_one_labelled_image_a_keyboard_reaches(visits, pages):
    for p in pages:
        for b in visits[p.name, 1280].blocks:
            if b["kind"] == "chart":
                assert b["role"] == "img" and b["tabindex"] == "0", (p.name, b["id"])
                assert b["label"] and len(b["label"]) > 20, (p.name, b["id"], b["label"])
            else:
                assert b["role"] == "region" and b["tabindex"] == "0" and b["label"], (p.name, b)
                assert b["caption"] == b["label"], (p.name, b)


# --------------------------------------------------------------------------------------------
# Sources and CSV downloads
# --------------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV file."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def _spec_datasets(spec: dict) -> list[list[dict]]:
    """Every inline dataset of a spec as rows (a TopoJSON's objects' properties), read here
    independently of the exporter."""
    out = []
    for value in (spec.get("datasets") or {}).values():
        if isinstance(value, str):
            value = json.loads(value)
        if isinstance(value, dict) and value.get("type") == "Topology":
            for obj in value["objects"].values():
                out.append([g.get("properties") or {} for g in obj["geometries"]])
        else:
            out.append(value)
    return out


def _same(cell: str, value) -> bool:
    """A CSV cell holds ``value`` (numbers compared as numbers)."""
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value)
    if isinstance(value, (int, float)):
        try:
            return math.isclose(float(cell), float(value), rel_tol=1e-9, abs_tol=1e-12)
        except ValueError:
            return False
    return cell == str(value)


def test_every_chart_and_table_has_sources_and_its_csv(visits, pages, folder):
    checked = {"chart": 0, "table": 0}
    for p in pages:
        if p.name == "index.html":
            continue
        soup = BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        blocks = visits[p.name, 1280].blocks
        assert blocks, p.name
        for b in blocks:
            where = f"{p.name} {b['kind']} {b['id'] or b['caption']}"
            assert b["csv"], f"{where}: no CSV link"
            assert not re.match(r"^(/|[a-z]+:)", b["csv"]), f"{where}: link not relative: {b['csv']}"
            assert b["refs"] and b["refs_found"], f"{where}: sources {b['refs']} missing or not in the footnote"
            path = (folder / unquote(b["csv"])).resolve()
            assert path.is_file() and folder in path.parents, f"{where}: {b['csv']} not in the run folder"
            header, rows = _csv_rows(path)
            assert len(set(header)) == len(header) and all(header), f"{where}: header {header}"
            assert not any(re.fullmatch(r"[a-z0-9]+_[a-z0-9_]+", h) for h in header if h != "jitter"), \
                f"{where}: raw field names in {header}"
            if b["kind"] == "chart":
                spec = json.loads(soup.find(id=f"{b['id']}-spec").string)
                sets = [d for d in _spec_datasets(spec) if len(d) == len(rows)]
                assert sets, f"{where}: {len(rows)} rows match no dataset of the chart"
                sample = rows[0]
                assert any(any(_same(c, v) for c in sample) for d in sets for v in d[0].values()
                           if isinstance(v, (int, float, str)) and v not in ("", None)), \
                    f"{where}: first row {sample} not in the chart's data"
            else:
                assert len(rows) == b["rows"], f"{where}: {len(rows)} CSV rows, {b['rows']} on the page"
                for (text, key, number), cell in zip(b["first"], rows[0], strict=True):
                    if number and key:  # a number: the same value as the cell's sort key
                        assert math.isclose(float(cell), float(key), rel_tol=1e-9), (where, text, cell)
                    elif number or text == "–":  # missing
                        assert cell in ("", "–"), (where, text, cell)
                    else:
                        assert cell == text, (where, text, cell)
            checked[b["kind"]] += 1
    assert checked["chart"] > 50 and checked["table"] > 30, checked


# --------------------------------------------------------------------------------------------
# Print
# --------------------------------------------------------------------------------------------


def test_print_keeps_every_chart_and_table_inside_the_page_width(browser, folder, pages, tmp_path):  # noqa: F811
    from pypdf import PdfReader

    bad = []
    for p in pages:
        context, page = _open(browser, folder, p, A4_CONTENT_PX, media="print")
        try:
            page.wait_for_timeout(200)  # charts resize to their container
            boxes = page.evaluate("""() => [...document.querySelectorAll(
                'div.vega-chart svg, div.vega-chart, .table-wrap table, .table-wrap, pre')].map(e => {
                const r = e.getBoundingClientRect();
                return {what: e.tagName + (e.closest('.vega-chart') ? '#' + e.closest('.vega-chart').id : ''),
                        left: r.left, right: r.right, clipped: e.scrollWidth > e.clientWidth + 1 && e.tagName !== 'svg'};
            })""")
            hidden = page.evaluate("""() => [...document.querySelectorAll('.hover-hint, a.anchor-link')]
                .filter(e => getComputedStyle(e).display !== 'none').length""")
            pdf = tmp_path / f"{p.stem}.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=True)
        finally:
            context.close()
        for b in boxes:
            if b["left"] < -1 or b["right"] > A4_CONTENT_PX + 1:
                bad.append(f"{p.name}: {b['what']} spans {b['left']:.0f}-{b['right']:.0f} px of {A4_CONTENT_PX}")
            if b["clipped"]:
                bad.append(f"{p.name}: {b['what']} is cut (scrolls) in print")
        if hidden:
            bad.append(f"{p.name}: {hidden} hover hints or anchor links printed")
        reader = PdfReader(pdf)
        box = reader.pages[0].mediabox
        assert abs(float(box.width) - 595.3) < 1.5 and abs(float(box.height) - 841.9) < 1.5, p.name  # A4
        assert len(reader.pages) >= 1
    assert bad == [], "\n".join(bad)


# --------------------------------------------------------------------------------------------
# Sorting, headings, contents, index
# --------------------------------------------------------------------------------------------


def _column(page, table, n: int) -> list[str]:
    """The text of column ``n`` of a table, top to bottom."""
    return table.locator("tbody tr").evaluate_all(
        f"rows => rows.map(r => r.cells[{n}].textContent.trim())"
    )


def test_tables_sort_by_rating_and_number_with_mouse_and_keyboard(browser, folder):  # noqa: F811
    from lahelpers import framework

    context, page = _open(browser, folder, folder / "region_profile-london.html", 1280)
    try:
        table = page.locator("table.sortable").first
        heads = table.locator("thead th").all_inner_texts()
        rating_col = next(i for i, h in enumerate(heads) if h.strip().startswith("Rating"))
        pct_col = next(i for i, h in enumerate(heads) if h.strip().startswith("Overall"))
        rank = {r: i for i, r in enumerate(framework.RATINGS)}

        def ranks(col):
            out = []
            for text in _column(page, table, col):
                r = next((k for k in framework.RATINGS if text == k or text.startswith(k + " (")), None)
                out.append(rank[r] if r else -1)
            return out

        table.locator("thead th").nth(rating_col).locator("button").click()
        assert table.locator("thead th").nth(rating_col).get_attribute("aria-sort") == "descending"
        got = ranks(rating_col)
        rated = [r for r in got if r >= 0]
        assert rated == sorted(rated, reverse=True) and got[: len(rated)] == rated  # not rated last
        assert got[0] == rank["Outstanding"]
        button = table.locator("thead th").nth(rating_col).locator("button")
        button.focus()
        page.keyboard.press("Enter")
        assert table.locator("thead th").nth(rating_col).get_attribute("aria-sort") == "ascending"
        got = ranks(rating_col)
        rated = [r for r in got if r >= 0]
        assert rated == sorted(rated) and got[: len(rated)] == rated  # not rated still last
        table.locator("thead th").nth(pct_col).locator("button").click()
        values = [float(t) for t in _column(page, table, pct_col) if t != "–"]
        assert values == sorted(values, reverse=True) and len(values) > 10
        assert table.locator("thead th").nth(rating_col).get_attribute("aria-sort") is None
    finally:
        context.close()


def test_headings_in_order_and_contents_numbered_consecutively(pages):
    for p in pages:
        soup = BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
        levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
        assert levels[0] == 1 and levels.count(1) == 1, (p.name, levels)
        assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), (p.name, levels)
        nav = soup.select_one("nav.toc")
        if nav is not None:
            top = nav.find("ol").find_all("li", recursive=False)
            assert top and all(li.get("class") == ["toc-h2"] for li in top), p.name
        for table in soup.find_all("table"):
            assert table.find("caption") and table.find("caption").get_text(strip=True), p.name


def test_index_is_a_landing_page_for_readers(folder):
    soup = BeautifulSoup((folder / "index.html").read_text(encoding="utf-8"), "html.parser")
    title = soup.title.get_text()
    assert title.startswith("CQC adult social care assessments") and folder.name not in title
    assert soup.h1.get_text() == title
    groups = [h.get_text() for h in soup.select("section.report-group h3")]
    assert groups == ["National", "Themes", "Regions"]
    reader_links = [a["href"] for a in soup.select("section.report-group a")]
    assert len(reader_links) == 13 and all(h.endswith(".html") for h in reader_links)
    assert all(a["href"].endswith((".html", ".json")) or a.find_parent("section", class_="analysts")
               for a in soup.find_all("a", href=True)), "notebooks linked outside the analysts' section"
    analysts = soup.select_one("section.analysts")
    assert analysts.find("a", href=re.compile(r"\.ipynb$")) and analysts.find("a", href="manifest.json")
    assert analysts.select_one("section.whats-new") is not None
    executed = (folder / "executed" / "01_national_overview.ipynb").read_text(encoding="utf-8")
    if 'class=\\"key-points\\"' in executed or "class='key-points'" in executed:
        block = soup.select_one("section.key-points")
        assert block is not None and block.find("li"), "the national key points are missing"
    else:  # no key points in the national notebook: the index says nothing about them
        assert soup.select_one("section.key-points") is None
        assert "Key points" not in soup.get_text()
