"""Joins to the 153 on small tables written here (no mirror): every field of the join record for
coded and district sources, the duplicate error, the record's helpers and the report's edges.
The district roll-up reads a tiny lookup written here instead of ONS's (as in test_codes_unit)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import codes, joins
from lahelpers.inputs.joins import JoinReport, SourceJoin

CUMBRIA_WHY = codes.UNSPLITTABLE["E10000006"][1]
BUCKS_WHY = codes.SAME_FOOTPRINT["E10000002"][1]
NAMES = codes.names()


def _missing(reasons: dict[str, str], default: str, matched: set[str]) -> list[dict]:
    return [{"code": c, "name": NAMES[c], "reason": reasons.get(c, default)}
            for c in sorted(NAMES) if c not in matched]  # fmt: skip


def test_join_upper_tier_record_in_full() -> None:
    """Direct, recoded (Buckinghamshire county), a file's own rule, unsplittable (Cumbria: its
    successors missing with the reason), a region total and a blank code, in a column whose name
    is not an identifier."""
    df = pd.DataFrame({
        "ONS Code": ["E06000002", "E10000002", "E10000006", "E12000001", None, "E0600001", "E06000004"],
        "Name": ["Middlesbrough", "Bucks", "Cumbria", "North East", "Total", "Hartlepool typo", "Stockton"],
        "v": [2.0, 3.0, 9.0, 99.0, 100.0, 1.0, None],
        "w": [1.0, None, 9.0, 99.0, 100.0, 5.0, None],
    })  # fmt: skip
    values, rep = joins.join_upper_tier(
        df, source_id="toy", description="a toy source", code_col="ONS Code", value_cols=["v", "w"],
        name_col="Name", extra={"E0600001": ("E06000001", "Hartlepool's mistyped code")},
    )  # fmt: skip
    matched = ["E06000001", "E06000002", "E06000004", "E06000060"]
    assert values.fillna(-1).to_dict("index") == {
        "E06000001": {"v": 1.0, "w": 5.0}, "E06000002": {"v": 2.0, "w": 1.0},
        "E06000004": {"v": -1, "w": -1}, "E06000060": {"v": 3.0, "w": -1},
    }  # fmt: skip
    assert list(values.index) == matched and list(values.columns) == ["v", "w"]
    cumbria = {"E06000063": CUMBRIA_WHY, "E06000064": CUMBRIA_WHY}
    assert rep == SourceJoin(
        "toy", "a toy source", 7, matched=matched,
        unmatched=[
            {"source_code": "E10000006", "source_name": "Cumbria", "reason": CUMBRIA_WHY},
            {"source_code": "E12000001", "source_name": "North East",
             "reason": "region, country or other non-authority total"},
            {"source_code": "", "source_name": "Total", "reason": "blank code"},
        ],
        missing=_missing(cumbria, "no row for this authority in the source", set(matched)),
        rules=[{"from": "E10000002", "to": "E06000060", "rule": BUCKS_WHY},
               {"from": "E0600001", "to": "E06000001", "rule": "Hartlepool's mistyped code"}],
        blank={"v": ["E06000004"], "w": ["E06000004", "E06000060"]},
        columns=["v", "w"],
    )  # fmt: skip
    assert rep.summary() == {"source_id": "toy", "matched": 4, "unmatched_source_rows": 3, "missing": 149,
                             "rules_applied": 2}  # fmt: skip


def test_join_upper_tier_without_names_or_blanks() -> None:
    df = pd.DataFrame({"code": ["E06000001", "W06000001"], "v": [1.0, 2.0]})
    values, rep = joins.join_upper_tier(df, source_id="s", description="d", code_col="code", value_cols=["v"])
    assert rep.unmatched == [{"source_code": "W06000001", "source_name": None, "reason": "outside England"}]
    assert rep.blank == {} and rep.rules == [] and values["v"].tolist() == [1.0]


def test_two_rows_for_one_authority_is_an_error_naming_the_rows() -> None:
    """Buckinghamshire's county code (row 3) and its unitary code (row 5) land on one authority."""
    df = pd.DataFrame({"code": ["E06000001", "E10000002", "E06000002", "E06000060"], "v": [1.0] * 4})
    with pytest.raises(InputError) as err:
        joins.join_upper_tier(df, source_id="s", description="d", code_col="code", value_cols=["v"],
                              file="f.csv")  # fmt: skip
    e = err.value
    assert (e.file, e.row, e.column) == ("f.csv", 3, "code")
    assert e.problem == "more than one row maps to authority ['E06000060'] (rows [3, 5])"
    assert e.fix == "keep one row per authority (check for a duplicated or recoded code)"
    with pytest.raises(InputError) as err:
        joins.join_upper_tier(df, source_id="s", description="d", code_col="code", value_cols=["v"])
    assert err.value.file == "s"


_LOOKUP = """LTLA23CD,UTLA23CD
E07000223,E10000032
E06000063,E06000063
E06000001,E06000001
"""
_CHANGES = """oldcd,newcd,type
E07000026,E06000063,merger
E07000028,E06000063,merger
"""


@pytest.fixture
def tiny_lookups(small_lookups) -> None:
    """``lad_to_utla`` reading the two small files above instead of ONS's."""
    small_lookups(_LOOKUP, _CHANGES)


