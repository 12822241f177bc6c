"""Population, age, density, ethnicity, unpaid care, disability and households for the 153.

Each source is read strictly (missing columns or inconsistent totals raise
:class:`~lahelpers.errors.InputError`) and joined to the 153 April 2023 upper-tier authorities
through :mod:`lahelpers.inputs.joins`, so the join report records what matched and what did not:

* ``population_mye22`` (ONS mid-2022 estimates on April 2023 boundaries): ``MYE2 - Persons``
  (single years 0-89 and 90+), ``MYE5`` (area, density) and ``MYE6`` (median age), merged on the
  code and joined directly at upper tier.
* ``census_ethnicity`` (Census 2021, 2023 upper tier): 20 categories; the ``-8 Does not apply``
  category is excluded from the denominator (it is all zero, but is not a population).
* ``census_unpaid_care_msoa`` (TS039, MSOA 2021) and ``census_disability_lsoa`` (TS038,
  LSOA 2021): small areas are summed to LAD 2022 through the ONS lookups (``lookup_msoa`` /
  ``lookup_lsoa``, de-duplicated to one row per 2021 small area because the lookups also carry
  the 2011 areas), then to the 2023 upper tier. Rates are always computed from summed counts.
* ``census_households_ltla`` (Census 2021, LTLA 2023): summed to the upper tier.

The optional ``census_age_ltla`` (Census-day ages) is not used: the mid-2022 estimates give the
age structure at a later date on the same boundaries.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, rawio
from lahelpers.inputs.joins import SourceJoin, join_districts, join_upper_tier

#: Catalogue ids of the raw files this source reads.
READS: tuple[str, ...] = (
    "population_mye22", "census_ethnicity", "census_unpaid_care_msoa", "census_disability_lsoa",
    "census_households_ltla", "lookup_msoa", "lookup_lsoa",
)  # fmt: skip

MYE_VINTAGE = "mid-2022 (April 2023 boundaries)"
CENSUS_VINTAGE = "Census 2021 (21 March 2021)"

VARIABLES: dict[str, dict] = {
    "pop_total": {
        "label": "Population, all ages (mid-2022)",
        "unit": "people",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "",
    },
    "pop_65plus": {
        "label": "Population aged 65 and over (mid-2022)",
        "unit": "people",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "",
    },
    "pop_85plus": {
        "label": "Population aged 85 and over (mid-2022)",
        "unit": "people",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "",
    },
    "pct_65plus": {
        "label": "Share of the population aged 65 and over",
        "unit": "%",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "",
    },
    "pct_85plus": {
        "label": "Share of the population aged 85 and over",
        "unit": "%",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "",
    },
    "area_km2": {
        "label": "Area",
        "unit": "sq km",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "Area as published with the estimates (MYE5).",
    },
    "density": {
        "label": "Population density",
        "unit": "people per sq km",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "Mid-2022 population divided by area (MYE5), unrounded.",
    },
    "median_age": {
        "label": "Median age",
        "unit": "years",
        "source_id": "population_mye22",
        "vintage": MYE_VINTAGE,
        "note": "",
    },
    "pct_ethnic_minority": {
        "label": "Residents not White British",
        "unit": "%",
        "source_id": "census_ethnicity",
        "vintage": CENSUS_VINTAGE,
        "note": "Not 'White: English, Welsh, Scottish, Northern Irish or British'; includes "
        "White Irish, Gypsy or Irish Traveller, Roma and Other White.",
    },
    "pct_non_white": {
        "label": "Residents in a non-White ethnic group",
        "unit": "%",
        "source_id": "census_ethnicity",
        "vintage": CENSUS_VINTAGE,
        "note": "",
    },
    "pct_unpaid_care": {
        "label": "Residents aged 5+ providing unpaid care",
        "unit": "%",
        "source_id": "census_unpaid_care_msoa",
        "vintage": CENSUS_VINTAGE,
        "note": "Summed from MSOA 2021 counts (small-count perturbation: totals may differ by a "
        "few people from other Census tables).",
    },
    "pct_unpaid_care_20h": {
        "label": "Residents aged 5+ providing 20+ hours of unpaid care a week",
        "unit": "%",
        "source_id": "census_unpaid_care_msoa",
        "vintage": CENSUS_VINTAGE,
        "note": "Summed from MSOA 2021 counts.",
    },
    "pct_disabled": {
        "label": "Residents disabled under the Equality Act",
        "unit": "%",
        "source_id": "census_disability_lsoa",
        "vintage": CENSUS_VINTAGE,
        "note": "Summed from LSOA 2021 counts; limited a lot and a little combined.",
    },
    "households": {
        "label": "Households",
        "unit": "households",
        "source_id": "census_households_ltla",
        "vintage": CENSUS_VINTAGE,
        "note": "Total households only; no living-alone breakdown.",
    },
}

# --- population_mye22 ---------------------------------------------------------------------------

MYE2_SHEET = "MYE2 - Persons"
MYE_HEADER = 7  # the column names are on row 8 of each sheet
AGE_COLUMNS: tuple[str, ...] = (*(str(a) for a in range(90)), "90+")
UPPER_TIER_GEOGRAPHIES = ("County", "Unitary Authority", "Metropolitan District", "London Borough")
LOWER_TIER_GEOGRAPHIES = (
    "Non-metropolitan District",
    "Unitary Authority",
    "Metropolitan District",
    "London Borough",
)
MYE5_AREA, MYE5_POP, MYE5_DENSITY = (
    "Area (sq km)",
    "Estimated Population mid-2022",
    "2022 people per sq. km",
)
MYE6_MEDIAN = "Mid-2022"


def ages_from(first: int) -> list[str]:
    """The MYE2 single-year columns for ages ``first`` and over (``90+`` is the last)."""
    return [c for c in AGE_COLUMNS if c == "90+" or int(c) >= first]


@lru_cache(maxsize=1)
def _mye2_persons() -> pd.DataFrame:
    path = catalogue.raw_path("population_mye22")
    df = rawio.read_excel(
        path, MYE2_SHEET, ["Code", "Name", "Geography", "All ages", *AGE_COLUMNS], header=MYE_HEADER
    )
    df.columns = [str(c) for c in df.columns]
    check_ages_sum(df, path)
    return df


def read_mye2_persons() -> pd.DataFrame:
    """``MYE2 - Persons``: one row per area (UK, all tiers), single years 0-89 and 90+.

    Checked: the single years add up to ``All ages`` on every row.
    """
    return _mye2_persons().copy()


def check_ages_sum(df: pd.DataFrame, path: str | Path) -> None:
    """Raise if any row's single years of age do not add up to ``All ages``."""
    ages = df[list(AGE_COLUMNS)].apply(pd.to_numeric, errors="coerce")
    bad = ages.sum(axis=1, min_count=len(AGE_COLUMNS)) != pd.to_numeric(
        df["All ages"], errors="coerce"
    )
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            path,
            f"single years of age do not add up to 'All ages' for {df['Code'].iloc[pos]} "
            f"({int(bad.sum())} row(s) in sheet {MYE2_SHEET!r})",
            f"restore the published workbook: {rawio.FETCH_FIX}",
            row=pos + MYE_HEADER + 2,
            column="All ages",
        )


