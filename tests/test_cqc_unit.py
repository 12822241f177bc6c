"""CQC assessments on small data written here, with no mirror: every column the reader derives, the
% bands at their edges, the rating exceptions file read for real (not stubbed), the latest of
several assessments, the join record and the pilots. Each expected value is written out by hand.

The file has one row per authority of the reference list (the 153 are in the repository); all but
the few a test fills in are blank ("not yet in our data")."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pandas as pd
import pytest

from lahelpers import framework, paths
from lahelpers.errors import InputError
from lahelpers.inputs import codes, validate
from lahelpers.inputs.joins import SourceJoin
from lahelpers.sources import cqc

HARTLEPOOL, MIDDLESBROUGH, REDCAR, STOCKTON, DARLINGTON = (
    "E06000001", "E06000002", "E06000003", "E06000004", "E06000005",
)  # fmt: skip
QS = list(validate.CQC_QS_SOURCE_COLUMNS)


def _blank_row(code: str, name: str) -> dict[str, str]:
    row = dict.fromkeys(cqc.REQUIRED, "")
    row.update({"ons_code": code, "la_name": name, "status": "not_found"})
    return row


def _rows(changes: dict[str, dict[str, str]] | None = None) -> list[dict[str, str]]:
    """One blank row per authority (reference order), with ``changes`` applied by code."""
    out = []
    for code, name in codes.names().items():
        row = _blank_row(code, name)
        row.update((changes or {}).get(code, {}))
        out.append(row)
    return out


def _write(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    path = tmp_path / "assessments.csv"
    pd.DataFrame(rows, columns=cqc.REQUIRED).to_csv(path, index=False)
    return path


def _scores(*values: int) -> dict[str, str]:
    return {c: str(v) for c, v in zip(QS, values, strict=True)}


def _line_of(code: str) -> int:
    """The file line of an authority's row in a file made by :func:`_rows` (header = line 1)."""
    return list(codes.names()).index(code) + 2


