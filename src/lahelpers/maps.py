"""Prepare boundaries for web maps: topology-preserving simplification to small TopoJSON.

Why TopoJSON: neighbouring authorities share their common edge once (as an "arc"), so
simplifying the arc moves both sides together and no gaps or slivers open between
neighbours, and the quantised, delta-encoded arcs are several times smaller than GeoJSON.
The national map (153 authorities + 9 region outlines) must stay well under 1 MB because it is
inlined in every notebook and HTML report (see :func:`serialised_size`).

Altair reads the result with::

    alt.InlineData(values=topo, format=alt.DataFormat(type="topojson", feature=name))
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import topojson

#: Default simplification tolerance in degrees (EPSG:4326): 0.002 deg is about 220 m north-south,
#: invisible at national or regional map sizes (one pixel is ~1-2 km on a 500 px map of England).
DEFAULT_TOLERANCE = 0.002
#: Quantisation: coordinates are snapped to a grid of this many steps across the bounding box
#: (1e5 steps over England's ~6 degrees of longitude is ~5 m), then delta-encoded.
DEFAULT_QUANTIZATION = 100_000
#: The budget for a national map in bytes; tests assert the real map stays below it.
NATIONAL_MAP_BUDGET = 400_000


def _json_safe(value: Any) -> Any:
    """Turn one property value into something ``json.dumps`` writes as valid JSON.

    NaN/NaT/None become null (JSON has no NaN), timestamps become ISO dates, numpy scalars
    become Python numbers, everything else becomes a string.
    """
    if value is None:
        return None
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return None if pd.isna(value) else value.isoformat()[:10]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if math.isnan(value) else float(value)
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return None
    return str(value)


def _as_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``gdf`` in EPSG:4326 (lon/lat), which web maps and Vega expect."""
    if gdf.crs is None:
        raise ValueError("GeoDataFrame has no CRS; set it (e.g. gdf.set_crs(4326)) before mapping")
    return gdf if gdf.crs.to_epsg() == 4326 else gdf.to_crs(4326)


def to_topojson(
    gdf: gpd.GeoDataFrame,
    name: str,
    columns: Sequence[str],
    tolerance: float = DEFAULT_TOLERANCE,
    quantization: int = DEFAULT_QUANTIZATION,
) -> dict:
    """Simplify ``gdf`` topologically and return it as a TopoJSON dict with one object ``name``.

    Only ``columns`` are kept as feature properties (keeping the spec small); their values are
    made JSON-safe (missing -> null, dates -> ``YYYY-MM-DD``). ``tolerance`` is in degrees
    (Douglas-Peucker on the shared arcs, so neighbours keep a common edge); ``quantization``
    is the number of grid steps across the bounding box.
    """
    missing = [c for c in columns if c not in gdf.columns]
    if missing:
        raise ValueError(f"columns not in the GeoDataFrame: {missing}")
    if len(gdf) == 0:
        raise ValueError(f"no features to map for {name!r}")
    gdf = _as_wgs84(gdf)
    rows = [{c: _json_safe(v) for c, v in zip(columns, vals, strict=True)}
            for vals in zip(*(gdf[c].tolist() for c in columns), strict=True)] if columns else [
        {} for _ in range(len(gdf))]
    topo = json.loads(_geometry_topology(tuple(gdf.geometry.to_wkb()), name, tolerance, quantization))
    for geom in topo["objects"][name]["geometries"]:
        props = geom.get("properties") or {}
        geom["properties"] = rows[int(props["_row"])]
    return _null_nans(topo)


@lru_cache(maxsize=64)
def _geometry_topology(wkb: tuple[bytes, ...], name: str, tolerance: float, quantization: int) -> str:
    """The simplified topology of a set of WGS84 shapes (JSON text, each feature carrying its
    row number as ``_row``), cached by the shapes' WKB.

    Topology building is the slow part of a map (seconds for 153 authorities) and depends only
    on the shapes, so a notebook drawing several maps of the same authorities (and a warm
    kernel running several notebooks) builds it once; properties are attached per map.
    """
    shapes = gpd.GeoSeries.from_wkb(list(wkb), crs=4326)
    data = gpd.GeoDataFrame({"_row": range(len(shapes))}, geometry=shapes.values, crs=4326)
    topo = topojson.Topology(
        data,
        object_name=name,
        prequantize=quantization * 10,
        topoquantize=quantization,
        toposimplify=tolerance,
        prevent_oversimplify=True,
    )
    return json.dumps(fix_winding(topo.to_dict()))