def district_population() -> pd.Series:
    """Mid-2022 population of each English lower-tier district (296 April 2023 LTLAs), by code.

    Used as weights (e.g. to lift district deprivation scores to the upper tier).
    """
    df = _mye2_persons()
    keep = df["Geography"].isin(LOWER_TIER_GEOGRAPHIES) & df["Code"].str.startswith("E")
    return df.loc[keep].set_index("Code")["All ages"].astype("int64").rename("population")


def population_frame() -> pd.DataFrame:
    """All MYE rows with the population variables computed (before the join)."""
    path = catalogue.raw_path("population_mye22")
    persons = read_mye2_persons()
    mye5 = rawio.read_excel(
        path, "MYE5", ["Code", MYE5_AREA, MYE5_POP, MYE5_DENSITY], header=MYE_HEADER
    )
    mye6 = rawio.read_excel(path, "MYE6", ["Code", MYE6_MEDIAN], header=MYE_HEADER)
    out = persons[["Code", "Name", "Geography"]].copy()
    out["pop_total"] = persons["All ages"]
    out["pop_65plus"] = persons[ages_from(65)].sum(axis=1)
    out["pop_85plus"] = persons[ages_from(85)].sum(axis=1)
    out["pct_65plus"] = 100 * out["pop_65plus"] / out["pop_total"]
    out["pct_85plus"] = 100 * out["pop_85plus"] / out["pop_total"]
    out = out.merge(
        mye5[["Code", MYE5_AREA, MYE5_POP]], on="Code", how="left", validate="one_to_one"
    )
    out = out.merge(mye6[["Code", MYE6_MEDIAN]], on="Code", how="left", validate="one_to_one")
    differs = out[MYE5_POP].notna() & (out[MYE5_POP] != out["pop_total"])
    if differs.any():
        code = out.loc[differs, "Code"].iloc[0]
        raise InputError(
            path,
            f"MYE5 population differs from MYE2 'All ages' for {code}",
            f"restore the published workbook: {rawio.FETCH_FIX}",
            column=MYE5_POP,
        )
    out["area_km2"] = out[MYE5_AREA]
    out["density"] = out["pop_total"] / out["area_km2"]
    out["median_age"] = out[MYE6_MEDIAN]
    return out


