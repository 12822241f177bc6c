"""Tests for lahelpers.sources.demographics: unit tests on fixtures, then checks on the real data."""

from __future__ import annotations

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes, joins, rawio
from lahelpers.sources import demographics

# --- fixtures: a fake reference of authorities and district lookup --------------------------------

FAKE_REF = pd.DataFrame(
    {
        "code": ["E06000001", "E10000003", "E06000063"],
        "name": ["Hartlepool", "Cambridgeshire", "Cumberland"],
        "region": ["North East", "East of England", "North West"],
        "la_type": ["Unitary authority", "County council", "Unitary authority"],
    }
)
FAKE_LAD = {
    "E06000001": "E06000001",
    "E07000008": "E10000003",
    "E07000009": "E10000003",
    "E06000063": "E06000063",
}


@pytest.fixture
def fake_codes(monkeypatch):
    """Point the code rules at three fake authorities so joins need no real data."""
    monkeypatch.setattr(codes, "reference", lambda: FAKE_REF)
    monkeypatch.setattr(codes, "lad_to_utla", lambda: FAKE_LAD)


# --- population (MYE) -------------------------------------------------------------------------


def _mye_row(code, name, geography, ages):
    row = {"Code": code, "Name": name, "Geography": geography, "All ages": sum(ages)}
    row.update(dict(zip(demographics.AGE_COLUMNS, ages, strict=True)))
    return row


def _write_mye(path, rows, area):
    """A workbook shaped like mye22final.xlsx: three sheets, names on row 8."""
    persons = pd.DataFrame(rows)
    mye5 = pd.DataFrame(
        {
            "Code": persons["Code"],
            "Name": persons["Name"],
            "Geography": persons["Geography"],
            demographics.MYE5_AREA: [area[c] for c in persons["Code"]],
            demographics.MYE5_POP: persons["All ages"],
            demographics.MYE5_DENSITY: 0,
        }
    )
    mye6 = persons[["Code", "Name", "Geography"]].assign(**{"Mid-2022": 40.0, "Mid-2011": 39.0})
    with pd.ExcelWriter(path) as xl:
        for sheet, df in [("MYE2 - Persons", persons), ("MYE5", mye5), ("MYE6", mye6)]:
            df.to_excel(xl, sheet_name=sheet, startrow=demographics.MYE_HEADER, index=False)


def test_population_sums_65_and_85_plus_including_90plus(tmp_path, monkeypatch, fake_codes):
    # one person at every age 0..89 plus 10 aged 90+: 65+ = 25 + 10, 85+ = 5 + 10
    ages = [1] * 90 + [10]
    path = tmp_path / "mye.xlsx"
    _write_mye(
        path,
        [
            _mye_row("E06000001", "Hartlepool", "Unitary Authority", ages),
            _mye_row("E07000008", "Cambridge", "Non-metropolitan District", [2] * 91),
        ],
        {"E06000001": 50.0, "E07000008": 10.0},
    )
    monkeypatch.setattr(catalogue, "raw_path", lambda _id: path)
    demographics._mye2_persons.cache_clear()
    try:
        values, join = demographics.population()
    finally:
        demographics._mye2_persons.cache_clear()
    row = values.loc["E06000001"]
    assert row["pop_total"] == 100
    assert row["pop_65plus"] == 35
    assert row["pop_85plus"] == 15
    assert row["pct_65plus"] == pytest.approx(35.0)
    assert row["density"] == pytest.approx(100 / 50.0)
    assert row["median_age"] == 40.0
    assert [u["reason"] for u in join.unmatched] == [
        "lower-tier district, not an upper-tier authority"
    ]
    assert {m["code"] for m in join.missing} == {"E10000003", "E06000063"}


def test_ages_not_adding_up_is_an_input_error():
    row = _mye_row("E06000001", "Hartlepool", "Unitary Authority", [1] * 91)
    row["All ages"] = 90  # should be 91
    with pytest.raises(InputError, match="All ages") as err:
        demographics.check_ages_sum(pd.DataFrame([row]), "mye.xlsx")
    assert err.value.row == demographics.MYE_HEADER + 2
    assert err.value.column == "All ages"


