"""What changed in the ratings table: between two versions of it, and between two runs.

:func:`compare` lists, for the latest assessment of each authority, new assessments, changed
ratings, % and scores, and rows whose evidence became a CQC page. :func:`run_changes` adds the
inputs whose data changed between two run manifests (new vintages), for the run index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from lahelpers.ratings import dataset

VALUE_COLUMNS: dict[str, str] = {
    "overall_rating": "rating",
    "overall_score_pct": "overall %",
    **{q: q.split("_")[0].upper() for q in dataset.QS},
    "publication_date": "publication date",
}


@dataclass(frozen=True)
class Change:
    """One change to one authority's latest assessment."""

    kind: str  # new assessment | changed | gains CQC evidence | new data
    code: str
    name: str
    detail: str

    def text(self) -> str:
        """One line for a report."""
        return f"{self.name} ({self.code}): {self.kind}: {self.detail}"


def _value(v: object) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def _diff_values(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    out = []
    for col, label in VALUE_COLUMNS.items():
        a, b = _value(old.get(col)), _value(new.get(col))
        if a != b:
            out.append(f"{label} {a or 'blank'} -> {b or 'blank'}")
    return out


def compare(before: pd.DataFrame, after: pd.DataFrame) -> list[Change]:
    """Changes between two versions of the dataset (latest assessment of each authority)."""
    old = {r["ons_code"]: r for r in dataset.latest(before).to_dict("records")}
    out: list[Change] = []
    for r in dataset.latest(after).to_dict("records"):
        code, name = r["ons_code"], r["la_name"]
        prev = old.get(code, {})
        if (
            r["assessment_id"]
            and r["assessment_id"] != prev.get("assessment_id", "")
            and (prev.get("assessment_id") or not prev.get("overall_rating"))
        ):
            what = r["overall_rating"] or "no rating"
            pct = f", {r['overall_score_pct']}%" if r["overall_score_pct"] else ""
            out.append(Change("new assessment", code, name, f"{r['assessment_id']}: {what}{pct}"))
            continue
        diffs = _diff_values(prev, r)
        if diffs:
            out.append(Change("changed", code, name, "; ".join(diffs)))
        if r["evidence_basis"] == "CQC page" and prev.get("evidence_basis", "") != "CQC page":
            was = prev.get("evidence_basis") or "no evidence"
            out.append(Change("gains CQC evidence", code, name, f"was {was}"))
    return out


def markdown(changes: list[Change], failures: list[tuple[str, str]] | None = None) -> str:
    """A change report: one section per kind, then pages that failed (address and why)."""
    lines = ["# Ratings refresh: change report", ""]
    if not changes:
        lines.append("No change to the ratings table.")
    for kind in ("new assessment", "changed", "gains CQC evidence"):
        rows = [c for c in changes if c.kind == kind]
        if rows:
            lines += ["", f"## {kind} ({len(rows)})", ""]
            lines += [f"- {c.name} ({c.code}): {c.detail}" for c in rows]
    if failures:
        lines += ["", f"## pages not read ({len(failures)}): nothing written for them", ""]
        lines += [f"- {url}: {why}" for url, why in failures]
    return "\n".join(lines) + "\n"


def input_changes(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """Inputs whose checksum or vintage differs between two manifests' ``data`` sections."""
    old = before.get("sources", {}) or {}
    out = []
    for sid, src in sorted((after.get("sources", {}) or {}).items()):
        prev = old.get(sid)
        if prev is None:
            out.append(Change("new data", sid, sid, f"new input ({src.get('vintage', '')})"))
        elif prev.get("actual_sha256") != src.get("actual_sha256"):
            vintage = src.get("vintage", "")
            was = prev.get("vintage", "")
            detail = f"vintage {was} -> {vintage}" if was != vintage else "new version of the file"
            out.append(Change("new data", sid, sid, detail))
    return out
