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


@pytest.mark.parametrize(
    ("scores", "pct"),
    [([1] * 9, 25), ([4] * 9, 100), ([3] * 9, 75), ([2] * 9, 50), ([3, 3, 4, 3, 4, 4, 3, 4, 4], 89),
     ([3] * 8 + [4], 78), ([1] * 8 + [2], 28), ([3] * 8 + [None], None),
     ([3] * 8 + [float("nan")], None)],
)  # fmt: skip
def test_overall_pct_is_the_ceiling_of_the_share_of_36(scores: list, pct: int | None) -> None:
    """ceil(100 x sum / 36), by hand: 28/36 = 77.8 -> 78, 10/36 = 27.8 -> 28, 27/36 = 75 exactly."""
    assert framework.overall_pct(scores) == pct


def test_theme_means_average_each_themes_statements() -> None:
    row = dict(zip(framework.QS_COLUMNS, [1, 2, 4, 3, 4, 2, 3, 4, 4], strict=True))
    assert framework.theme_means(row) == {"theme_people": 7 / 3, "theme_support": 3.5,
                                          "theme_safety": 2.5, "theme_leadership": 4.0}  # fmt: skip
    row["qs5"] = None
    assert framework.theme_means(row)["theme_support"] is None


def test_regions_are_the_nine_with_153_authorities() -> None:
    assert len(framework.REGIONS) == 9 and sum(framework.REGION_COUNTS.values()) == 153
    assert framework.REGIONS[0] == "North East" and framework.REGIONS[-1] == "South West"


def test_check_region_canonical_name_or_the_fix() -> None:
    assert framework.check_region("  yorkshire AND the humber ") == "Yorkshire and The Humber"
    with pytest.raises(ValueError) as err:
        framework.check_region("Londn")
    assert str(err.value) == ("Unknown region 'Londn' (did you mean 'London'?). Valid names: "
                              + ", ".join(framework.REGIONS) + ".")  # fmt: skip
    assert framework.region_hint("Qwertyuiop") == "'Qwertyuiop'"  # nothing close: no guess


def test_variable_label_order_labels_builtins_variables_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Given labels win, then the built-in ones, then the built variables' labels, then the name."""
    from lahelpers import load

    variables = pd.DataFrame({"column": ["pct_x", "pct_y", "rating"],
                              "label": ["Share x (%)", float("nan"), "not this"]})  # fmt: skip
    monkeypatch.setattr(load, "variables", lambda: variables)
    framework._variables_labels.cache_clear()
    try:
        assert framework.variable_label("pct_x") == "Share x (%)"
        assert framework.variable_label("pct_x", {"pct_x": "Mine"}) == "Mine"
        assert framework.variable_label("pct_y") == "pct_y"  # no label given: the name
        assert framework.variable_label("rating") == "CQC rating"  # built-in before variables
        assert framework.variable_label("qs3") == "QS3 Equity in experience and outcomes"
        assert framework.variable_label("theme_safety") == (
            "Theme: How the local authority ensures safety within the system")
        assert framework.variable_label("nothing_known", {"other": "x"}) == "nothing_known"
        monkeypatch.setattr(load, "variables", lambda: 1 / 0)
        framework._variables_labels.cache_clear()
        assert framework.variable_label("pct_x") == "pct_x"  # no built data: the name
    finally:
        framework._variables_labels.cache_clear()


def test_rating_labels_prefer_the_label_column_and_name_the_unrated() -> None:
    both = pd.DataFrame({"rating_label": ["Good", None], "rating": ["Outstanding", "Good"]})
    assert framework.rating_labels(both).tolist() == ["Good", framework.NOT_RATED]
    only = pd.DataFrame({"rating": pd.Categorical([None, "Good"], dtype=framework.RATING_DTYPE)})
    assert framework.rating_labels(only).tolist() == [framework.NOT_RATED, "Good"]
    assert framework.NOT_RATED == "Not yet in our data"
    with pytest.raises(ValueError, match=r"^table has neither 'rating_label' nor 'rating'$"):
        framework.rating_labels(pd.DataFrame({"x": [1]}))


def _scratch_catalogue(root: Path, sha: str) -> None:
    """A project with a two-entry catalogue: one fetched input, one repository dataset."""
    (root / "data" / "cqc").mkdir(parents=True, exist_ok=True)
    (root / "data" / "cqc" / "ours.csv").write_text("code,v\nE06000001,1\n")
    (root / "data" / "catalogue.yaml").write_text(
        "sources:\n"
        "- id: fetched\n  file: x/fetched.csv\n  title: t\n  publisher: p\n  licence: l\n"
        f"  vintage: v\n  url: null\n  publisher_url: null\n  sha256: {sha}\n"
        "- id: ours\n  file: cqc/ours.csv\n  location: repository\n  title: t\n  publisher: p\n"
        "  licence: l\n  vintage: v\n  url: null\n  publisher_url: null\n"
    )


