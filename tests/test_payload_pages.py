"""End to end: inputs whose every text field carries script and markup payloads, the real pipeline
built on them, every page opened in headless Chromium; no payload runs and none makes an element.

The inputs are a copy of the real raw folder (in a scratch project root, with a copy of the data
catalogue) in which every text field of the CQC files -- the reference list's names, types and
notes; the assessments' names, statuses, rating sources, score bases, report addresses, sources,
details and notes; the pilots' names, addresses and notes -- and every text field of the catalogue
(titles, publishers, licences, vintages, addresses) carries a payload. The region profile is also
run with a payload as its region parameter, and the authority profile for one authority (its name a
payload) and with a payload as its authority parameter.

Defence in depth, each layer tested on its own: the input checks would refuse the names and the
reference list (``tests/test_textcheck.py``), so here they are switched off for the build to get
the payloads through to the pages; what is tested is that escaping alone keeps every payload text
(and that no Content-Security-Policy violation is even attempted, i.e. the policy was not needed).
The policy itself is tested on its own in ``tests/test_escaping.py`` and ``test_csp_blocks_*`` here.
Region names are not carried in the data: the build's schema allows only the nine regions.
Text in the other sources (numbers keyed by codes, names used only to match) never reaches a page.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup
from test_browser import CHROMIUM, LAUNCH_ARGS, browser, check_page  # noqa: F401 -- fixture

from lahelpers import build, framework, paths
from lahelpers.inputs import catalogue, codes, textcheck
from lahelpers.publish import report, run

pytestmark = [
    pytest.mark.pipeline, pytest.mark.notebooks, pytest.mark.browser,
    pytest.mark.filterwarnings("ignore::lahelpers.inputs.textcheck.MarkupWarning"),
]

ROOT = Path(__file__).resolve().parents[1]

#: Each payload, if it ran, would set ``window.__pwned`` or change the title; each element it would
#: make has class ``payload``.
PAYLOADS = [
    "<img class=payload src=x onerror=\"window.__pwned='img';document.title='XSS'\">",
    "<script class=payload>window.__pwned='script';document.title='XSS'</script>",
    "<svg class=payload onload=\"window.__pwned='svg'\"></svg>",
    "\"><b class=payload onmouseover=\"window.__pwned='attr'\">b</b>",
    "</script><script>window.__pwned='json';document.title='XSS'</script><!--",
    "[x](javascript:window.__pwned='md') **bold** <iframe class=payload srcdoc=x></iframe>",
    "&lt;img class=payload src=x onerror=window.__pwned=1&gt;",
]
MARKER = "window.__pwned"

#: Per CQC file (the datasets kept in the repository under data/cqc): the text columns given
#: payloads (codes, scores, dates and regions keep their values).
TEXT_COLUMNS = {
    "cqc/la_reference_153.csv": ["la_name", "la_type", "code_note"],
    "cqc/assessments.csv": ["la_name", "status", "rating_source", "score_basis", "report_url",
                            "source", "evidence_url", "notes"],
    "cqc/la_pilot_assessments.csv": ["la_name", "report_url", "source_url", "notes"],
}
CATALOGUE_TEXT = ["title", "publisher", "licence", "vintage", "url", "publisher_url"]


def _payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def _poison_csv(path: Path, columns: list[str]) -> None:
    """Append a payload to every value of ``columns`` (kept first, so classifications still hold)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for k, col in enumerate(columns):
        df[col] = [f"{v} {_payload(i + k)}".strip() for i, v in enumerate(df[col])]
    df.to_csv(path, index=False)


def _poison_catalogue(src: Path, dest: Path) -> None:
    """A copy of the data catalogue with a payload in every text field of every source."""
    entries = yaml.safe_load(src.read_text(encoding="utf-8"))
    for i, entry in enumerate(entries["sources"]):
        for j, key in enumerate(CATALOGUE_TEXT):
            if key in entry:
                entry[key] = (f"javascript:window.__pwned='link{i}'" if key.endswith("url")
                              else f"{entry[key]} {_payload(i + j)}")
    dest.write_text(yaml.safe_dump(entries, sort_keys=False), encoding="utf-8")


def _clear_caches() -> None:
    codes.reference.cache_clear()
    codes.lad_to_utla.cache_clear()
    framework._variables_labels.cache_clear()