@pytest.fixture(autouse=True)
def _no_recorded_exceptions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project root of our own (the catalogue copied, the repository's data kept), so the rating
    exceptions file the reader opens is the one a test writes (none unless it writes one)."""
    root = tmp_path / "root"
    (root / "data").mkdir(parents=True)
    data = paths.repo_data_dir()
    shutil.copy(paths.catalogue_file(), root / "data" / "catalogue.yaml")
    monkeypatch.setenv("LAHELPERS_DATA", str(data))
    monkeypatch.setenv("LAHELPERS_ROOT", str(root))
    return root


FULL = {
    "status": "published_full_scores", "overall_rating": "Outstanding",
    "rating_source": "stated (CQC report)", "overall_score_pct": "89", "score_basis": "stated",
    **_scores(3, 3, 4, 3, 4, 4, 3, 4, 4), "publication_date": "2025-02-14",
    "publication_date_precision": "day", "report_url": "https://www.cqc.org.uk/r/1",
    "source": "CQC report", "notes": "a note",
}  # fmt: skip


def test_every_derived_column_of_a_fully_scored_row(tmp_path: Path) -> None:
    """32 of 36 points: ceil(88.9) = 89%, Outstanding; themes (3+3+4)/3, (3+4)/2, (4+3)/2, (4+4)/2."""
    df = cqc.read_assessments(_write(tmp_path, _rows({HARTLEPOOL: FULL})))
    assert len(df) == 153 and list(df["code"]) == list(codes.names())
    row = df.set_index("code").loc[HARTLEPOOL].to_dict()
    expected = {
        "cqc_status": "rated", "assessment_status": "published_full_scores", "rating": "Outstanding",
        "rating_label": "Outstanding", "rating_basis": "stated", "rating_source": "stated (CQC report)",
        "overall_pct": 89.0, "score_basis": "stated",
        "qs1": 3.0, "qs2": 3.0, "qs3": 4.0, "qs4": 3.0, "qs5": 4.0, "qs6": 4.0, "qs7": 3.0, "qs8": 4.0,
        "qs9": 4.0, "publication_date": pd.Timestamp("2025-02-14"), "publication_date_precision": "day",
        "report_url": "https://www.cqc.org.uk/r/1", "source": "CQC report", "notes": "a note",
        "rating_flag": "", "theme_people": 10 / 3, "theme_support": 3.5, "theme_safety": 3.5,
        "theme_leadership": 4.0,
    }  # fmt: skip
    assert row == expected
    assert str(df["rating"].dtype) == "category" and df["rating"].cat.ordered
    assert list(df["rating"].cat.categories) == ["Inadequate", "Requires improvement", "Good", "Outstanding"]
    assert df["publication_date"].dtype == "datetime64[ns]"
    assert {str(df[c].dtype) for c in ["overall_pct", *framework.QS_COLUMNS, *framework.THEMES]} == {"float64"}
    assert df.attrs["text_findings"] == []


def test_a_row_without_scores_keeps_the_stated_pct(tmp_path: Path) -> None:
    rows = _rows({MIDDLESBROUGH: {"status": "published_rating_only", "overall_rating": "Good",
                                  "rating_source": "secondary source (news)", "overall_score_pct": "70",
                                  "publication_date": "2024-06", "publication_date_precision": "month"}})
    row = cqc.read_assessments(_write(tmp_path, rows)).set_index("code").loc[MIDDLESBROUGH]
    assert row["overall_pct"] == 70.0 and row["rating"] == "Good" and row["rating_basis"] == "secondary source"
    assert row[list(framework.QS_COLUMNS) + list(framework.THEMES)].isna().all()
    assert row["publication_date"] == pd.Timestamp("2024-06-01")
    assert row["rating_flag"] == ""


def test_scores_without_a_stated_pct_give_the_derived_pct(tmp_path: Path) -> None:
    """27 of 36 points: exactly 75%, Good."""
    rows = _rows({STOCKTON: {"overall_rating": "Good", "rating_source": "derived from scores",
                             **_scores(3, 3, 3, 3, 3, 3, 3, 3, 3)}})
    row = cqc.read_assessments(_write(tmp_path, rows)).set_index("code").loc[STOCKTON]
    assert row["overall_pct"] == 75.0 and row["rating_basis"] == "derived from scores"
    assert pd.isna(row["publication_date"])


def test_an_unrated_row(tmp_path: Path) -> None:
    """No rating: 'not yet in our data', no basis even when a source is named, the label says so."""
    rows = _rows({REDCAR: {"rating_source": "stated (CQC report)", "notes": "awaiting report"}})
    df = cqc.read_assessments(_write(tmp_path, rows)).set_index("code")
    row = df.loc[REDCAR]
    assert row["cqc_status"] == "not yet in our data" == cqc.NOT_RATED_STATUS
    assert pd.isna(row["rating"]) and row["rating_label"] == "Not yet in our data"
    assert row["rating_basis"] is None and row["rating_source"] == "stated (CQC report)"
    assert math.isnan(row["overall_pct"]) and pd.isna(row["publication_date"])
    assert row["assessment_status"] == "not_found" and row["notes"] == "awaiting report"
    assert (df["cqc_status"] == "not yet in our data").sum() == 153


@pytest.mark.parametrize(
    ("text", "basis"),
    [("unverified keyword scrape of news", "unverified keyword scrape"),
     ("Keyword SCRAPE", "unverified keyword scrape"),
     ("secondary source (news)", "secondary source"),
     ("scraped from a secondary source", "unverified keyword scrape"),  # scrape is checked first
     ("derived from scores", "derived from scores"),
     ("Derived: sum of scores", "derived from scores"),
     ("not derived", "stated"),  # 'derived' only at the start
     ("stated (CQC report)", "stated"), ("", "stated"),
     (None, None), (float("nan"), None)],
)  # fmt: skip
def test_rating_basis(text: object, basis: str | None) -> None:
    assert cqc.rating_basis(text) == basis


@pytest.mark.parametrize(
    ("pct", "rating"),
    [("25", "Inadequate"), ("38", "Inadequate"), ("39", "Requires improvement"),
     ("62", "Requires improvement"), ("63", "Good"), ("87", "Good"), ("88", "Outstanding"),
     ("100", "Outstanding")],
)  # fmt: skip
def test_a_stated_pct_at_each_band_edge_passes(tmp_path: Path, pct: str, rating: str) -> None:
    rows = _rows({HARTLEPOOL: {"overall_rating": rating, "overall_score_pct": pct}})
    row = cqc.read_assessments(_write(tmp_path, rows)).set_index("code").loc[HARTLEPOOL]
    assert row["overall_pct"] == float(pct) and row["rating"] == rating and row["rating_flag"] == ""


@pytest.mark.parametrize(
    ("pct", "rating", "band"),
    [("38", "Requires improvement", "Inadequate"), ("39", "Inadequate", "Requires improvement"),
     ("62", "Good", "Requires improvement"), ("63", "Requires improvement", "Good"),
     ("87", "Outstanding", "Good"), ("88", "Good", "Outstanding"), ("100", "Good", "Outstanding")],
)  # fmt: skip
def test_a_rating_outside_its_band_fails_with_file_row_column_and_fix(
    tmp_path: Path, pct: str, rating: str, band: str
) -> None:
    """Every edge of every band, and 100% (the top of Outstanding) rated Good."""
    path = _write(tmp_path, _rows({HARTLEPOOL: {"overall_rating": rating, "overall_score_pct": pct}}))
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), 2, "overall_rating")
    assert e.problem == (
        f"rating {rating!r} is outside its band: {pct}% is {band!r} (bands {{'Inadequate': (25, 38), "
        "'Requires improvement': (39, 62), 'Good': (63, 87), 'Outstanding': (88, 100)})"
    )
    assert e.fix == (
        "correct the rating or scores, or if CQC really published this, record the code and the "
        "reason in data/rating_exceptions.yaml"
    )


@pytest.mark.parametrize("pct", ["24", "101"])
def test_a_stated_pct_outside_25_to_100_fails(tmp_path: Path, pct: str) -> None:
    path = _write(tmp_path, _rows({HARTLEPOOL: {"overall_rating": "Good", "overall_score_pct": pct}}))
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    assert (err.value.row, err.value.column) == (2, "overall_score_pct")
    assert err.value.fix == "an overall % lies between 25 and 100; leave blank if unknown"


def test_a_recorded_exception_is_read_from_the_file_and_flagged(
    tmp_path: Path, _no_recorded_exceptions: Path
) -> None:
    """The real loader reads data/rating_exceptions.yaml under the project root (nothing stubbed)."""
    (_no_recorded_exceptions / "data" / "rating_exceptions.yaml").write_text(
        f"exceptions:\n  {HARTLEPOOL}: published this way by CQC\n", encoding="utf-8"
    )
    rows = _rows({HARTLEPOOL: {"overall_rating": "Good", "overall_score_pct": "88"},
                  MIDDLESBROUGH: {"overall_rating": "Good", "overall_score_pct": "70"}})
    df = cqc.read_assessments(_write(tmp_path, rows)).set_index("code")
    assert df.loc[HARTLEPOOL, "rating_flag"] == (
        "rating outside its % band (88% is Outstanding): published this way by CQC"
    )
    assert df.loc[HARTLEPOOL, "rating"] == "Good"
    assert (df.drop(index=HARTLEPOOL)["rating_flag"] == "").all()


def test_an_exception_for_another_authority_does_not_excuse_this_one(
    tmp_path: Path, _no_recorded_exceptions: Path
) -> None:
    (_no_recorded_exceptions / "data" / "rating_exceptions.yaml").write_text(
        f"exceptions:\n  {MIDDLESBROUGH}: published this way by CQC\n", encoding="utf-8"
    )
    path = _write(tmp_path, _rows({HARTLEPOOL: {"overall_rating": "Good", "overall_score_pct": "88"}}))
    with pytest.raises(InputError, match="rating 'Good' is outside its band"):
        cqc.read_assessments(path)


def test_a_stated_pct_that_disagrees_with_the_scores(tmp_path: Path) -> None:
    """The nine 3s make 27 points, 75%; the row says 80."""
    path = _write(tmp_path, _rows({STOCKTON: {"overall_rating": "Good", "overall_score_pct": "80",
                                              **_scores(3, 3, 3, 3, 3, 3, 3, 3, 3)}}))
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), _line_of(STOCKTON), "overall_score_pct")
    assert e.problem == (
        "stated overall % 80 disagrees with CQC's rule applied to the 9 scores (ceil(100 x 27 / 36) = 75)"
    )
    assert e.fix == "check the scores and the stated % against the CQC report"


def test_a_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "assessments.csv"
    pd.DataFrame(_rows(), columns=cqc.REQUIRED).drop(columns=["score_basis"]).to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    assert (err.value.file, err.value.column) == (str(path), "score_basis")
    assert err.value.problem.startswith("missing column(s) ['score_basis']")


def test_text_that_pandas_would_read_as_missing_is_kept(tmp_path: Path) -> None:
    """Only an empty cell is blank: 'N/A', 'NA' or 'null' in a note is the note's text."""
    rows = _rows({HARTLEPOOL: {**FULL, "notes": "N/A"}, MIDDLESBROUGH: {"notes": "NA", "source": "null"}})
    df = cqc.read_assessments(_write(tmp_path, rows)).set_index("code")
    assert df.loc[HARTLEPOOL, "notes"] == "N/A" and df.loc[MIDDLESBROUGH, "notes"] == "NA"
    assert df.loc[MIDDLESBROUGH, "source"] == "null"


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [("ons_code", "E06000001<b>", "code 'E06000001<b>' does not have the shape of the reference list"),
     ("la_name", "Hartlepool<script>", "name 'Hartlepool<script>' does not have the shape of the reference list")],
)  # fmt: skip
def test_a_code_or_name_not_shaped_like_the_reference_list_fails(
    tmp_path: Path, column: str, value: str, problem: str
) -> None:
    path = _write(tmp_path, _rows({HARTLEPOOL: {column: value}}))
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 2, column)
    assert err.value.problem == problem


