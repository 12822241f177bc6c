"""CQC assessments: the % rule, theme means, and every bad-input case with its message."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lahelpers import framework
from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, rawio
from lahelpers.sources import cqc


@pytest.fixture
def real_csv(raw_inputs: Path) -> Path:
    return catalogue.raw_path("cqc_assessments")


def _write_variant(real: Path, tmp: Path, edit) -> Path:
    """Copy the real assessments file with one edit applied to its DataFrame."""
    df = pd.read_csv(real, dtype=str, keep_default_na=False)
    df = edit(df)
    out = tmp / "la_assessments.csv"
    df.to_csv(out, index=False)
    return out


def _row_of(df: pd.DataFrame, name: str) -> int:
    return int(df.index[df["la_name"] == name][0])


def _check(err: pytest.ExceptionInfo[InputError], file: Path, row: int | None, column: str | None,
           fix: str) -> None:
    """The error names the file, the row and the column, and says how to fix it."""
    e = err.value
    assert e.file == str(file)
    assert (e.row, e.column) == (row, column)
    assert fix in e.fix and e.fix.strip()
    assert str(file) in str(e) and "Fix:" in str(e)


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([3, 3, 4, 3, 4, 4, 3, 4, 4], 89),  # Camden
        ([2, 2, 2, 2, 2, 2, 2, 2, 2], 50),
        ([2, 2, 2, 2, 2, 2, 2, 3, 3], 56),  # 20/36 = 55.6 -> 56
        ([2, 2, 2, 2, 2, 2, 3, 3, 3], 59),  # 21/36 = 58.3 -> 59 (rounding would give 58)
        ([4] * 9, 100),
        ([1] * 9, 25),
        ([1, 1, 1, 1, 2, 1, 1, 1, 1], 28),  # East Riding of Yorkshire
    ],
)
def test_overall_pct_is_ceiling(scores: list[int], expected: int) -> None:
    assert framework.overall_pct(scores) == expected


def test_overall_pct_none_when_incomplete() -> None:
    assert framework.overall_pct([3, 3, None, 3, 3, 3, 3, 3, 3]) is None


@pytest.mark.parametrize(
    ("pct", "band"),
    [
        (25, "Inadequate"),
        (38, "Inadequate"),
        (39, "Requires improvement"),
        (62, "Requires improvement"),
        (63, "Good"),
        (87, "Good"),
        (88, "Outstanding"),
    ],
)
def test_bands(pct: int, band: str) -> None:
    assert framework.band_of(pct) == band


def test_theme_means() -> None:
    row = dict(zip(framework.QS_COLUMNS, [1, 2, 3, 4, 4, 2, 2, 3, None], strict=True))
    means = framework.theme_means(row)
    assert means["theme_people"] == 2 and means["theme_support"] == 4 and means["theme_safety"] == 2
    assert means["theme_leadership"] is None


def test_real_file_counts(real_csv: Path) -> None:
    """Counts stated in cqc/PROVENANCE.md (update of 22 November 2026), plus York's nine scores."""
    df = cqc.read_assessments(real_csv)
    assert len(df) == 153
    assert df["rating"].value_counts().to_dict() == {
        "Good": 64,
        "Requires improvement": 47,
        "Inadequate": 3,
        "Outstanding": 3,
    }
    assert (df[list(framework.QS_COLUMNS)].notna().all(axis=1)).sum() == 80  # 79 + York
    assert (df["cqc_status"] == "rated").sum() == 117
    assert (df["rating_basis"] == "unverified keyword scrape").sum() == 20
    camden = df.set_index("code").loc["E09000007"]
    assert camden["overall_pct"] == 89 and camden["rating"] == "Outstanding"


def test_rating_band_consistency_in_real_data(real_csv: Path) -> None:
    df = cqc.read_assessments(real_csv)
    known = df.dropna(subset=["overall_pct", "rating"])
    assert len(known) > 80
    assert all(
        framework.band_of(p) == r
        for p, r in zip(known["overall_pct"], known["rating"], strict=True)
    )


# ---- bad input: each case asserts its message names the file, row/column and a fix ----


def test_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "la_assessments.csv"
    with pytest.raises(
        InputError, match=r"la_assessments.csv: file not found\. Fix: run `lahelpers data fetch"
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, None, None, "lahelpers data fetch")


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "la_assessments.csv"
    p.write_bytes(b"")
    with pytest.raises(InputError, match=r"file is empty \(0 bytes\)") as err:
        cqc.read_assessments(p)
    _check(err, p, None, None, "lahelpers data fetch")


