"""Name matching on small data written here (no mirror): the dictionary built from the reference list
and a tiny ONS areas file, codes of one authority collapsed and of two kept apart, the match table
in full, the ambiguity error in full, and a names-only join's record. ``test_names.py`` has the
normalisation cases and the checks on ONS's real names."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import codes, names

_AREAS = """areacd,areanm
E06000001,Hartlepool
E08000038,Barnsley
S12000033,Aberdeen City
W06000015,Cardiff
N09000003,Belfast
E07000223,Adur
E10000006,Cumbria
E10000002,Buckinghamshire County
E06000060,Buckinghamshire
E06000999,Old Place (obsolete)
E12000001,North East
K04000001,England and Wales
E06000002,Twin
E06000003,Twin
"""


@pytest.fixture
def tiny_areas(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``dictionary()`` reading the small areas file above instead of ONS's."""
    areas = tmp_path / "areas.csv"
    areas.write_text(_AREAS)
    real = names.catalogue.raw_path
    monkeypatch.setattr(names.catalogue, "raw_path", lambda sid: areas if sid == "lookup_areas" else real(sid))
    names.dictionary.cache_clear()
    yield
    names.dictionary.cache_clear()


def test_dictionary_from_the_reference_and_the_areas(tiny_areas) -> None:
    d = names.dictionary()
    # the 153 reference names (all different), plus Aberdeen City, Cardiff, Belfast, Cumbria,
    # Buckinghamshire County and Twin
    assert len(d) == 159
    assert d["hartlepool"] == frozenset({"E06000001"})
    assert d["barnsley"] == frozenset({"E08000016"})  # the 2025 code is the same authority
    assert d["buckinghamshire"] == frozenset({"E06000060"})  # ONS's and the reference's spelling
    assert d["buckinghamshire county"] == frozenset({"E10000002"})
    assert d["aberdeen city"] == frozenset({"S12000033"}) and d["cardiff"] == frozenset({"W06000015"})
    assert d["belfast"] == frozenset({"N09000003"}) and d["cumbria"] == frozenset({"E10000006"})
    assert d["twin"] == frozenset({"E06000002", "E06000003"})  # two authorities: left ambiguous
    assert d["middlesbrough"] == frozenset({"E06000002"})
    for left_out in ("adur", "old place", "north east", "england and wales"):
        assert left_out not in d


@pytest.mark.parametrize(
    ("found", "resolved"),
    [({"E06000001"}, {"E06000001"}), (set(), set()),
     ({"E08000016", "E08000038"}, {"E08000016"}),  # Barnsley's 2023 and 2025 codes
     ({"E10000002", "E06000060"}, {"E06000060"}),  # Buckinghamshire county and unitary
     ({"E10000006", "E06000063"}, {"E10000006", "E06000063"}),  # Cumbria is not Cumberland
     ({"E06000001", "E06000002"}, {"E06000001", "E06000002"})],
)  # fmt: skip
def test_codes_of_one_authority_collapse(found: set[str], resolved: set[str]) -> None:
    assert names._resolve_same_authority(found) == frozenset(resolved)


def test_match_table_in_full(tiny_areas) -> None:
    s = pd.Series(["Hartlepool UA", "Aberdeen City", "Cumbria", "Old Dorset", "Atlantis", None, "hull"],
                  index=pd.Index([10, 11, 12, 13, 14, 15, 16], name="row"), name="la")  # fmt: skip
    out = names.match_names(s, "f.csv", aliases={"Old  Dorset": "E10000009"})
    expected = pd.DataFrame(
        {"name": ["Hartlepool UA", "Aberdeen City", "Cumbria", "Old Dorset", "Atlantis", None, "hull"],
         "key": ["hartlepool", "aberdeen city", "cumbria", "old dorset", "atlantis", "", "hull"],
         "code": ["E06000001", "S12000033", "E10000006", "E10000009", None, None, "E06000010"],
         "how": ["dictionary", "dictionary", "alias", "alias", None, None, "alias"]},
        index=pd.Index([10, 11, 12, 13, 14, 15, 16], name="row"),
    )  # fmt: skip
    pd.testing.assert_frame_equal(out, expected)


def test_aliases_given_to_one_call_are_for_that_call_only(tiny_areas) -> None:
    assert names.match_names(pd.Series(["Dorset"]), "f", aliases=names.PRE_2019_ALIASES)["code"].tolist() == ["E10000009"]
    assert names.match_names(pd.Series(["Dorset"]), "f")["code"].tolist() == ["E06000059"]


