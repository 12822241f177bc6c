"""Tests for lahelpers.sources.rurality: unit tests on fixtures, then checks on the real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes
from lahelpers.sources import rurality

FAKE_REF = pd.DataFrame(
    {
        "code": ["E06000001", "E10000003", "E06000063"],
        "name": ["Hartlepool", "Cambridgeshire", "Cumberland"],
        "region": ["North East", "East of England", "North West"],
        "la_type": ["Unitary authority", "County council", "Unitary authority"],
    }
)
FAKE_LAD = {"E06000001": "E06000001", "E07000008": "E10000003", "E07000009": "E10000003"}


@pytest.fixture
def fake_codes(monkeypatch):
    """Point the code rules at three fake authorities so joins need no real data."""
    monkeypatch.setattr(codes, "reference", lambda: FAKE_REF)
    monkeypatch.setattr(codes, "lad_to_utla", lambda: FAKE_LAD)


# --- classify_rural at the thresholds ----------------------------------------------------------


@pytest.mark.parametrize(
    ("pct", "expected"),
    [
        (0.0, "Predominantly Urban"),
        (25.9, "Predominantly Urban"),
        (25.999, "Predominantly Urban"),
        (26.0, "Urban with Significant Rural"),
        (49.9, "Urban with Significant Rural"),
        (50.0, "Predominantly Rural"),
        (100.0, "Predominantly Rural"),
    ],
)
def test_classify_rural_thresholds(pct, expected):
    assert rurality.classify_rural(pd.Series([pct])).iloc[0] == expected


def test_classify_rural_is_ordered_urban_to_rural_and_keeps_missing():
    out = rurality.classify_rural(pd.Series([80.0, np.nan, 10.0], index=["a", "b", "c"]))
    assert out.dtype == rurality.RURAL_DTYPE
    assert out.cat.ordered
    assert list(out.cat.categories) == [
        "Predominantly Urban",
        "Urban with Significant Rural",
        "Predominantly Rural",
    ]
    assert out.cat.codes["a"] > out.cat.codes["c"]
    assert pd.isna(out["b"])
    assert list(out.index) == ["a", "b", "c"]


def test_classify_rural_rejects_fractions_out_of_range():
    with pytest.raises(ValueError, match="between 0 and 100"):
        rurality.classify_rural(pd.Series([120.0]))


def test_rural_share():
    df = pd.DataFrame({rurality.RURAL_POP: [30, 0, 5], rurality.TOTAL_POP: [120, 50, 0]})
    out = rurality.rural_share(df)
    assert out.iloc[0] == pytest.approx(25.0)
    assert out.iloc[1] == 0
    assert np.isnan(out.iloc[2])  # no population: no share, not an error


# --- the re-derivation from districts ----------------------------------------------------------


def _write_ruc(path, rows):
    cols = ["LAD11CD", "LAD18CD", "LAD18NM", rurality.RURAL_POP, rurality.TOTAL_POP, "RUC11",
            "Broad RUC11"]
    pd.DataFrame(rows, columns=cols).to_csv(path, index=False)


def test_upper_tier_share_is_from_summed_populations(tmp_path, fake_codes):
    # Two districts of one county: 90% rural on 10,000 people and 10% rural on 90,000.
    # The county is 18% rural (Predominantly Urban); the mean of the shares (50%) would be wrong.
    path = tmp_path / "ruc.csv"
    _write_ruc(
        path,
        [
            ("E07000008", "E07000008", "A", 9_000, 10_000, "Mainly Rural ", "Predominantly Rural"),
            ("E07000009", "E07000009", "B", 9_000, 90_000, "Urban with City and Town",
             "Predominantly Urban"),
            ("E06000001", "E06000001", "H", 3_000, 10_000, "Urban with Significant Rural",
             "Urban with Significant Rural"),
            ("W06000001", "W06000001", "Wales", 1, 2, "x", "x"),
        ],
    )
    values, join = rurality.rurality(path)
    assert values.loc["E10000003", "pct_rural"] == pytest.approx(18.0)
    assert values.loc["E10000003", "rural_class"] == "Predominantly Urban"
    assert values.loc["E06000001", "rural_class"] == "Urban with Significant Rural"
    assert values["rural_class"].dtype == rurality.RURAL_DTYPE
    assert [u["reason"] for u in join.unmatched] == ["outside England"]
    assert [m["code"] for m in join.missing] == ["E06000063"]


def test_missing_population_column_is_an_input_error(tmp_path):
    path = tmp_path / "ruc.csv"
    pd.DataFrame({"LAD11CD": ["E06000001"], "LAD18CD": ["E06000001"], "LAD18NM": ["H"]}).to_csv(
        path, index=False
    )
    with pytest.raises(InputError, match="Total population 2011"):
        rurality.read_ruc(path)


# --- real data --------------------------------------------------------------------------------

BROAD = {
    # the file's six RUC11 classes -> DEFRA's three broad classes
    "Mainly Rural (rural including hub towns >=80%)": "Predominantly Rural",
    "Largely Rural (rural including hub towns 50-79%)": "Predominantly Rural",
    "Urban with Significant Rural (rural including hub towns 26-49%)": (
        "Urban with Significant Rural"
    ),
    "Urban with City and Town": "Predominantly Urban",
    "Urban with Minor Conurbation": "Predominantly Urban",
    "Urban with Major Conurbation": "Predominantly Urban",
}


@pytest.fixture(scope="module")
def real():
    [(values, join)] = rurality.tables()
    return values, join, rurality.read_ruc()


@pytest.mark.pipeline
def test_interface(real):
    values, join, _ = real
    assert sorted(values.columns) == sorted(rurality.VARIABLES)
    assert values.index.name == "code"
    assert join.source_id in catalogue.load_catalogue()
    assert {m["source_id"] for m in rurality.VARIABLES.values()} == {join.source_id}


@pytest.mark.pipeline
def test_coverage_153_and_no_district_lost(real):
    values, join, raw = real
    # PROVENANCE: 326 districts -> 153, none unmapped
    assert join.n_source_rows == 326
    assert join.unmatched == []
    assert join.missing == []
    assert set(values.index) == codes.reference_codes()
    assert not values.isna().any().any()
    # England's 2011 rural share, and a few authorities re-derived by hand from the raw districts
    # (named by code here, not through the code mapping under test).
    england = 100 * raw[rurality.RURAL_POP].sum() / raw[rurality.TOTAL_POP].sum()
    by_lad = raw.set_index("LAD18CD")

    def share(lads: list[str]) -> float:
        rows = by_lad.loc[lads]
        return 100 * rows[rurality.RURAL_POP].sum() / rows[rurality.TOTAL_POP].sum()

    by_hand = {
        "E06000052": share(["E06000052"]),  # Cornwall, unchanged since 2011
        "E06000057": share(["E06000057"]),  # Northumberland (2011 code E06000048)
        # Buckinghamshire (2020): Aylesbury Vale, Chiltern, South Bucks, Wycombe
        "E06000060": share(["E07000004", "E07000005", "E07000006", "E07000007"]),
        # Devon county: its eight districts, unchanged
        "E10000008": share([f"E070000{n}" for n in range(40, 48)]),
    }
    for code, expected in by_hand.items():
        assert values.loc[code, "pct_rural"] == pytest.approx(expected), code
    assert 0 < england < 100


@pytest.mark.pipeline
def test_file_classes_as_documented(real):
    _, _, raw = real
    # PROVENANCE: 50 / 41 / 54 / 97 / 9 / 75 districts in RUC11 classes 1..6
    counts = raw["RUC11CD"].value_counts().sort_index()
    assert counts.tolist() == [50, 41, 54, 97, 9, 75]
    assert set(raw["RUC11"]) == set(BROAD)  # stray spaces stripped
    assert (raw["RUC11"].map(BROAD) == raw["Broad RUC11"]).all()


@pytest.mark.pipeline
def test_rule_reproduces_every_district_class(real):
    _, _, raw = real
    ours = rurality.classify_rural(rurality.rural_share(raw))
    assert (ours.astype(str) == raw["RUC11"].map(BROAD)).all()


@pytest.mark.pipeline
def test_single_district_authorities_agree_with_the_file(real):
    values, _, raw = real
    ref = codes.reference_codes()
    mapped = raw["LAD18CD"].map(codes.lad_to_utla())
    n_districts = mapped.value_counts()
    single = raw[raw["LAD18CD"].isin(ref) & mapped.map(n_districts).eq(1)]
    # 153 less the 21 counties and the 9 unitaries formed since 2019 from several districts
    # (Dorset, BCP, Buckinghamshire, North and West Northamptonshire, Cumberland, Westmorland
    # and Furness, North Yorkshire, Somerset)
    assert len(single) == 153 - 21 - 9
    assert not single["LAD18CD"].str.startswith("E10").any()
    ours = values.loc[single["LAD18CD"], "rural_class"].astype(str).to_numpy()
    assert (ours == single["RUC11"].map(BROAD).to_numpy()).all()
    assert (ours == single["Broad RUC11"].to_numpy()).all()
