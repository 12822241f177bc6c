"""Tests for lahelpers.maps: TopoJSON for web maps, region filter, size on the real boundaries."""

from __future__ import annotations

import io
import json

import fixtures_analysis as fx
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from lahelpers import maps
from lahelpers.inputs import catalogue


def _decode(topo: dict) -> gpd.GeoDataFrame:
    """Read TopoJSON back with GDAL's TopoJSON driver (independent of our code)."""
    return gpd.read_file(io.BytesIO(json.dumps(topo).encode())).set_crs(4326, allow_override=True)


# ---------------------------------------------------------------- synthetic


def test_to_topojson_keeps_only_named_columns_json_safe():
    geo = fx.authorities_geo()
    topo = maps.to_topojson(geo, "la", ["code", "overall_pct", "publication_date", "rating"])
    assert topo["type"] == "Topology" and "transform" in topo  # quantised
    geoms = topo["objects"]["la"]["geometries"]
    assert len(geoms) == len(geo)
    props = [g["properties"] for g in geoms]
    assert all(set(p) <= {"code", "overall_pct", "publication_date", "rating"} for p in props)
    by_code = {p["code"]: p for p in props}
    for _, row in geo.iterrows():
        p = by_code[row["code"]]
        if pd.isna(row["overall_pct"]):
            assert p.get("overall_pct") is None
        else:
            assert p["overall_pct"] == row["overall_pct"]
        if pd.notna(row["publication_date"]):
            assert p["publication_date"] == row["publication_date"].strftime("%Y-%m-%d")
    json.dumps(topo, allow_nan=False)  # valid JSON: no NaN anywhere


def test_to_topojson_reprojects_and_rejects_bad_input():
    geo = fx.authorities_geo()
    topo = maps.to_topojson(geo.to_crs(27700), "la", ["code"])
    west, south, east, north = topo["bbox"]
    assert -4.1 < west < east < 0 and 50 < south < north < 53.5  # back in lon/lat degrees
    with pytest.raises(ValueError, match="not in the GeoDataFrame"):
        maps.to_topojson(geo, "la", ["nope"])
    with pytest.raises(ValueError, match="no CRS"):
        maps.to_topojson(gpd.GeoDataFrame(geo[["code"]], geometry=list(geo.geometry)),
                         "la", ["code"])


def test_neighbours_share_arcs():
    # Two squares with a common edge: TopoJSON stores that edge once, used by both.
    geo = fx.authorities_geo()
    topo = maps.to_topojson(geo, "la", ["code"])
    used: dict[int, int] = {}

    def walk(a):
        if isinstance(a, list):
            for x in a:
                walk(x)
        else:
            i = a if a >= 0 else ~a
            used[i] = used.get(i, 0) + 1

    for g in topo["objects"]["la"]["geometries"]:
        walk(g["arcs"])
    assert max(used.values()) == 2


def test_region_filter():
    geo = fx.authorities_geo()
    london = maps.region_filter(geo, "London")
    assert len(london) == int((geo["region"] == "London").sum()) > 0
    assert set(london["region"]) == {"London"}
    regs = fx.regions_geo(geo)
    assert list(maps.region_filter(regs, "South West")["name"]) == ["South West"]
    with pytest.raises(ValueError) as err:
        maps.region_filter(geo, "Narnia")
    for name in fx.REGIONS:
        assert name in str(err.value)


# ---------------------------------------------------------------- real boundaries


@pytest.fixture(scope="module")
def real(raw_inputs):
    """The real ONS boundaries, fetched from the mirror by the session fixture (never skipped)."""
    la = gpd.read_file(catalogue.raw_path("boundaries_ctyua"))
    la = la[la["CTYUA23CD"].str.startswith("E")].rename(
        columns={"CTYUA23CD": "code", "CTYUA23NM": "name"})[["code", "name", "geometry"]]
    reg = gpd.read_file(catalogue.raw_path("boundaries_regions")).rename(columns={"RGN23CD": "code", "RGN23NM": "name"})
    return la.reset_index(drop=True), reg[["code", "name", "geometry"]]


@pytest.mark.pipeline
def test_national_map_is_small(real):
    la, reg = real
    assert len(la) == 153 and len(reg) == 9  # PROVENANCE.md: England 153 CTYUA, 9 regions
    t_la = maps.to_topojson(la, "authorities", ["code", "name"])
    t_reg = maps.to_topojson(reg, "regions", ["name"])
    size = maps.serialised_size(t_la) + maps.serialised_size(t_reg)
    assert size < maps.NATIONAL_MAP_BUDGET < 1_000_000
    # ... from 3.4 MB of GeoJSON for the UK (PROVENANCE.md) and nothing lost.
    assert sorted(maps.feature_codes(t_la, "authorities")) == sorted(la["code"])
    back = _decode(t_la)
    assert len(back) == 153 and back.geometry.notna().all()


def _shared_boundary(gdf: gpd.GeoDataFrame) -> dict[tuple[str, str], float]:
    """Length of common boundary of every pair of intersecting authorities."""
    j = gpd.sjoin(gdf, gdf, predicate="intersects")
    geom = gdf.set_index("code").geometry
    return {(a, b): geom[a].boundary.intersection(geom[b].boundary).length
            for a, b in zip(j["code_left"], j["code_right"], strict=True) if a < b}


@pytest.mark.pipeline
def test_simplification_keeps_neighbours_together(real):
    la, _ = real
    before = {p: v for p, v in _shared_boundary(la).items() if v > 0.001}
    after = _shared_boundary(_decode(maps.to_topojson(la, "a", ["code"])))
    lost = [p for p, v in before.items() if after.get(p, 0) < 0.5 * v]
    assert lost == []
    # The same tolerance without topology opens gaps: the check above can fail.
    naive = la.assign(geometry=la.simplify(maps.DEFAULT_TOLERANCE))
    naive_after = _shared_boundary(naive)
    assert sum(naive_after.get(p, 0) < 0.5 * v for p, v in before.items()) > 10


@pytest.mark.pipeline
def test_winding_order_fixed_for_enclaves(real):
    # Derby, Leicester, Nottingham and Stoke-on-Trent sit inside their counties; the topojson
    # package winds them the wrong way (they would cover the whole globe in Vega).
    la, _ = real
    back = _decode(maps.to_topojson(la, "a", ["code"]))
    parts = back.explode(index_parts=False)
    assert not shapely.is_ccw(parts.geometry.exterior).any()
    holes = [r for g in parts.geometry for r in g.interiors]
    assert holes and all(shapely.is_ccw(holes))
    enclaves = back[back["code"].isin(["E06000015", "E06000016", "E06000018", "E06000021"])]
    assert len(enclaves) == 4
    areas = enclaves.to_crs(27700).area / 1e6
    assert np.all(areas < 500)  # km2: a city, not the world