def test_links_that_are_not_https_are_reported_with_file_row_and_column(tmp_path: Path) -> None:
    rows = _rows({HARTLEPOOL: {**FULL, "report_url": "http://www.cqc.org.uk/r/1"}})
    for r in rows:
        r["evidence_url"] = "http://example.org/e" if r["ons_code"] == MIDDLESBROUGH else ""
    path = tmp_path / "assessments.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    df = cqc.read_assessments(path)
    found = [(f["file"], f["row"], f["column"]) for f in df.attrs["text_findings"]]
    assert sorted(found) == [(str(path), 2, "report_url"), (str(path), 3, "evidence_url")]


def test_a_missing_authority_is_named(tmp_path: Path) -> None:
    rows = [r for r in _rows() if r["ons_code"] != DARLINGTON]
    path = _write(tmp_path, rows)
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), None, "ons_code")
    assert e.problem == f"no row for 1 of the 153 authorities: ['{DARLINGTON}']"
    assert e.fix == "add one row per authority (blank scores and rating if nothing is published)"


def test_many_missing_authorities_list_the_first_ten(tmp_path: Path) -> None:
    keep = sorted(codes.reference_codes())[12:]
    path = _write(tmp_path, [r for r in _rows() if r["ons_code"] in keep])
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    assert err.value.problem == (
        f"no row for 12 of the 153 authorities: {sorted(codes.reference_codes())[:10]}"
    )


