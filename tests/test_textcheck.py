"""Input text checks (lahelpers.inputs.textcheck), on their own: shape, control characters, markup.

Each rule is tested on small tables and on variants of the real CQC files: names and codes that do
not have the reference list's shape fail the build with file, row and column; control characters
fail in any source; markup in free text is reported (join report, warning) but not refused.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, codes, rawio, textcheck
from lahelpers.sources import cqc

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    "<img src=x onerror=\"document.title='XSS'\">",
    "[click](javascript:alert(1))",
    "&lt;b&gt;",
    "data:text/html;base64,PHNjcmlwdD4=",
]


def _frame(**cols) -> pd.DataFrame:
    return pd.DataFrame(cols, dtype=object)


@pytest.mark.parametrize("name", ["Hartlepool", "St. Helens", "Bristol, City of", "Stockton-on-Tees",
                                  "Bournemouth, Christchurch and Poole", "King's Lynn"])
def test_reference_shaped_names_pass(name: str) -> None:
    textcheck.check_names(_frame(la_name=[name]), "f.csv", ["la_name"])


@pytest.mark.parametrize("name", [*PAYLOADS, "Hartlepool<b>", "", " Hartlepool", "Hartlepool\u202e"])
def test_names_not_shaped_like_the_reference_fail_with_row_and_column(name: str) -> None:
    df = _frame(la_name=["Hartlepool", name])
    with pytest.raises(InputError) as err:
        textcheck.check_names(df, "f.csv", ["la_name"])
    assert (err.value.file, err.value.row, err.value.column) == ("f.csv", 3, "la_name")
    assert "reference" in err.value.fix


@pytest.mark.parametrize("code", ["E6000001", "E07000001", "<b>E06000001", "E06000001 ", "e06000001"])
def test_codes_not_shaped_like_the_reference_fail(code: str) -> None:
    with pytest.raises(InputError) as err:
        textcheck.check_codes(_frame(ons_code=["E06000001", code]), "f.csv", ["ons_code"])
    assert (err.value.row, err.value.column) == (3, "ons_code")


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u202e", "\u200b", "\ufeff"])
def test_control_characters_fail_in_any_text_column(char: str) -> None:
    df = _frame(a=["ok", "ok"], notes=["fine", f"bad{char}text"])
    with pytest.raises(InputError) as err:
        textcheck.check_controls(df, "f.csv")
    assert (err.value.row, err.value.column) == (3, "notes")
    assert f"U+{ord(char):04X}" in str(err.value)


def test_tabs_and_line_breaks_are_allowed() -> None:
    textcheck.check_controls(_frame(notes=["line one\nline two\r\n\tindented"]), "f.csv")


def test_markup_is_reported_with_file_row_and_column_not_refused() -> None:
    df = _frame(notes=["plain", *PAYLOADS, "fewer than 5 (<5) people", "a & b"])
    found = textcheck.markup_findings(df, "f.csv")
    assert [(f.row, f.column) for f in found] == [(r, "notes") for r in range(3, 3 + len(PAYLOADS))]
    assert all(f.file == "f.csv" for f in found)


def test_check_text_warns_for_each_finding_and_returns_them() -> None:
    df = _frame(ons_code=["E06000001"], la_name=["Hartlepool"], notes=[PAYLOADS[0]], source=[PAYLOADS[1]])
    with pytest.warns(textcheck.MarkupWarning) as record:
        found = textcheck.check_text(df, "f.csv", codes=["ons_code"], names=["la_name"])
    assert {f.column for f in found} == {"notes", "source"} and len(record) == 2


def test_link_findings_refuse_anything_but_https() -> None:
    df = _frame(report_url=["https://www.cqc.org.uk/x", "javascript:alert(1)", "http://a.b/", "data:x"])
    found = textcheck.link_findings(df, "f.csv", ["report_url"])
    assert [f.row for f in found] == [3, 4, 5]


def test_read_csv_refuses_control_characters_in_any_source(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("code,name\nE06000001,Hart\x1bpool\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        rawio.read_csv(path, dtype=str)
    assert (err.value.row, err.value.column) == (2, "name")


# ---------------------------------------------------------------------------- the real CQC files


def _variant(real: Path, tmp: Path, edit) -> Path:
    """A copy of a real CQC file with one edit applied."""
    df = pd.read_csv(real, dtype=str, keep_default_na=False)
    out = tmp / real.name
    edit(df).to_csv(out, index=False)
    return out


def test_assessments_with_markup_in_a_name_fail_the_build(raw_inputs: Path, tmp_path: Path) -> None:
    real = catalogue.raw_path("cqc_assessments")

    def edit(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[df["la_name"] == "Hartlepool", "la_name"] = "Hartlepool" + PAYLOADS[1]
        return df

    path = _variant(real, tmp_path, edit)
    row = int(pd.read_csv(path, dtype=str).index[pd.read_csv(path, dtype=str)["ons_code"] == "E06000001"][0]) + 2
    with pytest.raises(InputError) as err:
        cqc.read_assessments(path)
    assert (err.value.file, err.value.row, err.value.column) == (str(path), row, "la_name")


def test_assessments_with_markup_in_free_text_are_reported_in_the_join(raw_inputs: Path, tmp_path: Path) -> None:
    real = catalogue.raw_path("cqc_assessments")
    columns = ["notes", "source", "source_detail", "rating_source", "score_basis", "report_url"]

    def edit(df: pd.DataFrame) -> pd.DataFrame:
        for col in columns:
            df.loc[df["ons_code"] == "E06000001", col] = f"{col} {PAYLOADS[0]}"
        return df

    path = _variant(real, tmp_path, edit)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", textcheck.MarkupWarning)
        df = cqc.read_assessments(path)
    join = cqc.assessments_join(df)
    mine = [f for f in join.text_findings if f["row"] == 2 + int(df.index[df["code"] == "E06000001"][0])]
    assert {f["column"] for f in mine} == set(columns)
    assert all(f["file"] == str(path) for f in mine)
    assert "report_url" in {f["column"] for f in mine if "https" in f["problem"]}


def test_reference_list_refuses_markup_anywhere(raw_inputs: Path, tmp_path: Path) -> None:
    real = catalogue.raw_path("cqc_reference")
    for column in ["la_name", "code_note", "la_type"]:
        def edit(df: pd.DataFrame, column: str = column) -> pd.DataFrame:
            df.loc[df["ons_code"] == "E06000001", column] = PAYLOADS[0]
            return df

        path = _variant(real, tmp_path, edit)
        df = rawio.read_csv(path, dtype=str)
        with pytest.raises(InputError) as err:
            textcheck.check_reference(df, path)
        assert (err.value.row, err.value.column) == (2, column)
    codes.reference.cache_clear()  # nothing cached from the variants


def test_real_reference_list_passes(raw_inputs: Path) -> None:
    df = rawio.read_csv(catalogue.raw_path("cqc_reference"), dtype=str)
    textcheck.check_reference(df, catalogue.raw_path("cqc_reference"))
