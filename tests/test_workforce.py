"""Tests for lahelpers.sources.workforce: Oflog ASC metrics and Skills for Care, fixtures and real data."""

from __future__ import annotations

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes
from lahelpers.sources import workforce

# --- Oflog fixtures ------------------------------------------------------------------------------

#: A plausible value for each measure (units as in the real file).
TYPICAL = {
    "ASC7": 28.0,
    "ASC2": 0.41,
    "ASC3": 67.0,
    "ASC5": 78.0,
    "ASC6": 1700.0,
    "ASC1": 7.2,
    "ASC4": 57.0,
}
LAS = [
    ("E06000001", "Hartlepool"),
    ("E10000006", "Cumbria"),
    ("E10000023", "North Yorkshire"),
    ("E06000053", "Isles of Scilly"),
]


def _oflog_rows(measure: str, year: str, value: float | None, las=LAS) -> list[dict]:
    return [
        {
            "Financial year": year,
            "Local authority code": code,
            "Local authority name": name,
            "Grouping": "LA_Raw",
            "Measure": f"Outcome, {measure}",
            "Code": measure,
            "Value": value,
        }
        for code, name in las
    ]


def _oflog_fixture(tmp_path, *, turnover_latest: str = "2022-23", asc2_value: float = 0.41):
    """An ASC_data.csv-shaped file: every measure in its real latest year, plus distractors."""
    rows = []
    for measure, value in TYPICAL.items():
        latest = "2021-22" if measure in ("ASC1", "ASC4") else "2022-23"
        if measure == "ASC7":
            latest = turnover_latest
            rows += _oflog_rows(measure, "2020-21", 99.0)  # an older year, must not be used
        if measure == "ASC2":
            value = asc2_value
        rows += _oflog_rows(measure, latest, value)
    # A newer year with too few values to count as "with data".
    rows += _oflog_rows("ASC7", "2023-24", 50.0, las=LAS[:1])
    # Scilly's turnover is blank in the latest year.
    df = pd.DataFrame(rows)
    df.loc[
        (df["Code"] == "ASC7")
        & (df["Financial year"] == turnover_latest)
        & (df["Local authority code"] == "E06000053"),
        "Value",
    ] = None
    path = tmp_path / "ASC_data.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture
def few_values(monkeypatch):
    """With four fixture authorities, a year needs 3 values to count as "with data"."""
    monkeypatch.setattr(workforce, "OFLOG_MIN_VALUES", 3)


def test_latest_year_skips_sparse_years() -> None:
    long = pd.DataFrame(
        {"y": ["2021-22"] * 3 + ["2022-23"] * 3 + ["2023-24"], "v": [1, 2, 3, 1, None, 3, 9]}
    )
    assert workforce.latest_year(long, year_col="y", value_col="v", min_values=1) == "2023-24"
    assert workforce.latest_year(long, year_col="y", value_col="v", min_values=2) == "2022-23"
    assert workforce.latest_year(long, year_col="y", value_col="v", min_values=3) == "2021-22"
    with pytest.raises(ValueError):
        workforce.latest_year(long, year_col="y", value_col="v", min_values=4)


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_oflog_table_on_fixture(tmp_path, few_values) -> None:
    values, join = workforce.oflog_table(_oflog_fixture(tmp_path))
    assert values.index.name == "code"
    assert list(values.columns) == list(workforce.OFLOG_MEASURES.values())
    # North Yorkshire recoded; Cumbria unmatched, its successors missing (never copied).
    assert sorted(values.index) == ["E06000001", "E06000053", "E06000065"]
    assert (
        values.loc["E06000001", "turnover_rate"] == TYPICAL["ASC7"]
    )  # 2022-23, not 2020-21/2023-24
    assert values.loc["E06000065", "oflog_carer_qol"] == TYPICAL["ASC1"]  # 2021-22
    assert pd.isna(values.loc["E06000053", "turnover_rate"])
    assert join.blank["turnover_rate"] == ["E06000053"]
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert "Cumbria" in missing["E06000063"] and "Cumbria" in missing["E06000064"]
    assert [u["source_code"] for u in join.unmatched] == ["E10000006"]
    assert join.rules == [
        {"from": "E10000023", "to": "E06000065", "rule": codes.SAME_FOOTPRINT["E10000023"][1]}
    ]
    assert len(join.matched) + len(join.unmatched) == join.n_source_rows == 4


