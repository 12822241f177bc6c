"""Unit tests for lahelpers.publish.report: offline pages with no code, a TOC, provenance and local charts.

The executed notebooks here are built in memory (no kernel): chart outputs come from altair itself
(its default HTML renderer and the vega-lite mimetype bundle), so the tests follow what altair emits.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import altair as alt
import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from lahelpers.inputs.catalogue import load_catalogue
from lahelpers.publish import report

CODE_TOKEN = "CODE_TOKEN_never_shown"
PARAM_TOKEN = "PARAM_TOKEN_never_shown"
INJECTED_TOKEN = "INJECTED_TOKEN_never_shown"
EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//", re.I)


def _chart(title: str = "Bars") -> alt.Chart:
    """A small altair chart with tooltips."""
    df = pd.DataFrame({"x": ["a", "b", "c"], "y": [3, 4, 5]})
    return alt.Chart(df, title=title).mark_bar().encode(x="x:N", y="y:Q", tooltip=["x", "y"])


def _html_renderer_output(chart: alt.Chart) -> nbformat.NotebookNode:
    """The output altair's default renderer gives in a kernel (text/html with a CDN loader)."""
    with alt.renderers.enable("default"):
        bundle = chart._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "text/html" in data and "cdn.jsdelivr.net" in data["text/html"]
    return nbformat.v4.new_output("display_data", data={**data, "text/plain": "alt.Chart(...)"})


def _mime_output(chart: alt.Chart) -> nbformat.NotebookNode:
    """A vega-lite mimetype output with altair's CDN text/html fallback alongside."""
    with alt.renderers.enable("default"):
        bundle = chart._repr_mimebundle_()
    fallback = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/html"]
    return nbformat.v4.new_output(
        "display_data",
        data={"application/vnd.vegalite.v6+json": chart.to_dict(), "text/html": fallback},
    )


def _alt_output(text: str) -> nbformat.NotebookNode:
    """The chart-alt paragraph lahelpers.charts.show writes after each chart."""
    return nbformat.v4.new_output(
        "display_data", data={"text/html": f'<p class="chart-alt">Chart description: {text}</p>'}
    )


def executed_notebook(*, failed: bool = False) -> nbformat.NotebookNode:
    """An 'executed' notebook: parameters, two charts, headings, stderr, optionally an error."""
    nb = nbformat.v4.new_notebook()
    code = nbformat.v4.new_code_cell
    md = nbformat.v4.new_markdown_cell
    nb.cells = [
        md("# Overview of ratings\n\nSome intro."),
        code(f"token = '{PARAM_TOKEN}'", metadata={"tags": ["parameters"]}),
        code(
            f"# Parameters\ntoken = '{INJECTED_TOKEN}'",
            metadata={"tags": ["injected-parameters"]},
            outputs=[nbformat.v4.new_output("stream", name="stdout", text=INJECTED_TOKEN)],
        ),
        md("## First section"),
        code(
            f"{CODE_TOKEN} = 1\nshow(chart)",
            execution_count=3,
            outputs=[
                _html_renderer_output(_chart("First")),
                _alt_output("first chart"),
                nbformat.v4.new_output("stream", name="stderr", text="FutureWarning: noisy\n"),
            ],
        ),
        md("## Second section\n\n### A subsection"),
        code(
            "show(chart2)",
            execution_count=4,
            outputs=[_mime_output(_chart("Second")), _alt_output("second chart")],
        ),
    ]
    if failed:
        nb.cells.append(
            code(
                f"{CODE_TOKEN}_failing = 1/0",
                execution_count=5,
                outputs=[
                    nbformat.v4.new_output(
                        "error",
                        ename="ZeroDivisionError",
                        evalue="division by zero",
                        traceback=["ZeroDivisionError: division by zero"],
                    )
                ],
            )
        )
    return nb


@pytest.fixture
def prov() -> report.Provenance:
    """Provenance built from the real data catalogue."""
    return report.Provenance(
        run_id="test-run-1",
        run_date="1 January 2026 06:00 UTC",
        code_version="9.9.9, git abc1234",
        sources=report.provenance_sources(load_catalogue()),
    )


