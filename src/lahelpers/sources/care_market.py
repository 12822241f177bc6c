"""Care-market and activity context variables for the 153 authorities, one table per source.

:func:`tables` returns one ``(values indexed by 2023 code, SourceJoin)`` for each of:

* ``ascof_2021``: ASCOF 2020-21 open data (sheet ``in``; Council rows, Disaggregation Level
  "Total", Measure Type "Outcome"; ``[x]`` not available and ``[c]`` suppressed become missing).
  Only the administrative measures are used (2A1, 2A2, 2B1, 2B2, 2D, 1C2A). The survey-based
  measures (1A, 1B, 1I1, 1J, 3A, 3D1, 4A, 4B) are excluded: the 2020-21 ASC Survey was voluntary
  (COVID-19) and they have council values for only 18 councils. 2020-21 codes: Northamptonshire
  and Cumbria cannot be split (four councils missing); North Yorkshire and Somerset recode, so 147
  councils match directly and 149 in all. Hackney's row is ``[x]`` throughout (matched, blank).
* ``bcf_intermediate_care``: The Health Foundation's BCF.csv (BCF planned spend by scheme type,
  ASC-FR 2022-23 reablement episodes 65+). The ``Total`` row is unmatched as "England total";
  the "Cornwall & Scilly" row is kept for Cornwall (its per-head values are blank: the author gave
  it no population) and Isles of Scilly is recorded as combined with Cornwall.
* ``bbc_social_care_crisis``: BBC Shared Data Unit FOI workbook (names only). Sheets
  ``Wait times and deaths`` and ``Contracts handed back`` (header on the second row, the first row
  labels the financial year) are merged by authority name; 2022-23 columns only. Refused or
  unanswered requests, and "Not held" / "Cost exceeded" / "Not given" cells, become missing.
  Only the name, country, response and value columns are read: the FOI officers' e-mail
  addresses, journalists' names and FOI references are never loaded.
* ``asc_activity_provision``: B. Goodair's harmonised PSS-EX1 / ASC-FR activity panel (names
  only). The "Home care" setting exists only for 2009-2014; from 2015 the file has residential,
  nursing and an unlabelled setting that is not home care. So the home care outsourcing share is
  taken from 2014 (the latest year with good coverage), on the pre-2019 geography.
* ``salt_requests``: B. Goodair's SALT requests panel, ``year`` 2023 (= 2023-24): percent of
  requests from new clients with a "no services" outcome, and the count of requests from people
  aged 65+ (no population in this file, so no rate).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes, rawio, validate
from lahelpers.inputs.joins import SourceJoin, join_upper_tier
from lahelpers.inputs.names import PRE_2019_ALIASES, join_by_name

ASCOF_ID = "ascof_2021"
BCF_ID = "bcf_intermediate_care"
BBC_ID = "bbc_social_care_crisis"
ACTIVITY_ID = "asc_activity_provision"
SALT_ID = "salt_requests"
#: Catalogue ids of the raw files this source reads.
READS: tuple[str, ...] = (ASCOF_ID, BCF_ID, BBC_ID, ACTIVITY_ID, SALT_ID)

#: ASCOF measure code -> output column (administrative measures only).
ASCOF_MEASURES: dict[str, str] = {
    "2A2": "ascof_2a2_care_home_admissions_65",
    "2A1": "ascof_2a1_care_home_admissions_18_64",
    "2B1": "ascof_2b1_reablement_at_home_91d",
    "2B2": "ascof_2b2_reablement_offered",
    "2D": "ascof_2d_short_term_no_further_support",
    "1C2A": "ascof_1c2a_direct_payments",
}
ASCOF_MISSING_MARKERS = {"[x]", "[c]"}

_ASCOF_NOTE = (
    "ASCOF 2020-21, a COVID-affected year; Northamptonshire and Cumbria not split (four "
    "councils missing); Hackney not available."
)
_BCF_NOTE = (
    "The Health Foundation derivation (not an official table). BCF scheme coding differs between "
    "areas; blank = no line of that type in the plan, not necessarily zero. Cornwall blank (no "
    "population given for the combined Cornwall & Scilly row)."
)
_BBC_NOTE = (
    "BBC Shared Data Unit FOI returns: self-reported, definitions differ between councils, large "
    "non-response (refused or no reply = missing). Not official statistics."
)

VARIABLES: dict[str, dict] = {
    "ascof_2a2_care_home_admissions_65": {
        "label": "Permanent care home admissions, aged 65+ (per 100,000)",
        "unit": "per 100,000 aged 65+",
        "source_id": ASCOF_ID,
        "vintage": "2020-21",
        "note": "ASCOF 2A2; lower is better. Isles of Scilly extreme on tiny numbers. "
        + _ASCOF_NOTE,
    },
    "ascof_2a1_care_home_admissions_18_64": {
        "label": "Permanent care home admissions, aged 18-64 (per 100,000)",
        "unit": "per 100,000 aged 18-64",
        "source_id": ASCOF_ID,
        "vintage": "2020-21",
        "note": "ASCOF 2A1; lower is better. Isles of Scilly (315) extreme on tiny numbers. "
        + _ASCOF_NOTE,
    },
    "ascof_2b1_reablement_at_home_91d": {
        "label": "Older people still at home 91 days after hospital discharge to reablement (%)",
        "unit": "%",
        "source_id": ASCOF_ID,
        "vintage": "2020-21",
        "note": "ASCOF 2B1 (effectiveness). Stoke-on-Trent 0.0 looks like a recording problem. "
        + _ASCOF_NOTE,
    },
    "ascof_2b2_reablement_offered": {
        "label": "Older people offered reablement after hospital discharge (%)",
        "unit": "%",
        "source_id": ASCOF_ID,
        "vintage": "2020-21",
        "note": "ASCOF 2B2 (offered). Cheshire East, Islington and Kingston upon Thames report "
        "0.0 (and no 2B1), probably non-reporting. " + _ASCOF_NOTE,
    },
    "ascof_2d_short_term_no_further_support": {
        "label": "Short-term support followed by no or lower-level support (%)",
        "unit": "%",
        "source_id": ASCOF_ID,
        "vintage": "2020-21",
        "note": "ASCOF 2D. " + _ASCOF_NOTE,
    },
    "ascof_1c2a_direct_payments": {
        "label": "Service users receiving direct payments (%)",
        "unit": "%",
        "source_id": ASCOF_ID,
        "vintage": "2020-21",
        "note": "ASCOF 1C2A (direct payments, service users). Isles of Scilly 0.0. " + _ASCOF_NOTE,
    },
    "bcf_reablement_spend_per_65": {
        "label": "BCF planned spend on reablement at home per person aged 65+ (£)",
        "unit": "£ per person aged 65+",
        "source_id": BCF_ID,
        "vintage": "BCF plan (likely 2023-24); population mid-2022",
        "note": "reablement_BCF_per65s as published; also blank where the author's 65+ population "
        "join failed (e.g. Hull, Bristol, Herefordshire, County Durham). " + _BCF_NOTE,
    },
    "bcf_bed_based_spend_per_cap": {
        "label": "BCF planned spend on bed-based intermediate care per head (£)",
        "unit": "£ per head (all ages)",
        "source_id": BCF_ID,
        "vintage": "BCF plan (likely 2023-24); population mid-2022",
        "note": "'Bed based intermediate Care Services' divided by the file's total population "
        "('value'). " + _BCF_NOTE,
    },
    "reablement_episodes_per_1000_65": {
        "label": "Reablement (short-term support) episodes per 1,000 aged 65+",
        "unit": "per 1,000 aged 65+",
        "source_id": BCF_ID,
        "vintage": "ASC-FR 2022-23",
        "note": "per_cap as published: ASC-FR completed ST-Max episodes for people 65+ per 1,000 "
        "aged 65+; blank where the author's population join failed. " + _BCF_NOTE,
    },
    "bbc_median_wait_assessment_days_2223": {
        "label": "Median wait for an initial care assessment, 2022-23 (days)",
        "unit": "days",
        "source_id": BBC_ID,
        "vintage": "2022-23",
        "note": _BBC_NOTE,
    },
    "bbc_median_wait_care_days_2223": {
        "label": "Median wait for care to start, 2022-23 (days)",
        "unit": "days",
        "source_id": BBC_ID,
        "vintage": "2022-23",
        "note": _BBC_NOTE,
    },
    "bbc_contracts_handed_back_2223": {
        "label": "Home care contracts handed back by providers, 2022-23",
        "unit": "contracts",
        "source_id": BBC_ID,
        "vintage": "2022-23",
        "note": "A count, not scaled by size. " + _BBC_NOTE,
    },
    "bbc_hours_handed_back_2223": {
        "label": "Home care hours per week handed back by providers, 2022-23",
        "unit": "hours per week",
        "source_id": BBC_ID,
        "vintage": "2022-23",
        "note": "A count, not scaled by size. " + _BBC_NOTE,
    },
    "pct_homecare_external": {
        "label": "Home care provided by external (non-council) providers (%)",
        "unit": "%",
        "source_id": ACTIVITY_ID,
        "vintage": "2014 (file's year label; probably 2013-14)",
        "note": "External / (external + in-house) home care activity (ITEMVALUE), in the last year "
        "the file has a home care setting: a decade before the CQC assessments. Units are the "
        "author's (B. Goodair) harmonisation of PSS-EX1 data. Pre-2019 geography: Dorset and BCP "
        "missing; Northamptonshire and Cumbria not split. Blank for Blackburn with Darwen and "
        "City of London (no activity reported).",
    },
    "salt_noservices_pct_2324": {
        "label": "Requests for support from new clients resulting in no services (%)",
        "unit": "%",
        "source_id": SALT_ID,
        "vintage": "2023-24",
        "note": "noservices_percent from B. Goodair's SALT panel (year 2023 read as 2023-24); "
        "which outcome categories count as 'no services' is the author's construct. Zeros (Newham, "
        "Southwark, Isles of Scilly) are probably non-reporting.",
    },
    "salt_requests_65": {
        "label": "Requests for support from new clients aged 65+ (count)",
        "unit": "requests",
        "source_id": SALT_ID,
        "vintage": "2023-24",
        "note": "total65 from the SALT panel; a count (SALT-rounded to 5), not a rate: no "
        "population in this file, divide by the 65+ population before comparing areas.",
    },
}

RANGES: dict[str, tuple[float, float]] = {
    "ascof_2a2_care_home_admissions_65": (0, 10_000),
    "ascof_2a1_care_home_admissions_18_64": (0, 1_000),
    "ascof_2b1_reablement_at_home_91d": (0, 100),
    "ascof_2b2_reablement_offered": (0, 100),
    "ascof_2d_short_term_no_further_support": (0, 100),
    "ascof_1c2a_direct_payments": (0, 100),
    "bcf_reablement_spend_per_65": (0, 5_000),
    "bcf_bed_based_spend_per_cap": (0, 1_000),
    "reablement_episodes_per_1000_65": (0, 1_000),
    "bbc_median_wait_assessment_days_2223": (0, 3_650),
    "bbc_median_wait_care_days_2223": (0, 3_650),
    "bbc_contracts_handed_back_2223": (0, 100_000),
    "bbc_hours_handed_back_2223": (0, 1_000_000),
    "pct_homecare_external": (0, 100),
    "salt_noservices_pct_2324": (0, 100),
    "salt_requests_65": (0, 1_000_000),
}


# ASCOF 2020-21 ------------------------------------------------------------------------------

ASCOF_SHEET = "in"
ASCOF_COLUMNS = [
    "Geographical Description",
    "Geographical Level",
    "ONS Code",
    "ASCOF Measure Code",
    "Disaggregation Level",
    "Measure Type",
    "Measure Value",
]


def parse_ascof_values(values: pd.Series, file: str | Path) -> pd.Series:
    """ASCOF ``Measure Value`` to numbers: ``[x]``/``[c]`` -> NaN; any other text is an error.

    The row number in the error is the spreadsheet row (header = 1), from the frame's index.
    """
    text = values.astype("string").str.strip()
    num = pd.to_numeric(text.where(~text.isin(ASCOF_MISSING_MARKERS)), errors="coerce")
    bad = num.isna() & values.notna() & ~text.isin(ASCOF_MISSING_MARKERS)
    if bad.any():
        where = bad.idxmax()
        raise InputError(
            file,
            f"Measure Value {values[where]!r} is neither a number nor [x]/[c]",
            "restore the original file, or add the new marker to ASCOF_MISSING_MARKERS if "
            "NHS Digital documents it",
            row=int(where) + 2,
            column="Measure Value",
        )
    return num.astype(float)


def ascof_wide(raw: pd.DataFrame, file: str | Path) -> pd.DataFrame:
    """Council Outcome/Total rows of the chosen measures, one row per council code."""
    sel = raw[
        (raw["Geographical Level"] == "Council")
        & (raw["Disaggregation Level"] == "Total")
        & (raw["Measure Type"] == "Outcome")
        & raw["ASCOF Measure Code"].isin(ASCOF_MEASURES)
    ].copy()
    dup = sel.duplicated(["ONS Code", "ASCOF Measure Code"], keep=False)
    if dup.any():
        raise InputError(
            file,
            f"council {sel.loc[dup, 'ONS Code'].iloc[0]} has two Outcome/Total rows for a measure",
            "restore the original file",
            row=int(dup.idxmax()) + 2,
            column="ONS Code",
        )
    sel["value"] = parse_ascof_values(sel["Measure Value"], file)
    wide = sel.pivot(index="ONS Code", columns="ASCOF Measure Code", values="value")
    wide = wide.reindex(columns=list(ASCOF_MEASURES)).rename(columns=ASCOF_MEASURES)
    names = sel.drop_duplicates("ONS Code").set_index("ONS Code")["Geographical Description"]
    wide.insert(0, "name", names.reindex(wide.index))
    wide.columns.name = None
    return wide.reset_index()


def ascof_table(path: Path | None = None) -> tuple[pd.DataFrame, SourceJoin]:
    """ASCOF 2020-21 administrative measures joined to the 153."""
    path = Path(path or catalogue.raw_path(ASCOF_ID))
    raw = rawio.read_excel(path, ASCOF_SHEET, ASCOF_COLUMNS, dtype={"ONS Code": str})
    wide = ascof_wide(raw, path)
    validate.check_ranges(wide.set_index("ONS Code"), path, RANGES)
    return join_upper_tier(
        wide,
        source_id=ASCOF_ID,
        description="ASCOF 2020-21, council Outcome/Total rows, administrative measures only "
        "(survey measures cover 18 councils); one row per council code.",
        code_col="ONS Code",
        value_cols=list(ASCOF_MEASURES.values()),
        name_col="name",
        file=path,
    )


# BCF intermediate care -----------------------------------------------------------------------

BCF_COLUMNS = [
    "Code",
    "LA_name",
    "Bed based intermediate Care Services",
    "value",
    "reablement_BCF_per65s",
    "per_cap",
]


def bcf_values(raw: pd.DataFrame) -> pd.DataFrame:
    """The three BCF variables from the raw columns (bed-based spend divided by population)."""
    out = raw[["Code", "LA_name"]].copy()
    out["bcf_reablement_spend_per_65"] = raw["reablement_BCF_per65s"]
    pop = raw["value"].where(raw["value"] > 0)
    out["bcf_bed_based_spend_per_cap"] = raw["Bed based intermediate Care Services"] / pop
    out["reablement_episodes_per_1000_65"] = raw["per_cap"]
    return out


def bcf_table(path: Path | None = None) -> tuple[pd.DataFrame, SourceJoin]:
    """BCF reablement / bed-based spend and ASC-FR reablement episodes joined to the 153."""
    path = Path(path or catalogue.raw_path(BCF_ID))
    raw = rawio.read_csv(path, BCF_COLUMNS, dtype={"Code": str, "LA_name": str})
    df = bcf_values(raw)
    cols = [
        "bcf_reablement_spend_per_65",
        "bcf_bed_based_spend_per_cap",
        "reablement_episodes_per_1000_65",
    ]
    validate.check_ranges(df[df["Code"] != "Total"].set_index("Code"), path, RANGES)
    values, join = join_upper_tier(
        df,
        source_id=BCF_ID,
        description="The Health Foundation BCF.csv: BCF planned intermediate-care spend and "
        "ASC-FR 2022-23 reablement episodes 65+; pre-April-2023 codes.",
        code_col="Code",
        value_cols=cols,
        name_col="LA_name",
        file=path,
    )
    join.relabel_unmatched("Total", "England total")
    cornwall = df.loc[df["Code"] == codes.CORNWALL, "LA_name"]
    if cornwall.str.contains("Scilly", case=False).any():
        join.set_missing_reason(codes.SCILLY, codes.SCILLY_WITH_CORNWALL)
    return values, join


# BBC social care in crisis -------------------------------------------------------------------

BBC_WAIT_SHEET = "Wait times and deaths"
BBC_CONTRACT_SHEET = "Contracts handed back"
BBC_NAME, BBC_COUNTRY = "Upper tier LA", "Country"
BBC_YEAR = "2022-23 financial year"
#: sheet -> (response column, {output column: source column under the 2022-23 heading}).
BBC_COLUMNS: dict[str, tuple[str, dict[str, str]]] = {
    BBC_WAIT_SHEET: (
        "Response given?",
        {
            "bbc_median_wait_assessment_days_2223": "Median wait for initial assessment (days)",
            "bbc_median_wait_care_days_2223": "Median wait for start (days)",
        },
    ),
    BBC_CONTRACT_SHEET: (
        "Type of response given",
        {
            "bbc_contracts_handed_back_2223": "Contracts handed back",
            "bbc_hours_handed_back_2223": "Hours/week handed back",
        },
    ),
}
#: Responses meaning the council gave no data.
BBC_NO_RESPONSE = {"Refused", "No", "Did not respond"}
#: Cell texts meaning no value.
BBC_NO_VALUE = {"Not held", "Cost exceeded", "Not given"}


def bbc_header_positions(header: pd.DataFrame, sheet: str, file: str | Path) -> dict[str, int]:
    """Column positions of the wanted columns from the two header rows of one BBC sheet.

    Row 1 labels the financial year over the first column of each year's group (merged cells);
    row 2 holds the column names. Value columns are looked up under the 2022-23 heading.
    """
    years = header.iloc[0].ffill()
    names = header.iloc[1].astype("string").str.strip()
    response, wanted = BBC_COLUMNS[sheet]
    pos: dict[str, int] = {}
    for out, label in {BBC_NAME: BBC_NAME, BBC_COUNTRY: BBC_COUNTRY, "response": response}.items():
        hits = [i for i, n in enumerate(names) if n == label]
        if len(hits) != 1:
            raise InputError(
                file,
                f"sheet {sheet!r}: expected one column {label!r} on row 2, found {len(hits)}",
                "restore the original file",
                row=2,
                column=label,
            )
        pos[out] = hits[0]
    for out, label in wanted.items():
        hits = [i for i, n in enumerate(names) if n == label and years.iloc[i] == BBC_YEAR]
        if len(hits) != 1:
            raise InputError(
                file,
                f"sheet {sheet!r}: expected one column {label!r} under "
                f"{BBC_YEAR!r}, found {len(hits)}",
                "restore the original file",
                row=2,
                column=label,
            )
        pos[out] = hits[0]
    return pos


def bbc_number(values: pd.Series, file: str | Path, sheet: str, column: str) -> pd.Series:
    """Cells to numbers; the documented no-value texts become NaN, other text is an error."""
    text = values.where(~values.map(lambda v: isinstance(v, str) and v.strip() in BBC_NO_VALUE))
    num = pd.to_numeric(text, errors="coerce")
    bad = num.isna() & text.notna()
    if bad.any():
        where = bad.idxmax()
        raise InputError(
            file,
            f"sheet {sheet!r}: value {values[where]!r} is not a number or a known no-value text "
            f"{sorted(BBC_NO_VALUE)}",
            "restore the original file, or add the text to BBC_NO_VALUE if it means no value",
            row=int(where) + 3,
            column=column,
        )
    return num.astype(float)


def read_bbc_sheet(path: Path, sheet: str) -> pd.DataFrame:
    """One BBC sheet: name, country and the 2022-23 values, no-response rows set missing.

    Reads the two header rows, then only the needed columns by position, so the administrative
    columns (e-mails, journalist names, FOI references) are never loaded.
    """
    header = rawio.read_excel(path, sheet, header=None, nrows=2)
    pos = bbc_header_positions(header, sheet, path)
    order = sorted(pos, key=pos.get)
    body = rawio.read_excel(path, sheet, header=None, skiprows=2, usecols=sorted(pos.values()))
    body.columns = order
    body = body[body[BBC_NAME].notna()].copy()
    body[BBC_NAME] = body[BBC_NAME].astype(str).str.strip()
    english = body[BBC_COUNTRY] == "England"
    refused = body["response"].astype("string").str.strip().isin(BBC_NO_RESPONSE).fillna(False)
    _, wanted = BBC_COLUMNS[sheet]
    for out, label in wanted.items():
        kept = body[out].where(english & ~refused)
        body[out] = bbc_number(kept, path, sheet, label)
    dup = body[BBC_NAME].duplicated(keep=False)
    if dup.any():
        raise InputError(
            path,
            f"sheet {sheet!r}: authority {body.loc[dup, BBC_NAME].iloc[0]!r} appears twice",
            "keep one row per authority",
            row=int(dup.idxmax()) + 3,
            column=BBC_NAME,
        )
    return body[[BBC_NAME, BBC_COUNTRY, *wanted]]


def read_bbc(path: Path | None = None) -> pd.DataFrame:
    """Both BBC sheets merged by authority name (outer: a name in either sheet is a row)."""
    path = Path(path or catalogue.raw_path(BBC_ID))
    wait = read_bbc_sheet(path, BBC_WAIT_SHEET)
    contracts = read_bbc_sheet(path, BBC_CONTRACT_SHEET)
    both = wait.merge(contracts, on=BBC_NAME, how="outer", suffixes=("", "_contracts"))
    both[BBC_COUNTRY] = both[BBC_COUNTRY].fillna(both.pop(f"{BBC_COUNTRY}_contracts"))
    return both


def bbc_table(path: Path | None = None) -> tuple[pd.DataFrame, SourceJoin]:
    """BBC FOI waits and homecare contracts handed back (2022-23) joined to the 153 by name."""
    path = Path(path or catalogue.raw_path(BBC_ID))
    df = read_bbc(path)
    cols = [c for _, wanted in BBC_COLUMNS.values() for c in wanted]
    validate.check_ranges(df.set_index(BBC_NAME), path, RANGES)
    outside = df[BBC_COUNTRY].where(df[BBC_COUNTRY] != "England")
    preset = ("outside England (" + outside + ")").where(outside.notna())
    return join_by_name(
        df,
        name_col=BBC_NAME,
        source_id=BBC_ID,
        description="BBC Shared Data Unit FOI workbook: sheets 'Wait times and deaths' and "
        "'Contracts handed back' merged by authority name (UK-wide rows); 2022-23 values.",
        value_cols=cols,
        file=path,
        preset_reasons=preset,
    )


# ASC activity by provision -------------------------------------------------------------------

ACTIVITY_COLUMNS = ["SupportSetting", "DH_GEOGRAPHY_NAME", "ActivityProvision", "ITEMVALUE", "year"]
HOMECARE = "Home care"
#: A year counts as well covered when at least this many councils report home care activity.
ACTIVITY_MIN_COUNCILS = 140
ACTIVITY_YEAR = 2014


def homecare_external_share(raw: pd.DataFrame, file: str | Path) -> tuple[int, pd.DataFrame]:
    """The latest well-covered year and, per council name, % of home care provided externally.

    Share = external / (external + in-house) activity; NaN where both are zero (no activity
    reported). A year is well covered when :data:`ACTIVITY_MIN_COUNCILS` councils have activity.
    """
    home = raw[
        (raw["SupportSetting"] == HOMECARE)
        & raw["ActivityProvision"].isin(["External", "In House"])
    ].copy()
    if home.empty:
        raise InputError(
            file, f"no {HOMECARE!r} rows", "restore the original file", column="SupportSetting"
        )
    home["name"] = home["DH_GEOGRAPHY_NAME"].astype(str).str.strip()
    dup = home.duplicated(["year", "name", "ActivityProvision"], keep=False)
    if dup.any():
        raise InputError(
            file,
            "a council has two home care rows for one year and provision",
            "restore the original file",
            row=int(dup.idxmax()) + 2,
            column="DH_GEOGRAPHY_NAME",
        )
    wide = home.pivot(index=["year", "name"], columns="ActivityProvision", values="ITEMVALUE")
    total = wide["External"] + wide["In House"]
    wide["pct_homecare_external"] = (wide["External"] / total.where(total > 0)) * 100
    covered = wide["pct_homecare_external"].notna().groupby(level="year").sum()
    good = covered[covered >= ACTIVITY_MIN_COUNCILS]
    if good.empty:
        raise InputError(
            file,
            f"no year has home care activity for {ACTIVITY_MIN_COUNCILS} councils",
            "restore the original file",
            column="year",
        )
    year = int(good.index.max())
    out = wide.loc[year, ["pct_homecare_external"]].reset_index()
    out.columns.name = None
    return year, out


def activity_table(path: Path | None = None) -> tuple[pd.DataFrame, SourceJoin]:
    """Share of home care provided externally (latest well-covered year) joined by name."""
    path = Path(path or catalogue.raw_path(ACTIVITY_ID))
    raw = rawio.read_csv(path, ACTIVITY_COLUMNS)
    year, df = homecare_external_share(raw, path)
    if year != ACTIVITY_YEAR:
        raise InputError(
            path,
            f"latest well-covered home care year is {year}, not {ACTIVITY_YEAR}",
            "check the new data, then update ACTIVITY_YEAR and "
            "the vintage in lahelpers.sources.care_market.VARIABLES",
            column="year",
        )
    validate.check_ranges(df.set_index("name"), path, RANGES)
    aliases = PRE_2019_ALIASES if year < 2019 else None
    values, join = join_by_name(
        df,
        name_col="name",
        source_id=ACTIVITY_ID,
        description=f"Goodair activity panel, home care rows of year {year}, one row per council "
        "name (names matched to codes; pre-2019 Dorset geography).",
        value_cols=["pct_homecare_external"],
        file=path,
        aliases=aliases,
    )
    if aliases:
        for code in ("E06000058", "E06000059"):
            join.set_missing_reason(
                code,
                f"source year {year} predates the April 2019 Dorset "
                "reorganisation (old Dorset, Bournemouth, Poole are different areas)",
            )
    return values, join


# SALT requests -------------------------------------------------------------------------------

SALT_COLUMNS = ["la", "year", "lacode_string_orig", "noservices_percent", "total65"]
#: ``year`` is the first year of the financial year: 2023 = 2023-24.
SALT_YEAR = 2023
HACKNEY = "E09000012"


def salt_table(path: Path | None = None) -> tuple[pd.DataFrame, SourceJoin]:
    """SALT 2023-24 no-services percent and 65+ request count joined to the 153."""
    path = Path(path or catalogue.raw_path(SALT_ID))
    raw = rawio.read_csv(path, SALT_COLUMNS, dtype={"lacode_string_orig": str, "la": str})
    rows = raw[raw["year"] == SALT_YEAR].copy()
    if rows.empty:
        raise InputError(
            path, f"no rows for year {SALT_YEAR}", "restore the original file", column="year"
        )
    rows["salt_noservices_pct_2324"] = rows["noservices_percent"]
    rows["salt_requests_65"] = rows["total65"]
    cols = ["salt_noservices_pct_2324", "salt_requests_65"]
    validate.check_ranges(rows.set_index("lacode_string_orig"), path, RANGES)
    values, join = join_upper_tier(
        rows,
        source_id=SALT_ID,
        description=f"Goodair SALT requests panel, rows with year {SALT_YEAR} (2023-24).",
        code_col="lacode_string_orig",
        value_cols=cols,
        name_col="la",
        file=path,
    )
    earlier = raw[(raw["lacode_string_orig"] == HACKNEY) & (raw["year"] < SALT_YEAR)]
    if not earlier.empty and earlier.sort_values("year")["total65"].iloc[-1:].isna().all():
        join.set_missing_reason(HACKNEY, "no 2023-24 row; blank in the source from 2020-21")
    for code in ("E06000063", "E06000064"):
        join.set_missing_reason(
            code,
            "no 2023-24 row; Cumbria (E10000006) rows end in 2022-23 and cannot be split",
        )
    return values, join


def tables() -> list[tuple[pd.DataFrame, SourceJoin]]:
    """One ``(values indexed by 2023 code, SourceJoin)`` per raw source, for the build."""
    return [ascof_table(), bcf_table(), bbc_table(), activity_table(), salt_table()]
