"""Map charts: ratings and context measures on authority boundaries, with region outlines."""

from __future__ import annotations

import json
from collections.abc import Mapping

import altair as alt
import pandas as pd

from lahelpers import maps
from lahelpers.charts.theme import (
    AF_COLOURS,
    NOT_RATED_COLOUR,
    TEXT_COLOUR,
    _counts_text,
    _finish,
    _fmt,
    _rating_tooltip,
    _tooltip_frame,
    axis_title,
    n_subtitle,
    number_format,
    rating_scale,
    rating_shape_scale,
)
from lahelpers.framework import (
    NOT_RATED,
    rating_labels,
)


def topojson_data(topo: dict, feature: str) -> alt.InlineData:
    """A TopoJSON topology as inline chart data, passed as JSON *text* (Vega parses it with the
    topojson format). Altair deep-copies dict data at every layer and property call, which for
    a map of 153 authorities cost seconds per chart; a string is copied for free."""
    text = json.dumps(topo, separators=(",", ":"), allow_nan=False)
    return alt.InlineData(values=text, format=alt.DataFormat(type="topojson", feature=feature))


def _zoom(geo: pd.DataFrame, regions: pd.DataFrame | None, region: str | None,
          ) -> tuple[pd.DataFrame, pd.DataFrame | None, str]:
    """The authorities (and region outlines) to draw, and the place name for titles: all of
    England, or only ``region`` (the projection then fits the remaining shapes)."""
    if region is None:
        return geo.copy(), regions, "England"
    return (maps.region_filter(geo, region),
            maps.region_filter(regions, region) if regions is not None else None, region)


def _region_outlines(regions: pd.DataFrame) -> alt.Chart:
    """Region boundaries as grey outlines over a map, transparent to the pointer.

    The outlines are drawn over the authorities (so they show) with no fill at all
    (``fill: null``). Vega-Lite otherwise fills an unfilled mark with "transparent" so that it
    can be hovered, and that invisible fill, lying over the whole region, caught every hover
    and tap meant for the authorities underneath (their tooltips showed on ~1% of the land).
    With no fill only the thin outline itself takes the pointer.
    """
    rtopo = maps.to_topojson(regions, "regions", ["name"])
    return (alt.Chart(topojson_data(rtopo, "regions"))
            .mark_geoshape(filled=False, fill=None, stroke=AF_COLOURS["dark_grey"],
                           strokeWidth=1.2)
            .project(type="mercator"))


def rating_map(
    geo: pd.DataFrame,
    regions: pd.DataFrame | None = None,
    region: str | None = None,
    *,
    markers: bool = True,
    title: str | None = None,
    width: int | str = "container",
    height: int = 560,
) -> alt.LayerChart:
    """Choropleth of authorities coloured by rating, with region outlines.

    ``geo``: authorities GeoDataFrame (``load.authorities_geo()``); ``regions``: region
    outlines (``load.regions_geo()``, optional); ``region``: zoom to one region (the projection
    fits the remaining shapes). Tooltips give name, rating, overall %, the 9 scores and
    publication date. ``markers`` adds a rating-shaped white marker inside each authority so
    the rating does not rely on colour alone.
    """
    geo, regions, where = _zoom(geo, regions, region)
    tips = _tooltip_frame(geo)
    props = pd.concat([geo[["code"]], tips], axis=1)
    gdf = type(geo)(props, geometry=geo.geometry, crs=geo.crs)
    topo = maps.to_topojson(gdf, "authorities", list(props.columns))
    fill = (
        alt.Chart(topojson_data(topo, "authorities"))
        .mark_geoshape(stroke="white", strokeWidth=0.4)
        .encode(
            color=alt.Color("properties.rating_label:N", scale=rating_scale(),
                            legend=alt.Legend(title="CQC rating")),
            tooltip=_rating_tooltip("properties."),
        )
        .project(type="mercator")
    )
    layers: list[alt.Chart] = [fill]
    if regions is not None:
        layers.append(_region_outlines(regions))
    if markers:
        pts = geo.geometry.to_crs(3857).representative_point().to_crs(4326)
        mk = pd.DataFrame({"lon": pts.x.round(4), "lat": pts.y.round(4),
                           "rating_label": tips["rating_label"], "name": tips["name"]})
        layers.append(
            alt.Chart(mk)
            .mark_point(filled=True, fill="white", stroke=TEXT_COLOUR, strokeWidth=0.7, size=36,
                        opacity=1)
            .encode(
                longitude="lon:Q", latitude="lat:Q",
                shape=alt.Shape("rating_label:N", scale=rating_shape_scale(),
                                legend=alt.Legend(title="CQC rating")),
                tooltip=[alt.Tooltip("name:N", title="Authority"),
                         alt.Tooltip("rating_label:N", title="Rating")],
            )
            .project(type="mercator")
        )
    labels = tips["rating_label"]
    n_rated = int((labels != NOT_RATED).sum())
    chart = alt.layer(*layers).properties(width=width, height=height)
    desc = (
        f"Map of the {len(geo)} upper-tier local authorities in {where} coloured by CQC rating "
        f"(darker = better: navy Outstanding, teal Good, purple Requires improvement, tan Inadequate; grey = not yet in our data): {_counts_text(labels)}."
    )
    return _finish(
        chart,
        title or f"CQC ratings of local authorities, {where}",
        [n_subtitle(n_rated, len(geo) - n_rated, "not yet rated (grey)"),
         "White markers show the rating by shape (see key)"]
        if markers else n_subtitle(n_rated, len(geo) - n_rated, "not yet rated (grey)"),
        desc,
    )


CLASS_SHAPES: tuple[str, ...] = ("circle", "triangle-up", "square", "diamond", "cross")
#: Sequential colour scheme for context maps (single hue, light -> dark: safe for colour-blind
#: readers and in greyscale, since only lightness changes).
CONTEXT_SCHEME = "blues"