def test_header_only(tmp_path: Path, real_csv: Path) -> None:
    p = tmp_path / "la_assessments.csv"
    p.write_text(real_csv.read_text().splitlines()[0] + "\n")
    with pytest.raises(InputError, match="header but no data rows") as err:
        cqc.read_assessments(p)
    _check(err, p, None, None, "lahelpers data fetch")


def test_non_utf8(tmp_path: Path, real_csv: Path) -> None:
    lines = real_csv.read_bytes().split(b"\n")
    lines[3] = lines[3].replace(b"Barnsley", b"Barnsl\xe9y")
    p = tmp_path / "la_assessments.csv"
    p.write_bytes(b"\n".join(lines))
    with pytest.raises(
        InputError,
        match=r"row 4: text is not valid utf-8-sig \(byte 0xe9.*re-save the file as UTF-8",
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, 4, None, "re-save the file as UTF-8")


def test_missing_column(tmp_path: Path, real_csv: Path) -> None:
    p = _write_variant(real_csv, tmp_path, lambda d: d.drop(columns=["qs7_safeguarding"]))
    with pytest.raises(
        InputError, match=r"column 'qs7_safeguarding': missing column\(s\) \['qs7_safeguarding'\]"
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, None, "qs7_safeguarding", "")


def test_unknown_code(tmp_path: Path, real_csv: Path) -> None:
    def edit(d):
        d.loc[5, "ons_code"] = "E06999999"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    with pytest.raises(
        InputError,
        match=r"row 7, column 'ons_code': .*'E06999999' fails known April 2023 code.*Fix: use the authority's April 2023 ONS code",
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, 7, "ons_code", "April 2023 ONS code")


def test_duplicate_code(tmp_path: Path, real_csv: Path) -> None:
    """Two rows of one code are two assessments (history); the authority they displaced is missing."""
    lost = pd.read_csv(real_csv, dtype=str).loc[10, "ons_code"]

    def edit(d):
        d.loc[10, "ons_code"] = d.loc[9, "ons_code"]
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    with pytest.raises(
        InputError, match=rf"column 'ons_code': no row for 1 of the 153 authorities: \['{lost}'\]"
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, None, "ons_code", "one row per authority")


def test_score_of_five(tmp_path: Path, real_csv: Path) -> None:
    def edit(d):
        d.loc[_row_of(d, "Camden"), "qs3_equity_experience_outcomes"] = "5"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    df = pd.read_csv(p)
    row = _row_of(df, "Camden") + 2
    with pytest.raises(
        InputError,
        match=rf"row {row}, column 'qs3_equity_experience_outcomes': .*5.*whole numbers 1 to 4",
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, row, "qs3_equity_experience_outcomes", "whole numbers 1 to 4")


def test_rating_outside_band(tmp_path: Path, real_csv: Path) -> None:
    def edit(d):
        d.loc[_row_of(d, "Camden"), "overall_rating"] = "Requires improvement"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    row = _row_of(pd.read_csv(p), "Camden") + 2
    with pytest.raises(
        InputError,
        match=rf"row {row}, column 'overall_rating': rating 'Requires improvement' is outside its band: 89% is 'Outstanding'.*rating_exceptions.yaml",
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, row, "overall_rating", "data/rating_exceptions.yaml")


