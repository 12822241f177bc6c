"""Offline HTML reports for policy readers: one page per executed notebook, an index, a manifest.

Pages are built with nbconvert's ``basic`` template (no code, no prompts, no parameter cells)
wrapped in a small self-contained page with a table of contents and a provenance footnote.
Charts must draw with no network: nbconvert and altair load vega from a CDN, so every vega-lite
output (the ``application/vnd.vegalite.v*`` mimetype, or altair's ``text/html`` renderer) is
replaced by a ``div`` plus its spec as JSON, drawn by one local copy of the vega-embed bundle from
``vl_convert.javascript_bundle()`` written once per run folder as ``assets/vega-bundle.js``.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import hashlib
import html
import json
import os
import re
import string
import tempfile
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter
from traitlets.config import Config

from lahelpers.htmlsafe import https_url, md_text

#: Largest acceptable page, in bytes (shared assets counted once, separately).
PAGE_LIMIT_BYTES = 1_500_000
#: Folder (inside a run folder) for files shared by every page.
ASSETS_DIR = "assets"
#: The vega + vega-lite + vega-embed bundle, relative to the run folder.
BUNDLE_PATH = f"{ASSETS_DIR}/vega-bundle.js"
#: Cells with these tags never reach a page (papermill tags the parameter cells).
REMOVE_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell", "remove_cell"})
#: Class of the paragraph describing a chart in words (written by ``lahelpers.charts.show``).
CHART_ALT_CLASS = "chart-alt"
#: Class of the div each chart is drawn into.
CHART_CLASS = "vega-chart"

_VEGALITE_MIME = re.compile(r"^application/vnd\.vegalite\.v\d+(?:\.\d+)*[.+]json$")
_EXTERNAL_REF = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I
)

#: Folder of the page's HTML, CSS and JavaScript templates (package data).
TEMPLATES = resources.files("lahelpers.publish") / "templates"


def _template_text(name: str) -> str:
    """A template file's text (``templates/<name>``)."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


#: ``ast``: vega-embed parses expressions to an AST and runs them with vega's interpreter, so the
#: charts need no ``eval``/``new Function`` and the page policy can refuse ``'unsafe-eval'``.
_EMBED_OPTIONS = {"actions": False, "mode": "vega-lite", "renderer": "svg", "ast": True}

_LOADER_JS = string.Template(_template_text("charts.js")).substitute(cls=CHART_CLASS, bundle=BUNDLE_PATH, options=json.dumps(_EMBED_OPTIONS))


def script_hash(source: str) -> str:
    """The CSP source expression allowing one inline script: ``'sha256-<base64 digest>'``."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(inline_scripts: Sequence[str] = ()) -> str:
    """The Content-Security-Policy every page carries (in a ``<meta http-equiv>`` tag).

    Scripts: the shared chart library (``'self'``, i.e. files beside the page) and the given inline
    scripts by hash; no ``'unsafe-inline'`` or ``'unsafe-eval'`` scripts. No network at all
    (``connect-src``, ``font-src``, ``media-src`` ``'none'``; images only from the page's own folder
    or ``data:``), no plugins (``object-src 'none'``), no frames inside the page (``frame-src``),
    no ``<base>`` or form targets. Styles: ``'self' 'unsafe-inline'``, because the page's CSS is an
    inline ``<style>`` and Vega, vega-embed and its tooltip set inline ``style`` attributes and
    inject ``<style>`` elements; CSS cannot run script, and with no network it cannot send anything.
    ``frame-ancestors`` (who may frame the page) is ignored by browsers in a ``<meta>`` policy, so it
    is not listed: a page opened from a file cannot be framed by a web site, and a server publishing
    these pages should send ``Content-Security-Policy: frame-ancestors 'none'`` as a header.
    """
    scripts = " ".join(["'self'", *(script_hash(s) for s in inline_scripts)]) if inline_scripts else "'none'"
    return "; ".join([
        "default-src 'none'",
        f"script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'none'",
        "connect-src 'none'",
        "media-src 'none'",
        "object-src 'none'",
        "frame-src 'none'",
        "worker-src 'none'",
        "manifest-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ])


#: The policy of a report page with charts (the loader script by hash) and of one without scripts.
PAGE_CSP = content_security_policy([_LOADER_JS])
NO_SCRIPT_CSP = content_security_policy()

_CSS = _template_text("report.css")
_PAGE = string.Template(_template_text("page.html"))
_INDEX = string.Template(_template_text("index.html"))


@dataclass(frozen=True)
class Provenance:
    """What a page's footnote says about where it came from (picklable, for worker processes)."""

    run_id: str
    run_date: str
    code_version: str
    sources: tuple[dict[str, Any], ...] = ()