def test_a_bad_score_names_its_row_column_and_fix(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows({STOCKTON: _scores(3, 3, 5, 3, 3, 3, 3, 3, 3)}))
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), _line_of(STOCKTON), "qs3_equity_experience_outcomes")
    assert e.fix == "quality statement scores are whole numbers 1 to 4; leave blank if unknown"


# ---------------------------------------------------------------------------- publication dates


def test_a_date_that_cannot_be_parsed(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows({STOCKTON: {"publication_date": "2025-02-30",
                                              "publication_date_precision": "day"}}))
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), _line_of(STOCKTON), "publication_date")
    assert e.problem == "publication date '2025-02-30' cannot be parsed"
    assert e.fix == "write it as YYYY-MM-DD, YYYY-MM or YYYY"


@pytest.mark.parametrize(
    "text", ["25-02", "2025-2-14", "Feb 2025", "20250214", "2025/02", "02-2025", "14/02/2025", "2025.02.14"]
)
def test_dates_of_other_shapes_cannot_be_parsed(text: str) -> None:
    with pytest.raises(InputError) as err:
        cqc.parse_date(text, None, "f.csv", 9)
    e = err.value
    assert (e.file, e.row, e.column) == ("f.csv", 9, "publication_date")
    assert e.problem == f"publication date {text!r} cannot be parsed"


