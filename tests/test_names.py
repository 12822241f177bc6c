"""Tests for lahelpers.inputs.names: name normalisation, matching, and joins of names-only tables."""

from __future__ import annotations

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import codes, names
from lahelpers.inputs.joins import SourceJoin

# Unit tests (no mirror) except where ONS's real names lookups are the point: those are marked
# ``pipeline`` (so ``realdata``, by conftest).

# --- normalisation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Redcar & Cleveland", "redcar and cleveland"),
        ("Stockton on Tees", "stockton on tees"),
        ("Stockton-on-Tees2", "stockton on tees"),  # footnote digit
        ("Hartlepool UA", "hartlepool"),
        ("Hartlepool UA1", "hartlepool"),
        ("Bristol, City of", "bristol"),
        ("Herefordshire, County of", "herefordshire"),
        ("Kingston upon Hull, City of", "kingston upon hull"),
        ("KINGSTON UPON HULL", "kingston upon hull"),
        ("Leeds City Council", "leeds"),
        ("Kent County Council", "kent"),
        ("City of London Corporation", "city of london"),
        ("City of London", "city of london"),  # "City of" kept for London only
        ("City of York", "york"),
        ("London Borough of Hackney", "hackney"),
        ("St. Helens", "st helens"),
        ("  Isle of Wight Council ", "isle of wight"),
        ("324-Blackburn with Darwen UA", "blackburn with darwen"),
        ("Southend-on-Sea*", "southend on sea"),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_normalise_name(raw, key: str) -> None:
    assert names.normalise_name(raw) == key


def test_spellings_share_a_key_with_the_reference_spelling() -> None:
    pairs = [
        ("Redcar & Cleveland", "Redcar and Cleveland"),
        ("Stockton on Tees", "Stockton-on-Tees"),
        ("Kingston upon Hull, City of", "Kingston Upon Hull"),
        ("Bristol, City of", "Bristol"),
    ]
    for variant, reference in pairs:
        assert names.normalise_name(variant) == names.normalise_name(reference)


# --- matching on a fake dictionary ---------------------------------------------------------------

FAKE_DICT = {
    "hartlepool": frozenset({"E06000001"}),
    "redcar and cleveland": frozenset({"E06000003"}),
    "aberdeen city": frozenset({"S12000033"}),
    "twin": frozenset({"E06000001", "E06000002"}),
}


@pytest.fixture
def fake_dictionary(monkeypatch):
    """A four-entry dictionary, one key ambiguous, so matching needs no real areas file."""
    monkeypatch.setattr(names, "dictionary", lambda: FAKE_DICT)


def test_match_names_codes_aliases_and_unknown(fake_dictionary) -> None:
    s = pd.Series(["Hartlepool UA", "Redcar & Cleveland", "Cumbria", "Atlantis", None], name="la")
    out = names.match_names(s, "fixture.csv")
    assert list(out.index) == list(s.index)
    assert out["code"].tolist()[:3] == ["E06000001", "E06000003", "E10000006"]
    assert out["how"].tolist()[:3] == ["dictionary", "dictionary", "alias"]
    assert out["code"].iloc[3:].isna().all() and out["how"].iloc[3:].isna().all()


@pytest.mark.parametrize(
    ("name", "old_code"),
    [
        ("Cumbria", "E10000006"),
        ("Northamptonshire", "E10000021"),
        ("North Yorkshire", "E10000023"),
        ("Somerset", "E10000027"),
        ("Buckinghamshire", "E10000002"),
    ],
)
def test_old_counties_map_to_old_codes(fake_dictionary, name: str, old_code: str) -> None:
    assert names.match_names(pd.Series([name]), "f")["code"].iloc[0] == old_code


def test_call_aliases_override(fake_dictionary) -> None:
    out = names.match_names(pd.Series(["Dorset"]), "f", aliases=names.PRE_2019_ALIASES)
    assert out["code"].iloc[0] == "E10000009"


def test_ambiguous_name_is_an_error_naming_file_column_and_name(fake_dictionary) -> None:
    """No row: a name-matched table is merged or aggregated, its positions are not file lines."""
    with pytest.raises(InputError) as err:
        names.match_names(pd.Series(["Hartlepool", "Twin"], name="la"), "fixture.csv")
    msg = str(err.value)
    assert msg.startswith("file fixture.csv, column 'la': name 'Twin'") and "E06000002" in msg
    assert "row" not in msg


