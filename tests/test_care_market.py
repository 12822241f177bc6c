"""Tests for lahelpers.sources.care_market: the five care-market sources, on fixtures and real data."""

from __future__ import annotations

import json
from dataclasses import asdict

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes
from lahelpers.sources import care_market as cm
from lahelpers.sources import workforce

# --- ASCOF 2020-21 --------------------------------------------------------------------------------


def test_parse_ascof_values_markers_and_numbers() -> None:
    s = pd.Series([12.5, "[x]", "[c]", "7", 0, None], index=range(10, 16))
    out = cm.parse_ascof_values(s, "f.xlsx")
    assert out.iloc[0] == 12.5 and out.iloc[3] == 7.0 and out.iloc[4] == 0.0
    assert out.iloc[[1, 2, 5]].isna().all()


def test_parse_ascof_values_unknown_text_is_an_error() -> None:
    with pytest.raises(InputError) as err:
        cm.parse_ascof_values(pd.Series([1.0, "n/a"], index=[0, 7]), "f.xlsx")
    assert "row 9" in str(err.value) and "Measure Value" in str(err.value)


def _ascof_row(code, name, measure, value, level="Council", disagg="Total", mtype="Outcome"):
    return {
        "Geographical Code": 1,
        "Geographical Description": name,
        "Geographical Level": level,
        "ONS Code": code,
        "ASCOF Measure Code": measure,
        "Disaggregation Level": disagg,
        "Measure Type": mtype,
        "Measure Value": value,
        "Measure Group": measure,
        "Measure Group Description": "x",
    }


def _ascof_fixture(tmp_path):
    rows = []
    for i, measure in enumerate(cm.ASCOF_MEASURES):
        rows.append(_ascof_row("E06000001", "Hartlepool", measure, 10.0 + i))
        rows.append(_ascof_row("E10000021", "Northamptonshire", measure, 20.0))
        rows.append(_ascof_row("E10000027", "Somerset", measure, "[c]" if measure == "2B1" else 30))
        rows.append(_ascof_row("E09000012", "Hackney", measure, "[x]"))
    rows += [
        _ascof_row("E06000001", "Hartlepool", "2A2", 999.0, disagg="65-74"),  # not Total
        _ascof_row("E06000001", "Hartlepool", "2A2", 999.0, mtype="Numerator"),
        _ascof_row("E12000001", "North East", "2A2", 999.0, level="Region"),
        _ascof_row("E06000001", "Hartlepool", "1B", 77.0),  # survey measure, excluded
    ]
    path = tmp_path / "ascof.xlsx"
    pd.DataFrame(rows).to_excel(path, sheet_name="in", index=False)
    return path


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_ascof_on_fixture(tmp_path) -> None:
    values, join = cm.ascof_table(_ascof_fixture(tmp_path))
    assert values.index.name == "code"
    assert list(values.columns) == list(cm.ASCOF_MEASURES.values())
    assert sorted(values.index) == ["E06000001", "E06000066", "E09000012"]
    assert values.loc["E06000001", "ascof_2a2_care_home_admissions_65"] == 10.0  # first measure
    assert values.loc["E06000001", "ascof_1c2a_direct_payments"] == 15.0
    assert pd.isna(values.loc["E06000066", "ascof_2b1_reablement_at_home_91d"])  # [c]
    assert values.loc["E09000012"].isna().all()  # [x] throughout
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert "Northamptonshire" in missing["E06000061"] and "Northamptonshire" in missing["E06000062"]
    assert len(join.matched) + len(join.unmatched) == join.n_source_rows == 4


# --- BCF ------------------------------------------------------------------------------------------


def _bcf_fixture(tmp_path):
    rows = [
        ("E06000001", "Hartlepool", 995820.0, 72703.0, 34.55, 63.26),
        ("E06000052", "Cornwall & Scilly", 8884000.0, None, None, None),
        ("E10000006", "Cumbria", 425000.0, 410445.0, 57.06, 14.77),
        ("Total", None, 624155185.0, None, None, None),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "Code",
            "LA_name",
            "Bed based intermediate Care Services",
            "value",
            "reablement_BCF_per65s",
            "per_cap",
        ],
    )
    path = tmp_path / "BCF.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_bcf_on_fixture(tmp_path) -> None:
    values, join = cm.bcf_table(_bcf_fixture(tmp_path))
    assert sorted(values.index) == ["E06000001", "E06000052"]
    assert values.loc["E06000001", "bcf_bed_based_spend_per_cap"] == pytest.approx(995820 / 72703)
    assert values.loc["E06000001", "bcf_reablement_spend_per_65"] == 34.55
    assert values.loc["E06000001", "reablement_episodes_per_1000_65"] == 63.26
    assert values.loc["E06000052"].isna().all()  # kept for Cornwall, no population given
    reasons = {u["source_code"]: u["reason"] for u in join.unmatched}
    assert reasons["Total"] == "England total"
    assert "cannot be divided" in reasons["E10000006"]
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert missing[codes.SCILLY] == "combined with Cornwall in the source"
    assert len(join.matched) + len(join.unmatched) == join.n_source_rows == 4