def test_recorded_exception_is_flagged(
    tmp_path: Path, real_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def edit(d):
        d.loc[_row_of(d, "Camden"), "overall_rating"] = "Good"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    monkeypatch.setattr(
        cqc.validate, "rating_exceptions", lambda: {"E09000007": "published this way by CQC"}
    )
    df = cqc.read_assessments(p).set_index("code")
    assert "outside its % band" in df.loc["E09000007", "rating_flag"]
    assert (df.drop(index="E09000007")["rating_flag"] == "").all()


def test_unparseable_date(tmp_path: Path, real_csv: Path) -> None:
    def edit(d):
        d.loc[_row_of(d, "Camden"), "publication_date"] = "Feb 2025"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    row = _row_of(pd.read_csv(p), "Camden") + 2
    with pytest.raises(
        InputError,
        match=rf"row {row}, column 'publication_date': .*'Feb 2025'.*write the date as YYYY-MM-DD",
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, row, "publication_date", "YYYY-MM-DD")


def test_impossible_date(tmp_path: Path, real_csv: Path) -> None:
    def edit(d):
        i = _row_of(d, "Camden")
        d.loc[i, "publication_date"], d.loc[i, "publication_date_precision"] = "2025-02-30", "day"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    row = _row_of(pd.read_csv(p), "Camden") + 2
    with pytest.raises(InputError, match=r"publication date '2025-02-30' cannot be parsed") as err:
        cqc.read_assessments(p)
    _check(err, p, row, "publication_date", "YYYY-MM-DD")


def test_stated_pct_disagreeing_with_scores(tmp_path: Path, real_csv: Path) -> None:
    def edit(d):
        d.loc[_row_of(d, "Camden"), "overall_score_pct"] = "80"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    row = _row_of(pd.read_csv(p), "Camden") + 2
    with pytest.raises(
        InputError, match=r"stated overall % 80 disagrees with CQC's rule .* = 89"
    ) as err:
        cqc.read_assessments(p)
    _check(err, p, row, "overall_score_pct", "CQC report")


def test_missing_authority_row(tmp_path: Path, real_csv: Path) -> None:
    p = _write_variant(real_csv, tmp_path, lambda d: d.drop(index=3))
    with pytest.raises(InputError, match=r"no row for 1 of the 153 authorities") as err:
        cqc.read_assessments(p)
    _check(err, p, None, "ons_code", "one row per authority")


def test_rawio_bad_sheet(tmp_path: Path) -> None:
    p = tmp_path / "book.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(p, sheet_name="one", index=False)
    with pytest.raises(InputError, match=r"sheet 'two' not found; sheets are \['one'\]"):
        rawio.read_excel(p, "two")


def test_half_score_fails_validation(tmp_path: Path, real_csv: Path) -> None:
    """2.5 is not a score CQC gives; it must not be truncated into the overall %."""

    def edit(d):
        d.loc[_row_of(d, "Camden"), "qs1_assessing_needs"] = "2.5"
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    row = _row_of(pd.read_csv(p), "Camden") + 2
    with pytest.raises(
        InputError,
        match=rf"row {row}, column 'qs1_assessing_needs': .*2.5 fails whole number.*whole numbers 1 to 4",
    ):
        cqc.read_assessments(p)


@pytest.mark.parametrize(("date", "precision"), [("2099-01-01", "day"), ("2099-03", "month"), ("2099", "year")])
def test_future_publication_date_fails(
    tmp_path: Path, real_csv: Path, date: str, precision: str
) -> None:
    def edit(d):
        i = _row_of(d, "Camden")
        d.loc[i, "publication_date"], d.loc[i, "publication_date_precision"] = date, precision
        return d

    p = _write_variant(real_csv, tmp_path, edit)
    row = _row_of(pd.read_csv(p), "Camden") + 2
    with pytest.raises(
        InputError,
        match=rf"row {row}, column 'publication_date': .*'{date}' fails not in the future.*no later than today",
    ):
        cqc.read_assessments(p)


def test_this_month_is_not_the_future(tmp_path: Path, real_csv: Path) -> None:
    today = pd.Timestamp.now(tz="UTC")

    def edit(d):
        i = _row_of(d, "Camden")
        d.loc[i, "publication_date"] = today.strftime("%Y-%m")
        d.loc[i, "publication_date_precision"] = "month"
        return d

    df = cqc.read_assessments(_write_variant(real_csv, tmp_path, edit)).set_index("code")
    assert df.loc["E09000007", "publication_date"] == pd.Timestamp(today.strftime("%Y-%m-01"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("exceptions:\n  E09000007: [unclosed\n", r"row \d+: not valid YAML"),
        ("- E09000007\n", r"expected a mapping under 'exceptions:', found list"),
        ("exceptions:\n  - E09000007\n", r"expected a mapping under 'exceptions:', found list"),
        ("exceptions:\n  E99999999: reason\n", r"entry 'E99999999' is not an April 2023 code"),
        ("exceptions:\n  E09000007: ''\n", r"entry 'E09000007' has no reason"),
    ],
)
def test_malformed_rating_exceptions(tmp_path: Path, text: str, message: str) -> None:
    from lahelpers.inputs import validate

    path = tmp_path / "rating_exceptions.yaml"
    path.write_text(text)
    with pytest.raises(InputError, match=rf"rating_exceptions.yaml.*{message}.*Fix: write it as a mapping"):
        validate.rating_exceptions(path)


def test_rating_exceptions_read(tmp_path: Path) -> None:
    from lahelpers.inputs import validate

    path = tmp_path / "rating_exceptions.yaml"
    path.write_text("# none yet\n")
    assert validate.rating_exceptions(path) == {}
    path.write_text("exceptions:\n  E09000007: published this way by CQC\n")
    assert validate.rating_exceptions(path) == {"E09000007": "published this way by CQC"}
