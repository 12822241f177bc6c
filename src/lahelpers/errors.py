"""Errors that tell the reader which file, row and column is wrong and what to do about it."""

from __future__ import annotations

import errno
from pathlib import Path


class InputError(ValueError):
    """A raw input is missing, changed or malformed.

    The message always names the file, and where known the row (1-based line in the file,
    header = line 1) and column, with what was found and how to fix it.
    """

    def __init__(
        self,
        file: str | Path,
        problem: str,
        fix: str,
        *,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file)
        self.problem = problem
        self.fix = fix
        self.row = row
        self.column = column
        where = [f"file {self.file}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {problem}. Fix: {fix}")


class FetchError(RuntimeError):
    """One or more raw inputs could not be fetched or did not match the catalogue."""


class RunError(ValueError):
    """A run was asked for something impossible (unknown region, missing notebook, run id taken)."""


#: The fix for each kind of operating-system error a command can meet while writing.
_OS_FIXES: dict[int, str] = {
    errno.ENOSPC: "free some disk space, then run the command again",
    errno.EDQUOT: "free some space within your disk quota, then run the command again",
    errno.EFBIG: "the file grew past the size this system allows; free space or raise the limit",
    errno.EACCES: "make the folder writable for you (e.g. `chmod u+w FOLDER`) or run as its owner",
    errno.EPERM: "make the folder writable for you (e.g. `chmod u+w FOLDER`) or run as its owner",
    errno.EROFS: "the file system is read-only; point LAHELPERS_PROCESSED / LAHELPERS_REPORTS "
    "at a writable folder",
}


def os_error_message(err: OSError, kept: str) -> str:
    """One line for an OS error: what failed, on which file, the fix, and what was kept.

    ``kept`` says what was left untouched, e.g. ``"data/processed is as it was"``.
    """
    where = err.filename or "(unknown file)"
    what = err.strerror or type(err).__name__
    fix = _OS_FIXES.get(err.errno or 0, "check the file and folder, then run the command again")
    path = Path(str(where))
    folder = str(path if path.is_dir() else path.parent) if err.filename else "FOLDER"
    return f"{what}: {where}. Fix: {fix.replace('FOLDER', folder)}. {kept}."