def _export(tmp_path: Path, prov: report.Provenance, **kw) -> tuple[report.PageInfo, str]:
    """Write the test notebook (failed or not) and render it; returns the page info and text."""
    failed = kw.pop("failed", False)
    path = tmp_path / "nb.ipynb"
    nbformat.write(executed_notebook(failed=failed), path)
    error = "ZeroDivisionError: division by zero" if failed else None
    info = report.export_notebook(path, tmp_path / "nb.html", prov, error=error, **kw)
    return info, (tmp_path / "nb.html").read_text(encoding="utf-8")


def test_chart_spec_from_altair_html_renderer_matches_chart_to_dict():
    chart = _chart()
    assert report.chart_spec(_html_renderer_output(chart)) == chart.to_dict()


@pytest.mark.parametrize(
    "mime",
    [
        "application/vnd.vegalite.v5+json",
        "application/vnd.vegalite.v6+json",
        "application/vnd.vegalite.v6.json",
    ],
)
def test_chart_spec_from_mimetypes(mime):
    spec = _chart().to_dict()
    if mime.endswith("+json"):  # nbformat only allows a JSON object under a +json mimetype
        out = nbformat.v4.new_output("display_data", data={mime: spec, "text/plain": "x"})
        assert report.chart_spec(out) == spec
    out_str = nbformat.v4.new_output("display_data", data={mime: json.dumps(spec)})
    assert report.chart_spec(out_str) == spec


def test_non_chart_html_is_not_a_chart():
    out = nbformat.v4.new_output(
        "display_data", data={"text/html": "<table><tr><td>1</td></table>"}
    )
    assert report.chart_spec(out) is None
    assert report.extract_altair_html_spec("<script>vegaEmbed(x)</script>") is None


def test_prepare_notebook_replaces_charts_and_drops_cdn_fallback():
    nb, charts = report.prepare_notebook(executed_notebook())
    assert charts == 2
    html_out = [
        "".join(o.data["text/html"])
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "display_data"
    ]
    assert not any("cdn.jsdelivr" in h for h in html_out)
    assert sum(f'class="{report.CHART_CLASS}"' in h for h in html_out) == 2
    assert sum('class="chart-alt"' in h for h in html_out) == 2
    streams = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream" and o.name == "stderr"
    ]
    assert streams == []


def test_page_has_no_code_no_parameters_no_prompts(tmp_path, prov):
    _, page = _export(tmp_path, prov)
    assert CODE_TOKEN not in page
    assert PARAM_TOKEN not in page
    assert INJECTED_TOKEN not in page
    assert "show(chart" not in page
    assert not re.search(r"In(&nbsp;|\s)\[\d*\]", page)
    assert not re.search(r"Out(&nbsp;|\s)\[\d*\]", page)
    assert "FutureWarning" not in page  # stderr of a successful run is not for readers


def test_page_has_toc_linking_every_section(tmp_path, prov):
    info, page = _export(tmp_path, prov)
    soup = BeautifulSoup(page, "html.parser")
    nav = soup.find("nav", class_="toc")
    assert nav is not None
    links = [a["href"].lstrip("#") for a in nav.find_all("a")]
    texts = [a.get_text(strip=True) for a in nav.find_all("a")]
    assert texts == ["First section", "Second section", "A subsection"]
    for target in links:
        assert soup.find(id=target) is not None, target
    assert info.title == "Overview of ratings"
    assert soup.title.get_text() == "Overview of ratings"


def test_label_is_appended_to_title_when_absent(tmp_path, prov):
    info, _ = _export(tmp_path, prov, label="North East")
    assert info.title == "Overview of ratings: North East"


def test_page_has_provenance_footnote(tmp_path, prov):
    _, page = _export(tmp_path, prov)
    soup = BeautifulSoup(page, "html.parser")
    footer = soup.find("footer", class_="provenance")
    assert footer is not None
    text = footer.get_text(" ")
    assert "test-run-1" in text and "1 January 2026" in text and "git abc1234" in text
    for src in load_catalogue().values():
        assert " ".join(src.vintage.split()) in " ".join(text.split())
        assert src.title.split()[0] in text
    assert len(footer.find_all("li")) == len(load_catalogue())


