"""Authority profiles through the runner on the real data, opened in Chromium with no network.

One run (module fixture) executes the profile notebook for the cases issue 15 names (a county,
a London borough, an authority not yet rated, Cumberland with its missing IMD 2019, the Isles
of Scilly), York and Hull (for the find box), and the Yorkshire and The Humber region page (to
check region pages link to their authorities' profiles and back).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from test_browser import DRAW_TIMEOUT_MS, browser, check_page  # noqa: F401 -- `browser` is a fixture

from lahelpers import authority
from lahelpers.publish import report, run

pytestmark = [pytest.mark.pipeline, pytest.mark.notebooks]

#: The cases: (what it stands for, the name as a user might type it, the canonical name).
CASES = [
    ("county", "Kent County Council", "Kent"),
    ("London borough", "London Borough of Camden", "Camden"),
    ("not yet rated", "Rutland", "Rutland"),
    ("missing IMD 2019", "cumberland", "Cumberland"),
    ("smallest", "E06000053", "Isles of Scilly"),
    ("find box", "York", "York"),
    ("find box", "Hull", "Kingston Upon Hull"),
]
REGION = "Yorkshire and The Humber"


@pytest.fixture(scope="module")
def profiles_run(built: Path, tmp_path_factory: pytest.TempPathFactory) -> run.RunResult:
    """The profiles above and one region page, 2 workers sharing warm kernels."""
    root = tmp_path_factory.mktemp("profiles")
    return run.run_reports(
        regions=[REGION], notebooks=[run.REGION_NOTEBOOK, run.AUTHORITY_NOTEBOOK],
        authorities=[given for _, given, _ in CASES], reports_root=root, workers=2, progress=False,
    )


def _page(res: run.RunResult, name: str) -> BeautifulSoup:
    return BeautifulSoup((res.folder / authority.page_file(name)).read_text(), "html.parser")


def test_every_profile_executes(profiles_run: run.RunResult) -> None:
    assert {r.name: r.error for r in profiles_run.failed} == {}
    names = {r.parameters.get("authority") for r in profiles_run.results}
    assert {canon for _, _, canon in CASES} <= names
    assert len(profiles_run.results) == len(CASES) + 1


def test_each_executed_notebook_is_its_own_record(profiles_run: run.RunResult) -> None:
    """Parameters injected and outputs of its own run (warm kernels notwithstanding)."""
    for _, _, name in CASES:
        nb = nbformat.read(profiles_run.folder / "executed" / f"authority_profile-{authority.slug(name)}.ipynb", 4)
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert len(injected) == 1 and f"authority = {name!r}" in injected[0].source.replace('"', "'")
        title = next(o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                     if "text/markdown" in o.get("data", {}))
        assert title["data"]["text/markdown"].startswith(f"# {name}:")
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1)), "execution counts restart per notebook"


def test_profile_pages_say_what_they_should(profiles_run: run.RunResult) -> None:
    for _, _, name in CASES:  # the answer first: one key-points block right after the title
        soup = _page(profiles_run, name)
        block = soup.select("section.key-points")
        assert len(block) == 1 and len(block[0].find_all("li")) == 4, name
        assert block[0].find_previous("h1") is not None
    kent = _page(profiles_run, "Kent").get_text(" ")
    assert "CQC rating: Requires improvement" in kent and "England mean of" in kent
    assert "significantly" not in kent.lower()
    assert "Similar authorities are the 5 nearest" in kent
    rutland = _page(profiles_run, "Rutland").get_text(" ")
    assert "Rutland has no CQC rating in our data yet" in rutland
    assert "has no statement scores in our data" in rutland
    cumberland = _page(profiles_run, "Cumberland").get_text(" ")
    assert "Cumbria (E10000006), split in April 2023" in cumberland
    scilly = _page(profiles_run, "Isles of Scilly").get_text(" ")
    assert "Isles of Scilly" in scilly and "England rank" in scilly
    for _, _, name in CASES:
        r = next(x for x in profiles_run.results if x.parameters.get("authority") == name)
        assert r.html_bytes <= 300_000, f"{name}: {r.html_bytes} bytes"
        assert r.charts == 3, name


def test_profiles_and_region_pages_link_both_ways(profiles_run: run.RunResult) -> None:
    region_page = BeautifulSoup(
        (profiles_run.folder / authority.region_page_file(REGION)).read_text(), "html.parser")
    hrefs = {a["href"] for a in region_page.find_all("a", href=True)}
    assert authority.page_file("York") in hrefs and authority.page_file("Kingston Upon Hull") in hrefs
    york = _page(profiles_run, "York")
    assert authority.region_page_file(REGION) in {a["href"] for a in york.find_all("a", href=True)}
    assert (profiles_run.folder / authority.page_file("York")).is_file()


def test_profile_pages_pass_the_browser_checks(profiles_run: run.RunResult, browser) -> None:  # noqa: F811
    pages = [profiles_run.folder / "index.html",
             *(profiles_run.folder / authority.page_file(n) for _, _, n in CASES)]
    checks = [check_page(browser, profiles_run.folder, p) for p in pages]
    problems = [f"{c.page}: {p}" for c in checks for p in c.problems]
    assert problems == [], "\n".join(problems)
    assert all(c.drawn == 3 for c in checks[1:])


def _offline_page(browser, folder: Path, path: Path):  # noqa: F811
    """A page opened with every request outside the run folder refused; returns (context, page,
    errors) so the caller can interact and then close the context."""
    context = browser.new_context(offline=True)
    allowed = folder.as_uri() + "/"
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(allowed) else r.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, errors


@pytest.mark.parametrize(("query", "expected"), [("york", "York"), ("Hull", "Kingston Upon Hull"),
                                                 ("E06000014", "York")])
def test_find_box_finds_and_opens_a_drawn_profile(profiles_run: run.RunResult, browser,  # noqa: F811
                                                  query: str, expected: str) -> None:
    folder = profiles_run.folder
    context, page, errors = _offline_page(browser, folder, folder / "index.html")
    try:
        box = page.get_by_label("Authority name or ONS code")
        assert box.is_visible()
        box.fill(query)
        status = page.locator("#finder-status")
        assert re.match(r"\d+ authorit(y matches|ies match)", status.inner_text()), status.inner_text()
        assert status.get_attribute("aria-live") == "polite"
        link = page.locator("#finder-results a", has_text=re.compile(rf"^{re.escape(expected)}$"))
        assert link.count() == 1, page.locator("#finder-results").inner_text()
        link.click()
        page.wait_for_url(f"**/{authority.page_file(expected)}")
        page.wait_for_function(
            f"""() => [...document.querySelectorAll('div.{report.CHART_CLASS}')]
                .every(d => d.querySelector('svg g.role-mark > *'))""", timeout=DRAW_TIMEOUT_MS)
        assert page.locator(f"div.{report.CHART_CLASS}").count() == 3
        widths = page.evaluate(f"""() => [...document.querySelectorAll('div.{report.CHART_CLASS} svg')]
                                   .map(s => s.getBoundingClientRect().width)""")
        assert len(widths) == 3 and min(widths) > 200, widths  # drawn, and visibly wide
    finally:
        context.close()
    assert errors == []


def test_find_box_by_keyboard_and_sortable_table(profiles_run: run.RunResult, browser) -> None:  # noqa: F811
    folder = profiles_run.folder
    context, page, errors = _offline_page(browser, folder, folder / "index.html")
    try:
        page.keyboard.press("Tab")
        for _ in range(40):  # tab to the box
            if page.evaluate("document.activeElement.id") == "finder-q":
                break
            page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "finder-q"
        page.keyboard.type("zzzz")
        assert page.locator("#finder-status").inner_text().startswith("No authority matches")
        page.locator("#finder-q").fill("Cumbria")  # a county split in 2023: where did it go?
        assert page.locator("#finder-status").inner_text().startswith("2 authorities match")
        found = page.locator("#finder-results li").all_inner_texts()
        assert [t.split(":")[0].replace(" (no profile in this run)", "") for t in found] == [
            "Cumberland", "Westmorland and Furness"]
        assert all(t.endswith("; part of Cumbria until April 2023") for t in found), found
        page.locator("#finder-q").fill("zzzz")
        rows = page.locator("#authority-table tbody tr")
        assert rows.count() == 153
        header = page.locator("#authority-table thead th", has_text="CQC rating")
        header.locator("button").click()  # the pages' sorter: ratings best first, not rated last
        assert header.get_attribute("aria-sort") == "descending"
        ratings = page.locator("#authority-table tbody tr td:nth-child(4)").all_inner_texts()
        order = ["Outstanding", "Good", "Requires improvement", "Inadequate", "Not yet in our data"]
        assert [order.index(r) for r in ratings] == sorted(order.index(r) for r in ratings)
        assert ratings[0] == "Outstanding" and ratings[-1] == "Not yet in our data"
        header.locator("button").click()
        assert header.get_attribute("aria-sort") == "ascending"
        ratings = page.locator("#authority-table tbody tr td:nth-child(4)").all_inner_texts()
        assert ratings[0] == "Inadequate" and ratings[-1] == "Not yet in our data"
        page.keyboard.press("Control+a")
        page.locator("#finder-q").fill("york")
        page.locator("#finder-q").press("Enter")
        page.wait_for_url(f"**/{authority.page_file('York')}")
    finally:
        context.close()
    assert errors == []


def test_index_without_javascript_lists_every_authority(profiles_run: run.RunResult) -> None:
    soup = BeautifulSoup(profiles_run.index.read_text(), "html.parser")
    rows = soup.select("#authority-table tbody tr")
    assert len(rows) == 153
    linked = {a.get_text(): a["href"] for a in soup.select("#authority-table tbody a")}
    assert linked == {n: authority.page_file(n) for _, _, n in CASES}
    assert soup.select_one("#finder-box").has_attr("hidden")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert report.script_hash(soup.select_one("section.finder script").string) in csp
