"""Errors that tell the reader which file, row and column is wrong and what to do about it."""

from __future__ import annotations

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
