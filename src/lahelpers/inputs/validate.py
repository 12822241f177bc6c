"""Schemas (pandera) for raw inputs and built tables, and errors that name file, row, column and fix.

Input schemas check what we read before any derivation; output schemas check what the build writes,
so a bad file fails the build before anything reaches ``data/processed``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import yaml

from lahelpers import framework, paths
from lahelpers.errors import InputError
from lahelpers.inputs import codes

REGION_COUNTS = framework.REGION_COUNTS
REGIONS = framework.REGIONS

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def raise_for(
    schema: pa.DataFrameSchema,
    df: pd.DataFrame,
    file: str | Path,
    fixes: dict[str, str] | None = None,
    *,
    header_lines: int = 1,
) -> pd.DataFrame:
    """Validate ``df``; on failure raise one InputError naming the first bad row and column.

    The message lists up to five failures (row = line in the file, counting the header as
    ``header_lines``) and gives the column's fix from ``fixes``.
    """
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        # Rows first; a check that could not even run on a column (its values failed to coerce,
        # reported row by row) adds only a table-level Python error, left out as noise.
        noise = cases["index"].isna() & cases["failure_case"].astype(str).str.match(
            r"^(TypeError|ValueError)\("
        )
        if not noise.all():
            cases = cases[~noise]
        cases = cases.sort_values("index", na_position="last", kind="stable")
        first = cases.iloc[0]
        column = first["column"] if isinstance(first["column"], str) else None
        idx = first["index"]
        row = int(idx) + header_lines + 1 if pd.notna(idx) else None
        listed = []
        for _, c in cases.head(5).iterrows():
            r = f"row {int(c['index']) + header_lines + 1}" if pd.notna(c["index"]) else "table"
            listed.append(f"{r} column {c['column']!r}: {c['failure_case']!r} fails {c['check']}")
        more = f" (and {len(cases) - 5} more)" if len(cases) > 5 else ""
        fix = (fixes or {}).get(
            column or "", "correct the value at the source or fetch the original file"
        )
        raise InputError(file, "; ".join(listed) + more, fix, row=row, column=column) from None


def _is_whole(value: float) -> bool:
    """True for a whole number (``3`` or ``3.0``), False for ``2.5``."""
    return float(value).is_integer()


def _score(nullable: bool = True) -> pa.Column:
    """A quality statement score: a whole number 1 to 4 (2.5 is not a score CQC gives)."""
    return pa.Column(
        float,
        [
            pa.Check.in_range(1, 4),
            pa.Check(_is_whole, element_wise=True, ignore_na=True, error="whole number"),
        ],
        nullable=nullable,
        coerce=True,
    )


def _not_in_future(value: str) -> bool:
    """True when a YYYY, YYYY-MM or YYYY-MM-DD date starts no later than today (UTC).

    Text that is not such a date passes here: the pattern check reports it.
    """
    if not re.match(DATE_PATTERN, str(value)):
        return True
    today = pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%d")
    return str(value) <= today[: len(str(value))]


def cqc_input_schema() -> pa.DataFrameSchema:
    """Schema of ``cqc/la_assessments.csv`` as read (before derivation)."""
    qs_source = [c for c in CQC_QS_SOURCE_COLUMNS]
    return pa.DataFrameSchema(
        {
            "ons_code": pa.Column(
                str,
                [pa.Check.isin(sorted(codes.reference_codes()), error="known April 2023 code")],
                unique=True,
                nullable=False,
            ),
            "overall_rating": pa.Column(str, pa.Check.isin(framework.RATINGS), nullable=True),
            "overall_score_pct": pa.Column(
                float, pa.Check.in_range(25, 100), nullable=True, coerce=True
            ),
            **{c: _score() for c in qs_source},
            "publication_date": pa.Column(
                str,
                [
                    pa.Check.str_matches(DATE_PATTERN, error="date YYYY, YYYY-MM or YYYY-MM-DD"),
                    pa.Check(
                        _not_in_future, element_wise=True, ignore_na=True, error="not in the future"
                    ),
                ],
                nullable=True,
            ),
            "publication_date_precision": pa.Column(
                str, pa.Check.isin(["day", "month", "year"]), nullable=True
            ),
        },
        strict=False,
    )


CQC_QS_SOURCE_COLUMNS: tuple[str, ...] = (
    "qs1_assessing_needs",
    "qs2_supporting_healthier_lives",
    "qs3_equity_experience_outcomes",
    "qs4_care_provision_integration_continuity",
    "qs5_partnerships_communities",
    "qs6_safe_pathways_systems_transitions",
    "qs7_safeguarding",
    "qs8_governance_management_sustainability",
    "qs9_learning_improvement_innovation",
)

CQC_FIXES = {
    "ons_code": "use the authority's April 2023 ONS code from cqc/la_reference_153.csv, one row per authority",
    "overall_rating": "use one of Outstanding, Good, Requires improvement, Inadequate, or leave blank",
    "overall_score_pct": "an overall % lies between 25 and 100; leave blank if unknown",
    "publication_date": "write the date as YYYY-MM-DD, YYYY-MM or YYYY, no later than today",
    "publication_date_precision": "use day, month or year",
    **{
        c: "quality statement scores are whole numbers 1 to 4; leave blank if unknown"
        for c in CQC_QS_SOURCE_COLUMNS
    },
}


RATING_EXCEPTIONS_FIX = (
    "write it as a mapping under 'exceptions:', one line per authority, e.g.\n"
    "exceptions:\n  E09000007: \"published this way by CQC (report of 2025-02-14)\""
)


def _yaml_problem(err: yaml.YAMLError, text: str) -> tuple[str, int | None]:
    """What a YAML error says and its 1-based line, for an :class:`InputError`.

    A parser error carries a problem and a mark; a reader error (a control character in the
    text) carries neither, only the character and its offset, so its line is counted here.
    """
    if isinstance(err, yaml.reader.ReaderError):
        row = text.count("\n", 0, err.position) + 1
        return f"character #x{err.character:04x} is not allowed ({err.reason})", row
    mark = getattr(err, "problem_mark", None)
    return getattr(err, "problem", None) or str(err), mark.line + 1 if mark is not None else None


def rating_exceptions(path: Path | None = None) -> dict[str, str]:
    """Known, documented rating/% band inconsistencies: ``{code: reason}``.

    A rating outside its % band fails the build unless recorded in ``data/rating_exceptions.yaml``;
    a recorded one is kept and flagged in ``rating_flag``. A file that is not valid YAML, or not a
    mapping of April 2023 codes to non-empty reasons under ``exceptions:``, raises InputError.
    """
    path = path or paths.project_root() / "data" / "rating_exceptions.yaml"
    if not path.is_file():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as err:
        problem, row = _yaml_problem(err, text)
        raise InputError(path, f"not valid YAML: {problem}", RATING_EXCEPTIONS_FIX, row=row) from None
    except UnicodeDecodeError:
        raise InputError(path, "not UTF-8 text", RATING_EXCEPTIONS_FIX) from None
    entries = data.get("exceptions") if isinstance(data, dict) else None
    if not isinstance(data, dict) or not isinstance(entries, dict | None):
        raise InputError(
            path, f"expected a mapping under 'exceptions:', found {type(entries or data).__name__}",
            RATING_EXCEPTIONS_FIX,
        )
    out = {str(k): str(v).strip() for k, v in (entries or {}).items() if v is not None}
    known = codes.reference_codes()
    for code in (entries or {}):
        if str(code) not in known or not out.get(str(code)):
            what = "is not an April 2023 code" if str(code) not in known else "has no reason"
            raise InputError(path, f"entry {code!r} {what}", RATING_EXCEPTIONS_FIX, column=str(code))
    return out


def _region_counts_ok(s: pd.Series) -> bool:
    return s.value_counts().to_dict() == REGION_COUNTS


def authorities_schema() -> pa.DataFrameSchema:
    """Schema of the built authorities table (CQC part)."""
    ref = codes.reference_codes()
    return pa.DataFrameSchema(
        {
            "code": pa.Column(str, pa.Check.isin(sorted(ref)), unique=True),
            "name": pa.Column(str),
            "region": pa.Column(
                str,
                [
                    pa.Check.isin(REGIONS),
                    pa.Check(
                        _region_counts_ok,
                        element_wise=False,
                        error=f"region counts {REGION_COUNTS}",
                    ),
                ],
            ),
            "cqc_status": pa.Column(str, pa.Check.isin(["rated", "not yet in our data"])),
            "overall_pct": pa.Column(float, pa.Check.in_range(25, 100), nullable=True),
            **{q: _score() for q in framework.QS_COLUMNS},
            **{
                t: pa.Column(float, pa.Check.in_range(1, 4), nullable=True)
                for t in framework.THEMES
            },
            "publication_date": pa.Column("datetime64[ns]", nullable=True, coerce=True),
        },
        checks=[pa.Check(lambda d: len(d) == 153, error="exactly 153 authorities")],
        strict=False,
    )


def context_schema(columns: list[str], units: dict[str, str]) -> pa.DataFrameSchema:
    """Schema of the built context table: percentages 0-100, counts and scores non-negative."""
    cols: dict[str, pa.Column] = {"code": pa.Column(str, unique=True)}
    for c in columns:
        unit = units.get(c, "")
        if unit == "%":
            cols[c] = pa.Column(float, pa.Check.in_range(0, 100), nullable=True, coerce=True)
        elif unit in ("category", "text"):
            continue
        else:
            cols[c] = pa.Column(float, pa.Check.ge(0), nullable=True, coerce=True)
    return pa.DataFrameSchema(
        cols,
        checks=[pa.Check(lambda d: len(d) == 153, error="exactly 153 authorities")],
        strict=False,
    )


def check_ranges(
    values: pd.DataFrame, file: str | Path, ranges: dict[str, tuple[float, float]]
) -> None:
    """Raise InputError for the first value outside its plausible range (units changed?)."""
    for col, (lo, hi) in ranges.items():
        if col not in values:
            continue
        bad = values[col].notna() & ~values[col].between(lo, hi)
        if bad.any():
            where = bad.idxmax()
            raise InputError(
                file,
                f"{col} = {values.at[where, col]} for {where} is outside the plausible range "
                f"{lo}-{hi}",
                "check the source's units (percent vs proportion) and restore the original file",
                column=col,
            )
