"""Schemas (pandera) for raw inputs and built tables, and errors that name file, row, column and fix.

Input schemas check what we read before any derivation; output schemas check what the build writes,
so a bad file fails the build before anything reaches ``data/processed``.
"""

from __future__ import annotations

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
        cases = cases.sort_values("index", na_position="first", kind="stable")
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


def _score(nullable: bool = True) -> pa.Column:
    return pa.Column(float, pa.Check.in_range(1, 4), nullable=nullable, coerce=True)


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
                pa.Check.str_matches(DATE_PATTERN, error="date YYYY, YYYY-MM or YYYY-MM-DD"),
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
    "publication_date": "write the date as YYYY-MM-DD, YYYY-MM or YYYY",
    "publication_date_precision": "use day, month or year",
    **{
        c: "quality statement scores are whole numbers 1 to 4; leave blank if unknown"
        for c in CQC_QS_SOURCE_COLUMNS
    },
}


def rating_exceptions() -> dict[str, str]:
    """Known, documented rating/% band inconsistencies: ``{code: reason}``.

    A rating outside its % band fails the build unless recorded in ``data/rating_exceptions.yaml``;
    a recorded one is kept and flagged in ``rating_flag``.
    """
    path = paths.project_root() / "data" / "rating_exceptions.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (data.get("exceptions") or {}).items()}


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
