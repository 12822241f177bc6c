"""Workforce and Oflog context variables for the 153 authorities.

Two sources, one ``(values, SourceJoin)`` each from :func:`tables`:

* ``oflog_asc`` (``workforce/ASC_data.csv``): the Oflog adult social care metrics, long format
  (one row per authority x year x measure). Each measure is taken in its latest year with data
  (:func:`latest_year`): ASC7 workforce turnover, ASC2, ASC3, ASC5, ASC6 in 2022-23; ASC1 and
  ASC4 (carers' survey, biennial) in 2021-22. Codes are pre-April-2023: North Yorkshire and
  Somerset recode to their unitary codes; Cumbria's value is never copied to Cumberland or
  Westmorland and Furness (both stay missing with the reason).
  Units and ranges found in the file (checked by :data:`RANGES` on every read):
  turnover 10-47 %; ASC2 0.34-0.49 (ASCOF 1J adjusted social care-related quality of life, a
  score, not a %); ASC3 51-85 %; ASC5 27-100 % (100 = Isles of Scilly, tiny numbers); ASC6
  461-6,911 (median about 1,700; appears to be requests resulting in a service per 100,000
  adults, our reading); ASC1 6.1-8.4 (carer-reported quality of life score, 0-12); ASC4
  42-83 %. Earlier years (not used) hold zeros that are non-reports (ASC2 2019-20: Kent, City
  of London, Isles of Scilly = 0.0).
* ``skillsforcare_independent`` (``workforce/skillsforcare_england.csv``): Skills for Care
  independent-sector filled posts, FTE and vacancy rate, 2023/24 (``year`` 2023). Gateshead's
  pre-2013 code is recoded; the three combined pseudo-codes (Dorset + BCP, North + West
  Northamptonshire, Cumberland + Westmorland and Furness) cannot be split, so those six councils
  stay missing; the Cornwall row is "Cornwall and Isles of Scilly", kept for Cornwall, with
  Isles of Scilly recorded missing as "combined with Cornwall in the source".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes, rawio, validate
from lahelpers.inputs.joins import SourceJoin, join_upper_tier

OFLOG_ID = "oflog_asc"
SFC_ID = "skillsforcare_independent"
#: Catalogue ids of the raw files this source reads.
READS: tuple[str, ...] = (OFLOG_ID, SFC_ID)

#: Oflog measure code -> output column.
OFLOG_MEASURES: dict[str, str] = {
    "ASC7": "turnover_rate",
    "ASC2": "oflog_adj_scrqol",
    "ASC3": "oflog_info_users",
    "ASC5": "oflog_short_term_sequel",
    "ASC6": "oflog_requests_to_service",
    "ASC1": "oflog_carer_qol",
    "ASC4": "oflog_info_carers",
}

_OFLOG_NOTE = (
    "Oflog prototype data file (communitiesuk/oflog-automated-text), not the official download; "
    "pre-April-2023 codes: Cumberland and Westmorland and Furness missing (Cumbria not split)."
)

VARIABLES: dict[str, dict] = {
    "turnover_rate": {
        "label": "Care workforce turnover rate (%)",
        "unit": "%",
        "source_id": OFLOG_ID,
        "vintage": "2022-23",
        "note": "Skills for Care ASC-WDS estimate as republished by Oflog (ASC7); whether it "
        "covers all sectors or the independent sector only is not stated. " + _OFLOG_NOTE,
    },
    "oflog_adj_scrqol": {
        "label": "Social care quality of life attributable to services (ASCOF 1J score)",
        "unit": "score (0-1)",
        "source_id": OFLOG_ID,
        "vintage": "2022-23",
        "note": "Oflog ASC2; values about 0.4 identify it as ASCOF 1J adjusted SCRQoL, not 1A. "
        "Survey-based. " + _OFLOG_NOTE,
    },
    "oflog_info_users": {
        "label": "Service users finding it easy to get information (%)",
        "unit": "%",
        "source_id": OFLOG_ID,
        "vintage": "2022-23",
        "note": "Oflog ASC3 (ASCOF 3D part 1, our reading). Survey-based. " + _OFLOG_NOTE,
    },
    "oflog_short_term_sequel": {
        "label": "Short-term support followed by no or lower-level support (%)",
        "unit": "%",
        "source_id": OFLOG_ID,
        "vintage": "2022-23",
        "note": "Oflog ASC5 (ASCOF 2D, our reading); Isles of Scilly 100% on very small numbers. "
        + _OFLOG_NOTE,
    },
    "oflog_requests_to_service": {
        "label": "Requests for support resulting in a service (rate)",
        "unit": "per 100,000 adults (our reading; verify)",
        "source_id": OFLOG_ID,
        "vintage": "2022-23",
        "note": "Oflog ASC6 from SALT; the denominator is not stated in the file (median about "
        "1,700, consistent with per 100,000 adults). " + _OFLOG_NOTE,
    },
    "oflog_carer_qol": {
        "label": "Carer-reported quality of life (score)",
        "unit": "score (0-12)",
        "source_id": OFLOG_ID,
        "vintage": "2021-22",
        "note": "Oflog ASC1 (ASCOF 1D); carers' survey is biennial, 2021-22 is the latest year. "
        + _OFLOG_NOTE,
    },
    "oflog_info_carers": {
        "label": "Carers finding it easy to get information (%)",
        "unit": "%",
        "source_id": OFLOG_ID,
        "vintage": "2021-22",
        "note": "Oflog ASC4 (ASCOF 3D part 2, our reading); carers' survey, latest year 2021-22. "
        + _OFLOG_NOTE,
    },
    "sfc_vacancy_rate": {
        "label": "Independent-sector care vacancy rate (%)",
        "unit": "%",
        "source_id": SFC_ID,
        "vintage": "2023-24",
        "note": "Independent sector only (no council staff or personal assistants). Vacant posts "
        "as a % of employees plus vacant posts (the file's rate matches that denominator within "
        "rounding, not filled posts plus vacant). Cornwall includes Isles of Scilly; the combined "
        "Dorset/BCP, Northamptonshire and Cumbria rows (different denominator) are not used.",
    },
    "sfc_filled_posts": {
        "label": "Independent-sector care filled posts",
        "unit": "posts",
        "source_id": SFC_ID,
        "vintage": "2023-24",
        "note": "Independent sector only; rounded by Skills for Care. Cornwall includes Isles of "
        "Scilly. A count: divide by population before comparing areas.",
    },
    "sfc_fte_posts": {
        "label": "Independent-sector care full-time-equivalent posts",
        "unit": "FTE posts",
        "source_id": SFC_ID,
        "vintage": "2023-24",
        "note": "Independent sector only; rounded. Cornwall includes Isles of Scilly. A count.",
    },
}

#: Plausible (min, max) for each column; a value outside means the file or its units changed.
RANGES: dict[str, tuple[float, float]] = {
    "turnover_rate": (0, 100),
    "oflog_adj_scrqol": (0, 1),
    "oflog_info_users": (0, 100),
    "oflog_short_term_sequel": (0, 100),
    "oflog_requests_to_service": (0, 100_000),
    "oflog_carer_qol": (0, 12),
    "oflog_info_carers": (0, 100),
    "sfc_vacancy_rate": (0, 100),
    "sfc_filled_posts": (0, 1_000_000),
    "sfc_fte_posts": (0, 1_000_000),
}

OFLOG_COLUMNS = ["Financial year", "Local authority code", "Local authority name", "Code", "Value"]
#: A year counts as "with data" for a measure when at least this many authorities have a value.
OFLOG_MIN_VALUES = 100
SFC_COLUMNS = ["la_name", "year", "filled_posts", "vacancy_rate", "fte_posts", "la_code"]
#: Skills for Care ``year`` is the first calendar year of the financial year: 2023 = 2023/24.
SFC_YEAR = 2023


def latest_year(long: pd.DataFrame, *, year_col: str, value_col: str, min_values: int = 1) -> str:
    """The latest year with at least ``min_values`` non-missing values (years sort as text).

    Works for ``"2021-22"``-style labels and integers alike; the caller says which table.
    """
    counts = long.groupby(year_col)[value_col].count()
    good = counts[counts >= min_values]
    if good.empty:
        raise ValueError(f"no year has {min_values} or more values in {value_col!r}")
    return max(good.index, key=str)


def read_oflog(path: Path | None = None) -> pd.DataFrame:
    """The Oflog long table, checked: required columns, numeric values, one row per key."""
    path = Path(path or catalogue.raw_path(OFLOG_ID))
    df = rawio.read_csv(path, OFLOG_COLUMNS, dtype={"Local authority code": str, "Code": str})
    if not pd.api.types.is_numeric_dtype(df["Value"]):
        bad = pd.to_numeric(df["Value"], errors="coerce").isna() & df["Value"].notna()
        raise InputError(
            path,
            f"non-numeric value {df.loc[bad, 'Value'].iloc[0]!r}",
            "restore the original file",
            row=int(bad.idxmax()) + 2,
            column="Value",
        )
    key = ["Financial year", "Local authority code", "Code"]
    dup = df.duplicated(key, keep=False)
    if dup.any():
        raise InputError(
            path,
            f"{int(dup.sum())} rows repeat a year x authority x measure",
            "keep one row per year, authority and measure",
            row=int(dup.idxmax()) + 2,
        )
    return df


def oflog_wide(long: pd.DataFrame, path: str | Path = OFLOG_ID) -> pd.DataFrame:
    """One row per authority code, one column per measure, each in its latest year with data.

    The year found must equal the ``vintage`` in :data:`VARIABLES` (else the file has changed and
    the labels would be wrong: an InputError says so).
    """
    parts = []
    for measure, col in OFLOG_MEASURES.items():
        rows = long[long["Code"] == measure]
        if rows.empty:
            raise InputError(
                path, f"no rows for measure {measure}", "restore the original file", column="Code"
            )
        year = latest_year(
            rows, year_col="Financial year", value_col="Value", min_values=OFLOG_MIN_VALUES
        )
        if year != VARIABLES[col]["vintage"]:
            raise InputError(
                path,
                f"latest year with data for {measure} is {year}, not {VARIABLES[col]['vintage']}",
                "update the vintage in lahelpers.sources.workforce.VARIABLES after checking the new data",
                column="Financial year",
            )
        part = rows[rows["Financial year"] == year].set_index("Local authority code")
        parts.append(part["Value"].rename(col))
    names = long.drop_duplicates("Local authority code", keep="last").set_index(
        "Local authority code"
    )["Local authority name"]
    wide = pd.concat(parts, axis=1)
    wide.insert(0, "name", names.reindex(wide.index))
    wide.index.name = "source_code"
    return wide.reset_index()


def oflog_table(path: Path | None = None) -> tuple[pd.DataFrame, SourceJoin]:
    """Oflog measures joined to the 153 (turnover 2022-23 and the six other metrics)."""
    path = Path(path or catalogue.raw_path(OFLOG_ID))
    wide = oflog_wide(read_oflog(path), path)
    cols = list(OFLOG_MEASURES.values())
    validate.check_ranges(wide.set_index("source_code"), path, RANGES)
    values, join = join_upper_tier(
        wide,
        source_id=OFLOG_ID,
        description="Oflog ASC metrics, one row per authority code appearing in the latest year "
        "of any measure (2022-23; ASC1/ASC4 2021-22); pre-April-2023 codes.",
        code_col="source_code",
        value_cols=cols,
        name_col="name",
        file=path,
    )
    return values, join


def read_skillsforcare(path: Path | None = None, year: int = SFC_YEAR) -> pd.DataFrame:
    """The Skills for Care rows for one year (2023 = 2023/24), checked one row per code."""
    path = Path(path or catalogue.raw_path(SFC_ID))
    df = rawio.read_csv(path, SFC_COLUMNS, dtype={"la_code": str, "la_name": str})
    rows = df[df["year"] == year].copy()
    if rows.empty:
        raise InputError(
            path, f"no rows for year {year}", "restore the original file", column="year"
        )
    dup = rows["la_code"].duplicated(keep=False)
    if dup.any():
        raise InputError(
            path,
            f"code {rows.loc[dup, 'la_code'].iloc[0]} appears twice in year {year}",
            "keep one row per area and year",
            row=int(dup.idxmax()) + 2,
            column="la_code",
        )
    rate = rows["vacancy_rate"]
    if (rate.dropna() > 1).any():
        raise InputError(
            path,
            "vacancy_rate above 1: expected a proportion (0.09 = 9%)",
            "restore the original file (the reader converts proportions to percentages)",
            row=int((rate > 1).idxmax()) + 2,
            column="vacancy_rate",
        )
    return rows


def skillsforcare_table(path: Path | None = None) -> tuple[pd.DataFrame, SourceJoin]:
    """Skills for Care independent-sector vacancy rate (%), filled and FTE posts, 2023/24."""
    path = Path(path or catalogue.raw_path(SFC_ID))
    rows = read_skillsforcare(path)
    rows["sfc_vacancy_rate"] = rows["vacancy_rate"] * 100
    rows["sfc_filled_posts"] = rows["filled_posts"]
    rows["sfc_fte_posts"] = rows["fte_posts"]
    cols = ["sfc_vacancy_rate", "sfc_filled_posts", "sfc_fte_posts"]
    validate.check_ranges(rows.set_index("la_code"), path, RANGES)
    values, join = join_upper_tier(
        rows,
        source_id=SFC_ID,
        description="Skills for Care ASC-WDS independent-sector estimates, 2023/24 rows "
        "(year 2023); combined pseudo-codes cannot be split.",
        code_col="la_code",
        value_cols=cols,
        name_col="la_name",
        file=path,
    )
    cornwall = rows.loc[rows["la_code"] == codes.CORNWALL, "la_name"]
    if cornwall.str.contains("Scilly", case=False).any():
        join.set_missing_reason(codes.SCILLY, codes.SCILLY_WITH_CORNWALL)
    return values, join


def tables() -> list[tuple[pd.DataFrame, SourceJoin]]:
    """One ``(values indexed by 2023 code, SourceJoin)`` per raw source, for the build."""
    return [oflog_table(), skillsforcare_table()]