def _null_nans(topo: dict) -> dict:
    """Replace NaN property values by None in place (``topojson`` turns nulls back into NaN,
    which is not valid JSON and breaks Vega's parser)."""
    for obj in topo["objects"].values():
        for geom in obj.get("geometries", []):
            props = geom.get("properties") or {}
            for k, v in props.items():
                if isinstance(v, float) and math.isnan(v):
                    props[k] = None
    return topo


def _arc_points(topo: dict) -> list[np.ndarray]:
    """Each arc's points (absolute; still quantised if the topology has a transform)."""
    arcs = [np.asarray(a, dtype=float) for a in topo["arcs"]]
    if "transform" in topo:  # quantised arcs are delta-encoded
        arcs = [np.cumsum(a, axis=0) for a in arcs]
    return arcs


def _ring_is_ccw(ring: list[int], arcs: list[np.ndarray]) -> bool | None:
    """Whether a ring (list of arc indexes, ~i = arc i reversed) runs counter-clockwise;
    None for a degenerate ring (fewer than 4 points)."""
    pts = np.concatenate([arcs[i] if i >= 0 else arcs[~i][::-1] for i in ring])
    if len(pts) < 4:
        return None
    return bool(shapely.is_ccw(shapely.linearrings(pts)))


def fix_winding(topo: dict) -> dict:
    """Make every exterior ring clockwise and every hole counter-clockwise, in place.

    That is the order d3/Vega need (a counter-clockwise exterior means "the whole globe except
    this"). The ``topojson`` package gets it wrong for enclaves (a polygon filling another's
    hole, e.g. Derby inside Derbyshire: github.com/mattijn/topojson/issues/102), and such a
    feature then floods the whole map. A wrongly wound ring is reversed by reversing its arc
    list and each arc (``~i``); the arcs themselves stay shared.
    """
    arcs = _arc_points(topo)

    def polygon(rings: list[list[int]]) -> list[list[int]]:
        out = []
        for k, ring in enumerate(rings):
            want_ccw = k > 0  # ring 0 is the exterior
            ccw = _ring_is_ccw(ring, arcs) if ring else None
            if ccw is not None and ccw != want_ccw:
                ring = [~i for i in reversed(ring)]
            out.append(ring)
        return out

    for obj in topo["objects"].values():
        for geom in obj.get("geometries", [obj]):
            if geom.get("type") == "Polygon":
                geom["arcs"] = polygon(geom["arcs"])
            elif geom.get("type") == "MultiPolygon":
                geom["arcs"] = [polygon(p) for p in geom["arcs"]]
    return topo


def serialised_size(obj: Any) -> int:
    """Bytes of ``obj`` as compact JSON: what inlining it in a chart spec costs."""
    return len(json.dumps(obj, separators=(",", ":"), allow_nan=False).encode("utf-8"))


def region_filter(gdf: pd.DataFrame, region: str) -> pd.DataFrame:
    """Rows of ``gdf`` in ``region``: for authorities the ``region`` column, for a regions
    table (no ``region`` column) its ``name`` column.

    Raises ValueError listing the valid region names when ``region`` is not one of them, so a
    typo never yields an empty map.
    """
    column = "region" if "region" in gdf.columns else "name"
    if column not in gdf.columns:
        raise ValueError("table has neither a 'region' nor a 'name' column to filter on")
    valid = sorted(gdf[column].dropna().astype(str).unique())
    if region not in valid:
        raise ValueError(f"unknown region {region!r}; valid names: {', '.join(valid)}")
    return gdf[gdf[column] == region]


def feature_codes(topo: dict, name: str, key: str = "code") -> list:
    """The ``key`` property of every feature in object ``name`` (for checks and tests)."""
    return [g.get("properties", {}).get(key) for g in topo["objects"][name]["geometries"]]
