"""Open every page of a run folder in headless Chromium with the network cut off.

Checks that each chart drew (an svg or canvas in every chart div; as many chart divs as vega-lite
outputs in the executed notebook), that the chart descriptions are there, that the console shows
no errors and that nothing outside the run folder was requested.

By default it checks a small run of notebooks written here. To check a real run, point
``LAHELPERS_REPORT_FOLDER`` at its folder (e.g. ``reports/latest``)::

    LAHELPERS_REPORT_FOLDER=reports/latest pytest -m browser tests/test_browser.py

Needs Debian's chromium (``apt-get install chromium``) and the ``playwright`` package; never
``playwright install``.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from lahelpers.publish import report, run

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("LAHELPERS_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
DRAW_TIMEOUT_MS = 30_000

CHART = """import altair as alt
import pandas as pd
from IPython.display import HTML, display
df = pd.DataFrame({"area": ["A", "B", "C", "D"], "score": [40, 55, 70, 90]})
chart = alt.Chart(df, title=TITLE).mark_bar().encode(
    x="area:N", y="score:Q", tooltip=["area", "score"]
)
"""


def _write_notebook(path: Path, cells: list, parameters: str | None = None) -> None:
    """A python3 notebook, with a cell tagged ``parameters`` first when given."""
    nb = nbformat.v4.new_notebook()
    if parameters is not None:
        cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}), *cells]
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)


def _small_run(base: Path) -> Path:
    """Run notebooks with several charts (altair's default output and the vega-lite mimetype)."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nbs = base / "notebooks"
    nbs.mkdir()
    show_default = (
        "display(chart)\ndisplay(HTML('<p class=\"chart-alt\">Chart description: {}</p>'))"
    )
    show_mime = (
        "display({{'application/vnd.vegalite.v6+json': chart.to_dict()}}, raw=True)\n"
        "display(HTML('<p class=\"chart-alt\">Chart description: {}</p>'))"
    )
    _write_notebook(
        nbs / "01_overview.ipynb",
        [
            md("# Overview\n\nTwo charts."),
            md("## Scores"),
            code("TITLE = 'Scores'\n" + CHART + show_default.format("scores by area")),
            md("## Points"),
            code(
                "TITLE = 'Points'\n"
                + CHART.replace("mark_bar()", "mark_point()")
                + show_mime.format("points by area")
            ),
        ],
    )
    _write_notebook(
        nbs / "region_profile.ipynb",
        [
            md("# Region profile"),
            md("## Chart"),
            code("TITLE = region\n" + CHART + show_default.format("region chart")),
        ],
        parameters="region = 'London'",
    )
    result = run.run_reports(
        regions=["London", "South West"],
        notebooks=["01_overview.ipynb", "region_profile.ipynb"],
        notebooks_dir=nbs,
        reports_root=base / "reports",
        workers=2,
        progress=False,
    )
    assert result.exit_code == 0, [r.error for r in result.failed]
    return result.folder


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through playwright (the test fails, never skips, when either is
    missing: playwright is a dev dependency and .ci/run installs Chromium)."""
    from playwright import sync_api
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.fail(f"{CHROMIUM} not installed: apt-get install chromium (.ci/run does this)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_folder(tmp_path_factory) -> Path:
    """The run folder to check: ``LAHELPERS_REPORT_FOLDER`` or a small run made here."""
    given = os.environ.get("LAHELPERS_REPORT_FOLDER")
    if given:
        folder = Path(given).resolve()
        assert (folder / "index.html").is_file(), f"{folder} is not a run folder"
        return folder
    return _small_run(tmp_path_factory.mktemp("browser")).resolve()


@dataclass
class PageCheck:
    """What one page showed in the browser."""

    page: str
    charts: int = 0
    drawn: int = 0
    alt_texts: int = 0
    problems: list[str] = field(default_factory=list)


def expected_counts(folder: Path, page: Path) -> tuple[int, int]:
    """Vega-lite outputs and chart-alt paragraphs in the page's executed notebook (0, 0 if none)."""
    executed = folder / "executed" / f"{page.stem}.ipynb"
    if not executed.is_file():
        return 0, 0
    nb = nbformat.read(executed, as_version=4)
    charts = alts = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        for out in cell.outputs:
            if out.output_type not in ("display_data", "execute_result"):
                continue
            if report.chart_spec(out) is not None:
                charts += 1
            elif 'class="chart-alt"' in "".join(out.get("data", {}).get("text/html", "")):
                alts += 1
    return charts, alts


def check_page(browser, folder: Path, page_path: Path) -> PageCheck:
    """Open one page offline and report what drew and what went wrong."""
    check = PageCheck(page_path.name)
    allowed = folder.as_uri() + "/"
    blocked: list[str] = []
    errors: list[str] = []
    context = browser.new_context(offline=True)

    def route(r):
        url = r.request.url
        if url.startswith(allowed):
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on(
        "request",
        lambda req: None if req.url.startswith((allowed, "data:")) else blocked.append(req.url),
    )
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(page_path.as_uri(), wait_until="load")
    check.charts = page.locator(f"div.{report.CHART_CLASS}").count()
    if check.charts:
        try:
            page.wait_for_function(
                f"""() => [...document.querySelectorAll('div.{report.CHART_CLASS}')]
                    .every(d => d.querySelector('svg, canvas, .chart-error'))""",
                timeout=DRAW_TIMEOUT_MS,
            )
        except Exception as exc:  # noqa: BLE001 -- reported as a problem below
            check.problems.append(f"charts did not finish drawing: {exc}")
    # Drawn = the SVG holds at least one data mark (a child of a Vega ``role-mark`` group); axes,
    # titles and an empty frame do not count, so a chart whose data came out empty fails.
    check.drawn = page.locator(f"div.{report.CHART_CLASS}:has(svg g.role-mark > *)").count()
    check.alt_texts = page.locator("p.chart-alt").count()
    failed_charts = page.locator(".chart-error").all_inner_texts()
    context.close()

    want_charts, want_alts = expected_counts(folder, page_path)
    if check.charts != want_charts:
        check.problems.append(f"{check.charts} chart divs but {want_charts} vega-lite outputs")
    if check.drawn != check.charts:
        check.problems.append(f"only {check.drawn} of {check.charts} charts drew")
    if check.alt_texts < want_alts:
        check.problems.append(f"{check.alt_texts} chart-alt paragraphs, expected {want_alts}")
    check.problems += [f"chart error: {t}" for t in failed_charts]
    check.problems += [f"console error: {e}" for e in errors]
    check.problems += [f"network request attempted: {u}" for u in sorted(set(blocked))]
    return check


def test_every_page_draws_offline(browser, report_folder):
    pages = sorted(report_folder.glob("*.html"))
    assert any(p.name == "index.html" for p in pages)
    checks = [check_page(browser, report_folder, p) for p in pages]
    problems = [f"{c.page}: {p}" for c in checks for p in c.problems]
    assert problems == [], "\n".join(problems)
    if not os.environ.get("LAHELPERS_REPORT_FOLDER"):
        drawn = {c.page: c.drawn for c in checks}
        assert drawn == {
            "index.html": 0,
            "01_overview.html": 2,
            "region_profile-london.html": 1,
            "region_profile-south-west.html": 1,
        }


def test_tooltips_work_offline(browser, report_folder):
    if os.environ.get("LAHELPERS_REPORT_FOLDER"):
        pytest.skip("tooltip check uses the small test run's known chart")
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.goto((report_folder / "01_overview.html").as_uri(), wait_until="load")
    page.wait_for_selector(f"div.{report.CHART_CLASS} svg .mark-rect path", timeout=DRAW_TIMEOUT_MS)
    page.locator(f"div.{report.CHART_CLASS} svg .mark-rect path").first.hover(force=True)
    tip = page.locator("#vg-tooltip-element")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    context.close()
    assert "area" in text and "A" in text and "40" in text


def _empty_datasets(spec: dict) -> dict:
    """The spec with every inline dataset emptied (what a chart built from no rows would carry)."""
    for name in spec.get("datasets", {}):
        spec["datasets"][name] = []
    if isinstance(spec.get("data"), dict) and "values" in spec["data"]:
        spec["data"]["values"] = []
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for sub in spec.get(key, []):
            _empty_datasets(sub)
    return spec


def test_a_chart_whose_data_is_empty_does_not_count_as_drawn(browser, report_folder, tmp_path):
    """The drawn check looks for data marks: a page whose charts lost their data fails it."""
    if os.environ.get("LAHELPERS_REPORT_FOLDER"):
        pytest.skip("uses the small test run's known page")
    folder = tmp_path / "run"
    shutil.copytree(report_folder, folder)
    page = folder / "01_overview.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    specs = soup.select('script[type="application/json"]')
    assert len(specs) == 2
    for tag in specs:
        spec = _empty_datasets(json.loads(tag.string))
        tag.string = json.dumps(spec).replace("</", "<\\/")
    page.write_text(str(soup), encoding="utf-8")
    check = check_page(browser, folder, page)
    assert check.charts == 2 and check.drawn == 0
    assert "only 0 of 2 charts drew" in check.problems