def test_oflog_vintage_change_is_an_error(tmp_path, few_values) -> None:
    with pytest.raises(InputError, match="update the vintage"):
        workforce.oflog_table(_oflog_fixture(tmp_path, turnover_latest="2021-22"))


def test_oflog_out_of_range_units_are_an_error(tmp_path, few_values) -> None:
    # ASC2 given as a percentage (41) instead of a 0-1 score.
    with pytest.raises(InputError, match="oflog_adj_scrqol"):
        workforce.oflog_table(_oflog_fixture(tmp_path, asc2_value=41.0))


def test_oflog_duplicate_rows_are_an_error(tmp_path) -> None:
    path = _oflog_fixture(tmp_path)
    df = pd.read_csv(path)
    pd.concat([df, df.iloc[[0]]]).to_csv(path, index=False)
    with pytest.raises(InputError, match="repeat"):
        workforce.read_oflog(path)


def test_oflog_missing_column_is_an_error(tmp_path) -> None:
    path = _oflog_fixture(tmp_path)
    pd.read_csv(path).drop(columns="Value").to_csv(path, index=False)
    with pytest.raises(InputError, match="Value"):
        workforce.read_oflog(path)


# --- Skills for Care fixtures -------------------------------------------------------------


def _sfc_fixture(tmp_path, rate_scale: float = 1.0):
    """skillsforcare_england.csv-shaped rows: Cornwall & Scilly, old Gateshead code, combined."""
    rows = [
        ("Hartlepool", 2023, 3000, 2700, 250.0, 0.09, 2200.0, "E06000001"),
        ("Hartlepool", 2022, 2900, 2600, 300.0, 0.11, 2100.0, "E06000001"),
        ("Cornwall and Isles of Scilly", 2023, 14500, 13500, 1300.0, 0.0857, 11000.0, "E06000052"),
        ("Gateshead", 2023, 5200, 4800, 275.0, 0.0557, 4000.0, "E08000020"),
        ("Cumbria (combined)", 2023, 10600, 9900, 1100.0, 0.094, 8000.0, "CUMBRIA_COMBINED"),
        ("Dorset (combined)", 2023, 21800, 19900, 1650.0, 0.0704, 16400.0, "DORSET_COMBINED"),
        (
            "Northamptonshire (combined)",
            2023,
            20900,
            18900,
            1650.0,
            0.0732,
            None,
            "NORTHANTS_COMBINED",
        ),
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "la_name",
            "year",
            "filled_posts",
            "employees",
            "vacant_posts",
            "vacancy_rate",
            "fte_posts",
            "la_code",
        ],
    )
    df["vacancy_rate"] *= rate_scale
    path = tmp_path / "skillsforcare_england.csv"
    df.to_csv(path, index=False)
    return path


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_skillsforcare_on_fixture(tmp_path) -> None:
    values, join = workforce.skillsforcare_table(_sfc_fixture(tmp_path))
    assert values.index.name == "code"
    assert sorted(values.index) == ["E06000001", "E06000052", "E08000037"]
    assert values.loc["E06000001", "sfc_vacancy_rate"] == pytest.approx(9.0)  # 2023 row, in %
    assert values.loc["E06000001", "sfc_filled_posts"] == 3000
    assert values.loc["E06000052", "sfc_fte_posts"] == 11000
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert missing[codes.SCILLY] == "combined with Cornwall in the source"
    for code in ("E06000058", "E06000059", "E06000061", "E06000062", "E06000063", "E06000064"):
        assert "cannot be divided" in missing[code]
    assert {u["source_code"] for u in join.unmatched} == {
        "CUMBRIA_COMBINED",
        "DORSET_COMBINED",
        "NORTHANTS_COMBINED",
    }
    assert len(join.matched) + len(join.unmatched) == join.n_source_rows == 6


def test_skillsforcare_percentages_are_an_error(tmp_path) -> None:
    with pytest.raises(InputError, match="proportion"):
        workforce.skillsforcare_table(_sfc_fixture(tmp_path, rate_scale=100))


