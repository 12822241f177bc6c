"""Text from data is shown, never run: escaping and the page policy, each tested on its own.

Synthetic authorities whose names carry script and markup payloads go through the helpers that
write HTML and Markdown (tables, narrative, profile, residuals, chart descriptions) and through the
page and index writers; the rendered HTML must hold the payloads as text and no element they made.
Every page must carry the Content-Security-Policy, and its hash must match the inline loader.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import altair as alt
import fixtures_analysis as fx
import nbformat
import numpy as np
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from lahelpers import charts, narrative, profile, residuals
from lahelpers.htmlsafe import html_text, https_url, md_text
from lahelpers.publish import report

#: Payloads that would create an element, run script or make a link if passed on as markup.
PAYLOADS = [
    '<img src=x onerror="document.title=\'XSS\'" class="payload">',
    "<script class=payload>window.__pwned = 1</script>",
    '<b class="payload">bold</b>',
    "[link](javascript:window.__pwned=1)",
    "<svg onload=window.__pwned=1 class=payload>",
    "**strong** `code` _em_",
    "</script><!--<script>",
]


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def _no_payload_elements(soup: BeautifulSoup) -> None:
    """No element a payload would make: payload class, img, svg, scripts with code, js links, bold/em."""
    assert soup.select(".payload") == []
    assert soup.find_all(["img", "svg", "iframe", "object", "embed"]) == []
    schemes = [re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", a.get("href") or "") for a in soup.find_all("a")]
    assert [m.group(0) for m in schemes if m and m.group(1).lower() != "https"] == []  # links: https or relative
    for s in soup.find_all("script"):
        assert (s.get("type") == "application/json" or s.get("src") == report.BUNDLE_PATH
                or s.string in (report._LOADER_JS, report._SORT_JS))
    assert not any(k.lower().startswith("on") for t in soup.find_all(True) for k in t.attrs)


@pytest.fixture
def df() -> pd.DataFrame:
    """Synthetic authorities, every name a payload (the region names stay canonical)."""
    d = fx.authorities()
    d["name"] = [f"{PAYLOADS[i % len(PAYLOADS)]} {i}" for i in range(len(d))]
    return d


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_text_renders_as_the_same_text(payload: str) -> None:
    html = markdown2html_mistune(f"- **Region**: {md_text(payload)} and more")
    soup = _soup(html)
    _no_payload_elements(soup)
    assert soup.find_all(["code", "em"]) == [] and [s.get_text() for s in soup.find_all("strong")] == ["Region"]
    assert payload in soup.get_text()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_text_is_text(payload: str) -> None:
    soup = _soup(f"<p title='{html_text(payload)}'>{html_text(payload)}</p>")
    _no_payload_elements(soup)
    assert soup.p.get_text() == payload and soup.p["title"] == payload


@pytest.mark.parametrize(
    ("url", "kept"),
    [("https://www.cqc.org.uk/a?b=1", True), ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False),
     ("data:text/html,<script>", False), ("http://example.org", False), ("//example.org", False),
     ("https:/x", False), ("https://a.b/\"onmouseover=x", False), (" javascript:x", False), (None, False)],
)
def test_https_url_keeps_only_https(url: str | None, kept: bool) -> None:
    assert (https_url(url) is not None) is kept


def test_narrative_table_escapes_cells_and_headers(df: pd.DataFrame) -> None:
    table = df[["name", "region", "overall_pct"]].rename(columns={"region": PAYLOADS[0]})
    soup = _soup(narrative.table(table).data)
    _no_payload_elements(soup)
    cells = [td.get_text() for td in soup.find_all("td")]
    assert df["name"].iloc[0] in cells and PAYLOADS[0] in [th.get_text() for th in soup.find_all("th")]


def test_markdown_helpers_escape_names(df: pd.DataFrame) -> None:
    texts = [narrative.missing_list(df).data, narrative.missing_list(df, by_region=False).data,
             profile.title(PAYLOADS[0]).data, profile.heading(PAYLOADS[1], PAYLOADS[2]).data]
    for text in texts:
        _no_payload_elements(_soup(markdown2html_mistune(text)))
    shown = _soup(markdown2html_mistune(texts[1])).get_text()
    assert all(n in shown for n in df.loc[df["cqc_status"] != "rated", "name"])


def test_residual_text_escapes_names(df: pd.DataFrame) -> None:
    # A score the context predicts closely, and one authority far above it: that one is named.
    d = df.copy()
    rng = np.random.default_rng(1)
    d["overall_pct"] = 40 + 0.8 * d["imd2025_score"] + rng.normal(0, 1, len(d))
    first = d["imd2025_score"].first_valid_index()
    d.loc[first, "overall_pct"] += 30
    fit = residuals.expected_scores(d, "overall_pct", ["imd2025_score", "pct_65plus"])
    html = markdown2html_mistune(residuals.fit_text(fit).data)
    _no_payload_elements(_soup(html))
    assert d.loc[first, "name"] in _soup(html).get_text()
    _no_payload_elements(_soup(narrative.table(residuals.residual_table(fit)).data))


def test_profile_tables_escape_names(df: pd.DataFrame, built) -> None:
    for table in (profile.authority_table(df, "North East"), profile.peer_table(df, "North East")):
        _no_payload_elements(_soup(narrative.table(table).data))


def test_chart_description_is_escaped() -> None:
    chart = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").properties(description=PAYLOADS[0])
    soup = _soup(charts.alt_text_html(chart))
    _no_payload_elements(soup)
    assert PAYLOADS[0] in soup.get_text()


def test_chart_spec_json_cannot_end_its_script_block() -> None:
    spec = {"data": {"values": [{"name": p} for p in PAYLOADS]}}
    html = report.chart_html(spec, "chart-1")
    assert "<" not in html.split('id="chart-1-spec">', 1)[1].rsplit("</script>", 1)[0]
    blocks = _soup(html).find_all("script")
    assert len(blocks) == 1 and report.json.loads(blocks[0].string) == spec


# ---------------------------------------------------------------------------- pages and the policy


def _prov(link: str) -> report.Provenance:
    return report.Provenance("run-1", "today", "v", sources=(
        {"id": "a", "title": PAYLOADS[0], "publisher": PAYLOADS[1], "vintage": PAYLOADS[2],
         "licence": "OGL", "link": link},))


def _page(tmp_path: Path, df: pd.DataFrame, link: str = "javascript:window.__pwned=1") -> str:
    """A page from an executed notebook whose outputs come from the helpers, with payload names."""
    nb = nbformat.v4.new_notebook()
    md = {"text/markdown": narrative.missing_list(df).data, "text/plain": "md"}
    chart = alt.Chart(df).mark_point().encode(x="overall_pct:Q", tooltip=["name"]).properties(
        description=PAYLOADS[1])
    outs = [nbformat.v4.new_output("display_data", data=md),
            nbformat.v4.new_output("display_data", data={"text/html": narrative.table(df[["name"]]).data}),
            nbformat.v4.new_output("display_data", data=charts.mimebundle(chart)),
            nbformat.v4.new_output("display_data", data={"text/html": charts.alt_text_html(chart)})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), nbformat.v4.new_code_cell("x", outputs=outs)]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    report.export_notebook(path, tmp_path / "nb.html", _prov(link), label=PAYLOADS[0])
    return (tmp_path / "nb.html").read_text(encoding="utf-8")


def _csp(page: str) -> str:
    meta = _soup(page).find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None, "page has no Content-Security-Policy"
    return meta["content"]


def test_page_escapes_everything_and_links_only_https(tmp_path: Path, df: pd.DataFrame) -> None:
    page = _page(tmp_path, df)
    soup = _soup(page)
    _no_payload_elements(soup)
    assert PAYLOADS[0] in soup.title.get_text()  # the label, as text
    assert soup.select("footer a") == []  # the javascript: link is dropped, its title kept as text
    assert PAYLOADS[0] in soup.find("footer").get_text()
    good = _soup(_page(tmp_path, df, link="https://www.ons.gov.uk/x"))
    assert [a["href"] for a in good.select("footer a")] == ["https://www.ons.gov.uk/x"]


def test_page_policy_allows_only_its_own_scripts(tmp_path: Path, df: pd.DataFrame) -> None:
    page = _page(tmp_path, df)
    policy = dict(d.strip().split(" ", 1) for d in _csp(page).split(";"))
    inline = [s.string for s in _soup(page).find_all("script") if not s.get("src") and s.get("type") != "application/json"]
    assert inline == [report._LOADER_JS, report._SORT_JS]  # the chart loader and the table sorter
    digests = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline]
    assert policy["script-src"] == "'self' " + " ".join(f"'sha256-{d}'" for d in digests)
    assert policy["default-src"] == policy["connect-src"] == policy["object-src"] == "'none'"
    assert policy["font-src"] == policy["frame-src"] == policy["base-uri"] == "'none'"
    assert policy["img-src"] == "'self' data:"
    assert "unsafe-eval" not in page and "'unsafe-inline'" not in policy["script-src"]
    assert "frame-ancestors" not in policy  # ignored in a <meta> policy (see content_security_policy)


def test_page_without_charts_and_index_allow_no_script(tmp_path: Path) -> None:
    _, page = report.page_html("<h1>x</h1>", title="t", prov=_prov("https://a.b"), charts=0)
    assert "script-src 'none'" in _csp(page)
    manifest = {"run_id": PAYLOADS[0], "notebooks": [
        {"name": PAYLOADS[1], "status": "failed", "error": PAYLOADS[0], "html": "x.html", "title": PAYLOADS[2],
         "parameters": {"region": PAYLOADS[0]}}], "data": {"sources": {}, "mismatched": [PAYLOADS[4]]}}
    index = report.index_html(manifest)
    assert "script-src 'none'" in _csp(index)
    _no_payload_elements(_soup(index))


def test_stub_page_of_a_run_that_never_started_escapes_its_title(tmp_path: Path) -> None:
    path = tmp_path / "stub.ipynb"
    report.stub_notebook(path, PAYLOADS[0], PAYLOADS[1])
    report.export_notebook(path, tmp_path / "stub.html", _prov("https://a.b"), label=PAYLOADS[2],
                           error=PAYLOADS[1])
    soup = _soup((tmp_path / "stub.html").read_text(encoding="utf-8"))
    _no_payload_elements(soup)
    assert PAYLOADS[0] in soup.find("h1").get_text()
