"""Read raw inputs with clear errors: missing file, empty file, wrong encoding, missing columns.

Every reader here raises :class:`~lahelpers.errors.InputError` naming the file (and row or column)
and the fix, instead of a bare pandas traceback.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs.textcheck import check_controls

FETCH_FIX = (
    "run `lahelpers data fetch --replace` (add `--mirror DIR` to copy from a mirror) to restore "
    "the original file"
)


def _check_exists(path: Path) -> None:
    if not path.is_file():
        raise InputError(path, "file not found", FETCH_FIX)
    if path.stat().st_size == 0:
        raise InputError(path, "file is empty (0 bytes)", FETCH_FIX)


def _decode(path: Path, encoding: str) -> str:
    data = path.read_bytes()
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError(
            path,
            f"text is not valid {encoding} (byte {data[err.start]:#04x} at offset {err.start})",
            f"re-save the file as UTF-8 or {FETCH_FIX}",
            row=line,
        ) from None


def require_columns(df: pd.DataFrame, required: Iterable[str], path: Path, what: str = "") -> None:
    """Raise if any required column is absent, listing what was found."""
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(
            path,
            f"missing column(s) {missing}{' in ' + what if what else ''}; found {list(df.columns)[:30]}",
            f"restore the publisher's column names or {FETCH_FIX}",
            column=missing[0],
        )


def read_csv(
    path: Path, required: Iterable[str] = (), *, encoding: str = "utf-8-sig", **kwargs
) -> pd.DataFrame:
    """Read a CSV strictly as text in ``encoding`` (BOM tolerated), checking required columns."""
    path = Path(path)
    _check_exists(path)
    text = _decode(path, encoding)
    if not text.strip():
        raise InputError(path, "file has no content (only blank lines)", FETCH_FIX)
    try:
        df = pd.read_csv(io.StringIO(text), **kwargs)
    except pd.errors.ParserError as err:
        raise InputError(path, f"cannot be parsed as CSV ({err})", FETCH_FIX) from None
    if df.empty:
        raise InputError(path, "file has a header but no data rows", FETCH_FIX)
    require_columns(df, required, path)
    check_controls(df, path)
    return df


def read_excel(path: Path, sheet: str, required: Iterable[str] = (), **kwargs) -> pd.DataFrame:
    """Read one sheet of a workbook, checking it exists and has the required columns."""
    path = Path(path)
    _check_exists(path)
    try:
        book = pd.ExcelFile(path)
    except Exception as err:  # openpyxl raises several types for a corrupt file
        raise InputError(path, f"cannot be opened as a workbook ({err})", FETCH_FIX) from None
    if sheet not in book.sheet_names:
        raise InputError(
            path, f"sheet {sheet!r} not found; sheets are {book.sheet_names}", FETCH_FIX
        )
    df = pd.read_excel(book, sheet_name=sheet, **kwargs)
    require_columns(df, required, path, what=f"sheet {sheet!r}")
    check_controls(df, f"{path} (sheet {sheet!r})")
    return df


def read_rda(path: Path, required: Iterable[str] = ()) -> pd.DataFrame:
    """Read the single data frame held in an R ``.rda`` file (via pyreadr)."""
    import pyreadr

    path = Path(path)
    _check_exists(path)
    try:
        result = pyreadr.read_r(str(path))
    except Exception as err:
        raise InputError(path, f"cannot be read as R data ({err})", FETCH_FIX) from None
    if len(result) != 1:
        raise InputError(path, f"expected one object, found {list(result)}", FETCH_FIX)
    df = next(iter(result.values()))
    require_columns(df, required, path)
    return df
