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
from lahelpers.publish import datalinks

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
#: Class of the line under each chart and table naming its sources and linking its CSV.
SOURCE_CLASS = "source-line"
#: Class of the box a table scrolls in (sideways, on a narrow screen).
TABLE_WRAP_CLASS = "table-wrap"
#: Folder (inside a run folder) of the CSV files behind each page's charts and tables.
DATA_DIR = "data"
#: Text of the download link under each chart and table.
CSV_LINK_TEXT = "Download the data (CSV)"

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


#: Click-to-sort table headers (inline, hashed into the page's policy like the chart loader).
_SORT_JS = _template_text("sort.js")

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


#: ``usermeta`` key in which ``lahelpers.charts.display.notebook_spec`` keeps a chart's page width.
PAGE_WIDTH_KEY = "lahelpers_page_width"


def page_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` as the page draws it: the width the notebook replaced with a fixed one (so
    JupyterLab's output area can size it) is put back, usually "container"."""
    usermeta = spec.get("usermeta")
    if not isinstance(usermeta, dict) or PAGE_WIDTH_KEY not in usermeta:
        return spec
    rest = {k: v for k, v in usermeta.items() if k != PAGE_WIDTH_KEY}
    out = {k: v for k, v in spec.items() if k != "usermeta"} | {"width": usermeta[PAGE_WIDTH_KEY]}
    return out | ({"usermeta": rest} if rest else {})


def chart_spec(output: Mapping[str, Any]) -> dict[str, Any] | None:
    """The vega-lite spec shown by a notebook output, from its mimetype or altair's HTML; else None."""
    data = output.get("data") or {}
    for mime, value in data.items():
        if _VEGALITE_MIME.match(mime):
            return page_spec(json.loads(value) if isinstance(value, str) else dict(value))
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


def chart_html(spec: Mapping[str, Any], chart_id: str, source_line: str = "") -> str:
    """A chart as an empty div plus its spec in a JSON script block (see :func:`script_json`).

    The div is one image for assistive technology: ``role="img"``, its ``aria-label`` the spec's
    ``description`` (what it shows and its main message), and ``tabindex="0"`` so a keyboard
    reaches it. ``source_line`` (see :func:`source_line_html`) goes under it.
    """
    payload = script_json(spec)
    desc = spec.get("description") or datalinks.chart_title(spec) or "Chart"
    label = html.escape(" ".join(str(desc).split()), quote=True)
    return (
        f'<div class="chart-block"><div class="{CHART_CLASS}" id="{chart_id}" '
        f'data-spec="{chart_id}-spec" role="img" aria-label="{label}" tabindex="0"></div>\n'
        f'<script type="application/json" id="{chart_id}-spec">{payload}</script>{source_line}</div>'
    )


def source_line_html(sources: Sequence[str], csv_href: str | None) -> str:
    """The line under a chart or table: its sources' short names, each linking to its footnote
    entry (``#source-<id>``), and a link to the CSV of its data."""
    parts = []
    if sources:
        names = ", ".join(
            f'<a class="source-ref" href="#source-{html.escape(sid, quote=True)}">'
            f"{html.escape(datalinks.short_name(sid))}</a>"
            for sid in sources
        )
        parts.append(f"Source{'s' if len(sources) > 1 else ''}: {names}.")
    else:  # nothing from the catalogue: the project's own compilation (e.g. a list of data gaps)
        parts.append('Source: <a class="source-ref" href="#provenance">compiled for this report</a>.')
    if csv_href:
        parts.append(
            f'<a class="csv-link" href="{html.escape(csv_href, quote=True)}" download>{CSV_LINK_TEXT}</a>'
        )
    return f'<p class="{SOURCE_CLASS}">{" ".join(parts)}</p>' if parts else ""


@dataclass
class Download:
    """A CSV to write beside a page: its path relative to the run folder, its text and rows."""

    href: str
    text: str
    rows: int


def _csv_href(page: str | None, n: int, title: str) -> str | None:
    """Where the n-th download of a page goes (relative to the run folder), None without a page."""
    if page is None:
        return None
    return f"{DATA_DIR}/{page}/{n}-{datalinks.slug(title)}.csv"


def table_html(payload: Mapping[str, Any], html_text: str, source_line: str) -> str:
    """A table in its own horizontally scrolling box (a keyboard-focusable region named by its
    caption; the page fills in a missing caption), with its source line under it."""
    caption = payload.get("caption") or ""
    label = f' aria-label="{html.escape(caption, quote=True)}"' if caption else ""
    return (
        f'<div class="{TABLE_WRAP_CLASS}" tabindex="0" role="region"{label}>{html_text}</div>'
        f"{source_line}"
    )


def _error_cell_index(nb: nbformat.NotebookNode) -> int | None:
    """Index of the first code cell with an error output (where the run stopped)."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and any(o.output_type == "error" for o in cell.outputs):
            return i
    return None


_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def _explicit_sources(out: Mapping[str, Any]) -> list[str] | None:
    """Sources a notebook named for an output (``charts.show(..., sources=...)``), else None."""
    meta = (out.get("metadata") or {}).get(datalinks.METADATA_KEY) or {}
    found = meta.get("sources")
    return [str(x) for x in found] if found is not None else None


def prepare_notebook(
    nb: nbformat.NotebookNode,
    *,
    failed: bool = False,
    page: str | None = None,
    downloads: list[Download] | None = None,
) -> tuple[Any, int]:
    """Copy of ``nb`` ready for the page; returns it and the number of charts.

    Charts become offline div + spec (the CDN ``text/html`` fallback dropped); tables from
    :func:`lahelpers.narrative.table` go in a scrolling box. Each chart and table gets a source
    line; with ``page`` (the page's file stem) its data become a CSV appended to ``downloads``
    and linked from that line. stderr streams (warnings) are dropped from successful runs but
    kept in failed ones; in a failed run the code of the failing cell is shown above its
    traceback so the error can be traced.
    """
    nb = copy.deepcopy(nb)
    charts = files = 0
    heading = "table"  # the last heading above, to name an uncaptioned table's CSV file
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = _MD_HEADING.findall(cell.source)
            heading = found[-1] if found else heading
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.outputs:
            if out.output_type in ("display_data", "execute_result"):
                spec = chart_spec(out)
                table = (out.get("data") or {}).get(datalinks.TABLE_MIMETYPE)
                if spec is not None:
                    charts += 1
                    files += 1
                    href = _csv_href(page, files, datalinks.chart_title(spec) or "chart")
                    text, rows, derived = datalinks.chart_download(spec)
                    if href is not None and downloads is not None:
                        downloads.append(Download(href, text, rows))
                    sources = _explicit_sources(out)
                    if sources is None:
                        sources = derived
                    out = nbformat.v4.new_output(
                        "display_data",
                        data={"text/html": chart_html(spec, f"chart-{charts}", source_line_html(sources, href))},
                    )
                elif table is not None and "text/html" in out.data:
                    files += 1
                    payload = json.loads(table) if isinstance(table, str) else dict(table)
                    href = _csv_href(page, files, payload.get("caption") or heading)
                    if href is not None and downloads is not None:
                        text = datalinks.csv_text(payload.get("columns", []), payload.get("rows", []))
                        downloads.append(Download(href, text, len(payload.get("rows", []))))
                    sources = payload.get("sources")
                    if sources is None:
                        rows = [dict(zip(payload.get("columns", []), r, strict=False)) for r in payload.get("rows", [])]
                        sources = datalinks.sources_for(
                            [*payload.get("fields", []), *payload.get("columns", [])], rows
                        )
                    body = out.data["text/html"]
                    body = body if isinstance(body, str) else "".join(body)
                    out = nbformat.v4.new_output(
                        "display_data",
                        data={"text/html": table_html(payload, body, source_line_html(sources, href))},
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


def fix_headings(soup: BeautifulSoup) -> None:
    """Put the headings in order for assistive technology: one h1 (later ones become h2), and no
    level skipped (an h4 after an h2 becomes an h3), demoting/promoting only where needed."""
    prev = 0
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        level = int(tag.name[1])
        if level == 1 and prev >= 1:
            level = 2
        level = min(level, prev + 1)
        tag.name = f"h{level}"
        prev = level


def add_toc(soup: BeautifulSoup, title: str) -> str:
    """Insert a table of contents (h2/h3 of the body) after the first h1; return the page title.

    Sections (h2) are numbered 1, 2, 3...; a section's subsections (h3) are a list inside its
    item. When the body has no h1 one is added from ``title``; with no h2/h3 there is no
    contents list.
    """
    h1 = soup.find("h1")
    if h1 is None:
        h1 = soup.new_tag("h1")
        h1.string = title
        soup.insert(0, h1)
    page_title = _heading_text(h1) or title
    taken = {t["id"] for t in soup.find_all(id=True)}
    nav = soup.new_tag("nav", attrs={"class": "toc", "aria-labelledby": "contents-heading"})
    head = soup.new_tag("h2", attrs={"id": "contents-heading"})
    head.string = "Contents"
    nav.append(head)
    ol = soup.new_tag("ol")
    current = None  # the last section's item, which holds its subsections
    for tag in soup.find_all(["h2", "h3"]):
        if not tag.get("id"):
            tag["id"] = _slug(_heading_text(tag), taken)
        li = soup.new_tag("li", attrs={"class": f"toc-{tag.name}"})
        a = soup.new_tag("a", href=f"#{tag['id']}")
        a.string = _heading_text(tag)
        li.append(a)
        if tag.name == "h3" and current is not None:
            sub = current.find("ol")
            if sub is None:
                sub = soup.new_tag("ol")
                current.append(sub)
            sub.append(li)
        else:
            ol.append(li)
            current = li
    nav.append(ol)
    if ol.contents:
        h1.insert_after(nav)
    return page_title


_HOVER_HINT = re.compile(r"(?:Hover|Move the pointer|Point)(?: over| on| at)? [^.]*\.", re.I)


def mark_hover_hints(soup: BeautifulSoup) -> None:
    """Wrap sentences telling the reader to hover in ``<span class="hover-hint">`` (not printed)."""
    for text in list(soup.find_all(string=_HOVER_HINT)):
        if text.parent.name in ("script", "style"):
            continue
        parts, last = [], 0
        for m in _HOVER_HINT.finditer(str(text)):
            parts.append(str(text)[last:m.start()])
            span = soup.new_tag("span", attrs={"class": "hover-hint"})
            span.string = m.group(0)
            parts.append(span)
            last = m.end()
        parts.append(str(text)[last:])
        for part in parts:
            if part != "":
                text.insert_before(part)
        text.extract()


def prepare_tables(soup: BeautifulSoup) -> int:
    """Every table in a scrolling box with a caption, its headers sort buttons; returns how many
    tables can be sorted.

    A table without a caption is captioned with the heading above it (or "Table n"); the box is
    a focusable region named by that caption, so a keyboard can scroll it. Tables whose cells
    carry ``data-sort`` keys (:func:`lahelpers.narrative.table`) get a button in each column
    header (``aria-sort`` on the header says the current order).
    """
    sortable = 0
    for n, table in enumerate(soup.find_all("table"), start=1):
        caption = table.find("caption")
        if caption is None:
            heading = table.find_previous(["h2", "h3", "h4"])
            caption = soup.new_tag("caption")
            caption.string = _heading_text(heading) if heading is not None else f"Table {n}"
            table.insert(0, caption)
        cap_text = " ".join(caption.get_text(" ").split())
        wrap = table.parent
        if wrap is None or TABLE_WRAP_CLASS not in (wrap.get("class") or []):
            wrap = soup.new_tag("div", attrs={"class": TABLE_WRAP_CLASS, "tabindex": "0", "role": "region"})
            table.wrap(wrap)
        wrap["aria-label"] = cap_text
        thead, tbody = table.find("thead"), table.find("tbody")
        if thead is None or tbody is None or table.find("td", attrs={"data-sort": True}) is None:
            continue
        if len(tbody.find_all("tr", recursive=False)) < 2:
            continue
        sortable += 1
        table["class"] = [*(table.get("class") or []), "sortable"]
        for th in thead.find_all("th"):
            th["scope"] = "col"
            button = soup.new_tag("button", attrs={"type": "button", "class": "sort"})
            for child in list(th.contents):
                button.append(child.extract())
            icon = soup.new_tag("span", attrs={"class": "sort-icon", "aria-hidden": "true"})
            button.append(icon)
            th.append(button)
    return sortable


def provenance_html(prov: Provenance, sources: Sequence[str] | None = None,
                    cited: Iterable[str] = ()) -> str:
    """The footnote: run date and id, code version, and each data source's vintage and licence.

    ``sources`` (ids) narrows the list to what the notebook used (its metadata
    ``lahelpers.sources``), plus every source a chart or table on the page ``cited``; otherwise
    every catalogue source is listed. Each entry has the id ``source-<id>`` the source lines
    link to.
    """
    keep = None if sources is None else set(sources) | set(cited)
    rows = [s for s in prov.sources if keep is None or s["id"] in keep]
    items = []
    for s in rows:
        name = html.escape(s["title"])
        link = https_url(s.get("link"))  # links from data: https only
        if link:
            name = f'<a href="{html.escape(link, quote=True)}">{name}</a>'
        short = datalinks.SHORT_NAMES.get(s["id"])
        lead = f"<strong>{html.escape(short)}</strong>: " if short else ""
        items.append(
            f'<li id="source-{html.escape(s["id"], quote=True)}">{lead}{name}. '
            f"{html.escape(s['publisher'])}. Vintage: {html.escape(str(s['vintage']))}."
            f" Licence: {html.escape(s['licence'])}.</li>"
        )
    listing = f"<ol>{''.join(items)}</ol>" if items else "<p>No data sources recorded.</p>"
    return (
        '<footer class="provenance"><h2 id="provenance">About this report</h2>'
        f"<p>Produced on {html.escape(prov.run_date)} (run {html.escape(prov.run_id)}) by "
        f"lahelpers {html.escape(prov.code_version)}. Figures are associations, not causes. "
        "Under each chart and table: its sources (listed below) and its data as a CSV file.</p>"
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
    fix_headings(soup)
    sortable = prepare_tables(soup)
    mark_hover_hints(soup)
    page_title = add_toc(soup, title if label is None else f"{title}: {label}")
    if label and label not in page_title:
        page_title = f"{page_title}: {label}"
    refs = soup.select('a.source-ref[href^="#source-"]')
    cited = {a["href"].removeprefix("#source-") for a in refs}
    known = {s["id"] for s in prov.sources}
    for a in refs:  # a source not in the footnote: name, no link
        if a["href"].removeprefix("#source-") not in known:
            a.unwrap()
    if error is not None:
        banner = (
            '<div class="banner failed" role="alert"><strong>This report failed to run.</strong> '
            f"{html.escape(error)}. The page stops at the error, shown below.</div>"
        )
    else:
        banner = ""
    inline = ([_LOADER_JS] if charts else []) + ([_SORT_JS] if sortable else [])
    scripts = "\n".join(
        ([f'<script src="{BUNDLE_PATH}"></script>'] if charts else [])
        + [f"<script>{js}</script>" for js in inline]
    )
    page = _PAGE.substitute(
        csp=html.escape(content_security_policy(inline)),
        lang=lang,
        title=html.escape(page_title),
        css=_CSS,
        run_id=html.escape(prov.run_id),
        banner=banner,
        body=str(soup),
        provenance=provenance_html(prov, sources, cited),
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
    downloads: list[Download] = []
    prepared, charts = prepare_notebook(
        nb, failed=error is not None, page=html_path.stem, downloads=downloads
    )
    body, _ = _exporter().from_notebook_node(prepared)
    for d in downloads:  # the CSV behind each chart and table, beside the page
        atomic_write_text(html_path.parent / d.href, d.text)
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


#: The index page's title (the landing page of a run).
INDEX_TITLE = "CQC adult social care assessments: reports on England's councils"
#: What the reports are, for a reader arriving at the index.
INDEX_INTRO = (
    "<p>These reports analyse the Care Quality Commission's (CQC) assessments of how England's "
    "upper-tier councils meet their adult social care duties under the Care Act 2014: the ratings "
    "and scores, and how they relate to each area's deprivation, rurality, population and care "
    "workforce. Every number is computed from public data when the reports are run, and each "
    "report opens with its answer before the evidence.</p>"
    "<p>The figures describe associations across councils, not causes. Every chart and table "
    "names its sources and offers its data as a CSV file.</p>"
)
#: The index's groups of reports: a heading and the notebooks (file stems) in it; reports with a
#: ``region`` parameter are the regions; anything else is a theme.
NATIONAL_NOTEBOOKS = ("01_national_overview",)
#: What each report answers, one line each (by notebook file stem); the one place to edit them.
REPORT_ANSWERS: dict[str, str] = {
    "01_national_overview": "How many councils are rated and how; where; on which quality statements "
    "they do best and worst; and when the reports came out.",
    "02_rural_urban": "Do more rural councils score lower, overall and on the statements closest "
    "to rural barriers?",
    "03_inequality": "Do councils serving more deprived or diverse areas, or more unpaid carers, "
    "score lower on equity (QS3) and overall?",
    "04_workforce": "Do staff turnover, vacancies and the state of the care market go with lower "
    "scores on workforce and care provision?",
    "region_profile": "Each region's ratings and scores against the rest of England, and similar "
    "councils elsewhere to learn from.",
}
#: Tags and attributes kept from the national key points block when shown on the index.
_KEY_POINT_TAGS = {"section", "h2", "h3", "ul", "ol", "li", "p", "strong", "em", "b", "i", "span", "abbr"}


def _stem(r: Mapping[str, Any]) -> str:
    """The notebook file stem of a manifest entry (its name when the path is missing)."""
    return Path(str(r.get("notebook") or r["name"])).stem


def _group(r: Mapping[str, Any]) -> str:
    """National, Themes, Regions or Authorities, for the index's lists."""
    if _stem(r) in NATIONAL_NOTEBOOKS:
        return "National"
    if "region" in (r.get("parameters") or {}):
        return "Regions"
    if "authority" in (r.get("parameters") or {}):
        return "Authorities"  # listed by the "find your authority" section, not in the groups
    return "Themes"


def _report_item(r: Mapping[str, Any], *, region: bool) -> str:
    """One report in the index's lists: its title linking to the page, and what it answers."""
    name = (r.get("parameters") or {}).get("region") if region else None
    text = html.escape(str(name or r.get("title") or r["name"]))
    link = f'<a href="{html.escape(r["html"], quote=True)}">{text}</a>' if r.get("html") else text
    state = "" if r["status"] == "ok" else f' <strong class="status-failed">({html.escape(r["status"])})</strong>'
    answers = "" if region else REPORT_ANSWERS.get(_stem(r), "")
    line = f'<span class="answers">{html.escape(answers)}</span>' if answers else ""
    return f"<li>{link}{state}{line}</li>"


def report_groups_html(results: Sequence[Mapping[str, Any]]) -> str:
    """The reports grouped National / Themes / Regions, each with one line on what it answers."""
    out = []
    for group in ("National", "Themes", "Regions"):
        members = [r for r in results if _group(r) == group]
        if not members:
            continue
        region = group == "Regions"
        lead = (
            f"<p>{html.escape(REPORT_ANSWERS['region_profile'])}</p>" if region else ""
        )
        items = "".join(_report_item(r, region=region) for r in members)
        out.append(
            f'<section class="report-group" aria-labelledby="group-{group.lower()}">'
            f'<h3 id="group-{group.lower()}">{group}</h3>{lead}<ul>{items}</ul></section>'
        )
    return "".join(out)


def national_key_points(folder: Path, manifest: Mapping[str, Any]) -> str:
    """The ``section.key-points`` block of the executed national notebook, '' when there is none.

    Only the block's text structure is kept (lists, paragraphs, emphasis; no attributes but its
    heading's id), so nothing but text from that block reaches the index.
    """
    entry = next((r for r in manifest.get("notebooks", [])
                  if _stem(r) in NATIONAL_NOTEBOOKS and r.get("status") == "ok" and r.get("executed")), None)
    if entry is None:
        return ""
    try:
        nb = nbformat.read(folder / entry["executed"], as_version=4)
    except (OSError, ValueError):
        return ""
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            text = (out.get("data") or {}).get("text/html")
            if not text:
                continue
            text = text if isinstance(text, str) else "".join(text)
            if "key-points" not in text:
                continue
            block = BeautifulSoup(text, "html.parser").select_one("section.key-points")
            if block is None:
                continue
            for tag in block.find_all(True):
                if tag.name not in _KEY_POINT_TAGS:
                    tag.unwrap()
                else:
                    tag.attrs = {}
            block.attrs = {"class": "key-points", "aria-labelledby": "key-points"}
            head = block.find(["h2", "h3"])
            if head is None:
                head = BeautifulSoup("<h2></h2>", "html.parser").h2
                block.insert(0, head)
            head.name = "h2"
            head.attrs = {"id": "key-points"}
            head.string = "Key points for England"
            more = BeautifulSoup(
                f'<p>From <a href="{html.escape(entry.get("html") or "", quote=True)}">'
                f"{html.escape(str(entry.get('title') or entry['name']))}</a>.</p>",
                "html.parser",
            )
            block.append(more)
            return str(block)
    return ""


def index_html(manifest: Mapping[str, Any], key_points: str = "") -> str:
    """The run's index: a landing page for readers (what this is, the national key points, the
    reports grouped with what each answers), with the run's details for analysts below.

    ``key_points``: the national notebook's key points block (:func:`national_key_points`).
    """
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
            f'<a href="{html.escape(r["executed"], quote=True)}">{html.escape(r["name"])}.ipynb</a>'
            if r.get("executed")
            else ""
        )
        rows.append(
            f"<tr><td>{link}</td><td>{html.escape(params)}</td>"
            f'<td class="{status_cls}">{status}</td>'
            f'<td class="num">{r.get("seconds_total") or 0:.1f}</td>'
            f'<td class="num">{_fmt_bytes(r.get("html_bytes"))}</td>'
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
        summary = ""
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
    ok = len(results) - len(failed)
    about = (
        f'<li class="{"status-ok" if not failed else "status-failed"}">{ok} of {len(results)} reports '
        "ran successfully.</li>"
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

    whats_new = changes_html(manifest.get("changes")).replace("<h2>", "<h3>").replace("</h2>", "</h3>")
    find_html, find_scripts = finder.section(manifest)  # "find your authority" (issue 15)
    if find_html:  # its table sorts with the pages' own sorter
        find_soup = BeautifulSoup(find_html, "html.parser")
        if prepare_tables(find_soup):
            find_soup.append(BeautifulSoup(f"<script>{_SORT_JS}</script>", "html.parser"))
            find_scripts = [*find_scripts, _SORT_JS]
        find_html = str(find_soup)
    return _INDEX.substitute(
        csp=html.escape(content_security_policy(find_scripts) if find_scripts else NO_SCRIPT_CSP),
        title=html.escape(INDEX_TITLE),
        run_id=run_id, css=_CSS, summary=summary, rows="".join(rows), about=about,
        intro=INDEX_INTRO, key_points=key_points + find_html, groups=report_groups_html(results),
        whats_new=whats_new,
    )


def write_index(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Write ``index.html`` for a run folder from its manifest (atomically)."""
    path = folder / "index.html"
    atomic_write_text(path, index_html(manifest, national_key_points(folder, manifest)))
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