def test_an_ambiguous_name_in_full(tiny_areas) -> None:
    with pytest.raises(InputError) as err:
        names.match_names(pd.Series(["Hartlepool", "Cardiff", "Twin"], name="la"), "f.csv")
    e = err.value
    assert (e.file, e.row, e.column) == ("f.csv", None, "la")  # no row: see match_names
    assert e.problem == "name 'Twin' matches more than one area code ['E06000002', 'E06000003']"
    assert e.fix == "add an entry to lahelpers.inputs.names.ALIASES (or pass aliases=) saying which is meant"
    with pytest.raises(InputError) as err:
        names.match_names(pd.Series(["Twin"]), "f.csv")
    assert (err.value.row, err.value.column) == (None, None)
    assert str(err.value).startswith("file f.csv: name 'Twin' matches")


def test_join_by_name_record_in_full(tiny_areas) -> None:
    """Preset reasons are not looked up; unknown names and the preset rows are reported in row
    order with their own reasons; the old county goes through the code rules."""
    df = pd.DataFrame({"la": ["Atlantis", "Hartlepool", "Cardiff", "Cumbria", "Newport", "Buckinghamshire County",
                              "Nowhere"],
                       "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]})  # fmt: skip
    preset = pd.Series({2: "outside England (Wales)", 4: "outside England (Wales, preset)"})
    values, join = names.join_by_name(df, name_col="la", source_id="s", description="d", value_cols=["x"],
                                      file="f.csv", preset_reasons=preset)  # fmt: skip
    assert values.to_dict() == {"x": {"E06000001": 2.0, "E06000060": 6.0}}
    cumbria = codes.UNSPLITTABLE["E10000006"][1]
    assert join.unmatched == [
        {"source_code": "", "source_name": "Atlantis", "reason": names.NOT_RECOGNISED},
        {"source_code": "", "source_name": "Cardiff", "reason": "outside England (Wales)"},
        {"source_code": "E10000006", "source_name": "Cumbria", "reason": cumbria},
        {"source_code": "", "source_name": "Newport", "reason": "outside England (Wales, preset)"},
        {"source_code": "", "source_name": "Nowhere", "reason": names.NOT_RECOGNISED},
    ]
    assert join.rules == [{"from": "E10000002", "to": "E06000060", "rule": codes.SAME_FOOTPRINT["E10000002"][1]}]
    assert join.matched == ["E06000001", "E06000060"] and join.n_source_rows == 7


def test_join_by_name_without_presets(tiny_areas) -> None:
    df = pd.DataFrame({"la": ["Cardiff", "Atlantis"], "x": [1.0, 2.0]})
    values, join = names.join_by_name(df, name_col="la", source_id="s", description="d", value_cols=["x"],
                                      file="f.csv")  # fmt: skip
    assert values.empty
    assert join.unmatched == [
        {"source_code": "W06000015", "source_name": "Cardiff", "reason": "outside England"},
        {"source_code": "", "source_name": "Atlantis", "reason": names.NOT_RECOGNISED},
    ]


@pytest.mark.parametrize(("raw", "key"), [("King's Lynn", "kings lynn"), ("King’s Lynn", "kings lynn"),
                                          ("St Helen`s", "st helens")])  # fmt: skip
def test_apostrophes_are_dropped(raw: str, key: str) -> None:
    assert names.normalise_name(raw) == key


def test_join_by_name_passes_on_its_source_file_and_aliases(tiny_areas) -> None:
    df = pd.DataFrame({"la": ["Dorset", "Hartlepool"], "x": [1.0, 2.0]})
    values, join = names.join_by_name(df, name_col="la", source_id="s", description="d", value_cols=["x"],
                                      file="f.csv", aliases=names.PRE_2019_ALIASES)  # fmt: skip
    assert (join.source_id, join.description) == ("s", "d")
    assert join.unmatched == [{"source_code": "E10000009", "source_name": "Dorset",
                               "reason": codes.PRE_2019_DORSET["E10000009"]}]  # fmt: skip
    for rows, what in ([["Twin"], "matches more than one area code"], [["Hartlepool", "Hartlepool UA"], "more than one row"]):
        with pytest.raises(InputError, match=what) as err:
            names.join_by_name(pd.DataFrame({"la": rows, "x": [1.0] * len(rows)}), name_col="la", source_id="s",
                               description="d", value_cols=["x"], file="f.csv")  # fmt: skip
        assert err.value.file == "f.csv"