def population() -> tuple[pd.DataFrame, SourceJoin]:
    """Mid-2022 population, 65+ and 85+, area, density and median age for the 153 (direct join).

    All rows of the workbook go to the join, so districts, regions and the other UK nations are
    listed as unmatched with their reason rather than dropped silently.
    """
    cols = [
        "pop_total", "pop_65plus", "pop_85plus", "pct_65plus", "pct_85plus",
        "area_km2", "density", "median_age",
    ]
    return join_upper_tier(
        population_frame(),
        source_id="population_mye22",
        description="ONS mid-2022 population estimates (April 2023 boundaries), sheets "
        "MYE2 - Persons, MYE5, MYE6; upper-tier rows joined directly.",
        code_col="Code",
        value_cols=cols,
        name_col="Name",
        file=catalogue.raw_path("population_mye22"),
    )


# --- census_ethnicity ---------------------------------------------------------------------------

ETH_CODE = "2023 Upper tier local authorities Code"
ETH_NAME = "2023 Upper tier local authorities"
ETH_CAT_CODE = "Ethnic group (20 categories) Code"
ETH_CAT = "Ethnic group (20 categories)"
ETH_VALUE = "Observation"
WHITE_BRITISH = "White: English, Welsh, Scottish, Northern Irish or British"
DOES_NOT_APPLY = -8


def ethnicity_counts(df: pd.DataFrame, path: str | Path = "census_ethnicity") -> pd.DataFrame:
    """Per area: usual residents, White British and all-White counts, excluding ``-8``.

    ``df`` is the long Census table (one row per area and category). Raises if the White British
    category is absent (a relabelled file would otherwise give 100% minority everywhere).
    """
    cats = df[ETH_CAT].astype(str).str.strip()
    if not (cats == WHITE_BRITISH).any():
        raise InputError(
            path,
            f"category {WHITE_BRITISH!r} not found",
            f"restore the ONS category labels or {rawio.FETCH_FIX}",
            column=ETH_CAT,
        )
    counted = df[df[ETH_CAT_CODE] != DOES_NOT_APPLY]
    cats = cats[counted.index]
    value = pd.to_numeric(counted[ETH_VALUE], errors="coerce")
    if value.isna().any():
        pos = int(value.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            path, "non-numeric observation", rawio.FETCH_FIX, row=int(counted.index[pos]) + 2,
            column=ETH_VALUE,
        )
    parts = pd.DataFrame(
        {
            "code": counted[ETH_CODE],
            "name": counted[ETH_NAME],
            "residents": value,
            "white_british": value.where(cats == WHITE_BRITISH, 0),
            "white": value.where(cats.str.startswith("White"), 0),
        }
    )
    return parts.groupby(["code", "name"], as_index=False, sort=True).sum()


