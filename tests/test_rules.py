"""Rules the README and docstrings state, each checked on data where the answer is known
independently (counted from the raw file with plain pandas, or written into a tiny table)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from lahelpers import framework
from lahelpers.errors import InputError
from lahelpers.inputs import catalogue
from lahelpers.inputs.joins import JoinReport, SourceJoin
from lahelpers.sources import cqc

# ---------------------------------------------------------------------------- rating bands


@pytest.mark.parametrize(
    ("pct", "band"),
    [(24, None), (25, "Inadequate"), (88, "Outstanding"), (99, "Outstanding"),
     (100, "Outstanding"), (101, None), (None, None), (float("nan"), None)],
)  # fmt: skip
def test_band_edges(pct: float | None, band: str | None) -> None:
    """Every % from 25 to 100 falls in exactly one band; nothing outside does."""
    assert framework.band_of(pct) == band


def test_bands_cover_25_to_100_without_gaps_or_overlaps() -> None:
    covered = [p for lo, hi in framework.BANDS.values() for p in range(lo, hi + 1)]
    assert sorted(covered) == list(range(25, 101))


# ---------------------------------------------------------------------------- the join report


def _toy_report() -> JoinReport:
    report = JoinReport()
    report.add(
        SourceJoin(
            "toy",
            "A toy source",
            n_source_rows=5,
            matched=["E06000001", "E06000002"],
            unmatched=[
                {"source_code": "W06000001", "source_name": "Anglesey", "reason": "outside England"},
                {"source_code": "W06000002", "source_name": "Gwynedd", "reason": "outside England"},
                {"source_code": "E12000001", "source_name": "North East", "reason": "a region"},
            ],
        )
    )
    return report


def test_join_report_markdown_lists_unmatched_rows_with_counts() -> None:
    md = _toy_report().to_markdown()
    assert "| toy | 2 | 3 | 0 | 0 |" in md
    section = md.split("## toy", 1)[1]
    assert "Unmatched source rows by reason:" in section
    assert "- outside England: 2" in section
    assert "- a region: 1" in section


def test_join_report_json_keeps_every_unmatched_row(tmp_path: Path) -> None:
    _toy_report().write(tmp_path)
    data = json.loads((tmp_path / "join_report.json").read_text())
    assert [u["source_code"] for u in data["sources"]["toy"]["unmatched"]] == [
        "W06000001", "W06000002", "E12000001",
    ]  # fmt: skip


@pytest.mark.pipeline
def test_population_rows_not_used_are_all_reported(built: Path) -> None:
    """Counted from the raw workbook with plain pandas: rows whose code is not one of the 153."""
    mye = pd.read_excel(
        catalogue.raw_path("population_mye22"), sheet_name="MYE2 - Persons", header=7, dtype=str
    )
    ref = pd.read_csv(catalogue.raw_path("cqc_reference"), dtype=str)
    rows = mye["Code"].dropna()
    expected_unmatched = int((~rows.isin(set(ref["ons_code"]))).sum())
    assert expected_unmatched == 251  # 404 rows: UK, nations, regions, districts, other UK areas
    report = json.loads((built / "join_report.json").read_text())["sources"]["population_mye22"]
    assert report["n_source_rows"] == len(rows) == 404
    assert len(report["unmatched"]) == expected_unmatched
    assert {u["source_code"] for u in report["unmatched"]} == set(rows[~rows.isin(ref["ons_code"])])
    assert all(u["reason"] for u in report["unmatched"])
    md = (built / "join_report.md").read_text()
    assert f"| population_mye22 | 153 | {expected_unmatched} |" in md
    section = md.split("## population_mye22", 1)[1].split("\n## ", 1)[0]
    counts = [int(line.rsplit(": ", 1)[1]) for line in section.splitlines()
              if line.startswith("- ") and line.rsplit(": ", 1)[-1].isdigit()]
    assert "Unmatched source rows by reason:" in section and sum(counts) == expected_unmatched


# ---------------------------------------------------------------------------- publication dates


@pytest.mark.parametrize(
    ("text", "precision", "expected"),
    [("2025-02", "day", "month"), ("2025-02-14", "month", "day"), ("2025", "month", "year")],
)
def test_date_precision_must_match_the_text(text: str, precision: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        cqc.parse_date(text, precision, "la_assessments.csv", 7)
    e = err.value
    assert (e.file, e.row, e.column) == ("la_assessments.csv", 7, "publication_date_precision")
    assert e.fix == f"set publication_date_precision to {expected}"


@pytest.mark.parametrize(
    ("text", "precision", "day"),
    [("2025-02", "month", "2025-02-01"), ("2025-02-14", "day", "2025-02-14"),
     ("2025", "year", "2025-01-01"), ("2025-02", None, "2025-02-01")],
)  # fmt: skip
def test_dates_parse_to_the_first_day_of_their_period(text, precision, day) -> None:
    assert cqc.parse_date(text, precision, "f.csv", 2) == pd.Timestamp(day)


# ---------------------------------------------------------------------------- framework and fingerprint


def test_overall_pct_needs_exactly_nine_scores() -> None:
    with pytest.raises(ValueError, match="need 9 quality statement scores, got 8"):
        framework.overall_pct([3] * 8)


def test_theme_means_treat_nan_as_missing() -> None:
    """Scores read from a file arrive as NaN, not None: a theme with one is unknown, not NaN."""
    row = dict(zip(framework.QS_COLUMNS, [3, float("nan"), 3, 4, 4, 2, 2, 3, 3], strict=True))
    means = framework.theme_means(row)
    assert means["theme_people"] is None
    assert means["theme_support"] == 4 and means["theme_leadership"] == 3


def test_fingerprint_follows_the_rating_exceptions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recording (or changing) a rating exception changes what the build writes: it must rebuild."""
    from lahelpers.build import fingerprints

    (tmp_path / "data").mkdir()
    monkeypatch.setenv("LAHELPERS_ROOT", str(tmp_path))
    without = fingerprints.code_fingerprint()
    exceptions = tmp_path / "data" / "rating_exceptions.yaml"
    exceptions.write_text("exceptions:\n  E09000007: published this way by CQC\n")
    first = fingerprints.code_fingerprint()
    exceptions.write_text("exceptions:\n  E09000007: a different reason\n")
    assert len({without, first, fingerprints.code_fingerprint()}) == 3