def test_a_date_whose_precision_disagrees(tmp_path: Path) -> None:
    path = _write(tmp_path, _rows({STOCKTON: {"publication_date": "2025-02",
                                              "publication_date_precision": "day"}}))
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), _line_of(STOCKTON), "publication_date_precision")
    assert e.problem == "publication date '2025-02' has precision month, but the row says 'day'"
    assert e.fix == "set publication_date_precision to month"


@pytest.mark.parametrize(
    ("text", "precision", "day"),
    [(" 2025-02-14 ", "day", "2025-02-14"), ("2025", None, "2025-01-01"),
     ("2025-02", float("nan"), "2025-02-01")],
)  # fmt: skip
def test_dates_without_a_stated_precision_or_with_spaces(text: str, precision: object, day: str) -> None:
    assert cqc.parse_date(text, precision, "f.csv", 2) == pd.Timestamp(day)


@pytest.mark.parametrize("blank", [None, float("nan")])
def test_a_blank_date_is_none(blank: object) -> None:
    assert cqc.parse_date(blank, "day", "f.csv", 2) is None


@pytest.mark.parametrize(
    ("value", "key"), [(None, ""), (float("nan"), ""), (" 2025-02 ", "2025-02"), ("2024", "2024")]
)
def test_date_key(value: object, key: str) -> None:
    assert cqc.date_key(value) == key


# ---------------------------------------------------------------------------- several assessments


def _history() -> pd.DataFrame:
    """Five rows of three authorities (index 0-4, as read from a file)."""
    return pd.DataFrame({
        "ons_code": ["A", "B", "A", "C", "B"],
        "publication_date": ["2024-03", "2025", "2024", None, "2025"],
        "tag": ["A1", "B1", "A2", "C1", "B2"],
    })  # fmt: skip


def test_latest_assessment_by_date_then_file_order() -> None:
    """A: 2024-03 beats 2024 (the more precise date of the same year counts as later), though it
    comes first; B: the same date twice, the row further down wins; C: one row, no date. Rows keep
    the order of each authority's first row and their own index."""
    latest = cqc.latest_assessments(_history())
    assert list(latest["tag"]) == ["A1", "B2", "C1"]
    assert list(latest.index) == [0, 4, 3]


def test_a_dated_assessment_beats_an_undated_one() -> None:
    df = pd.DataFrame({"ons_code": ["A", "A", "A"], "publication_date": ["2023-12-01", None, "2023"],
                       "tag": ["dated", "undated", "year"]})  # fmt: skip
    assert list(cqc.latest_assessments(df)["tag"]) == ["dated"]


def test_an_error_in_a_later_assessment_names_its_own_line(tmp_path: Path) -> None:
    """Stockton assessed twice: the later one (last line of the file) is read, and its error names
    that line, not the first assessment's."""
    rows = _rows({STOCKTON: {"overall_rating": "Good", "overall_score_pct": "75",
                             "publication_date": "2024", "publication_date_precision": "year"}})
    later = {**rows[_line_of(STOCKTON) - 2], "overall_score_pct": "80", "publication_date": "2025-01",
             "publication_date_precision": "month", **_scores(3, 3, 3, 3, 3, 3, 3, 3, 3)}
    path = _write(tmp_path, [*rows, later])
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    assert (err.value.row, err.value.column) == (155, "overall_score_pct")


def test_the_later_assessment_is_the_one_read(tmp_path: Path) -> None:
    rows = _rows({STOCKTON: {"overall_rating": "Requires improvement", "overall_score_pct": "50",
                             "publication_date": "2025-03", "publication_date_precision": "month"}})
    earlier = {**rows[_line_of(STOCKTON) - 2], "overall_rating": "Good", "overall_score_pct": "75",
               "publication_date": "2024-03", "publication_date_precision": "month"}
    df = cqc.read_assessments(_write(tmp_path, [*rows, earlier])).set_index("code")
    assert len(df) == 153
    assert df.loc[STOCKTON, "rating"] == "Requires improvement" and df.loc[STOCKTON, "overall_pct"] == 50


# ---------------------------------------------------------------------------- join record and tables


