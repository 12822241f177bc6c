"""The whole runner on the real data: every notebook, all 9 regions, every page opened in Chromium.

This is the end-to-end test of the notebooks (issues: national overview, thematic notebooks,
region profiles): each must execute without error on the real processed data.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from test_browser import browser, check_page  # noqa: F401 -- `browser` is a fixture

from lahelpers import load
from lahelpers.inputs import catalogue, validate
from lahelpers.publish import report, run

pytestmark = [pytest.mark.pipeline, pytest.mark.notebooks]

NATIONAL = ["01_national_overview", "02_rural_urban", "03_inequality", "04_workforce"]


# ``real_run`` (one full run of the real notebooks) is a session fixture in conftest.py, shared
# with the page tests in tests/test_pages_browser.py.


def test_every_notebook_succeeds(real_run: run.RunResult) -> None:
    failures = {r.name: r.error for r in real_run.failed}
    assert failures == {}, failures
    names = sorted(r.name for r in real_run.results)
    regional = sorted(f"region_profile-{run.slug(r)}" for r in validate.REGIONS)
    profiles = sorted(f"authority_profile-{run.slug(n)}" for n in load.authorities()["name"])
    assert len(profiles) == len(set(profiles)) == 153
    assert names == sorted(NATIONAL + regional + profiles)
    assert real_run.exit_code == 0 and real_run.latest_updated


def test_executed_notebooks_have_no_errors(real_run: run.RunResult) -> None:
    for r in real_run.results:
        nb = nbformat.read(real_run.folder / r.executed, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{r.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        assert r.charts and r.charts >= 2, f"{r.name} drew {r.charts} charts"


def test_manifest_records_run(real_run: run.RunResult) -> None:
    m = json.loads(real_run.manifest.read_text())
    assert m["status"] == "ok" and len(m["notebooks"]) == 4 + 9 + 153
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


#: Every this-many-th authority profile is opened in Chromium (all 153 would add minutes; the
#: profiles share one notebook, and tests/test_profiles_run.py opens its named cases).
PROFILE_SAMPLE_STEP = 15


def test_every_page_draws_offline_in_chromium(real_run: run.RunResult, browser) -> None:  # noqa: F811
    profiles = sorted(real_run.folder.glob(f"{run.AUTHORITY_NOTEBOOK.removesuffix('.ipynb')}-*.html"))
    sample = profiles[::PROFILE_SAMPLE_STEP]
    pages = sorted(set(real_run.folder.glob("*.html")) - set(profiles)) + sample
    checks = [check_page(browser, real_run.folder, p) for p in pages]
    problems = [f"{c.page}: {p}" for c in checks for p in c.problems]
    assert problems == [], "\n".join(problems)
    opened = {p.name for p in pages}
    assert sum(c.drawn for c in checks) == sum(r.charts for r in real_run.results if r.html in opened)
    assert len(profiles) == 153 and len(sample) >= 10


#: An estimate followed by its interval, as :func:`lahelpers.wording.estimate_ci` writes it.
_CI = re.compile(r"(?P<est>[-+]?\d+(?:\.\d+)?)%?, 95% CI (?P<lo>[-+]?\d+(?:\.\d+)?)%? to (?P<hi>[-+]?\d+(?:\.\d+)?)")
#: A positive claim that something is clear or stands out (negations such as "did not differ
#: clearly" or "No authority stands out" are not claims).
_CLAIM = re.compile(r"(?<!not differ )(?<!not )\bclearly\b|(?<!No authority )\bstands? out\b")


def _page_blocks(path: Path) -> list[str]:
    """The text of each paragraph, list item and table cell of a rendered page, no scripts."""
    soup = BeautifulSoup(path.read_text(), "html.parser")
    for s in soup(["script", "style"]):
        s.decompose()
    return [el.get_text(" ", strip=True) for el in soup.find_all(["p", "li", "td"])]


def test_every_interval_on_every_page_contains_its_estimate(real_run: run.RunResult) -> None:
    bad, checked = [], {}
    for r in real_run.results:
        for text in _page_blocks(real_run.folder / r.html):
            for m in _CI.finditer(text):
                checked[r.name] = checked.get(r.name, 0) + 1
                est, lo, hi = (float(m[k]) for k in ("est", "lo", "hi"))
                if not (lo <= est <= hi and lo < hi):
                    bad.append(f"{r.html}: {m[0]}")
    assert all(checked.get(name) for name in NATIONAL), checked  # the check is not vacuous
    assert bad == [], "\n".join(bad)


def _interval_columns(table) -> list[tuple[int, int, int]]:
    """(estimate, from, to) column positions of a rendered table: every "... 95% CI from" header
    followed by "... 95% CI to", with the estimate in the column before."""
    heads = [th.get_text(" ", strip=True) for th in table.find("thead").find_all("th")]
    return [(i - 1, i, i + 1) for i, h in enumerate(heads[:-1])
            if i > 0 and h.endswith("95% CI from") and heads[i + 1].endswith("95% CI to")]


def _num(text: str) -> float | None:
    """A table cell as a number (None for a dash or text)."""
    try:
        return float(text.replace(",", "").lstrip("+"))
    except ValueError:
        return None


def test_every_interval_in_every_table_contains_its_estimate(real_run: run.RunResult) -> None:
    bad, checked = [], 0
    for r in real_run.results:
        soup = BeautifulSoup((real_run.folder / r.html).read_text(), "html.parser")
        for table in soup.find_all("table"):
            if table.find("thead") is None:
                continue
            for e, lo, hi in _interval_columns(table):
                for tr in table.find("tbody").find_all("tr"):
                    cells = [_num(td.get_text(strip=True)) for td in tr.find_all("td")]
                    if max(e, lo, hi) >= len(cells) or None in (cells[e], cells[lo], cells[hi]):
                        continue
                    checked += 1
                    if not (cells[lo] <= cells[e] <= cells[hi] and cells[lo] < cells[hi]):
                        bad.append(f"{r.html}: {cells[e]} ({cells[lo]} to {cells[hi]})")
    assert checked > 100 and bad == [], "\n".join(bad)


def test_no_page_claims_clear_without_the_adjusted_result(real_run: run.RunResult) -> None:
    bad = []
    for r in real_run.results:
        blocks = _page_blocks(real_run.folder / r.html)
        nothing_clear = any(re.search(r"None of the \d+ tests on this page is clear", t) for t in blocks)
        if "authority" in r.parameters:  # a profile describes one authority and tests nothing
            assert any("nothing here is a test of difference" in t for t in blocks), r.html
            nothing_clear = True
        else:
            assert any("Allowing for many tests." in t for t in blocks), f"{r.html} does not state its family"
        for text in blocks:
            if _CLAIM.search(text) and ("Holm" not in text or nothing_clear):
                bad.append(f"{r.html}: {text[:160]}")
    assert bad == [], "\n".join(bad)


def test_numbers_on_every_page_read_as_a_reader_reads_them(real_run: run.RunResult) -> None:
    bad = []
    for r in real_run.results:
        for text in _page_blocks(real_run.folder / r.html):
            # p = 0.000; -0.00; "1 are"; a raw column or source id (snake_case) instead of a label
            for pattern in (r"p = 0\.000\b", r"(?<![\d.])-0\.0+(?![\d])", r"\b1 are\b",
                            r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b"):
                if re.search(pattern, text):
                    bad.append(f"{r.html}: {pattern}: {text[:120]}")
    assert bad == [], "\n".join(bad)