def test_ages_from_includes_the_open_ended_band():
    assert demographics.ages_from(85) == ["85", "86", "87", "88", "89", "90+"]
    assert len(demographics.ages_from(65)) == 26


# --- ethnicity --------------------------------------------------------------------------------


def _ethnic_rows(code, name, counts):
    return [
        {
            demographics.ETH_CODE: code,
            demographics.ETH_NAME: name,
            demographics.ETH_CAT_CODE: cat_code,
            demographics.ETH_CAT: label,
            demographics.ETH_VALUE: n,
        }
        for cat_code, label, n in counts
    ]


ETHNIC_FIXTURE = _ethnic_rows(
    "E06000001",
    "Hartlepool",
    [
        (-8, "Does not apply", 1000),  # must not enter the denominator
        (3, "Asian, Asian British or Asian Welsh: Indian", 10),
        (13, demographics.WHITE_BRITISH, 70),
        (14, "White: Irish", 5),
        (17, "White: Other White", 15),
    ],
)


def test_ethnicity_excludes_does_not_apply_and_splits_white():
    counts = demographics.ethnicity_counts(pd.DataFrame(ETHNIC_FIXTURE))
    rates = demographics.ethnicity_rates(counts).iloc[0]
    assert rates["residents"] == 100
    assert rates["pct_ethnic_minority"] == pytest.approx(30.0)  # 10 + 5 + 15 of 100
    assert rates["pct_non_white"] == pytest.approx(10.0)


def test_ethnicity_without_white_british_label_is_an_input_error():
    df = pd.DataFrame(ETHNIC_FIXTURE)
    df[demographics.ETH_CAT] = df[demographics.ETH_CAT].str.replace("British", "Brit")
    with pytest.raises(InputError, match="not found"):
        demographics.ethnicity_counts(df, "eth.csv")


# --- small areas: dedupe and aggregation ----------------------------------------------------------


def test_small_area_lookup_deduplicates_2021_areas():
    lookup = pd.DataFrame(
        {
            "MSOA11CD": ["E02000001", "E02000002", "E02000003"],
            "MSOA21CD": ["E02900001", "E02900001", "E02900002"],  # two 2011 areas merged
            "LAD22CD": ["E07000008", "E07000008", "E06000001"],
            "LAD22NM": ["Cambridge", "Cambridge", "Hartlepool"],
        }
    )
    out = demographics.small_area_lookup(lookup, "MSOA21CD", "LAD22CD", "LAD22NM", "lk.csv")
    assert list(out.index) == ["E02900001", "E02900002"]
    assert out.loc["E02900001", "LAD22CD"] == "E07000008"


def test_small_area_in_two_districts_is_an_input_error():
    lookup = pd.DataFrame(
        {
            "MSOA21CD": ["E02900001", "E02900001"],
            "LAD22CD": ["E07000008", "E07000009"],
            "LAD22NM": ["Cambridge", "East Cambridgeshire"],
        }
    )
    with pytest.raises(InputError, match="more than one district"):
        demographics.small_area_lookup(lookup, "MSOA21CD", "LAD22CD", "LAD22NM", "lk.csv")


def test_unknown_small_area_is_an_input_error_not_dropped():
    lookup = pd.DataFrame(
        {"LAD22CD": ["E06000001"], "LAD22NM": ["Hartlepool"]}, index=["E02900001"]
    )
    df = pd.DataFrame({"msoa21cd": ["E02900001", "E02999999"], "n": [1, 2]})
    with pytest.raises(InputError, match="E02999999") as err:
        demographics.aggregate_to_lad(df, "msoa21cd", lookup, ["n"], "care.csv")
    assert err.value.row == 3


