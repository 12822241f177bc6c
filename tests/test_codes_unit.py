"""The code rules on small data, with no mirror: every branch of the upper-tier mapping as a whole
record, and the district roll-up through a tiny LTLA->UTLA lookup and changes file written here
(the answers written out by hand). ``test_codes.py`` checks the same rules on ONS's real lookups."""

from __future__ import annotations

import pytest

from lahelpers.inputs import codes
from lahelpers.inputs.codes import Mapping

_NOT_AUTHORITY = "region, country or other non-authority total"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("E06000001", Mapping("E06000001", "E06000001", "direct")),
        ("  E06000001 ", Mapping("E06000001", "E06000001", "direct")),  # spaces trimmed
        ("E10000002", Mapping("E10000002", "E06000060",
                              "Buckinghamshire county -> Buckinghamshire unitary (April 2020, same area)")),
        ("E08000039", Mapping("E08000039", "E08000019", "Sheffield 2025 code -> April 2023 code (same area)")),
        ("E10000006", Mapping("E10000006", None, codes.UNSPLITTABLE["E10000006"][1], ("E06000063", "E06000064"))),
        ("NORTHANTS_COMBINED", Mapping("NORTHANTS_COMBINED", None,
                                       codes.UNSPLITTABLE["NORTHANTS_COMBINED"][1], ("E06000061", "E06000062"))),
        ("E06000029", Mapping("E06000029", None, "Poole (merged into BCP April 2019): a different area from BCP")),
        (None, Mapping("", None, "blank code")),
        (float("nan"), Mapping("", None, "blank code")),
        ("   ", Mapping("", None, "blank code")),
        ("W06000001", Mapping("W06000001", None, "outside England")),
        ("S12000033", Mapping("S12000033", None, "outside England")),
        ("N09000001", Mapping("N09000001", None, "outside England")),
        ("K04000001", Mapping("K04000001", None, "outside England")),
        ("921", Mapping("921", None, "outside England")),
        ("E12000007", Mapping("E12000007", None, _NOT_AUTHORITY)),
        ("E92000001", Mapping("E92000001", None, _NOT_AUTHORITY)),
        ("E13000001", Mapping("E13000001", None, _NOT_AUTHORITY)),
        ("E11000001", Mapping("E11000001", None, _NOT_AUTHORITY)),
        ("E47000001", Mapping("E47000001", None, _NOT_AUTHORITY)),
        ("E40000003", Mapping("E40000003", None, _NOT_AUTHORITY)),
        ("E38000001", Mapping("E38000001", None, _NOT_AUTHORITY)),
        ("E54000008", Mapping("E54000008", None, _NOT_AUTHORITY)),
        ("E07000026", Mapping("E07000026", None, "lower-tier district, not an upper-tier authority")),
        ("E99999999", Mapping("E99999999", None,
                              "code not recognised: not an April 2023 authority and no mapping rule")),
        ("X0000001", Mapping("X0000001", None,
                             "code not recognised: not an April 2023 authority and no mapping rule")),
        ("e06000001", Mapping("e06000001", None,
                              "code not recognised: not an April 2023 authority and no mapping rule")),
    ],
)  # fmt: skip
def test_upper_tier_mapping_in_full(given: object, expected: Mapping) -> None:
    """Every branch: direct, recode, unsplittable, old Dorset, blank, outside England, totals,
    districts and unknown codes, each as the whole record (code, target, rule, successors)."""
    assert codes.map_upper_tier(given) == expected


def test_extra_rules_only_for_the_file_that_gives_them() -> None:
    slough = {"E0600003": ("E06000039", "Slough typo")}
    assert codes.map_upper_tier("E0600003", slough) == Mapping("E0600003", "E06000039", "Slough typo")
    assert codes.map_upper_tier("E0600003").code is None
    # an extra rule never overrides a code that is already a 2023 authority
    assert codes.map_upper_tier("E06000001", {"E06000001": ("E06000002", "x")}).code == "E06000001"


def test_reference_is_the_153_sorted() -> None:
    ref = codes.reference()
    assert list(ref.columns) == ["code", "name", "region", "la_type"] and len(ref) == 153
    assert ref["code"].is_monotonic_increasing and ref["code"].iloc[0] == "E06000001"
    assert codes.names()["E06000001"] == "Hartlepool" and len(codes.reference_codes()) == 153


_LOOKUP = """LTLA23CD,UTLA23CD
E07000223,E10000032
E06000063,E06000063
E06000066,E06000066
E06000060,E06000060
E08000016,E08000016
E08000019,E08000019
W06000001,W06000001
"""
_CHANGES = """oldcd,newcd,type
E07000026,E06000063,merger
E07000190,E07000246,merger
E07000246,E06000066,new_code
E07000300,E47000001,merger
E07000301,E06000063,boundary
E07000900,E07000901,merger
E07000901,E07000900,merger
W07000001,E06000063,merger
E08000016,E08000038,new_code
E07000400,,merger
"""


@pytest.fixture
def tiny_lookups(small_lookups) -> None:
    """``lad_to_utla`` reading the two small files above instead of ONS's."""
    small_lookups(_LOOKUP, _CHANGES)


def test_districts_roll_up_through_mergers_only(tiny_lookups) -> None:
    """English 2023 districts map by the lookup; older ones follow mergers and recodes (chained)
    to a 2023 district; combined-authority targets, boundary changes, loops, Welsh codes and blank
    targets are not followed; the upper-tier recodes resolve; Barnsley's and Sheffield's 2025
    codes map back to their 2023 codes, never the other way."""
    assert codes.lad_to_utla() == {
        "E07000223": "E10000032", "E06000063": "E06000063", "E06000066": "E06000066",
        "E06000060": "E06000060", "E08000016": "E08000016", "E08000019": "E08000019",
        "E07000026": "E06000063",  # merger
        "E07000190": "E06000066", "E07000246": "E06000066",  # chained merger then new code
        "E10000002": "E06000060", "E10000027": "E06000066",  # counties: same footprint
        "E08000038": "E08000016", "E08000039": "E08000019",  # 2025 codes, back to 2023
    }  # fmt: skip


def test_district_mapping_in_full(tiny_lookups) -> None:
    assert codes.map_district("E06000063") == Mapping("E06000063", "E06000063", "direct")
    assert codes.map_district(" E07000026") == Mapping("E07000026", "E06000063", "district -> 2023 upper tier")
    assert codes.map_district("W06000001") == Mapping("W06000001", None, "outside England")
    assert codes.map_district(None) == Mapping("", None, "blank code")
    assert codes.map_district(float("nan")) == Mapping("", None, "blank code")
    assert codes.map_district("X0000001") == Mapping(
        "X0000001", None, "district code not recognised by the April 2023 lookup or changes.csv")
    assert codes.map_district("E07000900") == Mapping(
        "E07000900", None, "district code not recognised by the April 2023 lookup or changes.csv")