def context_map(
    geo: pd.DataFrame,
    column: str,
    regions: pd.DataFrame | None = None,
    region: str | None = None,
    *,
    labels: Mapping[str, str] | None = None,
    title: str | None = None,
    width: int | str = "container",
    height: int = 560,
) -> alt.LayerChart:
    """Choropleth of one context measure (e.g. % rural, deprivation), to sit beside the rating map.

    A numeric column is shaded light -> dark (:data:`CONTEXT_SCHEME`) and each authority carries
    a marker sized by the value; an ordered categorical column (e.g. ``rural_class``) gets one
    shade and one marker shape per class. So the map never relies on colour alone. Tooltips give
    the authority, the value and its rating; authorities with no value are grey and counted in
    the subtitle. ``region`` zooms to one region as :func:`rating_map` does.
    """
    if column not in geo.columns:
        raise ValueError(f"column {column!r} not in the table")
    geo, regions, where = _zoom(geo, regions, region)
    label = axis_title(column, labels)
    values = geo[column]
    categorical = isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(values)
    props = pd.DataFrame({"code": geo["code"], "name": geo["name"].astype(str),
                          "rating_label": rating_labels(geo)}, index=geo.index)
    if categorical:
        order = (list(values.cat.categories) if isinstance(values.dtype, pd.CategoricalDtype)
                 else sorted(values.dropna().astype(str).unique()))
        props["value"] = values.astype(object).where(values.notna(), None)
        props["value_text"] = [_fmt(v, "{}") for v in values.astype(object)]
    else:
        props["value"] = values.astype(float)
        fmt = "{:" + number_format(values) + "}"
        props["value_text"] = [_fmt(v, fmt) for v in values]
    gdf = type(geo)(props, geometry=geo.geometry, crs=geo.crs)
    topo = maps.to_topojson(gdf, "authorities", list(props.columns))
    tooltip = [alt.Tooltip("properties.name:N", title="Authority"),
               alt.Tooltip("properties.value_text:N", title=label),
               alt.Tooltip("properties.rating_label:N", title="CQC rating")]
    if categorical:
        steps = len(order)
        palette = alt.Scale(domain=order, scheme={"name": CONTEXT_SCHEME, "count": max(steps, 3)})
        colour = alt.Color("properties.value:O", scale=palette,
                           legend=alt.Legend(title=label, titleLimit=320))
    else:
        colour = alt.Color("properties.value:Q", scale=alt.Scale(scheme=CONTEXT_SCHEME),
                           legend=alt.Legend(title=label, titleLimit=320))
    topo_data = topojson_data(topo, "authorities")
    base = alt.Chart(topo_data).mark_geoshape(stroke="white", strokeWidth=0.4).project(type="mercator")
    layers: list[alt.Chart] = [
        base.encode(color=alt.value(NOT_RATED_COLOUR), tooltip=tooltip)
        .transform_filter("datum.properties.value == null"),
        base.encode(color=colour, tooltip=tooltip).transform_filter("datum.properties.value != null"),
    ]
    if regions is not None:
        layers.append(_region_outlines(regions))
    pts = geo.geometry.to_crs(3857).representative_point().to_crs(4326)
    mk = pd.DataFrame({"lon": pts.x.round(4).to_numpy(), "lat": pts.y.round(4).to_numpy(),
                       "name": props["name"].to_numpy(), "value": props["value"].to_numpy(),
                       "value_text": props["value_text"].to_numpy()}).dropna(subset=["value"])
    marker_tip = [alt.Tooltip("name:N", title="Authority"), alt.Tooltip("value_text:N", title=label)]
    marks = alt.Chart(mk).mark_point(filled=True, fill="white", stroke=TEXT_COLOUR, strokeWidth=0.7,
                                     opacity=1)
    if categorical:
        shape = alt.Shape("value:N", scale=alt.Scale(domain=order, range=list(CLASS_SHAPES[:len(order)])),
                          legend=alt.Legend(title=label, titleLimit=320))
        marks = marks.encode(longitude="lon:Q", latitude="lat:Q", shape=shape, size=alt.value(36),
                             tooltip=marker_tip)
        counts = values.value_counts().reindex(order, fill_value=0)
        summary = ", ".join(f"{int(k)} {c}" for c, k in counts.items())
        second = "White markers show the class by shape (see key)"
    else:
        marks = marks.encode(longitude="lon:Q", latitude="lat:Q",
                             size=alt.Size("value:Q", scale=alt.Scale(range=[8, 140]),
                                             legend=alt.Legend(title="Marker size", titleLimit=320)),
                             tooltip=marker_tip)
        known = props.dropna(subset=["value"]).sort_values("value")
        if len(known):
            top = ", ".join(f"{r.name} ({r.value_text})" for r in known.tail(3).iloc[::-1].itertuples())
            low = ", ".join(f"{r.name} ({r.value_text})" for r in known.head(3).itertuples())
            lo, hi, mid = (fmt.format(known["value"].agg(f)) for f in ("min", "max", "median"))
            summary = f"values range from {lo} to {hi} (median {mid}); highest {top}; lowest {low}"
        else:
            summary = "no authority has a value"
        second = "Darker shading and larger markers mean higher values"
    layers.append(marks.project(type="mercator"))
    n = int(values.notna().sum())
    chart = alt.layer(*layers).properties(width=width, height=height)
    desc = (f"Map of the {len(geo)} upper-tier local authorities in {where} shaded by {label}: "
            f"{summary}. {len(geo) - n} without a value are grey.")
    return _finish(chart, title or f"{label}, {where}",
                   [n_subtitle(n, len(geo) - n, "without a value (grey)"), second], desc)