CARE_FIXTURE = pd.DataFrame(
    {
        "msoa21cd": ["A1", "A2", "B1"],
        "total": [100, 300, 1000],
        "provides_no_unpaid_care": [90, 240, 900],
        "provides_9_hours_or_less_unpaid_care_a_week": [5, 20, 50],
        "provides_10_to_19_hours_unpaid_care_a_week": [1, 10, 10],
        "provides_20_to_34_hours_unpaid_care_a_week": [1, 10, 10],
        "provides_35_to_49_hours_unpaid_care_a_week": [1, 10, 10],
        "provides_50_or_more_hours_unpaid_care_a_week": [2, 10, 20],
    }
)


def test_unpaid_care_counts_bands():
    counts = demographics.unpaid_care_counts(CARE_FIXTURE).set_index("msoa21cd")
    assert counts.loc["A1", "carers"] == 10
    assert counts.loc["A1", "carers_20h"] == 4
    assert counts.loc["B1", "carers_20h"] == 40


def test_unpaid_care_bands_not_adding_up_is_an_input_error():
    bad = CARE_FIXTURE.copy()
    bad.loc[1, "provides_no_unpaid_care"] += 1
    with pytest.raises(InputError, match="A2") as err:
        demographics.unpaid_care_counts(bad, "care.csv")
    assert err.value.row == 3


def test_unpaid_care_rates_come_from_summed_counts(fake_codes):
    # A1 and A2 are in two districts of one county; the county rate is 70/400, not the mean of
    # 10% and 20%.
    lookup = pd.DataFrame(
        {
            "LAD22CD": ["E07000008", "E07000009", "E06000001"],
            "LAD22NM": ["Cambridge", "East Cambridgeshire", "Hartlepool"],
        },
        index=["A1", "A2", "B1"],
    )
    counts = demographics.unpaid_care_counts(CARE_FIXTURE)
    by_lad = demographics.aggregate_to_lad(
        counts, "msoa21cd", lookup, demographics.CARE_COUNTS, "care.csv"
    )
    values, join = joins.join_districts(
        by_lad,
        source_id="census_unpaid_care_msoa",
        description="fixture",
        code_col="LAD22CD",
        sum_cols=demographics.CARE_COUNTS,
        name_col="LAD22NM",
        derive=demographics.unpaid_care_rates,
    )
    assert values.loc["E10000003", "pct_unpaid_care"] == pytest.approx(100 * 70 / 400)
    assert values.loc["E10000003", "pct_unpaid_care_20h"] == pytest.approx(100 * 34 / 400)
    assert values.loc["E06000001", "pct_unpaid_care"] == pytest.approx(10.0)
    assert [m["code"] for m in join.missing] == ["E06000063"]


# --- disability -------------------------------------------------------------------------------


def _disability_fixture():
    return pd.DataFrame(
        {
            "lsoa21_code": ["L1", "L1", "L2", "L2"],
            "disability": [demographics.DISABLED, demographics.NOT_DISABLED] * 2,
            "n": [10.0, 90.0, 30.0, 70.0],
            "total_residents": [100.0, 100.0, 100.0, 100.0],
        }
    )


def test_disability_counts_pivot():
    out = demographics.disability_counts(_disability_fixture()).set_index("lsoa21_code")
    assert out.loc["L1", "disabled"] == 10
    assert out.loc["L2", "residents"] == 100
    rates = demographics.disability_rates(out.sum().to_frame().T)
    assert rates["pct_disabled"].iloc[0] == pytest.approx(20.0)


def test_disability_missing_category_is_an_input_error():
    df = _disability_fixture().iloc[:3]
    with pytest.raises(InputError, match="two categories"):
        demographics.disability_counts(df, "dis.rda")


def test_disability_categories_not_adding_up_is_an_input_error():
    df = _disability_fixture()
    df.loc[0, "n"] = 11.0
    with pytest.raises(InputError, match="L1"):
        demographics.disability_counts(df, "dis.rda")


# --- real data --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tables():
    return {join.source_id: (values, join) for values, join in demographics.tables()}