@pytest.fixture(scope="module")
def payload_run(raw_inputs: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the poisoned inputs (input checks off) and run notebooks on them; the run folder."""
    root = tmp_path_factory.mktemp("payload-root")
    (root / "data").mkdir()
    shutil.copytree(raw_inputs, root / "data" / "raw")
    shutil.copytree(paths.repo_data_dir() / "cqc", root / "data" / "cqc")
    for rel, cols in TEXT_COLUMNS.items():
        _poison_csv(root / "data" / rel, cols)
    _poison_catalogue(paths.catalogue_file(), root / "data" / "catalogue.yaml")
    exceptions = paths.project_root() / "data" / "rating_exceptions.yaml"
    if exceptions.is_file():
        shutil.copy(exceptions, root / "data" / exceptions.name)
    with pytest.MonkeyPatch.context() as mp:
        for var in ("LAHELPERS_RAW", "LAHELPERS_PROCESSED", "LAHELPERS_REPORTS", "LAHELPERS_DATA"):
            mp.delenv(var, raising=False)
        mp.setenv("LAHELPERS_ROOT", str(root))
        # The input checks would (rightly) refuse these names: switch them off to test escaping alone.
        mp.setattr(textcheck, "check_names", lambda *a, **k: None)
        mp.setattr(textcheck, "check_reference", lambda *a, **k: None)
        _clear_caches()
        try:
            build.build(force=True, verify=False)
            names = pd.read_parquet(root / "data" / "processed" / "authorities.parquet")["name"]
            assert names.str.contains(MARKER, regex=False).all()
            result = run.run_reports(
                regions=["North East"],
                notebooks=["01_national_overview.ipynb", "region_profile.ipynb"],
                notebooks_dir=ROOT / "notebooks",
                reports_root=root / "reports",
                workers=2,
                progress=False,
            )
            assert result.exit_code == 0, [r.error for r in result.failed]
            prov = report.Provenance("payload", "today", "test",
                                     sources=report.provenance_sources(catalogue.load_catalogue()))
            extra = [
                run.execute_job(run.Job("03_inequality", ROOT / "notebooks" / "03_inequality.ipynb",
                                        {"n_boot": 50}), result.folder, prov),
                run.execute_job(run.Job("region_profile-payload", ROOT / "notebooks" / "region_profile.ipynb",
                                        {"region": PAYLOADS[0]}, PAYLOADS[1]), result.folder, prov),
                # an authority profile (its name is a payload; the code keeps its value) and one
                # whose parameter is a payload
                run.execute_job(run.Job("authority_profile-e06000001",
                                        ROOT / "notebooks" / "authority_profile.ipynb",
                                        {"authority": "E06000001"}, "E06000001"), result.folder, prov),
                run.execute_job(run.Job("authority_profile-payload",
                                        ROOT / "notebooks" / "authority_profile.ipynb",
                                        {"authority": PAYLOADS[2]}, PAYLOADS[3]), result.folder, prov),
            ]
        finally:
            _clear_caches()
    assert extra[0].status == "ok", extra[0].error
    assert extra[1].status == "failed" and "Unknown region" in extra[1].error
    assert extra[2].status == "ok", extra[2].error
    assert extra[3].status == "failed" and "Unknown authority" in extra[3].error
    manifest = json.loads(result.manifest.read_text())
    manifest["notebooks"] += [asdict(r) for r in extra]
    report.write_index(result.folder, manifest)
    return result.folder


_PROBE = f"""() => ({{
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    title: document.title,
    made: [...document.querySelectorAll('.payload, img, iframe, object, embed, a[href^="javascript"]')]
          .map(e => e.outerHTML.slice(0, 120)),
    violations: window.__csp || [],
    shown: document.body.innerText.includes("{MARKER}"),
}})"""


def _probe(browser, page_path: Path) -> dict:  # noqa: F811 -- `browser` is the fixture's value
    """Open a page offline, hover and click every link-less spot, and report what payloads did."""
    context = browser.new_context(offline=True)
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page = context.new_page()
    page.goto(page_path.as_uri(), wait_until="load")
    if page.locator(f"div.{report.CHART_CLASS}").count():
        page.wait_for_function(
            f"() => [...document.querySelectorAll('div.{report.CHART_CLASS}')]"
            ".every(d => d.querySelector('svg, .chart-error'))", timeout=30_000)
    tooltips = 0
    for cell in page.locator("td, li, p").all()[:400]:
        cell.dispatch_event("mouseover")
    for mark in page.locator(f"div.{report.CHART_CLASS} svg g.mark-symbol path, "
                             f"div.{report.CHART_CLASS} svg g.mark-rect path").all()[:25]:
        box = mark.bounding_box()  # tooltips show names: vega-tooltip must show them as text
        if box and box["width"] >= 1 and box["height"] >= 1:  # a zero-width bar cannot be hovered
            mark.scroll_into_view_if_needed()
            box = mark.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
            page.wait_for_timeout(50)
            tooltips += page.locator("#vg-tooltip-element.visible").count()
    page.wait_for_timeout(300)
    out = page.evaluate(_PROBE)
    out["tooltips"] = tooltips
    context.close()
    return out


def test_every_payload_page_is_inert(browser, payload_run: Path) -> None:  # noqa: F811
    pages = sorted(payload_run.glob("*.html"))
    assert {p.name for p in pages} >= {"index.html", "01_national_overview.html", "03_inequality.html",
                                       "region_profile-north-east.html", "region_profile-payload.html",
                                       "authority_profile-e06000001.html", "authority_profile-payload.html"}
    problems, tooltips = [], 0
    for p in pages:
        got = _probe(browser, p)
        written = BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser").title.get_text()
        if got["pwned"] is not None or got["title"] != written or got["made"] or got["violations"]:
            problems.append(f"{p.name}: {got}")
        if not got["shown"]:
            problems.append(f"{p.name}: no payload text shown (the test would prove nothing)")
        tooltips += got["tooltips"]
    assert problems == [], "\n".join(problems)
    assert tooltips > 0, "no chart tooltip appeared: the hover check proved nothing"


def test_every_payload_page_still_draws_offline(browser, payload_run: Path) -> None:  # noqa: F811
    problems = []
    for p in sorted(payload_run.glob("*.html")):
        check = check_page(browser, payload_run, p)
        problems += [f"{check.page}: {x}" for x in check.problems]
    assert problems == [], "\n".join(problems)


def test_csp_blocks_an_injected_script_on_a_real_page(browser, payload_run: Path, tmp_path: Path) -> None:  # noqa: F811
    """The policy on its own: put markup in a real page by hand; the browser refuses to run it."""
    src = payload_run / "region_profile-north-east.html"
    page = src.read_text(encoding="utf-8").replace(
        "</main>", "<script>window.__pwned='inline'</script>"
        "<img src=x onerror=\"window.__pwned='handler'\"></main>")
    target = payload_run / "injected-by-hand.html"
    target.write_text(page, encoding="utf-8")
    try:
        got = _probe(browser, target)
    finally:
        target.unlink()
    assert got["pwned"] is None
    assert any(v.startswith("script-src") for v in got["violations"]), got["violations"]
