"""Boundaries of the 153 authorities and the 9 regions, for analysis (EPSG:27700) and the web (WGS84).

The ONS files are already generalised (authorities BSC, 200 m; regions BUC, 500 m). For the web
version we simplify further *topologically* with the ``topojson`` package, so neighbours keep
shared edges (no slivers or gaps), then return to WGS84.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes
from lahelpers.inputs.joins import SourceJoin

#: Catalogue ids of the raw files this source reads.
READS: tuple[str, ...] = ("boundaries_ctyua", "boundaries_regions", "lookup_area_parents")

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"
#: Simplification tolerance for the web version, in metres (EPSG:27700): keeps every
#: authority's area within 5% (City of London, the smallest, moves most).
WEB_TOLERANCE_M = 150


def _read(source_id: str, required: list[str]) -> gpd.GeoDataFrame:
    path = catalogue.raw_path(source_id)
    if not path.is_file():
        raise InputError(path, "file not found", "run `lahelpers data fetch`")
    gdf = gpd.read_file(path)
    missing = [c for c in required if c not in gdf.columns]
    if missing:
        raise InputError(
            path, f"missing column(s) {missing}", "fetch the original ONS file", column=missing[0]
        )
    return gdf


def authorities() -> tuple[gpd.GeoDataFrame, SourceJoin]:
    """Authority polygons (EPSG:27700) for the 153, with the join record for the boundary file."""
    gdf = _read("boundaries_ctyua", ["CTYUA23CD", "CTYUA23NM", "geometry"])
    ref = codes.reference_codes()
    keep = gdf["CTYUA23CD"].isin(ref)
    join = SourceJoin(
        "boundaries_ctyua", "Counties and unitary authorities, December 2023 (BSC)", len(gdf)
    )
    join.unmatched = [
        {
            "source_code": c,
            "source_name": n,
            "reason": "outside England" if c[0] in "WSN" else "not one of the 153",
        }
        for c, n in zip(gdf.loc[~keep, "CTYUA23CD"], gdf.loc[~keep, "CTYUA23NM"], strict=True)
    ]
    out = gdf.loc[keep, ["CTYUA23CD", "geometry"]].rename(columns={"CTYUA23CD": "code"})
    join.matched = sorted(out["code"])
    names = codes.names()
    join.missing = [
        {"code": c, "name": names[c], "reason": "no polygon"}
        for c in sorted(ref - set(out["code"]))
    ]
    if join.missing:
        raise InputError(
            catalogue.raw_path("boundaries_ctyua"),
            f"no boundary for {join.missing}",
            "fetch the December 2023 CTYUA boundary file",
        )
    out = out.to_crs(BNG)
    out["geometry"] = out.geometry.make_valid()
    return out.sort_values("code").reset_index(drop=True), join


def tables() -> list[tuple[gpd.GeoDataFrame, SourceJoin]]:
    """The authority polygons (British National Grid) and their join record."""
    return [authorities()]


def regions() -> gpd.GeoDataFrame:
    """Region polygons (EPSG:27700): ``code, name, geometry``."""
    gdf = _read("boundaries_regions", ["RGN23CD", "RGN23NM", "geometry"])
    out = gdf[["RGN23CD", "RGN23NM", "geometry"]].rename(
        columns={"RGN23CD": "code", "RGN23NM": "name"}
    )
    out = out.to_crs(BNG)
    out["geometry"] = out.geometry.make_valid()
    return out.sort_values("code").reset_index(drop=True)


def check_regions(reference: pd.DataFrame) -> None:
    """The reference list's region for each authority must match ONS's area->region lookup."""
    path = catalogue.raw_path("lookup_area_parents")
    from lahelpers.inputs import rawio

    parents = rawio.read_csv(path, ["areacd", "parentnm"], dtype=str)
    merged = reference.merge(parents, left_on="code", right_on="areacd", how="left", validate="1:1")
    bad = merged[merged["parentnm"] != merged["region"]]
    if not bad.empty:
        raise InputError(
            path,
            f"region disagrees with the reference list for {bad[['code', 'region', 'parentnm']].to_dict('records')[:5]}",
            "check both files' vintages (April 2023 codes, current regions)",
        )


def simplify_for_web(
    gdf: gpd.GeoDataFrame, tolerance_m: float = WEB_TOLERANCE_M
) -> gpd.GeoDataFrame:
    """Topology-preserving simplification in metres, then WGS84 with ~1 m coordinate precision."""
    import shapely
    import topojson

    topo = topojson.Topology(gdf.to_crs(BNG), prequantize=False, toposimplify=tolerance_m)
    simple = topo.to_gdf()
    simple = simple.set_crs(BNG, allow_override=True)
    simple["geometry"] = simple.geometry.make_valid()
    out = simple.to_crs(WGS84)
    out["geometry"] = shapely.set_precision(out.geometry.values, 1e-5)
    out["geometry"] = out.geometry.make_valid()
    return out
