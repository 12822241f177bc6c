"""The schemas and the error they raise, on small tables written here (no mirror): which failures are
listed and in what order, the row counted from the header, the fix by column, the date checks, the
built tables' schemas, the plausible ranges and the rating exceptions file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from lahelpers import framework
from lahelpers.errors import InputError
from lahelpers.inputs import codes, validate
from lahelpers.sources import cqc

DEFAULT_FIX = "correct the value at the source or fetch the original file"
REGION_COUNTS_TEXT = (
    "{'North East': 12, 'North West': 24, 'Yorkshire and The Humber': 15, 'East Midlands': 10, "
    "'West Midlands': 14, 'East of England': 11, 'London': 33, 'South East': 19, 'South West': 15}"
)


def _error(schema: pa.DataFrameSchema, df: pd.DataFrame, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as err:
        validate.raise_for(schema, df, *args, **kwargs)
    return err.value


def _ge0() -> pa.DataFrameSchema:
    return pa.DataFrameSchema({"x": pa.Column(float, pa.Check.ge(0), coerce=True)})


# ---------------------------------------------------------------------------- raise_for


def test_a_valid_table_is_returned_coerced() -> None:
    out = validate.raise_for(_ge0(), pd.DataFrame({"x": [1, 2]}), "f.csv")
    assert out["x"].tolist() == [1.0, 2.0] and str(out["x"].dtype) == "float64"


def test_the_first_bad_row_is_named_with_its_line_and_the_columns_fix() -> None:
    df = pd.DataFrame({"x": [1.0, 2.0, -3.0, -4.0]})
    e = _error(_ge0(), df, "f.csv", {"x": "make it positive"})
    assert (e.file, e.row, e.column, e.fix) == ("f.csv", 4, "x", "make it positive")
    assert e.problem == ("row 4 column 'x': -3.0 fails greater_than_or_equal_to(0); "
                         "row 5 column 'x': -4.0 fails greater_than_or_equal_to(0)")  # fmt: skip


def test_header_lines_shift_the_row() -> None:
    e = _error(_ge0(), pd.DataFrame({"x": [-1.0]}), "f.xlsx", header_lines=3)
    assert e.row == 4 and e.problem == "row 4 column 'x': -1.0 fails greater_than_or_equal_to(0)"


def test_a_column_without_a_fix_gets_the_default() -> None:
    e = _error(_ge0(), pd.DataFrame({"x": [-1.0]}), "f.csv", {"y": "not this one"})
    assert e.fix == DEFAULT_FIX
    assert _error(_ge0(), pd.DataFrame({"x": [-1.0]}), "f.csv").fix == DEFAULT_FIX


def test_five_failures_are_listed_and_the_rest_counted() -> None:
    """Six bad values in two columns: the first five by row, then "(and 1 more)"."""
    schema = pa.DataFrameSchema({"a": pa.Column(int, pa.Check.ge(0)), "b": pa.Column(int, pa.Check.ge(0))})
    df = pd.DataFrame({"a": [0, -1, 0, -2, -3], "b": [-5, 0, -6, -7, 0]})
    e = _error(schema, df, "f.csv")
    assert e.problem == (
        "row 2 column 'b': -5 fails greater_than_or_equal_to(0); "
        "row 3 column 'a': -1 fails greater_than_or_equal_to(0); "
        "row 4 column 'b': -6 fails greater_than_or_equal_to(0); "
        "row 5 column 'a': -2 fails greater_than_or_equal_to(0); "
        "row 5 column 'b': -7 fails greater_than_or_equal_to(0) (and 1 more)"
    )
    assert (e.row, e.column) == (2, "b")


def test_exactly_five_failures_are_not_followed_by_more() -> None:
    e = _error(_ge0(), pd.DataFrame({"x": [-1.0] * 5}), "f.csv")
    assert e.problem.count("fails") == 5 and "more" not in e.problem


def test_a_table_level_failure_has_no_row_and_comes_last() -> None:
    schema = pa.DataFrameSchema({"x": pa.Column(float, pa.Check.ge(0))},
                                checks=[pa.Check(lambda d: len(d) == 3, error="exactly 3 rows")])  # fmt: skip
    e = _error(schema, pd.DataFrame({"x": [1.0]}), "f.csv")
    assert (e.row, e.column) == (None, None)
    assert e.problem.startswith("table column ") and e.problem.endswith("fails exactly 3 rows")
    e = _error(schema, pd.DataFrame({"x": [1.0, -1.0]}), "f.csv")
    assert (e.row, e.column) == (3, "x")
    assert e.problem.startswith("row 3 column 'x': -1.0 fails greater_than_or_equal_to(0); table column ")


def test_a_value_that_cannot_be_coerced_is_named_without_the_checks_python_errors() -> None:
    """'x' in a score column: its row is named; the table-level TypeError/ValueError of the range
    and whole-number checks that could not run are left out."""
    df = _cqc(qs1_assessing_needs=["x", "3"])
    e = _error(validate.cqc_input_schema(), df, "f.csv", validate.CQC_FIXES)
    assert (e.row, e.column) == (2, "qs1_assessing_needs")
    assert e.problem == ("row 2 column 'qs1_assessing_needs': 'x' fails coerce_dtype('float64'); "
                         "row 2 column 'qs1_assessing_needs': 'x' fails dtype('float64')")  # fmt: skip
    assert e.fix == "quality statement scores are whole numbers 1 to 4; leave blank if unknown"


def test_python_errors_are_kept_when_they_are_all_there_is() -> None:
    schema = pa.DataFrameSchema({"x": pa.Column(checks=pa.Check(lambda s: s > 0, error="positive"))})
    e = _error(schema, pd.DataFrame({"x": ["a", "b"]}), "f.csv")
    assert e.problem.startswith("table column 'x': ") and "TypeError(" in e.problem
    assert (e.row, e.column) == (None, "x")


# ---------------------------------------------------------------------------- the CQC input schema


def _cqc(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    df = pd.DataFrame({c: [None] * n for c in cqc.REQUIRED})
    df["ons_code"] = sorted(codes.reference_codes())[:n]
    for c, v in columns.items():
        df[c] = v
    return df


@pytest.mark.parametrize("value", ["1", "4", "3.0", None])
def test_scores_1_to_4_whole_or_blank_pass(value: str | None) -> None:
    validate.raise_for(validate.cqc_input_schema(), _cqc(qs5_partnerships_communities=[value]), "f.csv")


@pytest.mark.parametrize(("value", "check"), [("0", "in_range(1, 4)"), ("5", "in_range(1, 4)"),
                                              ("2.5", "whole number"), ("3.9", "whole number")])  # fmt: skip
def test_scores_outside_1_to_4_or_not_whole_fail(value: str, check: str) -> None:
    e = _error(validate.cqc_input_schema(), _cqc(qs5_partnerships_communities=["2", value]), "f.csv")
    assert e.problem == f"row 3 column 'qs5_partnerships_communities': {float(value)} fails {check}"


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [("ons_code", "E06999999", "known April 2023 code"),
     ("overall_rating", "Great", "isin(('Inadequate', 'Requires improvement', 'Good', 'Outstanding'))"),
     ("overall_score_pct", "24", "in_range(25, 100)"), ("overall_score_pct", "101", "in_range(25, 100)"),
     ("publication_date", "2025/01", "date YYYY, YYYY-MM or YYYY-MM-DD"),
     ("publication_date", "2025-1", "date YYYY, YYYY-MM or YYYY-MM-DD"),
     ("publication_date", "2099-01", "not in the future"),
     ("publication_date_precision", "week", "isin(['day', 'month', 'year'])")],
)  # fmt: skip
def test_each_cqc_column_check(column: str, value: str, check: str) -> None:
    df = _cqc(**{column: [None, value]})
    if column == "ons_code":
        df["ons_code"] = ["E06000001", value]
    e = _error(validate.cqc_input_schema(), df, "f.csv", validate.CQC_FIXES)
    shown = repr(float(value)) if column == "overall_score_pct" else repr(value)
    assert e.problem == f"row 3 column '{column}': {shown} fails {check}"
    assert (e.row, e.column, e.fix) == (3, column, validate.CQC_FIXES[column])


def test_a_repeated_code_fails_the_input_schema() -> None:
    e = _error(validate.cqc_input_schema(), _cqc(ons_code=["E06000001", "E06000001"]), "f.csv")
    assert (e.row, e.column) == (2, "ons_code") and "fails field_uniqueness" in e.problem


def test_a_blank_code_fails_the_input_schema() -> None:
    e = _error(validate.cqc_input_schema(), _cqc(ons_code=["E06000001", None]), "f.csv")
    assert (e.row, e.column) == (3, "ons_code") and "not_nullable" in e.problem


@pytest.mark.parametrize(("value", "ok"), [(3, True), (3.0, True), (-2.0, True), (2.5, False), (0.1, False)])
def test_is_whole(value: float, ok: bool) -> None:
    assert validate._is_whole(value) is ok


def test_not_in_future_at_each_precision() -> None:
    """Today, this month and this year are not the future; tomorrow, next month, next year are.
    Text that is not a date passes (the pattern check reports it)."""
    today = datetime.now(UTC).date()
    tomorrow = today + timedelta(days=1)
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    ok = [today.isoformat(), today.isoformat()[:7], str(today.year), "2024-02-29", "1999",
          "not a date", "2099/01/01"]  # fmt: skip
    bad = [tomorrow.isoformat(), next_month.isoformat()[:7], str(today.year + 1), "2099"]
    assert [validate._not_in_future(v) for v in ok] == [True] * len(ok)
    assert [validate._not_in_future(v) for v in bad] == [False] * len(bad)


# ---------------------------------------------------------------------------- built tables


def _authorities() -> pd.DataFrame:
    """A valid built authorities table: the 153 of the reference list, all rated 50% on 2s."""
    df = codes.reference()[["code", "name", "region"]].copy()
    df["cqc_status"] = "rated"
    df["overall_pct"] = 50.0
    for q in framework.QS_COLUMNS:
        df[q] = 2.0
    for t in framework.THEMES:
        df[t] = 2.0
    df["publication_date"] = pd.Timestamp("2024-01-01")
    return df


def test_a_valid_authorities_table_passes() -> None:
    out = validate.raise_for(validate.authorities_schema(), _authorities(), "a.csv")
    assert len(out) == 153


def test_authorities_with_wrong_region_counts_fail() -> None:
    df = _authorities()
    df.loc[0, "region"] = "London"  # a North East authority moved: 11 and 34
    e = _error(validate.authorities_schema(), df, "a.csv")
    assert (e.row, e.column) == (None, "region")
    assert e.problem == f"table column 'region': False fails region counts {REGION_COUNTS_TEXT}"


def test_authorities_table_of_152_fails() -> None:
    e = _error(validate.authorities_schema(), _authorities().iloc[1:], "a.csv")
    assert "fails exactly 153 authorities" in e.problem and (e.row, e.column) == (None, None)


@pytest.mark.parametrize(
    ("column", "value", "check"),
    [("code", "E06999999", "isin"), ("region", "Wales", "isin"), ("cqc_status", "pending", "isin"),
     ("overall_pct", 24.0, "in_range(25, 100)"), ("overall_pct", 101.0, "in_range(25, 100)"),
     ("qs3", 2.5, "whole number"), ("qs3", 5.0, "in_range(1, 4)"),
     ("theme_people", 4.5, "in_range(1, 4)"), ("theme_people", 0.5, "in_range(1, 4)")],
)  # fmt: skip
def test_each_authorities_column_check(column: str, value: object, check: str) -> None:
    df = _authorities()
    df.loc[10, column] = value
    e = _error(validate.authorities_schema(), df, "a.csv")
    assert (e.row, e.column) == (12, column)
    assert e.problem.startswith(f"row 12 column '{column}': {value!r} fails {check}")


def test_authorities_may_have_blank_scores_and_themes() -> None:
    df = _authorities()
    df.loc[3, ["overall_pct", *framework.QS_COLUMNS, *framework.THEMES]] = None
    df.loc[3, "publication_date"] = pd.NaT
    validate.raise_for(validate.authorities_schema(), df, "a.csv")


def _context(**values: list) -> pd.DataFrame:
    df = pd.DataFrame({"code": sorted(codes.reference_codes())})
    for c, v in values.items():
        df[c] = v + [1.0] * (153 - len(v))
    return df


def test_context_schema_checks_by_unit() -> None:
    """% 0-100, other numbers at least 0, categories and text not checked; 0 and 100 pass."""
    units = {"share": "%", "count": "people", "kind": "category", "about": "text"}
    df = _context(share=[0.0, 100.0], count=[0.0], kind=["-1"], about=["-5"])
    validate.raise_for(validate.context_schema(list(units), units), df, "context")
    df = _context(share=[0.0, 100.5], count=[-0.5])
    e = _error(validate.context_schema(["share", "count"], units), df, "context")
    assert e.problem == ("row 2 column 'count': -0.5 fails greater_than_or_equal_to(0); "
                         "row 3 column 'share': 100.5 fails in_range(0, 100)")  # fmt: skip
    e = _error(validate.context_schema(["share"], units), _context(share=[-0.1]), "context")
    assert e.problem == "row 2 column 'share': -0.1 fails in_range(0, 100)"
    e = _error(validate.context_schema(["x"], {}), _context(x=[-1.0]), "context")
    assert e.problem == "row 2 column 'x': -1.0 fails greater_than_or_equal_to(0)"


def test_context_schema_needs_153_unique_codes() -> None:
    df = _context(x=[1.0])
    assert "fails exactly 153 authorities" in _error(validate.context_schema(["x"], {}), df.iloc[:-1], "c").problem
    df.loc[1, "code"] = df.loc[0, "code"]
    e = _error(validate.context_schema(["x"], {}), df, "c")
    assert (e.row, e.column) == (2, "code") and "field_uniqueness" in e.problem


def test_context_may_be_blank() -> None:
    df = _context(x=[None, None])
    validate.raise_for(validate.context_schema(["x"], {"x": "%"}), df, "c")
    validate.raise_for(validate.context_schema(["x"], {}), df, "c")


# ---------------------------------------------------------------------------- plausible ranges


def test_check_ranges_names_the_first_value_outside_its_range() -> None:
    values = pd.DataFrame({"rate": [5.0, 0.0, 100.0, 150.0, -1.0], "other": [1e9] * 5},
                          index=["a", "b", "c", "d", "e"])  # fmt: skip
    with pytest.raises(InputError) as err:
        validate.check_ranges(values, "f.csv", {"rate": (0, 100), "absent": (0, 1)})
    e = err.value
    assert (e.file, e.row, e.column) == ("f.csv", None, "rate")
    assert e.problem == "rate = 150.0 for d is outside the plausible range 0-100"
    assert e.fix == "check the source's units (percent vs proportion) and restore the original file"


def test_check_ranges_accepts_the_edges_and_blanks() -> None:
    values = pd.DataFrame({"rate": [0.0, 100.0, None]})
    assert validate.check_ranges(values, "f.csv", {"rate": (0, 100)}) is None


def test_check_ranges_checks_every_column() -> None:
    values = pd.DataFrame({"a": [1.0], "b": [0.5]}, index=["x"])
    with pytest.raises(InputError, match=r"b = 0.5 for x is outside the plausible range 1-2"):
        validate.check_ranges(values, "f.csv", {"a": (0, 10), "b": (1, 2)})


# ---------------------------------------------------------------------------- rating exceptions


def _exceptions_error(tmp_path: Path, text: str | bytes) -> InputError:
    path = tmp_path / "rating_exceptions.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(InputError) as err:
        validate.rating_exceptions(path)
    assert err.value.file == str(path) and err.value.fix == validate.RATING_EXCEPTIONS_FIX
    return err.value


def test_rating_exceptions_errors_in_full(tmp_path: Path) -> None:
    e = _exceptions_error(tmp_path, "exceptions:\n  E09000007: ok\n  E06000001: [unclosed\n")
    assert e.row == 4 and e.column is None
    assert e.problem == "not valid YAML: expected ',' or ']', but got '<stream end>'"
    e = _exceptions_error(tmp_path, b"exceptions:\n  E09000007: a\x07b\n")  # a reader error: no mark, no problem
    assert (e.problem, e.row) == ("not valid YAML: character #x0007 is not allowed "
                                  "(special characters are not allowed)", 2)
    # the line is counted from the start of the file (a blank first line), not from the character on
    e = _exceptions_error(tmp_path, b"\nexceptions:\n  E09000007: a\x01b\n  E06000001: c\n  E06000002: d\n  E06000003: e\n")
    assert (e.problem, e.row) == ("not valid YAML: character #x0001 is not allowed "
                                  "(special characters are not allowed)", 3)
    e = _exceptions_error(tmp_path, b"exceptions:\n  E09000007: caf\xe9\n")
    assert (e.problem, e.row) == ("not UTF-8 text", None)
    e = _exceptions_error(tmp_path, "exceptions: a string\n")
    assert e.problem == "expected a mapping under 'exceptions:', found str"
    e = _exceptions_error(tmp_path, "just text\n")
    assert e.problem == "expected a mapping under 'exceptions:', found str"
    e = _exceptions_error(tmp_path, "exceptions:\n  E09000007:\n")
    assert (e.problem, e.column) == ("entry 'E09000007' has no reason", "E09000007")
    e = _exceptions_error(tmp_path, "exceptions:\n  E09000007: '   '\n")
    assert e.problem == "entry 'E09000007' has no reason"
    e = _exceptions_error(tmp_path, "exceptions:\n  E09000007: fine\n  E99999999: why\n")
    assert (e.problem, e.column) == ("entry 'E99999999' is not an April 2023 code", "E99999999")


def test_rating_exceptions_values(tmp_path: Path) -> None:
    path = tmp_path / "rating_exceptions.yaml"
    assert validate.rating_exceptions(path) == {}  # no file
    path.write_text("")
    assert validate.rating_exceptions(path) == {}
    path.write_text("exceptions:\n")
    assert validate.rating_exceptions(path) == {}
    path.write_text("exceptions:\n  E09000007: '  published this way  '\n  E06000001: 2024\n")
    assert validate.rating_exceptions(path) == {"E09000007": "published this way", "E06000001": "2024"}


def test_the_rating_exceptions_file_is_found_under_the_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "rating_exceptions.yaml").write_text("exceptions:\n  E09000007: why\n")
    monkeypatch.setenv("LAHELPERS_ROOT", str(tmp_path))
    assert validate.rating_exceptions() == {"E09000007": "why"}


# ---------------------------------------------------------------------------- built tables: types and repeats


def test_authorities_not_yet_in_our_data_pass() -> None:
    df = _authorities()
    df.loc[4, "cqc_status"] = "not yet in our data"
    validate.raise_for(validate.authorities_schema(), df, "a.csv")


def test_a_repeated_authority_fails_even_with_153_rows_and_the_right_regions() -> None:
    df = _authorities()
    df.loc[1, "code"] = df.loc[0, "code"]  # Hartlepool twice, Middlesbrough gone; both North East
    e = _error(validate.authorities_schema(), df, "a.csv")
    assert (e.row, e.column) == (2, "code") and "field_uniqueness" in e.problem


def test_a_publication_date_written_as_text_is_coerced() -> None:
    df = _authorities()
    df["publication_date"] = "2024-01-01"
    out = validate.raise_for(validate.authorities_schema(), df, "a.csv")
    assert str(out["publication_date"].dtype) == "datetime64[ns]"
    df.loc[2, "publication_date"] = "not a date"
    assert _error(validate.authorities_schema(), df, "a.csv").column == "publication_date"


@pytest.mark.parametrize(
    ("column", "values"),
    [("code", lambda s: s.astype("category")), ("name", lambda s: pd.Series(range(153))),
     ("cqc_status", lambda s: s.astype("category")), ("overall_pct", lambda s: s.astype(str)),
     ("theme_people", lambda s: s.astype(str))],
)  # fmt: skip
def test_authorities_columns_of_the_wrong_type_fail(column: str, values) -> None:
    df = _authorities()
    df[column] = values(df[column])
    e = _error(validate.authorities_schema(), df, "a.csv")
    assert e.column == column and "dtype" in e.problem


def test_context_whole_numbers_are_coerced_to_float() -> None:
    df = _context(share=[1.0], count=[1.0])
    df["share"], df["count"] = 50, 7
    out = validate.raise_for(validate.context_schema(["share", "count"], {"share": "%"}), df, "c")
    assert str(out["share"].dtype) == str(out["count"].dtype) == "float64"


def test_context_columns_after_a_category_are_still_checked() -> None:
    units = {"kind": "category", "share": "%", "about": "text", "count": "people"}
    e = _error(validate.context_schema(["kind", "share"], units), _context(kind=["a"], share=[101.0]), "c")
    assert e.problem == "row 2 column 'share': 101.0 fails in_range(0, 100)"
    e = _error(validate.context_schema(["about", "count"], units), _context(about=["a"], count=[-1.0]), "c")
    assert e.problem == "row 2 column 'count': -1.0 fails greater_than_or_equal_to(0)"


def test_context_types_are_checked() -> None:
    df = _context(x=[1.0])
    df["code"] = pd.Series(range(153))
    assert _error(validate.context_schema(["x"], {}), df, "c").column == "code"
    df = _context(x=[1.0])
    df["x"] = "one"
    assert _error(validate.context_schema(["x"], {"x": "%"}), df, "c").column == "x"


def test_check_ranges_after_a_column_not_in_the_table() -> None:
    values = pd.DataFrame({"rate": [150.0]}, index=["d"])
    with pytest.raises(InputError, match=r"rate = 150.0 for d is outside the plausible range 0-100"):
        validate.check_ranges(values, "f.csv", {"absent": (0, 1), "rate": (0, 100)})


def test_the_built_authorities_table_may_carry_other_columns() -> None:
    """The schema checks the CQC part; the table also holds rating, labels, flags and notes."""
    df = _authorities().assign(rating_label="Good", rating_flag="", notes="a note")
    assert list(validate.raise_for(validate.authorities_schema(), df, "a.csv").columns)[-3:] == [
        "rating_label", "rating_flag", "notes"]  # fmt: skip