def test_notebook_metadata_narrows_sources(tmp_path, prov):
    nb = executed_notebook()
    some = sorted(load_catalogue())[:2]
    nb.metadata["lahelpers"] = {"sources": some}
    nbformat.write(nb, tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    footer = BeautifulSoup((tmp_path / "nb.html").read_text(), "html.parser").find("footer")
    assert len(footer.find_all("li")) == 2


def test_charts_are_local_and_specs_round_trip(tmp_path, prov):
    info, page = _export(tmp_path, prov)
    assert not EXTERNAL_SCRIPT.search(page)
    assert "cdn.jsdelivr" not in page
    assert report.external_references(page) == []
    soup = BeautifulSoup(page, "html.parser")
    scripts = [s["src"] for s in soup.find_all("script", src=True)]
    assert scripts == [report.BUNDLE_PATH]
    divs = soup.find_all("div", class_=report.CHART_CLASS)
    assert len(divs) == info.charts == 2
    specs = [json.loads(soup.find(id=d["data-spec"]).string) for d in divs]
    assert specs == [_chart("First").to_dict(), _chart("Second").to_dict()]
    assert len(soup.find_all("p", class_="chart-alt")) == 2
    assert '"actions": false' in page


def test_spec_text_cannot_close_its_script_tag(tmp_path, prov):
    chart = _chart("</script><script>alert(1)</script>")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[_mime_output(chart)])]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    soup = BeautifulSoup((tmp_path / "nb.html").read_text(), "html.parser")
    div = soup.find("div", class_=report.CHART_CLASS)
    assert json.loads(soup.find(id=div["data-spec"]).string) == chart.to_dict()
    assert "alert(1)</script>" not in (tmp_path / "nb.html").read_text()


def test_failed_page_shows_error_and_failing_cell(tmp_path, prov):
    _, page = _export(tmp_path, prov, failed=True)
    soup = BeautifulSoup(page, "html.parser")
    assert "This report failed to run" in soup.find(class_="failed").get_text()
    assert "ZeroDivisionError: division by zero" in page
    assert f"{CODE_TOKEN}_failing = 1/0" in soup.find("pre", class_="failed-code").get_text()
    assert "FutureWarning" in page  # stderr is kept when diagnosing a failure
    assert PARAM_TOKEN not in page


def test_page_without_subheadings_has_no_empty_toc(tmp_path, prov):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Only a title\n\ntext")]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    info = report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    assert "<nav" not in (tmp_path / "nb.html").read_text()
    assert info.charts == 0
    assert "vega-bundle" not in (tmp_path / "nb.html").read_text()


def test_sizes_and_oversize_warning(tmp_path, prov, monkeypatch):
    info, _ = _export(tmp_path, prov)
    assert info.bytes == (tmp_path / "nb.html").stat().st_size
    assert info.bytes <= report.PAGE_LIMIT_BYTES and info.warnings == []
    monkeypatch.setattr(report, "PAGE_LIMIT_BYTES", 1000)
    info, _ = _export(tmp_path, prov)
    assert any("over the 1,000 byte limit" in w for w in info.warnings)


def test_write_assets_writes_the_vega_bundle(tmp_path):
    sizes = report.write_assets(tmp_path)
    bundle = tmp_path / report.BUNDLE_PATH
    assert sizes == {report.BUNDLE_PATH: bundle.stat().st_size}
    text = bundle.read_text(encoding="utf-8")
    assert "window.vegaEmbed" in text
    assert not re.search(r"^\s*(import|export)\s", text, re.M)  # usable as a classic script


def test_atomic_write_replaces_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "page.html"
    report.atomic_write_text(target, "one")
    report.atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