def test_the_join_record_in_full(tmp_path: Path) -> None:
    """Two rated (one with a blank QS9), the rest not yet in our data, with their status."""
    rows = _rows({HARTLEPOOL: FULL,
                  MIDDLESBROUGH: {"overall_rating": "Good", "overall_score_pct": "70",
                                  "status": "published_rating_only"},
                  STOCKTON: {"overall_rating": "Good", **_scores(3, 3, 3, 3, 3, 3, 3, 3, 3)}})
    rows[_line_of(STOCKTON) - 2]["qs9_learning_improvement_innovation"] = ""
    rows[_line_of(STOCKTON) - 2]["overall_score_pct"] = "75"
    rows[_line_of(REDCAR) - 2]["status"] = "assessment_in_progress"
    df = cqc.read_assessments(_write(tmp_path, rows))
    join = cqc.assessments_join(df)
    names = codes.names()
    unrated = [c for c in names if c not in (HARTLEPOOL, MIDDLESBROUGH, STOCKTON)]
    expected = SourceJoin(
        "cqc_assessments",
        "CQC local authority assessments (rating, % score, 9 quality statements)",
        153,
        matched=[HARTLEPOOL, MIDDLESBROUGH, STOCKTON],
        missing=[{"code": c, "name": names[c],
                  "reason": "no rating in our data (status: "
                            f"{'assessment_in_progress' if c == REDCAR else 'not_found'})"}
                 for c in unrated],
        blank={**{q: [MIDDLESBROUGH] for q in framework.QS_COLUMNS[:8]}, "qs9": [MIDDLESBROUGH, STOCKTON]},
        columns=["rating", "overall_pct", *framework.QS_COLUMNS],
        text_findings=[],
    )  # fmt: skip
    assert join == expected


def test_markup_in_free_text_reaches_the_join_record(tmp_path: Path) -> None:
    rows = _rows({HARTLEPOOL: {**FULL, "notes": "see <b>this</b>"}})
    path = _write(tmp_path, rows)
    with pytest.warns(UserWarning):
        df = cqc.read_assessments(path)
    findings = cqc.assessments_join(df).text_findings
    assert [(f["file"], f["row"], f["column"]) for f in findings] == [(str(path), 2, "notes")]


def test_a_join_record_of_a_table_without_findings() -> None:
    """A table not made by read_assessments (no ``text_findings`` attribute) has none to report."""
    df = pd.DataFrame({"code": [HARTLEPOOL], "cqc_status": ["rated"], "assessment_status": ["x"],
                       **{q: [3.0] for q in framework.QS_COLUMNS}})  # fmt: skip
    join = cqc.assessments_join(df)
    assert join.text_findings == [] and join.matched == [HARTLEPOOL] and len(join.missing) == 0


def test_tables_reads_the_catalogued_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    (data / "cqc").mkdir(parents=True)
    shutil.copy(paths.repo_data_dir() / "cqc" / "la_reference_153.csv", data / "cqc")
    _write(data / "cqc", _rows({HARTLEPOOL: FULL}))
    monkeypatch.setenv("LAHELPERS_DATA", str(data))
    [(df, join)] = cqc.tables()
    assert len(df) == 153 and df.set_index("code").loc[HARTLEPOOL, "overall_pct"] == 89
    assert join.source_id == "cqc_assessments" and join.matched == [HARTLEPOOL]


# ---------------------------------------------------------------------------- pilots


PILOT_COLUMNS = ["ons_code", "la_name", "indicative_rating", *[f"qs{i}" for i in range(1, 10)],
                 "publication_date", "notes"]  # fmt: skip


