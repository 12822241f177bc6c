"""Code remapping rules and the join records, on small fixtures and the real lookups."""

from __future__ import annotations

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import codes, joins

# The upper-tier rules need only our reference list (in the repository): unit tests. The district
# rules read ONS's real lookups (``realdata``); ``test_codes_unit.py`` checks them on tiny lookups.


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("E10000002", "E06000060"),  # Buckinghamshire
        ("E10000023", "E06000065"),  # North Yorkshire
        ("E10000027", "E06000066"),  # Somerset
        ("E08000020", "E08000037"),  # Gateshead
        ("E08000038", "E08000016"),  # Barnsley 2025 -> 2023
        ("E08000039", "E08000019"),  # Sheffield 2025 -> 2023
        ("E06000001", "E06000001"),  # direct
    ],
)
def test_same_footprint_recodes(old: str, new: str) -> None:
    assert codes.map_upper_tier(old).code == new


@pytest.mark.parametrize(
    ("old", "successors"),
    [
        ("E10000006", ("E06000063", "E06000064")),
        ("E10000021", ("E06000061", "E06000062")),
        ("DORSET_COMBINED", ("E06000058", "E06000059")),
    ],
)
def test_unsplittable_predecessors_are_not_copied(old: str, successors: tuple[str, ...]) -> None:
    m = codes.map_upper_tier(old)
    assert m.code is None and m.successors == successors and "cannot be divided" in m.rule


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("W06000001", "outside England"),
        ("E12000001", "region"),
        ("E10000009", "old Dorset"),
        ("E07000026", "lower-tier district"),
        ("E99999999", "not recognised"),
        (None, "blank"),
    ],
)
def test_unmatched_reasons(code, reason: str) -> None:
    m = codes.map_upper_tier(code)
    assert m.code is None and reason in m.rule


def test_extra_rule_applies_only_when_given() -> None:
    assert codes.map_upper_tier("E0600003").code is None
    assert (
        codes.map_upper_tier("E0600003", {"E0600003": ("E06000039", "Slough typo")}).code
        == "E06000039"
    )


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("district", "utla"),
    [
        ("E07000026", "E06000063"),  # Allerdale -> Cumberland
        ("E07000031", "E06000064"),  # South Lakeland -> Westmorland and Furness
        ("E07000190", "E06000066"),  # Taunton Deane -> Somerset West and Taunton -> Somerset
        ("E07000150", "E06000061"),  # Corby -> North Northamptonshire
        ("E07000004", "E06000060"),  # Aylesbury Vale -> Buckinghamshire
        ("E06000028", "E06000058"),  # Bournemouth -> BCP
        ("E07000049", "E06000059"),  # East Dorset -> Dorset
        ("E08000038", "E08000016"),  # Barnsley 2025 code
        ("E07000223", "E10000032"),  # Adur -> West Sussex
    ],
)
def test_districts_roll_up(district: str, utla: str) -> None:
    assert codes.map_district(district).code == utla


@pytest.mark.realdata
def test_every_2023_district_maps_to_one_of_153() -> None:
    table = codes.lad_to_utla()
    assert set(table.values()) == set(codes.reference_codes())


def test_join_upper_tier_records_everything() -> None:
    df = pd.DataFrame(
        {
            "code": ["E06000001", "E10000023", "E10000006", "W06000001", "E12000001"],
            "v": [1.0, 2.0, 3.0, 4.0, None],
        }
    )
    values, rep = joins.join_upper_tier(
        df, source_id="t", description="d", code_col="code", value_cols=["v"]
    )
    assert list(values.index) == ["E06000001", "E06000065"]
    assert len(rep.matched) + len(rep.unmatched) == len(df) == rep.n_source_rows
    assert len(rep.missing) == 153 - 2
    reasons = {m["code"]: m["reason"] for m in rep.missing}
    assert "Cumbria" in reasons["E06000063"] and "Cumbria" in reasons["E06000064"]
    assert reasons["E06000002"] == "no row for this authority in the source"
    assert rep.rules == [
        {"from": "E10000023", "to": "E06000065", "rule": codes.SAME_FOOTPRINT["E10000023"][1]}
    ]


def test_join_upper_tier_duplicate_after_recode_is_error() -> None:
    df = pd.DataFrame({"code": ["E06000065", "E10000023"], "v": [1.0, 2.0]})
    with pytest.raises(
        InputError, match=r"more than one row maps to authority \['E06000065'\] \(rows \[2, 3\]\)"
    ):
        joins.join_upper_tier(
            df, source_id="t", description="d", code_col="code", value_cols=["v"], file="f.csv"
        )


@pytest.mark.realdata
def test_join_districts_sums_counts_before_rates() -> None:
    df = pd.DataFrame(
        {
            "lad": ["E07000026", "E07000028", "E07000029", "W06000001"],
            "num": [10, 30, 0, 5],
            "den": [100, 100, 200, 50],
        }
    )
    values, rep = joins.join_districts(
        df,
        source_id="t",
        description="d",
        code_col="lad",
        sum_cols=["num", "den"],
        derive=lambda s: pd.DataFrame({"rate": 100 * s["num"] / s["den"]}),
    )
    assert values.loc["E06000063", "rate"] == pytest.approx(
        100 * 40 / 400
    )  # not the mean of the rates
    assert [u["reason"] for u in rep.unmatched] == ["outside England"]