@dataclass
class PageInfo:
    """One written HTML page: where, how big, how many charts, anything worth a warning."""

    path: Path
    title: str
    bytes: int
    charts: int
    warnings: list[str] = field(default_factory=list)


def provenance_sources(catalogue: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """The footnote's view of the data catalogue: title, publisher, vintage, licence, link.

    Takes ``lahelpers.inputs.catalogue.load_catalogue()`` output; plain dicts so workers can pickle them.
    """
    out = []
    for sid, src in catalogue.items():
        out.append(
            {
                "id": sid,
                "title": src.title,
                "publisher": src.publisher,
                "vintage": src.vintage,
                "licence": src.licence,
                "link": src.publisher_url or src.url,
            }
        )
    return tuple(out)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so readers see the old one or the whole new one, never a half-written one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


@functools.lru_cache(maxsize=1)
def vega_bundle() -> str:
    """The vega-embed + vega-lite + vega JavaScript bundle (no network, from vl-convert)."""
    import vl_convert

    return vl_convert.javascript_bundle()


def _bundle_cache_name() -> str:
    """Cache file name keyed by the vl-convert version (the bundle depends on nothing else)."""
    import vl_convert

    version = getattr(vl_convert, "__version__", "unknown")
    return f"vega-bundle-vl-convert-{re.sub(r'[^A-Za-z0-9.]+', '_', version)}.js"


def write_assets(folder: Path, cache_dir: Path | None = None) -> dict[str, int]:
    """Write the shared chart library into ``folder/assets``; return ``{relative path: bytes}``.

    Building the bundle takes vl-convert about a second, so with ``cache_dir`` it is built once
    per vl-convert version and copied from there afterwards.
    """
    target = folder / BUNDLE_PATH
    cached = cache_dir / _bundle_cache_name() if cache_dir is not None else None
    if cached is not None and cached.is_file():
        atomic_write_bytes(target, cached.read_bytes())
    else:
        atomic_write_text(target, vega_bundle())
        if cached is not None:
            with contextlib.suppress(OSError):  # a cache we cannot write only costs time
                atomic_write_bytes(cached, target.read_bytes())
    return {BUNDLE_PATH: target.stat().st_size}


def extract_altair_html_spec(text: str) -> dict[str, Any] | None:
    """Pull the vega-lite spec out of altair's ``text/html`` renderer output (its CDN loader).

    Altair ends that script with ``})(SPEC, EMBED_OPTIONS);``: decode the JSON after the last
    ``})(``. Returns None when the text is not an altair chart.
    """
    if "vegaEmbed" not in text:
        return None
    start = text.rfind("})(")
    if start == -1:
        return None
    try:
        spec, _ = json.JSONDecoder().raw_decode(text, start + 3)
    except json.JSONDecodeError:
        return None
    return spec if isinstance(spec, dict) else None


def chart_spec(output: Mapping[str, Any]) -> dict[str, Any] | None:
    """The vega-lite spec shown by a notebook output, from its mimetype or altair's HTML; else None."""
    data = output.get("data") or {}
    for mime, value in data.items():
        if _VEGALITE_MIME.match(mime):
            return json.loads(value) if isinstance(value, str) else dict(value)
    html_text = data.get("text/html")
    if html_text is not None:
        if not isinstance(html_text, str):
            html_text = "".join(html_text)
        return extract_altair_html_spec(html_text)
    return None


def script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` block: ``<``, ``>`` and ``&`` written as ``\\u003c`` etc.

    So text from data (a name holding ``</script>`` or ``<!--``) can never end or change the block.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def chart_html(spec: Mapping[str, Any], chart_id: str) -> str:
    """A chart as an empty div plus its spec in a JSON script block (see :func:`script_json`)."""
    payload = script_json(spec)
    return (
        f'<div class="{CHART_CLASS}" id="{chart_id}" data-spec="{chart_id}-spec"></div>\n'
        f'<script type="application/json" id="{chart_id}-spec">{payload}</script>'
    )


def _error_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first code cell with an error output (where the run stopped)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.output_type == "error" for o in cell.outputs):
            return i
    return None


def prepare_notebook(nb: nbformat.NotebookNode, *, failed: bool = False) -> tuple[Any, int]:
    """Copy of ``nb`` ready for the page; returns it and the number of charts.

    Charts become offline div + spec (the CDN ``text/html`` fallback dropped); stderr streams
    (warnings) are dropped from successful runs but kept in failed ones; in a failed run the code
    of the failing cell is shown above its traceback so the error can be traced.
    """
    nb = copy.deepcopy(nb)
    charts = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            if out.output_type in ("display_data", "execute_result"):
                spec = chart_spec(out)
                if spec is not None:
                    charts += 1
                    out = nbformat.v4.new_output(
                        "display_data", data={"text/html": chart_html(spec, f"chart-{charts}")}
                    )
            elif out.output_type == "stream" and out.name == "stderr" and not failed:
                continue
            outputs.append(out)
        cell.outputs = outputs
    if failed:
        idx = _error_cell_index(nb)
        if idx is not None:
            code = html.escape(nb.cells[idx].source)
            shown = nbformat.v4.new_markdown_cell(
                f'<p><strong>The cell that failed:</strong></p><pre class="failed-code">{code}</pre>'
            )
            nb.cells.insert(idx, shown)
    return nb, charts


_local = threading.local()


def _exporter() -> HTMLExporter:
    """nbconvert exporter (one per thread): basic template, no code or prompts, tags removed."""
    if getattr(_local, "exporter", None) is None:
        _local.exporter = _new_exporter()
    return _local.exporter


def _new_exporter() -> HTMLExporter:
    """Build the exporter (loading templates takes ~0.2 s, hence the per-thread cache)."""
    c = Config()
    c.TagRemovePreprocessor.enabled = True
    c.TagRemovePreprocessor.remove_cell_tags = set(REMOVE_CELL_TAGS)
    c.HTMLExporter.exclude_input = True
    c.HTMLExporter.exclude_input_prompt = True
    c.HTMLExporter.exclude_output_prompt = True
    return HTMLExporter(config=c, template_name="basic")


def _slug(text: str, taken: set[str]) -> str:
    """A unique id for a heading without one."""
    base = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-") or "section"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _heading_text(tag: Any) -> str:
    """A heading's text without nbconvert's pilcrow anchor link."""
    parts = [
        s
        for s in tag.strings
        if not (s.parent.name == "a" and "anchor-link" in s.parent.get("class", []))
    ]
    return " ".join("".join(parts).split())


def add_toc(soup: BeautifulSoup, title: str) -> str:
    """Insert a table of contents (h2/h3 of the body) after the first h1; return the page title.

    When the body has no h1 one is added from ``title``; with no h2/h3 there is no contents list.
    """
    h1 = soup.find("h1")
    if h1 is None:
        h1 = soup.new_tag("h1")
        h1.string = title
        soup.insert(0, h1)
    page_title = _heading_text(h1) or title
    taken = {t["id"] for t in soup.find_all(id=True)}
    nav = soup.new_tag("nav", attrs={"class": "toc", "aria-label": "Contents"})
    head = soup.new_tag("h2")
    head.string = "Contents"
    nav.append(head)
    ol = soup.new_tag("ol")
    for tag in soup.find_all(["h2", "h3"]):
        if not tag.get("id"):
            tag["id"] = _slug(_heading_text(tag), taken)
        li = soup.new_tag("li", attrs={"class": f"toc-{tag.name}"})
        a = soup.new_tag("a", href=f"#{tag['id']}")
        a.string = _heading_text(tag)
        li.append(a)
        ol.append(li)
    nav.append(ol)
    if ol.contents:
        h1.insert_after(nav)
    return page_title


def provenance_html(prov: Provenance, sources: Sequence[str] | None = None) -> str:
    """The footnote: run date and id, code version, and each data source's vintage and licence.

    ``sources`` (ids) narrows the list to what the notebook used (its metadata
    ``lahelpers.sources``); otherwise every catalogue source is listed.
    """
    rows = [s for s in prov.sources if sources is None or s["id"] in set(sources)]
    items = []
    for s in rows:
        name = html.escape(s["title"])
        link = https_url(s.get("link"))  # links from data: https only
        if link:
            name = f'<a href="{html.escape(link, quote=True)}">{name}</a>'
        items.append(
            f"<li>{name}. {html.escape(s['publisher'])}. Vintage: {html.escape(str(s['vintage']))}."
            f" Licence: {html.escape(s['licence'])}.</li>"
        )
    listing = f"<ol>{''.join(items)}</ol>" if items else "<p>No data sources recorded.</p>"
    return (
        '<footer class="provenance"><h2 id="provenance">About this report</h2>'
        f"<p>Produced on {html.escape(prov.run_date)} (run {html.escape(prov.run_id)}) by "
        f"lahelpers {html.escape(prov.code_version)}. Figures are associations, not causes.</p>"
        f"<h3>Data sources</h3>{listing}</footer>"
    )


def page_html(
    body: str,
    *,
    title: str,
    prov: Provenance,
    charts: int,
    label: str | None = None,
    error: str | None = None,
    sources: Sequence[str] | None = None,
    lang: str = "en-GB",
) -> tuple[str, str]:
    """Wrap an nbconvert body in the full page; returns ``(page title, html)``.

    The page title is the body's first h1 (``title`` when it has none), with ``label`` appended
    when the h1 does not contain it (a region profile's h1 may not name its region).
    """
    soup = BeautifulSoup(body, "html.parser")
    page_title = add_toc(soup, title if label is None else f"{title}: {label}")
    if label and label not in page_title:
        page_title = f"{page_title}: {label}"
    if error is not None:
        banner = (
            '<div class="banner failed" role="alert"><strong>This report failed to run.</strong> '
            f"{html.escape(error)}. The page stops at the error, shown below.</div>"
        )
    else:
        banner = ""
    scripts = (
        f'<script src="{BUNDLE_PATH}"></script>\n<script>{_LOADER_JS}</script>' if charts else ""
    )
    page = _PAGE.substitute(
        csp=html.escape(PAGE_CSP if charts else NO_SCRIPT_CSP),
        lang=lang,
        title=html.escape(page_title),
        css=_CSS,
        run_id=html.escape(prov.run_id),
        banner=banner,
        body=str(soup),
        provenance=provenance_html(prov, sources),
        scripts=scripts,
    )
    return page_title, page


def external_references(page: str) -> list[str]:
    """Tags in a page that would fetch something from the network (should be none)."""
    return [m.group(0) for m in _EXTERNAL_REF.finditer(page)]


def export_notebook(
    ipynb: Path,
    html_path: Path,
    prov: Provenance,
    *,
    label: str | None = None,
    error: str | None = None,
) -> PageInfo:
    """Render an executed notebook to an offline page, written atomically; ``error`` marks failure.

    The page title is the notebook's first h1 (else the file's stem), plus ``label`` (e.g. the
    region of a profile) when that h1 does not already name it.
    """
    nb = nbformat.read(ipynb, as_version=4)
    prepared, charts = prepare_notebook(nb, failed=error is not None)
    body, _ = _exporter().from_notebook_node(prepared)
    sources = (nb.metadata.get("lahelpers") or {}).get("sources")
    page_title, page = page_html(
        body,
        title=ipynb.stem,
        label=label,
        prov=prov,
        charts=charts,
        error=error,
        sources=sources,
    )
    atomic_write_text(html_path, page)
    size = html_path.stat().st_size
    warnings = [f"external reference in page: {ref}" for ref in external_references(page)]
    if size > PAGE_LIMIT_BYTES:
        warnings.append(f"page is {size:,} bytes, over the {PAGE_LIMIT_BYTES:,} byte limit")
    return PageInfo(path=html_path, title=page_title, bytes=size, charts=charts, warnings=warnings)


def stub_notebook(path: Path, title: str, error: str) -> None:
    """Write a one-cell notebook saying a run failed before any output existed (e.g. bad input)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"# {md_text(title)}\n\nThis notebook could not be run."),
        nbformat.v4.new_code_cell(
            "",
            outputs=[
                nbformat.v4.new_output("error", ename="RunError", evalue=error, traceback=[error])
            ],
        ),
    ]
    atomic_write_text(path, nbformat.writes(nb))


def _fmt_bytes(n: int | None) -> str:
    """Human size, e.g. ``412 kB``."""
    if n is None:
        return ""
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def index_html(manifest: Mapping[str, Any]) -> str:
    """The run's index page: a line per report with its status and link, failures first in a list."""
    results = manifest.get("notebooks", [])
    failed = [r for r in results if r["status"] != "ok"]
    run_id = html.escape(manifest["run_id"])
    rows = []
    for r in results:
        params = ", ".join(f"{k} = {v}" for k, v in (r.get("parameters") or {}).items())
        status_cls = "status-ok" if r["status"] == "ok" else "status-failed"
        status = html.escape(r["status"])
        if r.get("error"):
            status += f"<br><small>{html.escape(r['error'])}</small>"
        link = (
            f'<a href="{html.escape(r["html"], quote=True)}">{html.escape(r.get("title") or r["name"])}</a>'
            if r.get("html")
            else html.escape(r["name"])
        )
        nb_link = (
            f'<a href="{html.escape(r["executed"], quote=True)}">notebook</a>'
            if r.get("executed")
            else ""
        )
        rows.append(
            f"<tr><td>{link}</td><td>{html.escape(params)}</td>"
            f'<td class="{status_cls}">{status}</td>'
            f"<td>{r.get('seconds_total') or 0:.1f}</td><td>{_fmt_bytes(r.get('html_bytes'))}</td>"
            f"<td>{nb_link}</td></tr>"
        )
    if failed:
        items = "".join(
            f'<li><a href="{html.escape(r.get("html") or "", quote=True)}">'
            f"{html.escape(r['name'])}</a>: {html.escape(r.get('error') or r['status'])}</li>"
            for r in failed
        )
        summary = (
            f'<div class="banner failed" role="alert"><strong>{len(failed)} of {len(results)} '
            f"reports failed.</strong><ul>{items}</ul></div>"
        )
    else:
        summary = f'<p class="status-ok">All {len(results)} reports ran successfully.</p>'
    if manifest.get("status") in ("interrupted", "abandoned"):  # the run itself did not finish
        why = manifest.get("error") or "the run stopped before every report had run"
        summary = (
            f'<div class="banner failed" role="alert"><strong>This run was '
            f"{html.escape(manifest['status'])}</strong>: {html.escape(why)}. "
            f"{len(results) - len(failed)} of {len(results)} reports finished.</div>"
        ) + (summary if failed else "")
    code = manifest.get("code", {})
    data = manifest.get("data", {})
    mismatched = data.get("mismatched") or []
    data_line = (
        f"{len(data.get('sources', {}))} catalogued sources; "
        + (
            f"<strong>{len(mismatched)} differ from the catalogue checksum: "
            f"{html.escape(', '.join(mismatched))}</strong>"
            if mismatched
            else "all match their catalogue checksums"
        )
        if "sources" in data
        else html.escape(str(data.get("error", "catalogue not read")))
    )
    assets = manifest.get("assets", {})
    about = (
        f"<li>Started {html.escape(str(manifest.get('started_at')))}, finished "
        f"{html.escape(str(manifest.get('finished_at')))} "
        f"({manifest.get('seconds') or 0:.1f} s, {manifest.get('parameters', {}).get('workers')}"
        " workers)</li>"
        f"<li>Code: lahelpers {html.escape(str(code.get('package_version')))}, git "
        f"{html.escape(str(code.get('git_describe') or 'not available'))}</li>"
        f"<li>Data: {data_line}</li>"
        f"<li>Shared assets: {html.escape(', '.join(f'{k} ({_fmt_bytes(v)})' for k, v in assets.items()))}"
        "</li>"
        '<li><a href="manifest.json">manifest.json</a> records all of this.</li>'
    )
    from lahelpers.publish import finder
    from lahelpers.publish.whats_new import changes_html

    find_html, find_scripts = finder.section(manifest)  # "find your authority" (issue 15)
    return _INDEX.substitute(
        csp=html.escape(content_security_policy(find_scripts) if find_scripts else NO_SCRIPT_CSP),
        run_id=run_id, css=_CSS, summary=summary + find_html, rows="".join(rows), about=about,
        whats_new=changes_html(manifest.get("changes")),
    )


def write_index(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``index.html`` for a run folder from its manifest (atomically)."""
    path = folder / "index.html"
    atomic_write_text(path, index_html(manifest))
    return path


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``manifest.json`` (atomically)."""
    path = folder / "manifest.json"
    atomic_write_text(path, json.dumps(manifest, indent=2, default=str) + "\n")
    return path


def page_sizes(folder: Path, pages: Iterable[str] | None = None) -> dict[str, int]:
    """Bytes of each HTML page in a run folder (top level), by file name."""
    names = pages if pages is not None else sorted(p.name for p in folder.glob("*.html"))
    return {name: (folder / name).stat().st_size for name in names}