def test_atomic_write_failure_keeps_old_file(tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    report.atomic_write_text(target, "old")

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(report.os, "replace", boom)
    with pytest.raises(OSError):
        report.atomic_write_text(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_index_lists_reports_and_failures():
    manifest = {
        "run_id": "r1",
        "started_at": "s",
        "finished_at": "f",
        "seconds": 1.0,
        "parameters": {"workers": 2},
        "code": {"package_version": "0.1.0", "git_describe": "abc"},
        "data": {"sources": {"a": {}}, "mismatched": []},
        "assets": {report.BUNDLE_PATH: 10},
        "notebooks": [
            {
                "name": "good",
                "status": "ok",
                "html": "good.html",
                "title": "Good",
                "parameters": {},
                "seconds_total": 1.0,
                "html_bytes": 100,
                "executed": "executed/good.ipynb",
            },
            {
                "name": "bad",
                "status": "failed",
                "error": "ValueError: boom",
                "html": "bad.html",
                "parameters": {"region": "London"},
                "seconds_total": 2.0,
                "html_bytes": 100,
            },
        ],
    }
    soup = BeautifulSoup(report.index_html(manifest), "html.parser")
    alert = soup.find(class_="failed").get_text(" ")
    assert "1 of 2 reports failed" in alert and "bad" in alert and "ValueError: boom" in alert
    hrefs = {a["href"] for a in soup.find_all("a")}
    assert {"good.html", "bad.html", "executed/good.ipynb", "manifest.json"} <= hrefs
    assert "region = London" in soup.get_text()


def test_bundle_is_cached_between_runs(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = report.write_assets(tmp_path / "run1", cache_dir=cache)
    assert len(list(cache.iterdir())) == 1

    def no_build():
        raise AssertionError("bundle rebuilt although cached")

    monkeypatch.setattr(report, "vega_bundle", no_build)
    second = report.write_assets(tmp_path / "run2", cache_dir=cache)
    assert first == second
    assert (tmp_path / "run1" / report.BUNDLE_PATH).read_bytes() == (
        tmp_path / "run2" / report.BUNDLE_PATH
    ).read_bytes()


# --------------------------------------------------------------------------------------------
# Tables, sources and CSV downloads, headings, contents, print and the landing index (issue 14)
# --------------------------------------------------------------------------------------------


def _table_output(df: pd.DataFrame, **kw) -> nbformat.NotebookNode:
    """The output ``narrative.table`` gives in a kernel (its HTML and its data)."""
    from lahelpers import narrative

    bundle = narrative.table(df, **kw)._repr_mimebundle_()
    return nbformat.v4.new_output("display_data", data=bundle)


def _ratings_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "name": ["Aville", "Bton", "Cby", "Dham"],
        "rating_label": ["Requires improvement", "Outstanding", "Not yet in our data", "Good"],
        "overall_pct": [55.0, 88.0, None, 71.0],
        "imd2025_score": [30.25, 10.5, 20.0, 15.75],
    })


def _table_notebook(**kw) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Page\n\n## Authorities by score\n\nText."),
        nbformat.v4.new_code_cell("narrative.table(df)", outputs=[_table_output(_ratings_frame(), **kw)]),
        nbformat.v4.new_code_cell("show(chart)", outputs=[_mime_output(_chart("Second"))]),
    ]
    return nb