def ethnicity_rates(counts: pd.DataFrame) -> pd.DataFrame:
    """``pct_ethnic_minority`` (not White British) and ``pct_non_white`` from the counts."""
    out = counts.copy()
    out["pct_ethnic_minority"] = 100 * (1 - out["white_british"] / out["residents"])
    out["pct_non_white"] = 100 * (1 - out["white"] / out["residents"])
    return out


def ethnicity() -> tuple[pd.DataFrame, SourceJoin]:
    """Census 2021 ethnic minority shares for the 153 (direct join at 2023 upper tier)."""
    path = catalogue.raw_path("census_ethnicity")
    raw = rawio.read_csv(path, [ETH_CODE, ETH_NAME, ETH_CAT_CODE, ETH_CAT, ETH_VALUE])
    return join_upper_tier(
        ethnicity_rates(ethnicity_counts(raw, path)),
        source_id="census_ethnicity",
        description="Census 2021 ethnic group (20 categories) by 2023 upper-tier authority; "
        "'-8 Does not apply' excluded from the denominator.",
        code_col="code",
        value_cols=["pct_ethnic_minority", "pct_non_white"],
        name_col="name",
        file=path,
    )


# --- small areas -> LAD22 -----------------------------------------------------------------------


def small_area_lookup(
    lookup: pd.DataFrame, area_col: str, lad_col: str, name_col: str, path: str | Path
) -> pd.DataFrame:
    """One row per 2021 small area: its LAD 2022 code and name, indexed by the area code.

    The ONS lookups have one row per 2011-2021 pair, so a 2021 area can appear more than once;
    the duplicates are dropped here. A 2021 area in two districts would be a corrupt lookup.
    """
    unique = lookup[[area_col, lad_col, name_col]].drop_duplicates()
    split = unique[unique[area_col].duplicated(keep=False)]
    if not split.empty:
        raise InputError(
            path,
            f"{split[area_col].iloc[0]} is assigned to more than one district "
            f"({sorted(split[lad_col].unique())[:4]})",
            f"each 2021 area lies in one LAD 2022; {rawio.FETCH_FIX}",
            column=area_col,
        )
    return unique.set_index(area_col)


def aggregate_to_lad(
    df: pd.DataFrame,
    area_col: str,
    lookup: pd.DataFrame,
    sum_cols: list[str],
    path: str | Path,
    lad_col: str = "LAD22CD",
    name_col: str = "LAD22NM",
) -> pd.DataFrame:
    """Sum small-area counts to LAD 2022 (columns ``lad_col``, ``name_col`` and ``sum_cols``).

    Every small area must be in the lookup: one that is not would otherwise vanish silently.
    """
    lad = df[area_col].map(lookup[lad_col])
    if lad.isna().any():
        pos = int(lad.isna().to_numpy().nonzero()[0][0])
        raise InputError(
            path,
            f"area {df[area_col].iloc[pos]!r} is not in the LAD 2022 lookup "
            f"({int(lad.isna().sum())} area(s) unknown)",
            "check the area codes are 2021 codes, or restore the file and the lookup",
            row=pos + 2,
            column=area_col,
        )
    summed = df[sum_cols].groupby(lad.to_numpy()).sum()
    summed.index.name = lad_col
    summed.insert(0, name_col, lookup.drop_duplicates(lad_col).set_index(lad_col)[name_col])
    return summed.reset_index()