# --- BBC FOI workbook -----------------------------------------------------------------------------

EMAIL = "foi.officer@example.gov.uk"
JOURNALIST = "Reporterfirstname"


def _bbc_fixture(tmp_path):
    """Two sheets shaped like the BBC workbook: year labels on row 1, names on row 2."""
    wait = [
        [
            None,
            None,
            None,
            None,
            "2021-22 financial year",
            None,
            None,
            None,
            "2022-23 financial year",
            None,
            None,
            None,
            None,
            None,
        ],
        [
            "Upper tier LA",
            "Type",
            "Country",
            "Response given?",
            "Median wait for initial assessment (days)",
            "Longest individual wait for an initial assesment (days)",
            "Median wait for start (days)",
            "Longest wait for start (days)",
            "Median wait for initial assessment (days)",
            "Longest individual wait for an initial assesment (days)",
            "Median wait for start (days)",
            "Longest wait for start (days)",
            "Deaths waiting for start of care package",
            "Notes if provided",
        ],
        ["Hartlepool", "UA", "England", "Full", 99, 99, 99, 99, 21, 300, "Not held", 90, 3, None],
        ["Darlington", "UA", "England", "Refused", 99, 99, 99, 99, 40, 400, 12, 90, 3, None],
        ["Cumbria", "County", "England", "Partial", 99, 99, 99, 99, 15, 200, 9, 90, 3, None],
        ["Atlantis", "UA", "England", "Full", 99, 99, 99, 99, 5, 50, 5, 50, 0, None],
        ["Cardiff", "Council Area", "Wales", "Full", 99, 99, 99, 99, 5, 50, 5, 50, 0, None],
    ]
    contracts = [
        [None] * 12 + ["2021-22 financial year", None, "2022-23 financial year", None],
        [
            "Upper tier LA",
            "Type of council",
            "Country",
            "Email",
            "Journalist",
            "Sent",
            "Acknowledged?",
            "Their ref",
            "Notes",
            "Type of response given",
            "Reason for refusal",
            "Input",
            "Contracts handed back",
            "Hours/week handed back",
            "Contracts handed back",
            "Hours/week handed back",
        ],
        [
            "Hartlepool",
            "UA",
            "England",
            EMAIL,
            JOURNALIST,
            "2023-06-03",
            "Yes",
            "FOI-1",
            None,
            "Full",
            None,
            None,
            99,
            999,
            7,
            120.5,
        ],
        [
            "Darlington",
            "UA",
            "England",
            EMAIL,
            JOURNALIST,
            "2023-06-03",
            "Yes",
            "FOI-2",
            None,
            "Did not respond",
            None,
            None,
            99,
            999,
            4,
            60,
        ],
        [
            "Cumbria",
            "County",
            "England",
            EMAIL,
            JOURNALIST,
            "2023-06-03",
            "Yes",
            "FOI-3",
            None,
            "Full",
            None,
            None,
            99,
            999,
            157,
            1483.5,
        ],
        [
            "Atlantis",
            "UA",
            "England",
            EMAIL,
            JOURNALIST,
            "2023-06-03",
            "Yes",
            "FOI-4",
            None,
            "Full",
            None,
            None,
            99,
            999,
            0,
            0,
        ],
        [
            "Cardiff",
            "Council Area",
            "Wales",
            EMAIL,
            JOURNALIST,
            "2023-06-03",
            "Yes",
            "FOI-5",
            None,
            "Full",
            None,
            None,
            99,
            999,
            1,
            1,
        ],
    ]
    path = tmp_path / "bbc.xlsx"
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame(wait).to_excel(xl, sheet_name=cm.BBC_WAIT_SHEET, header=False, index=False)
        pd.DataFrame(contracts).to_excel(
            xl, sheet_name=cm.BBC_CONTRACT_SHEET, header=False, index=False
        )
    return path


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_bbc_on_fixture(tmp_path) -> None:
    values, join = cm.bbc_table(_bbc_fixture(tmp_path))
    assert sorted(values.index) == ["E06000001", "E06000005"]
    assert values.loc["E06000005"].isna().all()  # Darlington refused / did not respond
    row = values.loc["E06000001"]
    assert row["bbc_median_wait_assessment_days_2223"] == 21  # 2022-23 column, not 2021-22
    assert pd.isna(row["bbc_median_wait_care_days_2223"])  # "Not held"
    assert row["bbc_contracts_handed_back_2223"] == 7 and row["bbc_hours_handed_back_2223"] == 120.5
    reasons = {u["source_name"]: u["reason"] for u in join.unmatched}
    assert reasons["Atlantis"] == "name not recognised"
    assert reasons["Cardiff"] == "outside England (Wales)"
    assert "cannot be divided" in reasons["Cumbria"]
    assert len(join.matched) + len(join.unmatched) == join.n_source_rows


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_bbc_refused_is_missing_and_no_personal_data(tmp_path) -> None:
    path = _bbc_fixture(tmp_path)
    df = cm.read_bbc(path)
    darlington = df[df[cm.BBC_NAME] == "Darlington"].iloc[0]
    assert pd.isna(darlington["bbc_median_wait_assessment_days_2223"])  # wait: Refused
    assert pd.isna(darlington["bbc_contracts_handed_back_2223"])  # contracts: Did not respond
    values, join = cm.bbc_table(path)
    dumped = df.to_json() + values.to_json() + json.dumps(asdict(join), default=str)
    assert EMAIL not in dumped and JOURNALIST not in dumped and "FOI-1" not in dumped