def test_pilots_in_full(tmp_path: Path) -> None:
    """Birmingham's nine scores make 25 of 36 points, ceil(69.4) = 70%; Lincolnshire has none."""
    path = tmp_path / "pilots.csv"
    pd.DataFrame(
        [["E08000025", "Birmingham", "Good", 2, 3, 3, 3, 3, 2, 3, 3, 3, "2023-11-17", "x"],
         ["E10000019", "Lincolnshire", "Good", *[""] * 9, "2023-11-17", "y"]],
        columns=PILOT_COLUMNS,
    ).to_csv(path, index=False)  # fmt: skip
    df = cqc.read_pilots(path)
    assert list(df.columns) == ["code", "name", "rating", *[f"qs{i}" for i in range(1, 10)],
                                "overall_pct", "publication_date"]  # fmt: skip
    assert list(df["code"]) == ["E08000025", "E10000019"] and list(df["name"]) == ["Birmingham", "Lincolnshire"]
    assert df.loc[0, "overall_pct"] == 70.0 and math.isnan(df.loc[1, "overall_pct"])
    assert df.loc[0, [f"qs{i}" for i in range(1, 10)]].tolist() == [2, 3, 3, 3, 3, 2, 3, 3, 3]
    assert df["rating"].dtype == framework.RATING_DTYPE and list(df["rating"]) == ["Good", "Good"]
    assert str(df["overall_pct"].dtype) == "float64"
    assert df["publication_date"].dtype == "datetime64[ns]"
    assert list(df["publication_date"]) == [pd.Timestamp("2023-11-17")] * 2


def test_a_pilot_with_an_unknown_code(tmp_path: Path) -> None:
    path = tmp_path / "pilots.csv"
    pd.DataFrame(
        [["E08000025", "Birmingham", "Good", *[""] * 9, "2023-11-17", ""],
         ["E06999999", "Nowhere", "Good", *[""] * 9, "2023-11-17", ""]],
        columns=PILOT_COLUMNS,
    ).to_csv(path, index=False)  # fmt: skip
    with pytest.raises(InputError) as err:
        cqc.read_pilots(path)
    e = err.value
    assert (e.file, e.row, e.column) == (str(path), 3, "ons_code")
    assert e.problem == "unknown code ['E06999999']" and e.fix == "use an April 2023 ONS code"


def _pilots(tmp_path: Path, rows: list[list], columns: list[str] = PILOT_COLUMNS) -> Path:
    path = tmp_path / "pilots.csv"
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


def test_pilots_overall_pct_is_float_even_when_every_pilot_is_scored(tmp_path: Path) -> None:
    path = _pilots(tmp_path, [["E08000025", "Birmingham", "Good", *[3] * 9, "2023-11-17", ""]])
    df = cqc.read_pilots(path)
    assert df["overall_pct"].tolist() == [75.0] and str(df["overall_pct"].dtype) == "float64"


@pytest.mark.parametrize("date", ["17/11/2023", "2023/11/17", "11-17-2023"])
def test_a_pilot_date_not_written_yyyy_mm_dd_is_refused(tmp_path: Path, date: str) -> None:
    path = _pilots(tmp_path, [["E08000025", "Birmingham", "Good", *[""] * 9, date, ""]])
    with pytest.raises(ValueError):
        cqc.read_pilots(path)


def test_a_pilot_file_without_a_column(tmp_path: Path) -> None:
    path = _pilots(tmp_path, [["E08000025", "Birmingham", "Good", *[""] * 8, "2023-11-17", ""]],
                   [c for c in PILOT_COLUMNS if c != "qs9"])
    with pytest.raises(InputError) as err:
        cqc.read_pilots(path)
    assert (err.value.file, err.value.column) == (str(path), "qs9")


@pytest.mark.parametrize(
    ("column", "value"), [("ons_code", "<b>E08000025"), ("la_name", "Birmingham<script>")]
)
def test_a_pilot_code_or_name_not_shaped_like_the_reference_list(tmp_path: Path, column: str, value: str) -> None:
    row = dict(zip(PILOT_COLUMNS, ["E08000025", "Birmingham", "Good", *[""] * 9, "2023-11-17", ""], strict=True))
    row[column] = value
    path = _pilots(tmp_path, [list(row.values())])
    with pytest.raises(InputError) as err:
        cqc.read_pilots(path)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), 2, column)
    assert "does not have the shape of the reference list" in err.value.problem


def test_pilots_default_to_the_catalogued_file() -> None:
    """Without a path, the repository's data/cqc/la_pilot_assessments.csv (the five 2023 pilots)."""
    default = cqc.read_pilots()
    explicit = cqc.read_pilots(paths.repo_data_dir() / "cqc" / "la_pilot_assessments.csv")
    pd.testing.assert_frame_equal(default, explicit)
    assert len(default) == 5
