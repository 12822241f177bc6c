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