def test_bbc_missing_year_column_is_an_error(tmp_path) -> None:
    path = _bbc_fixture(tmp_path)
    book = pd.read_excel(path, sheet_name=None, header=None)
    book[cm.BBC_WAIT_SHEET].iloc[0, 8] = "2023-24 financial year"
    with pd.ExcelWriter(path) as xl:
        for sheet, frame in book.items():
            frame.to_excel(xl, sheet_name=sheet, header=False, index=False)
    with pytest.raises(InputError, match="2022-23 financial year"):
        cm.read_bbc(path)


def test_bbc_unknown_text_is_an_error() -> None:
    with pytest.raises(InputError, match="not a number"):
        cm.bbc_number(pd.Series([1, "lots"]), "f.xlsx", "s", "c")


# --- ASC activity ---------------------------------------------------------------------------------


def _activity_fixture(tmp_path):
    rows = []

    def add(year, name, external, in_house, setting="Home care"):
        rows.append(
            {
                "percent_sector": 0,
                "SupportSetting": setting,
                "DH_GEOGRAPHY_NAME": name,
                "ActivityProvision": "External",
                "ITEMVALUE": external,
                "year": year,
            }
        )
        rows.append(
            {
                "percent_sector": 0,
                "SupportSetting": setting,
                "DH_GEOGRAPHY_NAME": name,
                "ActivityProvision": "In House",
                "ITEMVALUE": in_house,
                "year": year,
            }
        )

    for name in ("Hartlepool", "Dorset", "Blackburn with Darwen ", "Bournemouth "):
        add(2013, name, 50, 50)
    add(2014, "Hartlepool", 900, 100)
    add(2014, "Dorset", 600, 400)  # pre-2019: the old county
    add(2014, "Blackburn with Darwen ", 0, 0)  # nothing reported -> missing
    add(2014, "Bournemouth ", 10, 10)
    add(2015, "Hartlepool", 1, 0)  # one council only: not well covered
    add(2018, "Hartlepool", 1, 99, setting=None)  # not home care
    path = tmp_path / "activity.csv"
    pd.DataFrame(rows).to_csv(path)
    return path


@pytest.fixture
def small_activity(monkeypatch):
    """Fixture years have four councils: call a year well covered at three."""
    monkeypatch.setattr(cm, "ACTIVITY_MIN_COUNCILS", 3)


def test_homecare_share_latest_well_covered_year(tmp_path, small_activity) -> None:
    raw = pd.read_csv(_activity_fixture(tmp_path))
    year, df = cm.homecare_external_share(raw, "f.csv")
    assert year == 2014
    share = dict(zip(df["name"], df["pct_homecare_external"], strict=True))
    assert share["Hartlepool"] == pytest.approx(90.0)
    assert pd.isna(share["Blackburn with Darwen"])


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_activity_on_fixture(tmp_path, small_activity) -> None:
    values, join = cm.activity_table(_activity_fixture(tmp_path))
    assert sorted(values.index) == ["E06000001", "E06000008"]
    assert values.loc["E06000001", "pct_homecare_external"] == pytest.approx(90.0)
    reasons = {u["source_name"]: u["reason"] for u in join.unmatched}
    assert "old Dorset county" in reasons["Dorset"]
    assert "Bournemouth" in reasons["Bournemouth"]
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert "predates the April 2019" in missing["E06000059"]
    assert "predates the April 2019" in missing["E06000058"]
    assert len(join.matched) + len(join.unmatched) == join.n_source_rows == 4


