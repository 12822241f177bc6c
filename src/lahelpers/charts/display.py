"""How a chart reaches the page: its text alternative, its output bundle and :func:`show`."""

from __future__ import annotations

import html
import uuid
from collections.abc import Iterable

import altair as alt

# --------------------------------------------------------------------------------------------
# Display
# --------------------------------------------------------------------------------------------

#: The mimetype notebooks carry for charts (Vega-Lite major version from altair's schema).
VEGALITE_MIMETYPE = f"application/vnd.vegalite.v{alt.SCHEMA_VERSION.lstrip('v').split('.')[0]}+json"


def alt_text(chart: alt.TopLevelMixin) -> str:
    """The chart's text alternative (its ``description``), or '' if it has none."""
    desc = getattr(chart, "description", alt.Undefined)
    return "" if desc is alt.Undefined or desc is None else str(desc)


def alt_text_html(chart: alt.TopLevelMixin) -> str:
    """The HTML paragraph :func:`show` prints under a chart."""
    return f'<p class="chart-alt">Chart description: {html.escape(alt_text(chart))}</p>'


def mimebundle(chart: alt.TopLevelMixin) -> dict:
    """The chart as a display bundle: Vega-Lite JSON, an HTML fallback, and plain text.

    Built directly rather than through altair's renderer so the output always carries
    :data:`VEGALITE_MIMETYPE` whatever renderer a notebook has enabled; the offline HTML reports
    draw from that. JupyterLab (4.x) renders Vega-Lite only up to v5, so the bundle also carries
    altair's own HTML embed (it loads the Vega libraries from their CDN, so it draws when the
    analyst is online); the report exporter ignores it. The default data transformer inlines
    data as ``datasets`` in the spec (never URLs or files).
    """
    from altair.utils.html import spec_to_html

    with alt.data_transformers.enable("default"):
        spec = chart.to_dict()
    fallback = spec_to_html(
        spec, mode="vega-lite", vega_version=alt.VEGA_VERSION, vegalite_version=alt.VEGALITE_VERSION,
        vegaembed_version=alt.VEGAEMBED_VERSION, template="universal", fullhtml=False,
        output_div=f"lahelpers-chart-{uuid.uuid4().hex[:12]}",
    )
    return {VEGALITE_MIMETYPE: spec, "text/html": fallback, "text/plain": f"Chart. {alt_text(chart)}"}


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