# ---------------------------------------------------------------------------- join records, exactly


@pytest.mark.realdata  # the code rules use ONS's real lookups
def test_join_districts_record_in_full() -> None:
    """Every field of the join record, on four districts: three roll up to Cumberland, one is Welsh."""
    from lahelpers.inputs import joins

    df = pd.DataFrame({
        "lad": ["E07000026", "E07000028", "E07000029", "W06000001"],
        "name": ["Allerdale", "Carlisle", "Copeland", "Isle of Anglesey"],
        "num": [10.0, 30.0, None, 5.0], "den": [100.0, 100.0, 200.0, 50.0],
    })  # fmt: skip
    values, rep = joins.join_districts(
        df, source_id="toy", description="a toy source", code_col="lad", sum_cols=["num", "den"],
        name_col="name",
    )  # fmt: skip
    assert (rep.source_id, rep.description, rep.n_source_rows) == ("toy", "a toy source", 4)
    assert list(values.index) == ["E06000063"] and values.loc["E06000063", "num"] == 40
    assert rep.matched == ["E06000063"] and rep.columns == ["num", "den"]
    assert rep.unmatched == [
        {"source_code": "W06000001", "source_name": "Isle of Anglesey", "reason": "outside England"}
    ]
    assert rep.rules == [
        {"from": c, "to": "E06000063", "rule": "district -> 2023 upper tier"}
        for c in ("E07000026", "E07000028", "E07000029")
    ]
    assert len(rep.missing) == 152
    assert {"code": "E06000001", "name": "Hartlepool",
            "reason": "no district of this authority in the source"} in rep.missing  # fmt: skip
    assert rep.blank == {}