def test_activity_year_change_is_an_error(tmp_path, small_activity, monkeypatch) -> None:
    monkeypatch.setattr(cm, "ACTIVITY_YEAR", 2013)
    with pytest.raises(InputError, match="update ACTIVITY_YEAR"):
        cm.activity_table(_activity_fixture(tmp_path))


# --- SALT -----------------------------------------------------------------------------------------


def _salt_fixture(tmp_path):
    rows = [
        ("Hartlepool", 2023, "E06000001", 35.9, 2230.0),
        ("Hartlepool", 2022, "E06000001", 16.8, 1975.0),
        ("North Yorkshire", 2023, "E10000023", 20.0, 15000.0),
        ("Hackney", 2019, "E09000012", 15.3, 2675.0),
        ("Hackney", 2022, "E09000012", None, None),
        ("Cumbria", 2022, "E10000006", 30.0, 9000.0),
    ]
    df = pd.DataFrame(
        rows, columns=["la", "year", "lacode_string_orig", "noservices_percent", "total65"]
    )
    path = tmp_path / "salt.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_salt_on_fixture(tmp_path) -> None:
    values, join = cm.salt_table(_salt_fixture(tmp_path))
    assert sorted(values.index) == ["E06000001", "E06000065"]
    assert values.loc["E06000001", "salt_noservices_pct_2324"] == 35.9  # 2023 row
    assert values.loc["E06000065", "salt_requests_65"] == 15000
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert "blank in the source" in missing["E09000012"]
    assert "Cumbria" in missing["E06000063"]
    assert join.n_source_rows == 2 and len(join.unmatched) == 0


# --- real data ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tables():
    """All five real care-market tables, keyed by source id."""
    return {join.source_id: (values, join) for values, join in cm.tables()}


@pytest.mark.pipeline
def test_real_interface(real_tables) -> None:
    assert set(real_tables) == {
        "ascof_2021",
        "bcf_intermediate_care",
        "bbc_social_care_crisis",
        "asc_activity_provision",
        "salt_requests",
    }
    columns = [c for values, _ in real_tables.values() for c in values.columns]
    assert len(columns) == len(set(columns))
    assert set(columns) == set(cm.VARIABLES)
    assert not set(columns) & set(workforce.VARIABLES)
    for values, join in real_tables.values():
        assert values.index.name == "code"
        assert set(values.index) <= codes.reference_codes()
        assert join.source_id in catalogue.load_catalogue()
        assert {c for c in values.columns} == {
            c for c, m in cm.VARIABLES.items() if m["source_id"] == join.source_id
        }


@pytest.mark.pipeline
def test_real_every_source_row_is_accounted_for(real_tables) -> None:
    for _, join in real_tables.values():
        assert len(join.matched) + len(join.unmatched) == join.n_source_rows, join.source_id
        assert all(u["reason"] for u in join.unmatched)
        assert len(join.matched) + len(join.missing) == 153
        assert all(m["reason"] for m in join.missing)


@pytest.mark.pipeline
def test_real_percentages_in_range(real_tables) -> None:
    for values, _ in real_tables.values():
        for col in values.columns:
            if cm.VARIABLES[col]["unit"] == "%":
                assert values[col].dropna().between(0, 100).all(), col


@pytest.mark.pipeline
def test_real_ascof(real_tables) -> None:
    values, join = real_tables["ascof_2021"]
    # PROVENANCE: 151 councils, 147 of the 153 match directly; North Yorkshire and Somerset recode.
    assert join.n_source_rows == 151
    assert len([c for c in join.matched if c not in {r["to"] for r in join.rules}]) == 147
    assert len(join.matched) == 149
    assert {m["code"] for m in join.missing} == {"E06000061", "E06000062", "E06000063", "E06000064"}
    assert values.loc["E09000012"].isna().all()  # Hackney [x]
    assert not any(
        c.startswith(("ascof_1a", "ascof_1b", "ascof_1j", "ascof_3", "ascof_4"))
        for c in values.columns
    )  # survey measures excluded