def _england(values: pd.DataFrame) -> pd.DataFrame:
    return values.loc[values.index.isin(codes.reference_codes())]


@pytest.mark.pipeline
def test_interface_columns_and_sources(real_tables):
    cat = catalogue.load_catalogue()
    cols = [c for values, _ in real_tables.values() for c in values.columns]
    assert sorted(cols) == sorted(demographics.VARIABLES)
    for name, meta in demographics.VARIABLES.items():
        assert set(meta) == {"label", "unit", "source_id", "vintage", "note"}, name
        assert meta["source_id"] in cat
    for source_id, (values, _join) in real_tables.items():
        assert source_id in cat
        assert values.index.name == "code"
        for col in values.columns:
            assert demographics.VARIABLES[col]["source_id"] == source_id


@pytest.mark.pipeline
@pytest.mark.parametrize(
    "source_id",
    [
        "population_mye22",
        "census_ethnicity",
        "census_unpaid_care_msoa",
        "census_disability_lsoa",
        "census_households_ltla",
    ],
)
def test_full_coverage_of_the_153(real_tables, source_id):
    values, join = real_tables[source_id]
    assert len(join.matched) == 153
    assert join.missing == []
    assert set(values.index) == codes.reference_codes()
    assert not values.isna().any().any()


@pytest.mark.pipeline
def test_population_england_and_region_totals(real_tables):
    values, join = real_tables["population_mye22"]
    persons = demographics.read_mye2_persons().set_index("Code")
    # PROVENANCE: England total 57,106,398; the 153 must add up to it exactly.
    assert persons.loc["E92000001", "All ages"] == 57_106_398
    assert values["pop_total"].sum() == 57_106_398
    england_65 = persons.loc["E92000001", demographics.ages_from(65)].sum()
    assert values["pop_65plus"].sum() == england_65
    # Each region row equals the sum of its authorities (region from the ONS parents lookup).
    parents = rawio.read_csv(
        catalogue.raw_path("lookup_area_parents"), ["areacd", "parentcd"], dtype=str
    ).set_index("areacd")["parentcd"]
    by_region = values["pop_total"].groupby(parents.reindex(values.index)).sum()
    assert len(by_region) == 9
    for region, total in by_region.items():
        assert persons.loc[region, "All ages"] == total, region
    # PROVENANCE: Isles of Scilly 2,281, present as its own row.
    assert values.loc[codes.SCILLY, "pop_total"] == 2_281
    # The 164 non-metropolitan districts are reported unmatched, not dropped.
    reasons = pd.Series([u["reason"] for u in join.unmatched]).value_counts()
    assert reasons["lower-tier district, not an upper-tier authority"] == 164


@pytest.mark.pipeline
def test_population_derived_values_are_consistent(real_tables):
    values, _ = real_tables["population_mye22"]
    assert (values["pop_85plus"] < values["pop_65plus"]).all()
    assert (values["pop_65plus"] < values["pop_total"]).all()
    # our unrounded density agrees with the published rounded one (MYE5)
    mye5 = rawio.read_excel(
        catalogue.raw_path("population_mye22"), "MYE5", header=demographics.MYE_HEADER
    ).set_index("Code")
    published = mye5.loc[values.index, demographics.MYE5_DENSITY]
    assert ((values["density"] - published).abs() <= 0.5 + 1e-9).all()
    # density is population over area for the whole of England as well
    england = values["pop_total"].sum() / values["area_km2"].sum()
    assert england == pytest.approx(
        mye5.loc["E92000001", demographics.MYE5_POP] / mye5.loc["E92000001", demographics.MYE5_AREA]
    )


@pytest.mark.pipeline
def test_ethnicity_totals_and_logic(real_tables):
    values, join = real_tables["census_ethnicity"]
    path = catalogue.raw_path("census_ethnicity")
    counts = demographics.ethnicity_counts(rawio.read_csv(path), path).set_index("code")
    # PROVENANCE: England sum 56,490,017 usual residents
    assert _england(counts)["residents"].sum() == 56_490_017
    # not White British includes every non-White group, so it is always at least as large
    assert (values["pct_ethnic_minority"] >= values["pct_non_white"]).all()
    assert values.stack().between(0, 100).all()
    assert {u["reason"] for u in join.unmatched} == {"outside England"}
    assert len(join.unmatched) == 22  # Welsh authorities