@pytest.mark.realdata
def test_join_upper_tier_record_in_full() -> None:
    from lahelpers.inputs import joins

    df = pd.DataFrame({"code": ["E06000001", "E12000001"], "name": ["Hartlepool", "North East"],
                       "v": [None, 2.0]})  # fmt: skip
    values, rep = joins.join_upper_tier(
        df, source_id="toy", description="d", code_col="code", value_cols=["v"], name_col="name"
    )
    assert (rep.source_id, rep.n_source_rows, rep.columns) == ("toy", 2, ["v"])
    assert rep.matched == ["E06000001"] and values.index.tolist() == ["E06000001"]
    assert rep.unmatched == [{"source_code": "E12000001", "source_name": "North East",
                              "reason": "region, country or other non-authority total"}]  # fmt: skip
    assert rep.blank == {"v": ["E06000001"]}
    assert {"code": "E06000002", "name": "Middlesbrough",
            "reason": "no row for this authority in the source"} in rep.missing  # fmt: skip


def test_join_report_markdown_in_full() -> None:
    """The whole Markdown of a two-source report, written out by hand: every heading, count and list."""
    report = JoinReport()
    rules = [{"from": f"E0700{i:04d}", "to": "E06000060", "rule": "r"} for i in range(41)]
    report.add(SourceJoin(
        "a", "Source A.", n_source_rows=43, matched=["E06000060"], rules=rules,
        unmatched=[{"source_code": "W1", "source_name": "x", "reason": "outside England"}],
        missing=[{"code": "E06000001", "name": "Hartlepool", "reason": "no row"}],
        blank={"v": ["E06000060"]},
        text_findings=[{"file": "f.csv", "row": 3, "column": "notes", "problem": "markup",
                        "value": "<b>" + "y" * 100}],
    ))  # fmt: skip
    report.add(SourceJoin("b", "Source B.", n_source_rows=1, matched=["E06000001"]))
    shown = "; ".join(f"E0700{i:04d} -> E06000060 (r)" for i in range(40))
    value = repr("<b>" + "y" * 77)
    assert report.to_markdown() == (
        "# Join report\n\n"
        "For every source: how many of the 153 authorities matched, which source rows were not "
        "used and why, which authorities have no value and why.\n\n"
        "| source | matched | unmatched source rows | missing of 153 | recodes applied |\n"
        "| --- | ---: | ---: | ---: | ---: |\n"
        "| a | 1 | 1 | 1 | 41 |\n"
        "| b | 1 | 0 | 0 | 0 |\n\n"
        "## a\n\nSource A.\n\n"
        f"Recodes applied: {shown}\n"
        "... and 1 more (see join_report.json)\n\n"
        "Missing authorities:\n- E06000001 Hartlepool: no row\n\n"
        "Unmatched source rows by reason:\n- outside England: 1\n\n"
        "- `v` blank in the source for 1 matched authority\n\n"
        "Input text to check (shown on pages as plain text, never as markup):\n"
        f"- f.csv, row 3, column `notes`: markup: {value}\n\n"
        "## b\n\nSource B.\n\n"
    )


def test_variable_label_reads_the_built_variables(built: Path) -> None:
    """A context column's label is the one the build documents (variables.csv), never its id."""
    variables = pd.read_csv(built / "variables.csv")
    framework._variables_labels.cache_clear()
    for col, label in zip(variables["column"], variables["label"], strict=True):
        assert framework.variable_label(col) == label
    assert framework.variable_label("pct_65plus") != "pct_65plus"
    assert framework.variable_label("pct_65plus", {"pct_65plus": "Older"}) == "Older"
