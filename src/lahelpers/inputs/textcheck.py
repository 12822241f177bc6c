"""Check text where it enters: names and codes of the reference list's shape, no control characters,
and markup reported (file, row, column) rather than passed on silently.

Three rules, for every source (files today, CQC's web pages soon):

* **Control characters** (C0 except tab and line breaks, DEL, C1, bidirectional overrides, zero-width
  characters and byte order marks) are refused in any text field: :class:`~lahelpers.errors.InputError`.
  They can hide or reorder what a reader sees.
* **Names and codes** must have the shape of the reference list (``cqc/la_reference_153.csv``):
  codes ``E06``/``E08``/``E09``/``E10`` + 6 digits, names letters with spaces, hyphens, apostrophes,
  commas, full stops, ``&`` and brackets. Anything else (markup included) is an InputError.
* **Markup in free text** (notes, sources, evidence): a value that looks like HTML (a tag, an entity,
  a ``javascript:`` or ``data:`` address) is *reported* -- returned as :class:`TextFinding` records,
  which readers put in the join report, and issued as a :class:`MarkupWarning` -- but not refused:
  a note may legitimately quote ``<5``-style text, and the pages escape whatever they show. The
  report says where to look.

The pages never depend on these checks: everything shown is escaped (:mod:`lahelpers.htmlsafe`) and
every page carries a Content-Security-Policy. The checks catch a bad or tampered file early.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError

#: Characters refused in any text field.
CONTROL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
#: What looks like markup: a tag, a character entity, or a script/data address.
MARKUP = re.compile(
    r"<\s*[A-Za-z!/?]|&#?[A-Za-z0-9]+;|\b(?:java|vb)script\s*:|\bdata\s*:\s*[a-z]+/[a-z0-9.+-]+",
    re.IGNORECASE,
)
#: An April 2023 upper-tier authority code, as in the reference list.
CODE_SHAPE = re.compile(r"E(?:06|08|09|10)\d{6}")
#: An authority name, as in the reference list (e.g. ``St. Helens``, ``Bristol, City of``).
NAME_SHAPE = re.compile(r"[A-Za-z][A-Za-z .,'&()-]{0,78}[A-Za-z.)]")

CONTROL_FIX = "remove the control character (re-save the file as plain UTF-8 text) or fetch the original file"
CODE_FIX = "use the authority's April 2023 ONS code (E06, E08, E09 or E10 and 6 digits), as in cqc/la_reference_153.csv"
NAME_FIX = (
    "use the authority's name as written in cqc/la_reference_153.csv (letters, spaces, hyphens, "
    "apostrophes, commas, full stops, & and brackets only)"
)


class MarkupWarning(UserWarning):
    """A free-text input value looks like HTML markup (reported, not refused)."""


@dataclass(frozen=True)
class TextFinding:
    """One input value that looks like markup: where it is and what it says."""

    file: str
    row: int
    column: str
    value: str
    problem: str = "looks like HTML markup"

    def __str__(self) -> str:
        return (f"file {self.file}, row {self.row}, column {self.column!r}: {self.problem}: "
                f"{self.value[:80]!r}. Fix: check the value at its source; pages show it as text")

    def to_dict(self) -> dict:
        """Plain dict for JSON (the join report)."""
        return asdict(self)


def _text_cells(df: pd.DataFrame, columns: Iterable[str] | None) -> Iterable[tuple[str, pd.Series]]:
    """``(column, non-blank string values)`` for the named columns (default: every text column)."""
    cols = list(df.columns) if columns is None else [c for c in columns if c in df.columns]
    for col in cols:
        s = df[col]
        if s.dtype == object or pd.api.types.is_string_dtype(s):
            s = s[s.map(lambda v: isinstance(v, str))]
            if len(s):
                yield str(col), s


def _row(df: pd.DataFrame, label: object, header_lines: int) -> int:
    """1-based line in the file of the row with index ``label`` (header = ``header_lines``)."""
    return int(df.index.get_loc(label)) + header_lines + 1


def check_controls(
    df: pd.DataFrame, file: str | Path, columns: Iterable[str] | None = None, *, header_lines: int = 1
) -> None:
    """Raise InputError at the first text value holding a control character (tab and line breaks allowed)."""
    for col, s in _text_cells(df, columns):
        bad = s.str.contains(CONTROL)
        if bad.any():
            label = bad.idxmax()
            ch = CONTROL.search(s[label]).group(0)
            raise InputError(file, f"control character U+{ord(ch):04X} in {s[label][:60]!r}", CONTROL_FIX,
                             row=_row(df, label, header_lines), column=col)


def _check_shape(df: pd.DataFrame, file: str | Path, columns: Iterable[str], shape: re.Pattern,
                 what: str, fix: str, header_lines: int) -> None:
    """Raise InputError at the first non-blank value of ``columns`` not matching ``shape``."""
    for col, s in _text_cells(df, columns):
        bad = ~s.map(lambda v: shape.fullmatch(v) is not None)
        if bad.any():
            label = bad.idxmax()
            raise InputError(file, f"{what} {s[label][:60]!r} does not have the shape of the reference list",
                             fix, row=_row(df, label, header_lines), column=col)


def check_codes(df: pd.DataFrame, file: str | Path, columns: Iterable[str], *, header_lines: int = 1) -> None:
    """Raise InputError for a code not shaped like an April 2023 authority code."""
    _check_shape(df, file, columns, CODE_SHAPE, "code", CODE_FIX, header_lines)


def check_names(df: pd.DataFrame, file: str | Path, columns: Iterable[str], *, header_lines: int = 1) -> None:
    """Raise InputError for a name not shaped like the reference list's names (markup included)."""
    _check_shape(df, file, columns, NAME_SHAPE, "name", NAME_FIX, header_lines)


