"""Small synthetic authorities tables in the shape of the contract (``load.authorities()``,
``load.authorities_geo()``, ``load.regions_geo()``, ``load.pilots()``) for the analysis helper
tests. Values are random but seeded, so every test sees the same data.

Layout: 9 regions x ``per_region`` authorities. Geometry: each authority is a 0.4-degree square
in a grid (one column per region), so regions are adjacent rectangles and neighbours share
edges exactly.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import box

from lahelpers.framework import (
    NOT_RATED,
    QS_COLUMNS,
    RATING_DTYPE,
    RATINGS,
    THEMES,
    band_of,
    overall_pct,
)
from lahelpers.sources.rurality import classify_rural

REGIONS = (
    "North East", "North West", "Yorkshire and The Humber", "East Midlands", "West Midlands",
    "East of England", "London", "South East", "South West",
)
CELL = 0.4  # degrees


def authorities(per_region: int = 6, seed: int = 1) -> pd.DataFrame:
    """A synthetic authorities table: 9 * per_region rows, the contract's main columns.

    Roughly: 3/4 rated; of the rated, about 2/3 have all 9 scores (rating derived from the
    scores' band), the rest a rating only; a few context values are missing.
    """
    rng = np.random.default_rng(seed)
    n = 9 * per_region
    df = pd.DataFrame({
        "code": [f"E06{i:06d}" for i in range(1, n + 1)],
        "name": [f"Authority {i:02d}" for i in range(1, n + 1)],
        "la_type": rng.choice(["Unitary", "County", "Metropolitan", "London borough"], n),
        "region": [REGIONS[i % 9] for i in range(n)],
    })
    # Context: deprivation drives scores down a little, so analyses have something to find.
    df["imd2025_score"] = rng.uniform(8, 45, n).round(2)
    df["pop_total"] = np.exp(rng.normal(12.5, 0.6, n)).round()
    df["pct_65plus"] = rng.uniform(12, 30, n).round(2)
    df["pct_rural"] = rng.uniform(0, 80, n).round(2)
    df["pct_ethnic_minority"] = rng.uniform(2, 60, n).round(2)
    df["density"] = np.exp(rng.normal(6.5, 1.5, n)).round(1)
    df["turnover_rate"] = rng.uniform(20, 40, n).round(1)
    df["rural_class"] = classify_rural(df["pct_rural"])
    df["pct_unpaid_care"] = rng.uniform(7, 11, n).round(2)
    df["pct_disabled"] = rng.uniform(14, 24, n).round(2)
    df["pop_65plus"] = (df["pop_total"] * df["pct_65plus"] / 100).round()
    latent = 3.3 - 0.03 * (df["imd2025_score"] - 25) + rng.normal(0, 0.35, n)
    scores = np.clip(np.round(latent.to_numpy()[:, None] + rng.normal(0, 0.6, (n, 9))), 1, 4)
    status = rng.choice(["scores", "rating_only", "unrated"], n, p=[0.5, 0.25, 0.25])
    for j, qs in enumerate(QS_COLUMNS):
        df[qs] = np.where(status == "scores", scores[:, j], np.nan)
    # A few authorities with partial scores (published but incomplete).
    partial = np.flatnonzero(status == "rating_only")[:2]
    df.loc[partial, ["qs1", "qs2"]] = 3.0
    df["overall_pct"] = [
        overall_pct(list(row)) if not np.isnan(row).any() else np.nan
        for row in df[list(QS_COLUMNS)].to_numpy()
    ]
    rating = []
    for st, pct, lat in zip(status, df["overall_pct"], latent, strict=True):
        if st == "unrated":
            rating.append(None)
        elif st == "scores":
            rating.append(band_of(pct))
        else:
            rating.append(RATINGS[int(np.clip(round(lat) - 1, 0, 3))])
    # Make sure every rating occurs: the first rating-only authority is Inadequate.
    rating[int(np.flatnonzero(status == "rating_only")[0])] = "Inadequate"
    df["rating"] = pd.Series(rating, dtype=RATING_DTYPE)
    df["rating_label"] = df["rating"].astype(object).where(df["rating"].notna(), NOT_RATED)
    df["cqc_status"] = np.where(df["rating"].notna(), "rated", "not yet in our data")
    df["rating_basis"] = np.where(
        status == "scores", "derived from scores",
        np.where(status == "rating_only", "stated", None))
    for col, (_name, qs) in THEMES.items():
        df[col] = df[list(qs)].mean(axis=1, skipna=False)
    days = rng.integers(0, 540, n)
    df["publication_date"] = pd.to_datetime("2023-12-01") + pd.to_timedelta(days, unit="D")
    df.loc[status == "unrated", "publication_date"] = pd.NaT
    df["publication_date_precision"] = np.where(status == "unrated", None, "day")
    df["report_url"] = ""
    df["source"] = "synthetic"
    df["rating_flag"] = ""
    # Gaps in context, like Cumbria's successors lacking pre-2023 data.
    df.loc[[3, 10], "imd2025_score"] = np.nan
    df.loc[[5], "density"] = np.nan
    return df


def authorities_geo(df: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """The authorities table with square polygons: region i in grid column i (EPSG:4326)."""
    df = authorities() if df is None else df
    geoms = []
    row_in_region: dict[str, int] = {}
    for reg in df["region"]:
        col = REGIONS.index(reg)
        row = row_in_region.get(reg, 0)
        row_in_region[reg] = row + 1
        x0, y0 = round(-4.0 + col * CELL, 6), round(50.5 + row * CELL, 6)
        geoms.append(box(x0, y0, round(x0 + CELL, 6), round(y0 + CELL, 6)))
    return gpd.GeoDataFrame(df.copy(), geometry=geoms, crs="EPSG:4326")


def regions_geo(geo: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """Region outlines (code, name, geometry), dissolved from :func:`authorities_geo`."""
    geo = authorities_geo() if geo is None else geo
    reg = geo[["region", "geometry"]].dissolve(by="region").reset_index()
    reg = reg.rename(columns={"region": "name"})
    reg.insert(0, "code", [f"E1200000{REGIONS.index(n) + 1}" for n in reg["name"]])
    return gpd.GeoDataFrame(reg[["code", "name", "geometry"]], crs="EPSG:4326")


def pilots() -> pd.DataFrame:
    """Five pilot-like rows (code, name, rating, qs1..qs9, overall_pct, publication_date)."""
    scores = [[3] * 9, [2] * 9, [3, 3, 2, 3, 3, 3, 2, 3, 3], [4, 3, 3, 3, 3, 3, 3, 3, 3], [2] * 9]
    df = pd.DataFrame(scores, columns=list(QS_COLUMNS)).astype(float)
    df.insert(0, "code", [f"E09{i:06d}" for i in range(1, 6)])
    df.insert(1, "name", [f"Pilot {i}" for i in range(1, 6)])
    df["overall_pct"] = [overall_pct(list(r)) for r in df[list(QS_COLUMNS)].to_numpy()]
    df["rating"] = pd.Series([band_of(p) for p in df["overall_pct"]], dtype=RATING_DTYPE)
    df["publication_date"] = pd.to_datetime("2023-10-01")
    return df