def test_skillsforcare_duplicate_code_is_an_error(tmp_path) -> None:
    path = _sfc_fixture(tmp_path)
    df = pd.read_csv(path)
    pd.concat([df, df.iloc[[0]]]).to_csv(path, index=False)
    with pytest.raises(InputError, match="appears twice"):
        workforce.read_skillsforcare(path)


# --- real data ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tables():
    """Both real workforce tables, keyed by source id."""
    return {join.source_id: (values, join) for values, join in workforce.tables()}


@pytest.mark.pipeline
def test_real_interface(real_tables) -> None:
    columns = [c for values, _ in real_tables.values() for c in values.columns]
    assert len(columns) == len(set(columns))
    assert set(columns) == set(workforce.VARIABLES)
    for values, join in real_tables.values():
        assert values.index.name == "code"
        assert set(values.index) <= codes.reference_codes()
        assert join.source_id in catalogue.load_catalogue()
    for meta in workforce.VARIABLES.values():
        assert set(meta) == {"label", "unit", "source_id", "vintage", "note"}


@pytest.mark.pipeline
def test_real_every_source_row_is_accounted_for(real_tables) -> None:
    for _, join in real_tables.values():
        assert len(join.matched) + len(join.unmatched) == join.n_source_rows
        assert all(u["reason"] for u in join.unmatched)
        assert len(join.matched) + len(join.missing) == 153
        assert all(m["reason"] for m in join.missing)


@pytest.mark.pipeline
def test_real_oflog_coverage(real_tables) -> None:
    values, join = real_tables["oflog_asc"]
    # PROVENANCE: 2022-23 matches 149 directly, 151 with the N Yorks / Somerset recodes.
    assert len(join.matched) == 151
    assert {m["code"] for m in join.missing} == {"E06000063", "E06000064"}
    assert {r["from"] for r in join.rules} == {"E10000023", "E10000027"}
    # Independent count: 2022-23 ASC7 rows with a value, less Cumbria's (not matched).
    raw = pd.read_csv(catalogue.raw_path("oflog_asc"))
    asc7 = raw[(raw["Code"] == "ASC7") & (raw["Financial year"] == "2022-23")]
    assert asc7["Value"].notna().sum() == 151  # PROVENANCE: 151 in 2022-23
    expected = asc7[asc7["Local authority code"] != "E10000006"]["Value"].notna().sum()
    assert values["turnover_rate"].notna().sum() == expected
    ny = asc7.loc[asc7["Local authority code"] == "E10000023", "Value"].iloc[0]
    assert values.loc["E06000065", "turnover_rate"] == pytest.approx(ny)


@pytest.mark.pipeline
def test_real_oflog_ranges(real_tables) -> None:
    values, _ = real_tables["oflog_asc"]
    for col, meta in workforce.VARIABLES.items():
        if meta["source_id"] == "oflog_asc" and meta["unit"] == "%":
            assert values[col].dropna().between(0, 100).all(), col
    assert values["oflog_adj_scrqol"].dropna().between(0, 1).all()
    assert values["oflog_carer_qol"].dropna().between(0, 12).all()


@pytest.mark.pipeline
def test_real_skillsforcare_coverage(real_tables) -> None:
    values, join = real_tables["skillsforcare_independent"]
    # PROVENANCE: 145 direct + Gateshead recode = 146; six councils in three combined rows.
    assert len(join.matched) == 146
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert missing[codes.SCILLY] == "combined with Cornwall in the source"
    assert len(missing) == 7
    assert values["sfc_vacancy_rate"].dropna().between(0, 100).all()
    assert values["sfc_vacancy_rate"].notna().sum() == 146  # PROVENANCE: 149 incl. 3 combined
    # The rate is vacant / (employees + vacant) within rounding of the published counts.
    raw = pd.read_csv(catalogue.raw_path("skillsforcare_independent"))
    row = raw[(raw["year"] == 2023) & (raw["la_code"] == "E06000001")].iloc[0]
    recomputed = 100 * row["vacant_posts"] / (row["employees"] + row["vacant_posts"])
    assert values.loc["E06000001", "sfc_vacancy_rate"] == pytest.approx(recomputed, abs=1.0)