def _excerpt(value: str, width: int = 30) -> str:
    """The part of ``value`` around its first markup-like text (the whole value when short)."""
    m = MARKUP.search(value)
    if m is None or len(value) <= 2 * width + 10:
        return value
    start, end = max(0, m.start() - width), min(len(value), m.end() + width)
    return ("..." if start else "") + value[start:end] + ("..." if end < len(value) else "")


def markup_findings(
    df: pd.DataFrame, file: str | Path, columns: Iterable[str] | None = None, *, header_lines: int = 1
) -> list[TextFinding]:
    """Every value of ``columns`` (default: all text columns) that looks like markup, in file order."""
    found = []
    for col, s in _text_cells(df, columns):
        for label, value in s[s.str.contains(MARKUP)].items():
            found.append(TextFinding(str(file), _row(df, label, header_lines), col, _excerpt(value)))
    return sorted(found, key=lambda f: (f.row, f.column))


def check_text(
    df: pd.DataFrame,
    file: str | Path,
    *,
    codes: Iterable[str] = (),
    names: Iterable[str] = (),
    free_text: Iterable[str] | None = None,
    header_lines: int = 1,
) -> list[TextFinding]:
    """All three rules on one table read from ``file``; returns (and warns about) markup findings.

    Control characters anywhere and misshapen ``codes``/``names`` raise InputError (file, row,
    column, fix); values of ``free_text`` (default: every other text column) that look like markup
    are returned and each issued as a :class:`MarkupWarning`.
    """
    check_controls(df, file, header_lines=header_lines)
    codes, names = list(codes), list(names)
    check_codes(df, file, codes, header_lines=header_lines)
    check_names(df, file, names, header_lines=header_lines)
    if free_text is None:
        free_text = [c for c in df.columns if c not in set(codes) | set(names)]
    found = markup_findings(df, file, free_text, header_lines=header_lines)
    for f in found:
        warnings.warn(str(f), MarkupWarning, stacklevel=2)
    return found


def check_reference(df: pd.DataFrame, file: str | Path) -> None:
    """The reference list (``cqc/la_reference_153.csv``) is the anchor: every rule is strict here.

    Codes and names must have their shape and no other field may look like markup (InputError).
    """
    check_codes(df, file, ["ons_code"])
    check_names(df, file, ["la_name"])
    found = markup_findings(df, file, [c for c in df.columns if c not in ("ons_code", "la_name")])
    if found:
        f = found[0]
        raise InputError(file, f"{f.problem}: {f.value[:60]!r}", "the reference list holds plain text only",
                         row=f.row, column=f.column)


def link_findings(
    df: pd.DataFrame, file: str | Path, columns: Iterable[str], *, header_lines: int = 1
) -> list[TextFinding]:
    """Values of link columns that are not plain ``https://`` addresses (pages will not link them)."""
    from lahelpers.htmlsafe import https_url

    found = []
    for col, s in _text_cells(df, columns):
        for label, value in s.items():
            if https_url(value) is None:
                found.append(TextFinding(str(file), _row(df, label, header_lines), col, value,
                                         "not an https:// address (never shown as a link)"))
    return found
