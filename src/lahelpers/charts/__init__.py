"""Charts every analysis notebook shares: one house theme, one rating palette, accessible builders.

House style follows the UK Government Analysis Function (GSS) data visualisation guidance:
its colours (dark blue #12436D, turquoise #28A197, dark pink #801650, orange #F46A25, dark grey
#3D3D3D, light purple #A285D1), Arial/Helvetica, readable type (12-16 px), no borders, light
horizontal gridlines only, left-aligned titles with a subtitle.

Accessibility, in every builder:

* a title, and a subtitle stating how many authorities are shown and how many are missing
  (computed from the data, never typed in);
* a text alternative generated from the data, stored as the chart's ``description`` (the
  report puts it on the chart's container); :func:`alt_text` reads it and :func:`show` prints
  it under the chart. The theme turns Vega's per-mark ARIA off, so a screen reader meets one
  description, not a label per mark;
* charts fill their container's width (``width="container"``; facets are sized for a phone),
  titles and long axis labels are wrapped rather than cut, axis titles carry units from
  ``variables.csv`` and numbers a sensible number of decimals;
* colour is never the only signal: bars carry text labels and axis labels, heatmap cells their
  score, points and map markers a rating-specific shape, tooltips name the rating.

:func:`show` is the one way notebooks display a chart. The offline HTML exporter relies on its
output: a Vega-Lite JSON output (mimetype ``application/vnd.vegalite.v5+json``, which JupyterLab
draws offline; data inlined) then
an HTML paragraph ``<p class="chart-alt">Chart description: ...</p>``.

Importing this package first imports jsonschema without the IRI grammar altair never uses
(:mod:`lahelpers.charts._jsonschema`, ~1.4 s saved); it must stay the first import here.
"""

from lahelpers.charts import _jsonschema  # noqa: F401  (first: before altair imports jsonschema)
from lahelpers.charts.display import VEGALITE_MIMETYPE, alt_text, alt_text_html, mimebundle, show
from lahelpers.charts.maps import (
    CLASS_SHAPES,
    CONTEXT_SCHEME,
    context_map,
    rating_map,
    topojson_data,
)
from lahelpers.charts.spine import highlight_map, score_profile, spine_chart
from lahelpers.charts.statistical import (
    estimate_bars,
    group_strip,
    ols_band,
    publication_timeline,
    qs_heatmap,
    rating_bars,
    rating_strip,
    scatter_by_region,
    scatter_fit,
    side_by_side,
)
from lahelpers.charts.theme import (
    AF_COLOURS,
    FONT,
    NOT_RATED_COLOUR,
    NOT_RATED_SHAPE,
    RATING_COLOURS,
    RATING_SHAPES,
    TEXT_COLOUR,
    THEME_NAME,
    n_subtitle,
    rating_domain,
    rating_scale,
    rating_shape_scale,
    register_theme,
)
from lahelpers.framework import rating_labels, variable_label

__all__ = [
    "AF_COLOURS", "CLASS_SHAPES", "CONTEXT_SCHEME", "FONT", "NOT_RATED_COLOUR", "NOT_RATED_SHAPE",
    "RATING_COLOURS", "RATING_SHAPES", "TEXT_COLOUR", "THEME_NAME", "VEGALITE_MIMETYPE", "alt_text",
    "alt_text_html", "context_map", "estimate_bars", "group_strip", "highlight_map", "mimebundle",
    "n_subtitle", "score_profile", "spine_chart",
    "ols_band", "publication_timeline", "qs_heatmap", "rating_bars", "rating_domain", "rating_labels",
    "rating_map", "rating_scale", "rating_shape_scale", "rating_strip", "register_theme",
    "scatter_by_region", "scatter_fit", "show", "side_by_side", "topojson_data", "variable_label",
]  # fmt: skip