def _msoa_lookup() -> pd.DataFrame:
    path = catalogue.raw_path("lookup_msoa")
    raw = rawio.read_csv(path, ["MSOA21CD", "LAD22CD", "LAD22NM"], dtype=str)
    return small_area_lookup(raw, "MSOA21CD", "LAD22CD", "LAD22NM", path)


def _lsoa_lookup() -> pd.DataFrame:
    path = catalogue.raw_path("lookup_lsoa")
    raw = rawio.read_csv(path, ["LSOA21CD", "LAD22CD", "LAD22NM"], dtype=str)
    return small_area_lookup(raw, "LSOA21CD", "LAD22CD", "LAD22NM", path)


# --- census_unpaid_care_msoa --------------------------------------------------------------------

CARE_TOTAL = "total"
CARE_NONE = "provides_no_unpaid_care"
CARE_BANDS = (
    "provides_9_hours_or_less_unpaid_care_a_week",
    "provides_10_to_19_hours_unpaid_care_a_week",
    "provides_20_to_34_hours_unpaid_care_a_week",
    "provides_35_to_49_hours_unpaid_care_a_week",
    "provides_50_or_more_hours_unpaid_care_a_week",
)
CARE_20H = CARE_BANDS[2:]
CARE_COUNTS = ["residents_5plus", "carers", "carers_20h"]


def unpaid_care_counts(
    msoa: pd.DataFrame, path: str | Path = "census_unpaid_care_msoa"
) -> pd.DataFrame:
    """Per MSOA: residents aged 5+, carers (any hours) and carers giving 20+ hours a week.

    Raises if the categories do not add up to the total (a relabelled or truncated file).
    """
    bands = msoa[list(CARE_BANDS)]
    bad = msoa[CARE_NONE] + bands.sum(axis=1) != msoa[CARE_TOTAL]
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            path,
            f"care categories do not add up to 'total' for {msoa['msoa21cd'].iloc[pos]}",
            rawio.FETCH_FIX,
            row=pos + 2,
            column=CARE_TOTAL,
        )
    return pd.DataFrame(
        {
            "msoa21cd": msoa["msoa21cd"],
            "residents_5plus": msoa[CARE_TOTAL],
            "carers": bands.sum(axis=1),
            "carers_20h": msoa[list(CARE_20H)].sum(axis=1),
        }
    )


def unpaid_care_by_district() -> pd.DataFrame:
    """Unpaid care counts summed from MSOA 2021 to LAD 2022 (England and Wales)."""
    path = catalogue.raw_path("census_unpaid_care_msoa")
    raw = rawio.read_csv(path, ["msoa21cd", CARE_TOTAL, CARE_NONE, *CARE_BANDS])
    counts = unpaid_care_counts(raw, path)
    return aggregate_to_lad(counts, "msoa21cd", _msoa_lookup(), CARE_COUNTS, path)


def unpaid_care_rates(summed: pd.DataFrame) -> pd.DataFrame:
    """``pct_unpaid_care`` and ``pct_unpaid_care_20h`` from summed counts (denominator: aged 5+)."""
    return pd.DataFrame(
        {
            "pct_unpaid_care": 100 * summed["carers"] / summed["residents_5plus"],
            "pct_unpaid_care_20h": 100 * summed["carers_20h"] / summed["residents_5plus"],
        },
        index=summed.index,
    )


def unpaid_care() -> tuple[pd.DataFrame, SourceJoin]:
    """Census 2021 unpaid care rates for the 153 (MSOA -> LAD 2022 -> 2023 upper tier)."""
    return join_districts(
        unpaid_care_by_district(),
        source_id="census_unpaid_care_msoa",
        description="Census 2021 TS039 provision of unpaid care, MSOA 2021 counts summed to LAD "
        "2022 (lookup_msoa, one row per MSOA 2021) and to the 2023 upper tier; rates from sums.",
        code_col="LAD22CD",
        sum_cols=CARE_COUNTS,
        name_col="LAD22NM",
        derive=unpaid_care_rates,
    )


# --- census_disability_lsoa ---------------------------------------------------------------------