def test_fingerprint_follows_every_input_checksum(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build's key changes when a fetched input's catalogue checksum changes or a repository
    dataset is edited, and stays put when nothing changed: so a changed input always rebuilds."""
    from lahelpers.build import fingerprints

    monkeypatch.setenv("LAHELPERS_ROOT", str(tmp_path))
    _scratch_catalogue(tmp_path, "a" * 64)
    first = fingerprints.fingerprint()
    assert fingerprints.fingerprint() == first and len(first) == 64
    _scratch_catalogue(tmp_path, "b" * 64)  # a new checksum recorded for the fetched input
    second = fingerprints.fingerprint()
    (tmp_path / "data" / "cqc" / "ours.csv").write_text("code,v\nE06000001,2\n")  # our dataset edited
    third = fingerprints.fingerprint()
    assert len({first, second, third}) == 3


# ---------------------------------------------------------------------------- the catalogue

_CATALOGUE = """# header comment – kept (an en dash: the file is UTF-8)
sources:
- id: first
  file: a/first.csv
  title: First
  publisher: P
  licence: OGL
  vintage: '2023'
  url: null
  publisher_url: null
  sha256: 2222
  bytes: 10
- id: second
  file: a/second.csv
  title: Second
  publisher: P
  licence: OGL
  vintage: '2023'
  url: null
  publisher_url: null
  sha256: 2222
  bytes: 20
  note: same sha256 as third must not move
- id: third
  file: a/third.csv
  title: Third
  publisher: P
  licence: OGL
  vintage: '2023'
  url: null
  publisher_url: null
  sha256: 2222
"""


def test_record_checksum_rewrites_only_that_entry(tmp_path: Path) -> None:
    """``fetch --accept-new`` records the new checksum and size of one entry; every other line,
    comments included, stays as it was (written out by hand). All three entries share one old
    checksum, so a rewrite that strays into a neighbour shows."""
    path = tmp_path / "catalogue.yaml"
    path.write_text(_CATALOGUE, encoding="utf-8")
    catalogue.record_checksum("first", "4567", 11, path=path)
    after_first = _CATALOGUE.replace("sha256: 2222\n  bytes: 10", "sha256: 4567\n  bytes: 11")
    assert path.read_text(encoding="utf-8") == after_first
    catalogue.record_checksum("second", "abcd", 21, path=path)
    after_second = after_first.replace("sha256: 2222\n  bytes: 20", "sha256: abcd\n  bytes: 21")
    assert path.read_text(encoding="utf-8") == after_second
    catalogue.record_checksum("third", "ef01", 5, path=path)  # the last entry, no bytes field
    assert path.read_text(encoding="utf-8") == after_second[: -len("2222\n")] + "ef01\n"
    cat = catalogue.load_catalogue(path)
    assert [(c.sha256, c.bytes) for c in cat.values()] == [(4567, 11), ("abcd", 21), ("ef01", None)]
    path.write_text(_CATALOGUE.rstrip("\n"), encoding="utf-8")  # no newline at the end of the file
    catalogue.record_checksum("third", "ef01", 5, path=path)
    assert path.read_text(encoding="utf-8").endswith("\n  sha256: ef01")


def test_catalogue_refuses_missing_fields_and_repeated_ids(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    path.write_text(_CATALOGUE.replace("  sha256: 2222\n  bytes: 10\n", "  bytes: 10\n"), encoding="utf-8")
    with pytest.raises(ValueError, match=r"entry 1 lacks \['sha256'\]; add them to the catalogue"):
        catalogue.load_catalogue(path)
    path.write_text(_CATALOGUE.replace("id: third", "id: first"), encoding="utf-8")
    with pytest.raises(ValueError, match="id 'first' appears twice; ids must be unique"):
        catalogue.load_catalogue(path)
    ours = _CATALOGUE.replace("  sha256: 2222\n  bytes: 10\n", "  location: repository\n")
    path.write_text(ours, encoding="utf-8")  # a repository dataset needs no checksum
    assert catalogue.load_catalogue(path)["first"].in_repository


def test_catalogue_lookup_by_id_names_the_known_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "catalogue.yaml").write_text(_CATALOGUE, encoding="utf-8")
    monkeypatch.setenv("LAHELPERS_ROOT", str(tmp_path))
    assert catalogue.source("second").title == "Second"
    with pytest.raises(KeyError) as err:
        catalogue.source("fourth")
    assert err.value.args[0] == (f"'fourth' is not in {tmp_path / 'data' / 'catalogue.yaml'}; "
                                 "known ids: ['first', 'second', 'third']")  # fmt: skip
    (tmp_path / "data" / "catalogue.yaml").write_text("# no sources yet\n{}\n", encoding="utf-8")
    assert catalogue.load_catalogue() == {}


def test_current_checksum_of_fetched_and_repository_inputs(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A fetched input is keyed on the catalogue's checksum; a repository dataset on its own bytes,
    or "missing" when the file is not there."""
    import hashlib

    monkeypatch.setenv("LAHELPERS_ROOT", str(tmp_path))
    monkeypatch.delenv("LAHELPERS_DATA", raising=False)
    monkeypatch.delenv("LAHELPERS_RAW", raising=False)
    fields = dict(title="t", publisher="p", licence="l", vintage="v", url=None, publisher_url=None)
    fetched = catalogue.Source(id="f", file="x/f.csv", sha256="9" * 64, **fields)
    ours = catalogue.Source(id="o", file="cqc/o.csv", location="repository", **fields)
    assert fetched.current_sha256() == "9" * 64 and not fetched.in_repository
    assert fetched.path == tmp_path / "data" / "raw" / "x" / "f.csv"
    assert ours.path == tmp_path / "data" / "cqc" / "o.csv"
    assert ours.current_sha256() == "missing"
    ours.path.parent.mkdir(parents=True)
    ours.path.write_bytes(b"code\nE06000001\n")
    assert ours.current_sha256() == hashlib.sha256(b"code\nE06000001\n").hexdigest()


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