@pytest.mark.pipeline
def test_real_bcf(real_tables) -> None:
    values, join = real_tables["bcf_intermediate_care"]
    assert join.n_source_rows == 152  # PROVENANCE: 151 LAs + Total
    reasons = {u["source_code"]: u["reason"] for u in join.unmatched}
    assert reasons["Total"] == "England total"
    assert len(join.matched) == 150  # 148 direct (PROVENANCE) + North Yorkshire, Somerset
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert missing[codes.SCILLY] == "combined with Cornwall in the source"
    raw = pd.read_csv(catalogue.raw_path("bcf_intermediate_care"))
    h = raw[raw["Code"] == "E06000001"].iloc[0]
    assert values.loc["E06000001", "bcf_bed_based_spend_per_cap"] == pytest.approx(
        h["Bed based intermediate Care Services"] / h["value"]
    )


@pytest.mark.pipeline
def test_real_bbc(real_tables) -> None:
    values, join = real_tables["bbc_social_care_crisis"]
    unmatched = pd.Series([u["reason"] for u in join.unmatched])
    assert not (unmatched == "name not recognised").any()
    english = join.n_source_rows - unmatched.str.startswith("outside England").sum()
    assert english == 151  # PROVENANCE: 151 English authorities
    assert len(join.matched) == 149  # all but Cumbria and Northamptonshire (unsplittable)
    # PROVENANCE response counts: waits answered Full 22 + Partial 32; contracts 80 + 6.
    # Exact counts, re-derived from the raw sheets with plain pandas: English rows answered "Full"
    # or "Partial" with a number in the 2022-23 column, less the unsplittable Cumbria and
    # Northamptonshire. Treating "Partial" as a refusal would lose 32 and 6 of those rows.
    path = catalogue.raw_path("bbc_social_care_crisis")
    for sheet, response, cols in (
        (cm.BBC_WAIT_SHEET, 3, {"bbc_median_wait_assessment_days_2223": 8,
                                "bbc_median_wait_care_days_2223": 10}),
        (cm.BBC_CONTRACT_SHEET, 9, {"bbc_contracts_handed_back_2223": 14,
                                    "bbc_hours_handed_back_2223": 15}),
    ):  # fmt: skip
        raw = pd.read_excel(path, sheet_name=sheet, header=None).iloc[2:]
        answered = raw[
            (raw[2] == "England")
            & raw[response].astype(str).str.strip().isin(["Full", "Partial"])
            & ~raw[0].astype(str).str.strip().isin(["Cumbria", "Northamptonshire"])
        ]
        for col, pos in cols.items():
            expected = int(pd.to_numeric(answered[pos], errors="coerce").notna().sum())
            assert values[col].notna().sum() == expected, col
    assert values["bbc_median_wait_assessment_days_2223"].notna().sum() == 50
    assert values["bbc_contracts_handed_back_2223"].notna().sum() == 85
    dumped = values.to_json() + json.dumps(asdict(join), default=str)
    assert "@" not in dumped


@pytest.mark.pipeline
def test_real_activity(real_tables) -> None:
    values, join = real_tables["asc_activity_provision"]
    assert join.n_source_rows == 152  # PROVENANCE: 152 LAs a year
    assert len(join.matched) == 147  # less old Dorset, Bournemouth, Poole, Cumbria, Northants
    assert not any(u["reason"] == "name not recognised" for u in join.unmatched)
    raw = pd.read_csv(catalogue.raw_path("asc_activity_provision"))
    pub = raw[
        (raw["SupportSetting"] == "Home care")
        & (raw["year"] == cm.ACTIVITY_YEAR)
        & (raw["ActivityProvision"] == "External")
    ]
    pub = pub.set_index(pub["DH_GEOGRAPHY_NAME"].str.strip())["percent_sector"]
    assert values.loc["E08000016", "pct_homecare_external"] == pytest.approx(pub["Barnsley"])


@pytest.mark.pipeline
def test_real_salt(real_tables) -> None:
    values, join = real_tables["salt_requests"]
    assert len(join.matched) == 150  # PROVENANCE: 150/153 in 2023-24 with recodes
    assert {m["code"] for m in join.missing} == {"E06000063", "E06000064", "E09000012"}
    assert values["salt_requests_65"].dropna().ge(0).all()


def test_bbc_partial_answers_keep_their_values(tmp_path) -> None:
    """A "Partial" FOI answer is data (some questions answered), not a refusal: read_bbc keeps it.

    In the fixture Cumbria answered the waits sheet "Partial" (median 15 and 9 days in 2022-23).
    """
    df = cm.read_bbc(_bbc_fixture(tmp_path)).set_index(cm.BBC_NAME)
    assert df.loc["Cumbria", "bbc_median_wait_assessment_days_2223"] == 15
    assert df.loc["Cumbria", "bbc_median_wait_care_days_2223"] == 9
    assert set(cm.BBC_NO_RESPONSE) == {"Refused", "No", "Did not respond"}
