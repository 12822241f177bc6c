"""How a chart reaches the page: its text alternative, its output bundle and :func:`show`."""

from __future__ import annotations

import html
from collections.abc import Iterable

import altair as alt

# --------------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------------

#: The mimetype of a chart in a notebook: Vega-Lite JSON under the v5 mimetype.
#:
#: Why v5: JupyterLab 4 (and Notebook 7, built on it) draws ``application/vnd.vegalite.v5+json``
#: with the Vega libraries it ships (``@jupyterlab/vega5-extension``), so the chart draws with
#: no network and keeps its tooltips; it has no renderer for v6, which is what made the old
#: bundle fall back to HTML that loaded Vega from a CDN (nothing drew offline or behind a
#: firewall). The spec itself is altair's (its ``$schema`` still names Vega-Lite 6): the house
#: builders use nothing that changed between Vega-Lite 5 and 6, and ``tests/test_jupyterlab.py``
#: draws every builder in a real JupyterLab with the network cut off to keep it so. The
#: offline HTML report reads any ``application/vnd.vegalite.v*`` output and draws it with its
#: own Vega-Lite 6 bundle. One output, so the spec (often a whole map) is stored once.
VEGALITE_MIMETYPE = "application/vnd.vegalite.v5+json"


def alt_text(chart: alt.TopLevelMixin) -> str:
    """The chart's text alternative (its ``description``), or '' if it has none."""
    desc = getattr(chart, "description", alt.Undefined)
    return "" if desc is alt.Undefined or desc is None else str(desc)


def alt_text_html(chart: alt.TopLevelMixin) -> str:
    """The HTML paragraph :func:`show` prints under a chart."""
    return f'<p class="chart-alt">Chart description: {html.escape(alt_text(chart))}</p>'


#: Width of a chart in a notebook (JupyterLab), in px, for charts that fill their container on
#: the published pages. JupyterLab's output area takes its width from what it shows, so a
#: "container" width there never settles: the chart resizes its box, which resizes the chart, and
#: the tab hangs. The notebook's spec carries a fixed width and remembers the page's in
#: ``usermeta`` (:data:`PAGE_WIDTH_KEY`); the page exporter puts "container" back.
NOTEBOOK_WIDTH = 600
#: Key in the spec's ``usermeta`` that records the width the published page should use.
PAGE_WIDTH_KEY = "lahelpers_page_width"


def notebook_spec(spec: dict) -> dict:
    """``spec`` as a notebook shows it: a "container" width becomes :data:`NOTEBOOK_WIDTH` px,
    with the page's width kept in ``usermeta`` (:data:`PAGE_WIDTH_KEY`)."""
    if spec.get("width") != "container":
        return spec
    usermeta = {**spec.get("usermeta", {}), PAGE_WIDTH_KEY: "container"}
    return {**spec, "width": NOTEBOOK_WIDTH, "usermeta": usermeta}


def mimebundle(chart: alt.TopLevelMixin) -> dict:
    """The chart as a display bundle: Vega-Lite JSON (:data:`VEGALITE_MIMETYPE`) and plain text.

    Built directly rather than through altair's renderer so the output always carries
    :data:`VEGALITE_MIMETYPE` whatever renderer a notebook has enabled: JupyterLab draws it
    offline with the Vega it ships and the offline HTML reports draw from it. No ``text/html``
    fallback: JupyterLab prefers HTML to Vega-Lite, and altair's HTML loads Vega from a CDN.
    The default data transformer inlines data as ``datasets`` in the spec (never URLs or
    files). A chart that fills its container on the pages has a fixed width here
    (:func:`notebook_spec`).
    """
    with alt.data_transformers.enable("default"):
        spec = chart.to_dict()
    return {VEGALITE_MIMETYPE: notebook_spec(spec), "text/plain": f"Chart. {alt_text(chart)}"}


def show(chart: alt.TopLevelMixin, *, sources: Iterable[str] | None = None) -> None:
    """Display ``chart`` then its text alternative as ``<p class="chart-alt">``.

    The one way notebooks display a chart (the HTML exporter depends on exactly this output).
    ``sources`` (catalogue ids, e.g. ``["cqc_assessments", "imd2025_ltla"]``) names the data
    sources of the chart's source line on the page; without it the page works them out from
    the chart's fields (:mod:`lahelpers.publish.datalinks`).
    """
    from IPython.display import HTML, display

    metadata = {"lahelpers": {"sources": list(sources)}} if sources is not None else None
    display(mimebundle(chart), raw=True, metadata=metadata)
    display(HTML(alt_text_html(chart)))
