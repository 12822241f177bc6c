"""The whole runner on the real data: every notebook, all 9 regions, every page opened in Chromium.

This is the end-to-end test of the notebooks (issues: national overview, thematic notebooks,
region profiles): each must execute without error on the real processed data.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from test_browser import browser, check_page  # noqa: F401 -- `browser` is a fixture

from lahelpers.inputs import catalogue, validate
from lahelpers.publish import report, run

pytestmark = [pytest.mark.pipeline, pytest.mark.notebooks]

NATIONAL = ["01_national_overview", "02_rural_urban", "03_inequality", "04_workforce"]


@pytest.fixture(scope="module")
def real_run(built: Path, tmp_path_factory: pytest.TempPathFactory) -> run.RunResult:
    """One full run of the real notebooks (national, thematic, 9 region profiles)."""
    root = tmp_path_factory.mktemp("reports")
    return run.run_reports(reports_root=root, progress=False)


def test_every_notebook_succeeds(real_run: run.RunResult) -> None:
    failures = {r.name: r.error for r in real_run.failed}
    assert failures == {}, failures
    names = sorted(r.name for r in real_run.results)
    regional = sorted(f"region_profile-{run.slug(r)}" for r in validate.REGIONS)
    assert names == sorted(NATIONAL + regional)
    assert real_run.exit_code == 0 and real_run.latest_updated


def test_executed_notebooks_have_no_errors(real_run: run.RunResult) -> None:
    for r in real_run.results:
        nb = nbformat.read(real_run.folder / r.executed, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{r.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        assert r.charts and r.charts >= 2, f"{r.name} drew {r.charts} charts"


def test_manifest_records_run(real_run: run.RunResult) -> None:
    m = json.loads(real_run.manifest.read_text())
    assert m["status"] == "ok" and len(m["notebooks"]) == 13
    assert m["data"]["mismatched"] == [] and m["data"]["missing"] == []
    cat = catalogue.load_catalogue()
    assert {k: v["sha256"] for k, v in m["data"]["sources"].items()} == {
        k: v.current_sha256() for k, v in cat.items()  # repository data: its own checksum
    }
    assert m["code"]["package_version"]
    assert all(n["seconds_total"] > 0 for n in m["notebooks"])


def test_index_links_every_page(real_run: run.RunResult) -> None:
    index = real_run.index.read_text()
    for r in real_run.results:
        assert f'href="{r.html}"' in index


def test_pages_for_policy_readers(real_run: run.RunResult) -> None:
    for r in real_run.results:
        page = (real_run.folder / r.html).read_text()
        assert r.html_bytes <= report.PAGE_LIMIT_BYTES, f"{r.html}: {r.html_bytes} bytes"
        assert "load.authorities()" not in page and "import " not in page, f"{r.html} shows code"
        assert "Open Government Licence" in page, f"{r.html} lacks the provenance footnote"
        assert report.external_references(page) == [], r.html
    for region in validate.REGIONS:
        page = (real_run.folder / f"region_profile-{run.slug(region)}.html").read_text()
        soup = BeautifulSoup(page, "html.parser")
        assert region in soup.title.get_text() and region in soup.find("h1").get_text(), region
        headings = [h.get_text() for h in soup.find_all("h2")]
        assert sum(region in h for h in headings) >= 3, f"headings do not name {region}: {headings}"
        assert "region = " not in page, "parameters cell leaked into the page"


def test_every_page_draws_offline_in_chromium(real_run: run.RunResult, browser) -> None:  # noqa: F811
    pages = sorted(real_run.folder.glob("*.html"))
    checks = [check_page(browser, real_run.folder, p) for p in pages]
    problems = [f"{c.page}: {p}" for c in checks for p in c.problems]
    assert problems == [], "\n".join(problems)
    assert sum(c.drawn for c in checks) == sum(r.charts for r in real_run.results)