DISABLED = "Disabled under the Equality Act"
NOT_DISABLED = "Not disabled under the Equality Act"
DISABILITY_COUNTS = ["residents", "disabled"]


def disability_counts(
    long: pd.DataFrame, path: str | Path = "census_disability_lsoa"
) -> pd.DataFrame:
    """Per LSOA: residents and disabled residents, from the two-row-per-LSOA table.

    Raises unless every LSOA has exactly the two categories and they add up to its total.
    """
    wide = long.pivot_table(
        index="lsoa21_code", columns="disability", values="n", aggfunc="sum", sort=False
    )
    per_area = long.groupby("lsoa21_code", sort=False)
    bad_shape = per_area.size() != 2
    if set(wide.columns) != {DISABLED, NOT_DISABLED} or bad_shape.any():
        raise InputError(
            path,
            f"expected the two categories {DISABLED!r} and {NOT_DISABLED!r} once per LSOA; "
            f"found {sorted(map(str, wide.columns))}",
            rawio.FETCH_FIX,
            column="disability",
        )
    total = per_area["total_residents"].first()
    off = (wide[DISABLED] + wide[NOT_DISABLED] - total).abs() > 0.5
    if off.any():
        raise InputError(
            path,
            f"categories do not add up to total_residents for {off[off].index[0]}",
            rawio.FETCH_FIX,
            column="total_residents",
        )
    return pd.DataFrame(
        {
            "lsoa21_code": wide.index,
            "residents": total.to_numpy(),
            "disabled": wide[DISABLED].to_numpy(),
        }
    )


def disability_by_district() -> pd.DataFrame:
    """Disability counts summed from LSOA 2021 to LAD 2022 (England and Wales)."""
    path = catalogue.raw_path("census_disability_lsoa")
    raw = rawio.read_rda(path, ["lsoa21_code", "disability", "n", "total_residents"])
    counts = disability_counts(raw, path)
    return aggregate_to_lad(counts, "lsoa21_code", _lsoa_lookup(), DISABILITY_COUNTS, path)


def disability_rates(summed: pd.DataFrame) -> pd.DataFrame:
    """``pct_disabled`` from summed counts."""
    return pd.DataFrame(
        {"pct_disabled": 100 * summed["disabled"] / summed["residents"]}, index=summed.index
    )


def disability() -> tuple[pd.DataFrame, SourceJoin]:
    """Census 2021 disability rate for the 153 (LSOA -> LAD 2022 -> 2023 upper tier)."""
    return join_districts(
        disability_by_district(),
        source_id="census_disability_lsoa",
        description="Census 2021 TS038 disability (Equality Act), LSOA 2021 counts summed to LAD "
        "2022 (lookup_lsoa, one row per LSOA 2021) and to the 2023 upper tier; rate from sums.",
        code_col="LAD22CD",
        sum_cols=DISABILITY_COUNTS,
        name_col="LAD22NM",
        derive=disability_rates,
    )


# --- census_households_ltla ---------------------------------------------------------------------


def _households_int(summed: pd.DataFrame) -> pd.DataFrame:
    return summed[["households"]].round().astype("Int64")


def households() -> tuple[pd.DataFrame, SourceJoin]:
    """Census 2021 households for the 153 (LTLA 2023 summed to the upper tier)."""
    path = catalogue.raw_path("census_households_ltla")
    raw = rawio.read_rda(path, ["ltla23_code", "households"])
    return join_districts(
        raw,
        source_id="census_households_ltla",
        description="Census 2021 number of households by LTLA 2023, summed to the 2023 upper tier.",
        code_col="ltla23_code",
        sum_cols=["households"],
        derive=_households_int,
    )


def tables() -> list[tuple[pd.DataFrame, SourceJoin]]:
    """One ``(values, join)`` per raw source, values indexed by the 2023 code."""
    out = [population(), ethnicity(), unpaid_care(), disability(), households()]
    for values, _join in out:
        values.index.name = "code"
    return out