@pytest.mark.pipeline
def test_unpaid_care_england_totals():
    by_lad = demographics.unpaid_care_by_district()
    summed, join = joins.join_districts(
        by_lad,
        source_id="census_unpaid_care_msoa",
        description="counts",
        code_col="LAD22CD",
        sum_cols=demographics.CARE_COUNTS,
    )
    # PROVENANCE: England 4,678,238 carers of 53,413,057 residents aged 5+
    england_lads = by_lad[by_lad["LAD22CD"].str.startswith("E")]
    assert england_lads["carers"].sum() == 4_678_238
    assert england_lads["residents_5plus"].sum() == 53_413_057
    assert summed["carers"].sum() == 4_678_238
    assert summed["residents_5plus"].sum() == 53_413_057
    assert len(england_lads) == 309  # PROVENANCE: England MSOA21 fall in 309 LAD22
    values, _ = demographics.unpaid_care()
    # Rates written out here (denominator: residents aged 5+), not through unpaid_care_rates
    expected = pd.DataFrame(
        {
            "pct_unpaid_care": summed["carers"] * 100 / summed["residents_5plus"],
            "pct_unpaid_care_20h": summed["carers_20h"] * 100 / summed["residents_5plus"],
        }
    )
    pd.testing.assert_frame_equal(values, expected, check_names=False)
    england_rate = 100 * 4_678_238 / 53_413_057  # PROVENANCE totals: 8.76%
    weighted = (values["pct_unpaid_care"] * summed["residents_5plus"]).sum() / 53_413_057
    assert weighted == pytest.approx(england_rate)
    assert (values["pct_unpaid_care_20h"] < values["pct_unpaid_care"]).all()


@pytest.mark.pipeline
def test_msoa_lookup_is_deduplicated():
    lookup = demographics._msoa_lookup()
    # PROVENANCE: 7,286 rows, 7,264 distinct MSOA21
    raw = rawio.read_csv(catalogue.raw_path("lookup_msoa"), dtype=str)
    assert len(raw) == 7_286
    assert len(lookup) == 7_264


@pytest.mark.pipeline
def test_disability_england_totals_and_agreement_with_ethnicity(real_tables):
    by_lad = demographics.disability_by_district()
    summed, _ = joins.join_districts(
        by_lad,
        source_id="census_disability_lsoa",
        description="counts",
        code_col="LAD22CD",
        sum_cols=demographics.DISABILITY_COUNTS,
    )
    # PROVENANCE: England 9,774,486 disabled of 56,490,046 residents
    assert summed["disabled"].sum() == 9_774_486
    assert summed["residents"].sum() == 56_490_046
    assert len(demographics._lsoa_lookup()) == 35_672
    values, _ = real_tables["census_disability_lsoa"]
    pd.testing.assert_series_equal(
        values["pct_disabled"], 100 * summed["disabled"] / summed["residents"], check_names=False
    )
    # Residents built up from LSOAs match the ONS upper-tier ethnicity table for every authority,
    # up to Census small-count perturbation (a few people per area, so well under 0.5%).
    path = catalogue.raw_path("census_ethnicity")
    eth = demographics.ethnicity_counts(rawio.read_csv(path), path).set_index("code")["residents"]
    rel = (summed["residents"] - eth.reindex(summed.index)).abs() / summed["residents"]
    assert rel.max() < 0.005


@pytest.mark.pipeline
def test_households_england_total(real_tables):
    values, join = real_tables["census_households_ltla"]
    # PROVENANCE: England 23,436,079 households in 296 LTLA23
    assert values["households"].sum() == 23_436_079
    assert join.n_source_rows - len(join.unmatched) == 296
