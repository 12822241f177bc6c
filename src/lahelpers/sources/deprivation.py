"""Index of Multiple Deprivation (IMD) scores and ranks for the 153 authorities.

Two editions, each reported as its own source in the join report:

* ``imd2019_utla``: MHCLG IoD 2019 File 11 (upper-tier summaries, 2019 geography, 151 areas),
  sheet ``IMD``: the average score and the rank of average score (1 = most deprived among the
  151). Buckinghamshire, North Yorkshire and Somerset are recoded from their same-footprint 2019
  county codes; Slough's code is mistyped ``E0600003`` in this sheet only and is fixed for this
  file alone. Cumbria and Northamptonshire cannot be split, so Cumberland, Westmorland and
  Furness, North Northamptonshire and West Northamptonshire stay missing with the reason.
* ``imd2025_ltla``: MHCLG IoD 2025 File 10 (296 lower-tier districts). There is no upper-tier
  file, so the upper-tier score is rebuilt as the population-weighted mean of the district
  average scores, weights = ONS mid-2022 district population (``population_mye22``). The
  official IoD upper-tier "average score" is itself the population-weighted mean of LSOA scores;
  a district's average score is the same weighted mean over its LSOAs, so this reproduces the
  official figure up to the weights used (mid-2022 district totals instead of the IoD's own
  LSOA population denominators). The rank is among the 153 (1 = most deprived); the official
  upper-tier ranks would be among the 2025 upper tiers and need LSOA data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, rawio
from lahelpers.inputs.joins import SourceJoin, join_districts, join_upper_tier
from lahelpers.sources.demographics import district_population

#: Catalogue ids of the raw files this source reads.
READS: tuple[str, ...] = ("imd2019_utla", "imd2025_ltla", "population_mye22")

VARIABLES: dict[str, dict] = {
    "imd2019_score": {
        "label": "Deprivation: IMD 2019 average score",
        "unit": "score",
        "source_id": "imd2019_utla",
        "vintage": "IoD 2019 (2019 geography)",
        "note": "Higher = more deprived. No value for Cumberland, Westmorland and Furness, North "
        "and West Northamptonshire (published only for Cumbria and Northamptonshire).",
    },
    "imd2019_rank": {
        "label": "Deprivation: IMD 2019 rank of average score (1 = most deprived)",
        "unit": "rank",
        "source_id": "imd2019_utla",
        "vintage": "IoD 2019 (2019 geography)",
        "note": "Rank among the 151 upper-tier areas of 2019, not the 153.",
    },
    "imd2025_score": {
        "label": "Deprivation: IMD 2025 average score",
        "unit": "score",
        "source_id": "imd2025_ltla",
        "vintage": "IoD 2025",
        "note": "Population-weighted mean of district average scores (weights: mid-2022 district "
        "population); higher = more deprived.",
    },
    "imd2025_rank": {
        "label": "Deprivation: IMD 2025 rank of average score (1 = most deprived)",
        "unit": "rank",
        "source_id": "imd2025_ltla",
        "vintage": "IoD 2025",
        "note": "Rank among the 153 of the rebuilt score; not an official rank.",
    },
}

# --- imd2019_utla -------------------------------------------------------------------------------

IMD2019_SHEET = "IMD"
IMD2019_CODE = "Upper Tier Local Authority District code (2019)"
IMD2019_NAME = "Upper Tier Local Authority District name (2019)"
IMD2019_SCORE = "IMD - Average score"
IMD2019_RANK = "IMD - Rank of average score"
#: File-specific fix, passed to the join for this file only.
SLOUGH_FIX: dict[str, tuple[str, str]] = {
    "E0600003": (
        "E06000039",
        "Slough's code mistyped E0600003 in the IoD 2019 File 11 'IMD' sheet (correct in the "
        "other sheets) -> E06000039",
    )
}


def read_imd2019(path=None) -> pd.DataFrame:
    """The ``IMD`` sheet of IoD 2019 File 11, headers stripped of their trailing spaces."""
    path = path or catalogue.raw_path("imd2019_utla")
    df = rawio.read_excel(path, IMD2019_SHEET)
    df.columns = [str(c).strip() for c in df.columns]
    rawio.require_columns(
        df, [IMD2019_CODE, IMD2019_NAME, IMD2019_SCORE, IMD2019_RANK], path, what="sheet 'IMD'"
    )
    return df


def imd2019(path=None) -> tuple[pd.DataFrame, SourceJoin]:
    """IMD 2019 average score and its rank for the 149 of the 153 the file can give."""
    path = path or catalogue.raw_path("imd2019_utla")
    df = read_imd2019(path).rename(
        columns={IMD2019_SCORE: "imd2019_score", IMD2019_RANK: "imd2019_rank"}
    )
    values, join = join_upper_tier(
        df,
        source_id="imd2019_utla",
        description="IoD 2019 File 11 (upper-tier summaries, 2019 geography), sheet IMD: average "
        "score and rank of average score (1 = most deprived of 151).",
        code_col=IMD2019_CODE,
        value_cols=["imd2019_score", "imd2019_rank"],
        name_col=IMD2019_NAME,
        extra=SLOUGH_FIX,
        file=path,
    )
    values["imd2019_rank"] = values["imd2019_rank"].astype("Int64")
    return values, join


# --- imd2025_ltla -------------------------------------------------------------------------------

IMD2025_CODE, IMD2025_NAME, IMD2025_SCORE = "ltla24_code", "ltla24_name", "imd_average_score"


def population_weighted_mean(
    values: pd.Series, weights: pd.Series, groups: pd.Series
) -> pd.Series:
    """Weighted mean of ``values`` within each group: sum(value x weight) / sum(weight).

    The three series are aligned on their index. Pairs with a missing value or weight, or a
    missing group, are left out (so a missing value does not count as zero); a group whose
    weights sum to zero gives NaN. Negative weights are an error. Returns one value per group,
    sorted by group.
    """
    frame = pd.DataFrame({"v": values, "w": weights, "g": groups}).dropna()
    if (frame["w"] < 0).any():
        raise ValueError("population_weighted_mean: weights must not be negative")
    frame["vw"] = frame["v"] * frame["w"]
    sums = frame.groupby("g", sort=True)[["vw", "w"]].sum()
    out = sums["vw"] / sums["w"].replace(0, np.nan)
    out.index.name = groups.name
    return out


def read_imd2025_with_weights(path=None) -> pd.DataFrame:
    """IoD 2025 district average scores with each district's mid-2022 population.

    Raises if a district has no score or no population: it would otherwise drop out of its
    authority's mean without a trace.
    """
    path = path or catalogue.raw_path("imd2025_ltla")
    df = rawio.read_rda(path, [IMD2025_CODE, IMD2025_NAME, IMD2025_SCORE])
    df = df[[IMD2025_CODE, IMD2025_NAME, IMD2025_SCORE]].copy()
    if df[IMD2025_SCORE].isna().any():
        pos = int(df[IMD2025_SCORE].isna().to_numpy().nonzero()[0][0])
        raise InputError(
            path, f"no IMD average score for {df[IMD2025_CODE].iloc[pos]}", rawio.FETCH_FIX,
            row=pos + 1, column=IMD2025_SCORE,
        )
    df["population"] = df[IMD2025_CODE].map(district_population())
    if df["population"].isna().any():
        lost = df.loc[df["population"].isna(), IMD2025_CODE].tolist()
        raise InputError(
            catalogue.raw_path("population_mye22"),
            f"no mid-2022 district population (MYE2 - Persons) for {lost[:5]} "
            f"({len(lost)} district(s) of the IoD 2025 file)",
            "use population estimates on the same (April 2023) district boundaries",
            column="Code",
        )
    df["score_x_pop"] = df[IMD2025_SCORE] * df["population"]
    return df


def imd2025_from_sums(summed: pd.DataFrame) -> pd.DataFrame:
    """Score = summed score x population / summed population; rank 1 = highest score."""
    score = summed["score_x_pop"] / summed["population"]
    return pd.DataFrame(
        {
            "imd2025_score": score,
            "imd2025_rank": score.rank(ascending=False, method="min").astype("Int64"),
        },
        index=summed.index,
    )


def imd2025(path=None) -> tuple[pd.DataFrame, SourceJoin]:
    """IMD 2025 average score for the 153, population-weighted from the 296 districts."""
    return join_districts(
        read_imd2025_with_weights(path),
        source_id="imd2025_ltla",
        description="IoD 2025 File 10 district average scores, population-weighted (ONS mid-2022 "
        "district population) to the 2023 upper tier; rank among the 153, 1 = most deprived.",
        code_col=IMD2025_CODE,
        sum_cols=["score_x_pop", "population"],
        name_col=IMD2025_NAME,
        derive=imd2025_from_sums,
    )


def tables() -> list[tuple[pd.DataFrame, SourceJoin]]:
    """One ``(values, join)`` per raw source, values indexed by the 2023 code."""
    out = [imd2019(), imd2025()]
    for values, _join in out:
        values.index.name = "code"
    return out