def test_join_districts_record_in_full(tiny_lookups) -> None:
    """Allerdale and Carlisle (merged into Cumberland) and Cumberland's own code sum to one value;
    a blank in one district is skipped by the sum, a group with no value at all stays blank; a Welsh,
    an unknown and a blank code are unmatched; rates come from the summed counts."""
    df = pd.DataFrame({
        "lad": ["E07000026", "E07000028", "E06000063", "W06000001", "E07999999", None, "E06000001",
                "E07000223"],
        "name": ["Allerdale", "Carlisle", "Cumberland", "Anglesey", "Nowhere", "Total", "Hartlepool",
                 "Adur"],
        "num": [10.0, None, 20.0, 5.0, 1.0, 1.0, None, 3.0],
        "den": [100.0, 100.0, 200.0, 50.0, 1.0, 1.0, None, 30.0],
    })  # fmt: skip

    def rate(s: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"rate": 100 * s["num"] / s["den"]})

    values, rep = joins.join_districts(df, source_id="toy", description="d", code_col="lad",
                                       sum_cols=["num", "den"], name_col="name", derive=rate)  # fmt: skip
    # Cumberland: (10 + 20) / (100 + 100 + 200) = 7.5%; West Sussex (Adur): 3 / 30 = 10%
    assert list(values.index) == ["E06000001", "E06000063", "E10000032"]
    assert values.loc["E06000063", "rate"] == 7.5 and values.loc["E10000032", "rate"] == 10.0
    assert pd.isna(values.loc["E06000001", "rate"])
    matched = ["E06000001", "E06000063", "E10000032"]
    assert rep == SourceJoin(
        "toy", "d", 8, matched=matched,
        unmatched=[
            {"source_code": "W06000001", "source_name": "Anglesey", "reason": "outside England"},
            {"source_code": "E07999999", "source_name": "Nowhere",
             "reason": "district code not recognised by the April 2023 lookup or changes.csv"},
            {"source_code": "", "source_name": "Total", "reason": "blank code"},
        ],
        missing=_missing({}, "no district of this authority in the source", set(matched)),
        rules=[{"from": c, "to": t, "rule": "district -> 2023 upper tier"}
               for c, t in [("E07000026", "E06000063"), ("E07000028", "E06000063"), ("E07000223", "E10000032")]],
        blank={"rate": ["E06000001"]},
        columns=["rate"],
    )  # fmt: skip


def test_join_districts_without_derive_sums_and_keeps_the_columns(tiny_lookups) -> None:
    df = pd.DataFrame({"lad": ["E07000026", "E07000026", "E07000028", "W06000001"], "n": [1.0, 2.0, 4.0, 8.0]})
    values, rep = joins.join_districts(df, source_id="s", description="d", code_col="lad", sum_cols=["n"])
    assert values.to_dict() == {"n": {"E06000063": 7.0}} and rep.columns == ["n"]
    assert rep.rules == [{"from": "E07000026", "to": "E06000063", "rule": "district -> 2023 upper tier"},
                         {"from": "E07000028", "to": "E06000063", "rule": "district -> 2023 upper tier"}]  # fmt: skip
    assert rep.unmatched == [{"source_code": "W06000001", "source_name": None, "reason": "outside England"}]
    assert rep.blank == {}


def test_source_join_helpers_change_only_the_named_entry() -> None:
    join = SourceJoin("s", "d", 2,
                      unmatched=[{"source_code": "A", "source_name": None, "reason": "r1"},
                                 {"source_code": "B", "source_name": None, "reason": "r2"}],
                      missing=[{"code": "X", "name": "x", "reason": "m1"},
                               {"code": "Y", "name": "y", "reason": "m2"}])  # fmt: skip
    join.set_missing_reason("Y", "new m")
    join.set_missing_reason("Z", "ignored")
    join.relabel_unmatched("A", "new r")
    join.relabel_unmatched("C", "ignored")
    assert [m["reason"] for m in join.missing] == ["m1", "new m"]
    assert [u["reason"] for u in join.unmatched] == ["new r", "r2"]


def test_join_report_refuses_a_source_twice_and_writes_json_and_markdown(tmp_path: Path) -> None:
    report = JoinReport()
    report.add(SourceJoin("a", "A.", 3, matched=["E06000001"], blank={"v": ["E06000001", "E06000002"]}))
    with pytest.raises(ValueError, match=r"^source 'a' recorded twice in the join report$"):
        report.add(SourceJoin("a", "again", 1))
    report.write(tmp_path)
    data = json.loads((tmp_path / "join_report.json").read_text(encoding="utf-8"))
    assert data == {"sources": {"a": {
        "source_id": "a", "description": "A.", "n_source_rows": 3, "matched": ["E06000001"],
        "unmatched": [], "missing": [], "rules": [], "blank": {"v": ["E06000001", "E06000002"]},
        "columns": [], "text_findings": []}}}  # fmt: skip
    assert (tmp_path / "join_report.json").read_text(encoding="utf-8").startswith('{\n "sources": {\n  "a": {')
    md = (tmp_path / "join_report.md").read_text(encoding="utf-8")
    assert md == report.to_markdown()
    assert md.endswith("## a\n\nA.\n\n- `v` blank in the source for 2 matched authorities\n")


def test_join_report_lists_forty_recodes_without_a_more_line() -> None:
    report = JoinReport()
    rules = [{"from": f"E0700{i:04d}", "to": "E06000060", "rule": "r"} for i in range(40)]
    report.add(SourceJoin("a", "A.", 40, rules=rules))
    md = report.to_markdown()
    assert "more (see join_report.json)" not in md
    assert md.endswith("Recodes applied: " + "; ".join(f"E0700{i:04d} -> E06000060 (r)" for i in range(40)) + "\n\n")
