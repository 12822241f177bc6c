"""Load the built tables for notebooks: fast, and building first if they are missing.

``authorities()`` reads two small Parquet files (milliseconds); geopandas is imported only by the
``*_geo`` functions, so plain loads stay well under a second.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from lahelpers import framework, paths

if TYPE_CHECKING:
    import geopandas as gpd


def _ensure_built() -> Path:
    """The processed folder, built first (from data/raw) if any output is missing."""
    from lahelpers import build

    folder = paths.processed_dir()
    if not all((folder / o).is_file() for o in build.OUTPUTS):
        build.build()
    return folder


def _file(name: str) -> Path:
    folder = paths.processed_dir()
    path = folder / name
    if not path.is_file():
        folder = _ensure_built()
        path = folder / name
    return path


def _restore_types(df: pd.DataFrame) -> pd.DataFrame:
    """Re-apply the ordered categories (Parquet keeps them, CSV fallbacks would not)."""
    if "rating" in df:
        df["rating"] = (
            df["rating"].astype(str).where(df["rating"].notna()).astype(framework.RATING_DTYPE)
        )
    return df


@lru_cache(maxsize=1)
def _authorities_cached(stamp: float) -> pd.DataFrame:
    cqc = pd.read_parquet(_file("authorities.parquet"))
    context = pd.read_parquet(_file("context.parquet"))
    return _restore_types(cqc.merge(context, on="code", how="left", validate="1:1"))


def authorities() -> pd.DataFrame:
    """The 153 authorities: CQC assessment joined to every context variable (one row each)."""
    stamp = _file("build_stamp.json").stat().st_mtime
    return _authorities_cached(stamp).copy()


def authorities_geo() -> gpd.GeoDataFrame:
    """``authorities()`` with simplified WGS84 polygons, for maps."""
    import geopandas as gpd

    shapes = gpd.read_parquet(_file("authorities_web.parquet"))
    return gpd.GeoDataFrame(
        shapes[["code", "geometry"]].merge(authorities(), on="code", validate="1:1"),
        geometry="geometry",
        crs=shapes.crs,
    )


def authorities_27700() -> gpd.GeoDataFrame:
    """Authority polygons in British National Grid (metres), for spatial analysis."""
    import geopandas as gpd

    return gpd.read_parquet(_file("authorities_27700.parquet"))


def regions_geo() -> gpd.GeoDataFrame:
    """The 9 English regions (simplified WGS84): ``code, name, geometry``."""
    import geopandas as gpd

    return gpd.read_parquet(_file("regions_web.parquet"))


def pilots() -> pd.DataFrame:
    """The five 2023 pilot assessments (indicative ratings)."""
    return _restore_types(pd.read_parquet(_file("pilots.parquet")))


def variables() -> pd.DataFrame:
    """One row per context column: label, unit, source, vintage, note."""
    return pd.read_csv(_file("variables.csv"))


def context_missing() -> pd.DataFrame:
    """Every missing context value with the reason it is missing."""
    return pd.read_csv(_file("context_missing.csv"))


def join_report() -> dict:
    """The machine-readable join report."""
    return json.loads(_file("join_report.json").read_text(encoding="utf-8"))


def label(column: str) -> str:
    """Plain-English label of a column (context variable, quality statement, theme or core field)."""
    if column in framework.QUALITY_STATEMENTS:
        return f"{column.upper()} {framework.QUALITY_STATEMENTS[column]}"
    if column in framework.THEMES:
        return framework.THEMES[column][0]
    core = {
        "overall_pct": "Overall % score",
        "rating": "Overall rating",
        "rating_label": "Overall rating",
    }
    if column in core:
        return core[column]
    v = variables()
    hit = v.loc[v["column"] == column, "label"]
    return str(hit.iloc[0]) if len(hit) else column