def test_join_by_name_accounts_for_every_row(fake_dictionary) -> None:
    df = pd.DataFrame(
        {
            "la": [
                "Hartlepool",
                "Redcar & Cleveland",
                "Atlantis",
                "Aberdeen City",
                "Cumbria",
                "Cardiff",
            ],
            "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )
    preset = pd.Series([None, None, None, None, None, "outside England (Wales)"])
    values, join = names.join_by_name(
        df,
        name_col="la",
        source_id="fixture",
        description="d",
        value_cols=["x"],
        file="fixture.csv",
        preset_reasons=preset,
    )
    assert values.index.name == "code"
    assert sorted(values.index) == ["E06000001", "E06000003"]
    assert values.loc["E06000003", "x"] == 2.0
    reasons = {u["source_name"]: u["reason"] for u in join.unmatched}
    assert reasons["Atlantis"] == names.NOT_RECOGNISED
    assert reasons["Cardiff"] == "outside England (Wales)"
    assert reasons["Aberdeen City"] == "outside England"
    assert "cannot be divided" in reasons["Cumbria"]
    assert len(join.matched) + len(join.unmatched) == join.n_source_rows == len(df)
    missing = {m["code"]: m["reason"] for m in join.missing}
    assert "cannot be divided" in missing["E06000063"]


def test_join_by_name_duplicate_authority_is_an_error(fake_dictionary) -> None:
    df = pd.DataFrame({"la": ["Hartlepool", "Hartlepool UA"], "x": [1.0, 2.0]})
    with pytest.raises(InputError, match="more than one row maps"):
        names.join_by_name(
            df, name_col="la", source_id="f", description="d", value_cols=["x"], file="fixture.csv"
        )


def test_report_helpers_change_only_the_named_entry() -> None:
    join = SourceJoin(
        "s",
        "d",
        2,
        unmatched=[
            {"source_code": "Total", "source_name": None, "reason": "code not recognised"},
            {"source_code": "X", "source_name": None, "reason": "keep"},
        ],
        missing=[
            {"code": "E06000053", "name": "Isles of Scilly", "reason": "no row"},
            {"code": "E06000001", "name": "Hartlepool", "reason": "no row"},
        ],
    )
    join.relabel_unmatched("Total", "England total")
    join.set_missing_reason("E06000053", "combined with Cornwall in the source")
    assert [u["reason"] for u in join.unmatched] == ["England total", "keep"]
    assert [m["reason"] for m in join.missing] == ["combined with Cornwall in the source", "no row"]


# --- the real dictionary (reference list + ONS areas.csv) ----------------------------------------


@pytest.mark.pipeline
def test_real_dictionary_has_no_ambiguous_key() -> None:
    ambiguous = {k: v for k, v in names.dictionary().items() if len(v) > 1}
    assert ambiguous == {}


@pytest.mark.pipeline
def test_every_reference_name_resolves_to_its_own_code() -> None:
    ref = codes.reference()
    out = names.match_names(ref["name"], "la_reference_153.csv")
    resolved = [codes.map_upper_tier(c).code for c in out["code"]]
    assert resolved == ref["code"].tolist()


@pytest.mark.pipeline
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Redcar & Cleveland", "E06000003"),
        ("Stockton on Tees", "E06000004"),
        ("Bristol, City of", "E06000023"),
        ("Kingston upon Hull", "E06000010"),
        ("Herefordshire, County of", "E06000019"),
        ("Telford and the Wrekin", "E06000020"),
        ("Durham", "E06000047"),
        ("Bournemouth, Christchurch and Poole", "E06000058"),
        ("Barnsley", "E08000016"),  # areas.csv also holds the 2025 code; same authority
        ("City of London Corporation", "E09000001"),
        ("Wrexham Borough", "W06000006"),
    ],
)
def test_real_spellings(name: str, code: str) -> None:
    assert names.match_names(pd.Series([name]), "f")["code"].iloc[0] == code