def test_tables_get_a_box_a_caption_sort_buttons_and_the_sort_script(tmp_path, prov):
    nbformat.write(_table_notebook(), tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    page = (tmp_path / "nb.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    wrap = soup.find("div", class_=report.TABLE_WRAP_CLASS)
    assert wrap["tabindex"] == "0" and wrap["role"] == "region"
    table = wrap.find("table")
    assert table.caption.get_text() == "Authorities by score" == wrap["aria-label"]  # the heading above
    assert "sortable" in table["class"]
    assert [th.find("button", class_="sort") is not None for th in table.thead.find_all("th")] == [True] * 4
    assert [td["data-sort"] for td in table.tbody.find_all("tr")[1].find_all("td")] == [
        "Bton", "4", "88.0", "10.5"]  # a rating's rank, a number in full
    assert table.tbody.find_all("tr")[2].find_all("td")[1]["data-sort"] == ""  # not rated: last
    assert [td.get_text() for td in table.tbody.find_all("tr")[0].find_all("td")] == [
        "Aville", "Requires improvement", "55", "30.2"]
    assert [td.get("class") for td in table.tbody.find_all("tr")[0].find_all("td")][2:] == [["num"], ["num"]]
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    inline = [s.string for s in soup.find_all("script") if not s.get("src") and s.get("type") != "application/json"]
    assert len(inline) == 2 and all(report.script_hash(s) in csp for s in inline)
    assert any("aria-sort" in s for s in inline)


def test_a_table_without_data_sort_keys_is_boxed_and_captioned_but_not_sortable(tmp_path, prov):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |")]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    soup = BeautifulSoup((tmp_path / "nb.html").read_text(), "html.parser")
    table = soup.find("table")
    assert table.parent["class"] == [report.TABLE_WRAP_CLASS] and table.caption.get_text() == "Table 1"
    assert "sortable" not in (table.get("class") or []) and soup.find("button") is None
    assert report.script_hash(report._SORT_JS) not in str(soup)


def test_every_chart_and_table_links_its_sources_and_a_csv_of_its_data(tmp_path, prov, built):
    nbformat.write(_table_notebook(), tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    soup = BeautifulSoup((tmp_path / "nb.html").read_text(), "html.parser")
    lines = soup.find_all("p", class_=report.SOURCE_CLASS)
    assert len(lines) == 2
    table_line, chart_line = lines
    refs = [a["href"] for a in table_line.find_all("a", class_="source-ref")]
    assert refs == ["#source-cqc_assessments", "#source-imd2025_ltla"]
    assert [a.get_text() for a in table_line.find_all("a", class_="source-ref")] == ["CQC ratings", "IMD 2025"]
    for href in refs:
        assert soup.find(id=href[1:]).name == "li"  # the footnote entry
    csv_href = table_line.find("a", class_="csv-link")["href"]
    assert csv_href == "data/nb/1-authorities-by-score.csv"
    text = (tmp_path / csv_href).read_text()
    assert text.splitlines()[0] == "name,rating_label,overall_pct,imd2025_score"
    assert text.splitlines()[2] == "Bton,Outstanding,88.0,10.5" and text.splitlines()[3].startswith("Cby,Not yet in our data,,")
    chart_csv = chart_line.find("a", class_="csv-link")["href"]
    assert chart_csv == "data/nb/2-second.csv"
    assert (tmp_path / chart_csv).read_text().splitlines() == ["x,y", "a,3", "b,4", "c,5"]


def test_explicit_sources_override_the_derived_ones(tmp_path, prov):
    nb = _table_notebook(sources=["ruc2011_lad"])
    out = _mime_output(_chart("Second"))
    out.metadata = {"lahelpers": {"sources": ["census_ethnicity", "not_in_catalogue"]}}
    nb.cells[2].outputs = [out]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    soup = BeautifulSoup((tmp_path / "nb.html").read_text(), "html.parser")
    table_line, chart_line = soup.find_all("p", class_=report.SOURCE_CLASS)
    assert [a["href"] for a in table_line.find_all("a", class_="source-ref")] == ["#source-ruc2011_lad"]
    assert [a["href"] for a in chart_line.find_all("a", class_="source-ref")] == ["#source-census_ethnicity"]
    assert "not_in_catalogue" in chart_line.get_text()  # named, not linked to a missing entry


def test_charts_show_records_explicit_sources_in_the_output_metadata():
    from IPython.core.interactiveshell import InteractiveShell

    from lahelpers import charts

    shell = InteractiveShell.instance()
    published = []
    shell.display_pub.publish = lambda data, metadata=None, **kw: published.append((data, metadata))
    try:
        charts.show(_chart(), sources=["imd2025_ltla"])
        charts.show(_chart())
    finally:
        InteractiveShell.clear_instance()
    assert published[0][1] == {"lahelpers": {"sources": ["imd2025_ltla"]}}
    assert not (published[2][1] or {}).get("lahelpers")


def test_chart_container_is_one_labelled_image_for_the_keyboard(tmp_path, prov):
    chart = _chart("Bars").properties(description="Bars of y by x: c is highest.")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x", outputs=[_mime_output(chart)])]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    div = BeautifulSoup((tmp_path / "nb.html").read_text(), "html.parser").find("div", class_=report.CHART_CLASS)
    assert (div["role"], div["tabindex"], div["aria-label"]) == ("img", "0", "Bars of y by x: c is highest.")


def test_headings_are_put_in_order_and_the_contents_numbered_consecutively(tmp_path, prov):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "# Title\n\n## One\n\n#### Skipped to four\n\n## Two\n\n### Two a\n\n# A second title\n\n## Three")]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    soup = BeautifulSoup((tmp_path / "nb.html").read_text(), "html.parser")
    main = soup.find("main")
    levels = [(h.name, h.get_text().rstrip("¶")) for h in main.find_all(re.compile("^h[1-6]$"))]
    assert levels == [("h1", "Title"), ("h2", "Contents"), ("h2", "One"), ("h3", "Skipped to four"),
                      ("h2", "Two"), ("h3", "Two a"), ("h2", "A second title"), ("h2", "Three")]
    top = soup.find("nav", class_="toc").find("ol").find_all("li", recursive=False)
    assert [li.a.get_text() for li in top] == ["One", "Two", "A second title", "Three"]
    assert [li.a.get_text() for li in top[0].find("ol").find_all("li")] == ["Skipped to four"]


def test_hover_hints_are_marked_so_print_hides_them(tmp_path, prov):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# T\n\nGrey: not rated. Hover over an authority for its scores. More.")]
    nbformat.write(nb, tmp_path / "nb.ipynb")
    report.export_notebook(tmp_path / "nb.ipynb", tmp_path / "nb.html", prov)
    page = (tmp_path / "nb.html").read_text()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find("span", class_="hover-hint").get_text() == "Hover over an authority for its scores."
    assert "Grey: not rated." in soup.find("main").get_text() and "More." in soup.find("main").get_text()
    assert re.search(r"@media print\{[^@]*\.hover-hint", page)


def _landing_manifest() -> dict:
    def entry(name, nb, params=None, status="ok"):
        return {"name": name, "notebook": f"/x/notebooks/{nb}.ipynb", "status": status,
                "title": f"Title of {name}", "html": f"{name}.html", "parameters": params or {},
                "executed": f"executed/{name}.ipynb", "seconds_total": 1.0, "html_bytes": 10}

    return {
        "run_id": "20990101T000000Z", "status": "ok", "started_at": "s", "finished_at": "f",
        "seconds": 1.0, "parameters": {"workers": 2}, "code": {}, "data": {}, "assets": {},
        "changes": {"previous_run": None},
        "notebooks": [
            entry("01_national_overview", "01_national_overview"),
            entry("02_rural_urban", "02_rural_urban"),
            entry("region_profile-london", "region_profile", {"region": "London"}),
        ],
    }


def test_index_is_a_landing_page_with_run_details_for_analysts(tmp_path):
    folder = tmp_path / "run"
    (folder / "executed").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    block = ('<section class="key-points" aria-labelledby="key-points"><h2 id="key-points">Key points</h2>'
             '<ul><li>Most councils are <strong>Good</strong>.</li><li onclick="x()">Few &lt;b&gt;.</li></ul>'
             "<script>alert(1)</script></section>")
    nb.cells = [nbformat.v4.new_code_cell("kp", outputs=[
        nbformat.v4.new_output("display_data", data={"text/html": block})])]
    nbformat.write(nb, folder / "executed" / "01_national_overview.ipynb")
    manifest = _landing_manifest()
    report.write_index(folder, manifest)
    soup = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    assert soup.title.get_text() == report.INDEX_TITLE == soup.h1.get_text()
    assert "20990101T000000Z" not in soup.title.get_text()
    points = soup.select_one("section.key-points")
    assert [li.get_text() for li in points.find_all("li")] == ["Most councils are Good.", "Few <b>."]
    assert points.find("script") is None and "onclick" not in str(points)
    groups = {s.h3.get_text(): [a["href"] for a in s.find_all("a")] for s in soup.select("section.report-group")}
    assert groups == {"National": ["01_national_overview.html"], "Themes": ["02_rural_urban.html"],
                      "Regions": ["region_profile-london.html"]}
    assert report.REPORT_ANSWERS["02_rural_urban"] in soup.select("section.report-group")[1].get_text()
    analysts = soup.select_one("section.analysts")
    notebooks = [a["href"] for a in soup.find_all("a", href=re.compile(r"\.ipynb$"))]
    assert len(notebooks) == 3 and all(a.find_parent("section", class_="analysts")
                                       for a in soup.find_all("a", href=re.compile(r"\.ipynb$")))
    assert analysts.find("a", href="manifest.json") and analysts.select_one("section.whats-new h3")
    levels = [int(h.name[1]) for h in soup.find_all(re.compile("^h[1-6]$"))]
    assert levels[0] == 1 and all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False))


def test_index_without_national_key_points_says_nothing_of_them(tmp_path):
    folder = tmp_path / "run"
    folder.mkdir()
    report.write_index(folder, _landing_manifest())  # no executed notebook at all
    soup = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    assert soup.select_one("section.key-points") is None and "Key points" not in soup.get_text()
