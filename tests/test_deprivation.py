"""Tests for lahelpers.sources.deprivation: unit tests on fixtures, then checks on the real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadr
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes, rawio
from lahelpers.sources import deprivation

FAKE_REF = pd.DataFrame(
    {
        "code": ["E06000001", "E06000039", "E06000060", "E06000063", "E06000064", "E10000003"],
        "name": [
            "Hartlepool", "Slough", "Buckinghamshire", "Cumberland", "Westmorland and Furness",
            "Cambridgeshire",
        ],
        "region": ["North East", "South East", "South East", "North West", "North West", "East"],
        "la_type": ["Unitary authority"] * 5 + ["County council"],
    }
)
FAKE_LAD = {
    "E06000001": "E06000001",
    "E06000039": "E06000039",
    "E07000008": "E10000003",
    "E07000009": "E10000003",
}


@pytest.fixture
def fake_codes(monkeypatch):
    """Point the code rules at six fake authorities so joins need no real data."""
    monkeypatch.setattr(codes, "reference", lambda: FAKE_REF)
    monkeypatch.setattr(codes, "lad_to_utla", lambda: FAKE_LAD)


# --- population_weighted_mean -----------------------------------------------------------------


def test_population_weighted_mean_weights_by_population():
    values = pd.Series([10.0, 40.0, 25.0])
    weights = pd.Series([3.0, 1.0, 7.0])
    groups = pd.Series(["A", "A", "B"])
    out = deprivation.population_weighted_mean(values, weights, groups)
    assert out["A"] == pytest.approx((10 * 3 + 40 * 1) / 4)  # 17.5, not the plain mean 25
    assert out["B"] == pytest.approx(25.0)
    assert list(out.index) == ["A", "B"]


def test_population_weighted_mean_leaves_out_missing_pairs_and_zero_weight_groups():
    values = pd.Series([10.0, np.nan, 30.0, 5.0])
    weights = pd.Series([1.0, 100.0, 1.0, 0.0])
    groups = pd.Series(["A", "A", "A", "B"])
    out = deprivation.population_weighted_mean(values, weights, groups)
    assert out["A"] == pytest.approx(20.0)  # the missing value is not counted as zero
    assert np.isnan(out["B"])


def test_population_weighted_mean_rejects_negative_weights():
    with pytest.raises(ValueError, match="negative"):
        deprivation.population_weighted_mean(
            pd.Series([1.0]), pd.Series([-1.0]), pd.Series(["A"])
        )


# --- IMD 2019 ---------------------------------------------------------------------------------


def _write_imd2019(path, rows):
    """A sheet shaped like File 11 'IMD': headers with trailing spaces."""
    df = pd.DataFrame(
        rows,
        columns=[
            deprivation.IMD2019_CODE,
            deprivation.IMD2019_NAME,
            "IMD - Average score ",
            "IMD - Rank of average score ",
        ],
    )
    with pd.ExcelWriter(path) as xl:
        pd.DataFrame({"x": [1]}).to_excel(xl, sheet_name="Notes", index=False)
        df.to_excel(xl, sheet_name="IMD", index=False)


IMD2019_ROWS = [
    ("E06000001", "Hartlepool", 35.0, 1),
    ("E0600003", "Slough", 20.0, 3),
    ("E10000002", "Buckinghamshire", 10.0, 4),
    ("E10000006", "Cumbria", 25.0, 2),
]


def test_imd2019_slough_fix_recode_and_cumbria_missing(tmp_path, fake_codes):
    path = tmp_path / "imd.xlsx"
    _write_imd2019(path, IMD2019_ROWS)
    values, join = deprivation.imd2019(path)
    assert values.loc["E06000039", "imd2019_score"] == 20.0  # Slough, mistyped code fixed
    assert values.loc["E06000060", "imd2019_rank"] == 4  # Bucks same-footprint recode
    assert sorted(join.matched) == ["E06000001", "E06000039", "E06000060"]
    rules = {r["from"]: r["to"] for r in join.rules}
    assert rules == {"E0600003": "E06000039", "E10000002": "E06000060"}
    missing = {m["code"]: m["reason"] for m in join.missing}
    # Cumbria's value is never copied to its successors; the reason names Cumbria.
    assert "E06000063" not in values.index and "E06000064" not in values.index
    assert "Cumbria" in missing["E06000063"] and "Cumbria" in missing["E06000064"]
    assert missing["E10000003"] == "no row for this authority in the source"
    assert [u["source_code"] for u in join.unmatched] == ["E10000006"]


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_slough_fix_is_for_this_file_only():
    assert codes.map_upper_tier("E0600003").code is None
    assert codes.map_upper_tier("E0600003", deprivation.SLOUGH_FIX).code == "E06000039"


def test_imd2019_missing_column_is_an_input_error(tmp_path):
    path = tmp_path / "imd.xlsx"
    rows = [r[:3] + (None,) for r in IMD2019_ROWS]
    _write_imd2019(path, rows)
    df = pd.read_excel(path, sheet_name="IMD").drop(columns=["IMD - Rank of average score "])
    with pd.ExcelWriter(path) as xl:
        df.to_excel(xl, sheet_name="IMD", index=False)
    with pytest.raises(InputError, match="Rank of average score"):
        deprivation.read_imd2019(path)


# --- IMD 2025 ---------------------------------------------------------------------------------


def _write_imd2025(path, rows):
    df = pd.DataFrame(rows, columns=["ltla24_code", "ltla24_name", "imd_average_score"])
    pyreadr.write_rdata(str(path), df, df_name="imd2025_england_ltla24")


def test_imd2025_population_weighted_to_upper_tier(tmp_path, monkeypatch, fake_codes):
    path = tmp_path / "imd25.rda"
    _write_imd2025(
        path,
        [
            ("E07000008", "Cambridge", 10.0),
            ("E07000009", "East Cambridgeshire", 30.0),
            ("E06000001", "Hartlepool", 40.0),
            ("E06000039", "Slough", 20.0),
        ],
    )
    pop = pd.Series(
        {"E07000008": 300, "E07000009": 100, "E06000001": 50, "E06000039": 80}, name="population"
    )
    monkeypatch.setattr(deprivation, "district_population", lambda: pop)
    values, join = deprivation.imd2025(path)
    assert values.loc["E10000003", "imd2025_score"] == pytest.approx((10 * 300 + 30 * 100) / 400)
    assert values.loc["E06000001", "imd2025_score"] == 40.0
    # rank among the authorities with a score, 1 = most deprived (highest score)
    assert values["imd2025_rank"].to_dict() == {"E06000001": 1, "E06000039": 2, "E10000003": 3}
    assert {m["code"] for m in join.missing} == {"E06000060", "E06000063", "E06000064"}


def test_imd2025_district_without_population_is_an_input_error(tmp_path, monkeypatch):
    path = tmp_path / "imd25.rda"
    _write_imd2025(path, [("E07000008", "Cambridge", 10.0), ("E07000099", "Nowhere", 12.0)])
    monkeypatch.setattr(
        deprivation, "district_population", lambda: pd.Series({"E07000008": 300})
    )
    with pytest.raises(InputError, match="E07000099"):
        deprivation.read_imd2025_with_weights(path)


def test_imd2025_ties_share_the_best_rank():
    summed = pd.DataFrame(
        {"score_x_pop": [20.0, 20.0, 5.0], "population": [1.0, 1.0, 1.0]}, index=["a", "b", "c"]
    )
    out = deprivation.imd2025_from_sums(summed)
    assert out["imd2025_rank"].tolist() == [1, 1, 3]


# --- real data --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tables():
    return {join.source_id: (values, join) for values, join in deprivation.tables()}


@pytest.mark.pipeline
def test_interface(real_tables):
    cat = catalogue.load_catalogue()
    cols = [c for values, _ in real_tables.values() for c in values.columns]
    assert sorted(cols) == sorted(deprivation.VARIABLES)
    for source_id, (values, _join) in real_tables.items():
        assert source_id in cat
        assert values.index.name == "code"
        for col in values.columns:
            assert deprivation.VARIABLES[col]["source_id"] == source_id


@pytest.mark.pipeline
def test_imd2019_coverage(real_tables):
    values, join = real_tables["imd2019_utla"]
    # PROVENANCE: 151 rows; 145 direct + 3 same-footprint recodes + Slough = 149
    assert join.n_source_rows == 151
    assert len(join.matched) == 149
    recoded = {r["from"]: r["to"] for r in join.rules}
    assert recoded == {
        "E10000002": "E06000060",
        "E10000023": "E06000065",
        "E10000027": "E06000066",
        "E0600003": "E06000039",
    }
    assert len(set(join.matched) - set(recoded.values())) == 145
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert set(missing) == {"E06000061", "E06000062", "E06000063", "E06000064"}
    assert all("Cumbria" in missing[c] for c in ("E06000063", "E06000064"))
    assert all("Northamptonshire" in missing[c] for c in ("E06000061", "E06000062"))
    assert sorted(u["source_code"] for u in join.unmatched) == ["E10000006", "E10000021"]
    assert not values.isna().any().any()


@pytest.mark.pipeline
def test_imd2019_rank_matches_score(real_tables):
    raw = deprivation.read_imd2019()
    # rank of average score: 1..151, 1 = highest score (most deprived)
    assert sorted(raw[deprivation.IMD2019_RANK]) == list(range(1, 152))
    expected = raw[deprivation.IMD2019_SCORE].rank(ascending=False, method="min")
    assert (expected == raw[deprivation.IMD2019_RANK]).all()
    values, _ = real_tables["imd2019_utla"]
    assert values["imd2019_rank"].min() == 1


@pytest.mark.pipeline
def test_imd2025_coverage_and_independent_rebuild(real_tables):
    values, join = real_tables["imd2025_ltla"]
    # PROVENANCE: 296 districts (codes = LTLA23), all used, 153/153
    assert join.n_source_rows == 296
    assert join.unmatched == []
    assert join.missing == []
    assert set(values.index) == codes.reference_codes()
    # Rebuild independently: ONS LTLA23 -> UTLA23 lookup, MYE2 district rows, the public function.
    raw = rawio.read_rda(catalogue.raw_path("imd2025_ltla"))
    lookup = rawio.read_csv(
        catalogue.raw_path("lookup_ltla_utla"), ["LTLA23CD", "UTLA23CD"], dtype=str
    ).set_index("LTLA23CD")["UTLA23CD"]
    persons = rawio.read_excel(
        catalogue.raw_path("population_mye22"), "MYE2 - Persons", header=7
    ).set_index("Code")["All ages"]
    expected = deprivation.population_weighted_mean(
        raw["imd_average_score"],
        raw["ltla24_code"].map(persons),
        raw["ltla24_code"].map(lookup).rename("code"),
    )
    pd.testing.assert_series_equal(
        values["imd2025_score"], expected, check_names=False, check_index_type=False
    )
    # an authority that is a single district keeps that district's score exactly
    single = raw.set_index("ltla24_code")["imd_average_score"]
    for code in ("E06000001", "E08000025", "E09000001", "E06000053"):
        assert values.loc[code, "imd2025_score"] == pytest.approx(single[code])


@pytest.mark.pipeline
def test_imd2025_rank_and_agreement_with_2019(real_tables):
    values, _ = real_tables["imd2025_ltla"]
    # rank = 1 + number of authorities with a strictly higher score (ties share the best rank;
    # published district scores have 3 decimals, so single-district authorities can tie)
    score = values["imd2025_score"].to_numpy()
    higher = (score[None, :] > score[:, None]).sum(axis=1)
    assert (values["imd2025_rank"].to_numpy() == higher + 1).all()
    assert values["imd2025_rank"].min() == 1 and values["imd2025_rank"].max() == 153
    # Deprivation is persistent between editions: the two scores should be strongly related.
    both = values.join(real_tables["imd2019_utla"][0], how="inner")
    assert len(both) == 149
    assert both["imd2025_score"].corr(both["imd2019_score"]) > 0.9
