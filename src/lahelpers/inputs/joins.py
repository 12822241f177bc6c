"""Join any source to the 153 authorities without losing a row silently.

Every reader returns its values keyed by the 2023 code together with a :class:`SourceJoin`
recording, for that source: which of the 153 matched, which source rows were not used and why,
which of the 153 have no value and why, and which recoding rules were applied. The build collects
them into the join report (``join_report.json`` and ``join_report.md``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from lahelpers.errors import InputError
from lahelpers.inputs import codes


@dataclass
class SourceJoin:
    """What happened when one source was joined to the 153 authorities."""

    source_id: str
    description: str
    n_source_rows: int
    matched: list[str] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)  # {source_code, source_name, reason}
    missing: list[dict] = field(default_factory=list)  # {code, name, reason}
    rules: list[dict] = field(default_factory=list)  # {from, to, rule}
    blank: dict[str, list[str]] = field(default_factory=dict)  # column -> codes matched but blank
    columns: list[str] = field(default_factory=list)
    #: Input values reported by :mod:`lahelpers.inputs.textcheck` ({file, row, column, value, problem}).
    text_findings: list[dict] = field(default_factory=list)

    def set_missing_reason(self, code: str, reason: str) -> None:
        """Replace the recorded reason why authority ``code`` has no value (no-op if it has one)."""
        for entry in self.missing:
            if entry["code"] == code:
                entry["reason"] = reason

    def relabel_unmatched(self, source_code: str, reason: str) -> None:
        """Replace the recorded reason why the source row with ``source_code`` was not used."""
        for entry in self.unmatched:
            if entry["source_code"] == source_code:
                entry["reason"] = reason

    def summary(self) -> dict:
        """Counts for the report table."""
        return {
            "source_id": self.source_id,
            "matched": len(self.matched),
            "unmatched_source_rows": len(self.unmatched),
            "missing": len(self.missing),
            "rules_applied": len(self.rules),
        }


def _missing_for(matched: Iterable[str], reasons: dict[str, str], default: str) -> list[dict]:
    names = codes.names()
    got = set(matched)
    return [
        {"code": c, "name": names[c], "reason": reasons.get(c, default)}
        for c in sorted(codes.reference_codes() - got)
    ]


def _blanks(values: pd.DataFrame, columns: Iterable[str]) -> dict[str, list[str]]:
    return {c: sorted(values.index[values[c].isna()]) for c in columns if values[c].isna().any()}


def join_upper_tier(
    df: pd.DataFrame,
    *,
    source_id: str,
    description: str,
    code_col: str,
    value_cols: list[str],
    name_col: str | None = None,
    extra: dict[str, tuple[str, str]] | None = None,
    file: str | Path | None = None,
) -> tuple[pd.DataFrame, SourceJoin]:
    """Map a one-row-per-authority table to the 153 and record what happened.

    Rows whose code maps to no 2023 authority are reported as unmatched with the reason; the
    successors of an unsplittable predecessor (Cumbria, Northamptonshire, combined rows) are
    reported missing with that reason and never receive the predecessor's value. Two rows landing
    on the same authority is an error naming the file and rows.
    """
    report = SourceJoin(source_id, description, len(df), columns=list(value_cols))
    kept, reasons = [], {}
    for pos, row in enumerate(df.itertuples(index=False)):
        src = (
            getattr(row, code_col) if code_col.isidentifier() else row[df.columns.get_loc(code_col)]
        )
        m = codes.map_upper_tier(src, extra)
        name = None
        if name_col:
            name = row[df.columns.get_loc(name_col)]
        if m.code is None:
            report.unmatched.append(
                {"source_code": m.source_code, "source_name": name, "reason": m.rule}
            )
            for s in m.successors:
                reasons[s] = m.rule
            continue
        if m.rule != "direct":
            report.rules.append({"from": m.source_code, "to": m.code, "rule": m.rule})
        kept.append((pos, m.code))
    mapped = df.iloc[[p for p, _ in kept]].copy()
    mapped["code"] = [c for _, c in kept]
    dupes = mapped[mapped["code"].duplicated(keep=False)]
    if not dupes.empty:
        rows = [int(p) + 2 for p, c in kept if c in set(dupes["code"])]
        raise InputError(
            file or source_id,
            f"more than one row maps to authority {sorted(set(dupes['code']))} (rows {rows})",
            "keep one row per authority (check for a duplicated or recoded code)",
            row=rows[0],
            column=code_col,
        )
    values = mapped.set_index("code")[value_cols].sort_index()
    report.matched = sorted(values.index)
    report.missing = _missing_for(
        report.matched, reasons, "no row for this authority in the source"
    )
    report.blank = _blanks(values, value_cols)
    return values, report


def join_districts(
    df: pd.DataFrame,
    *,
    source_id: str,
    description: str,
    code_col: str,
    sum_cols: list[str],
    name_col: str | None = None,
    derive: Callable[[pd.DataFrame], pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, SourceJoin]:
    """Sum district-level counts up to the 2023 upper tier and record what happened.

    ``derive`` turns the summed counts into the published variables (rates, shares), so rates are
    always computed from summed counts, never averaged. Districts outside England or with unknown
    codes are reported as unmatched.
    """
    report = SourceJoin(source_id, description, len(df))
    mapping = [codes.map_district(c) for c in df[code_col]]
    ok = [m.code is not None for m in mapping]
    for m, good, name in zip(
        mapping, ok, df[name_col] if name_col else [None] * len(df), strict=True
    ):
        if not good:
            report.unmatched.append(
                {"source_code": m.source_code, "source_name": name, "reason": m.rule}
            )
    rules = {(m.source_code, m.code) for m in mapping if m.code and m.rule != "direct"}
    report.rules = [
        {"from": a, "to": b, "rule": "district -> 2023 upper tier"} for a, b in sorted(rules)
    ]
    sub = df.loc[ok, sum_cols].copy()
    sub["code"] = [m.code for m in mapping if m.code]
    summed = sub.groupby("code")[sum_cols].sum(min_count=1)
    values = derive(summed) if derive else summed
    report.columns = list(values.columns)
    report.matched = sorted(values.index)
    report.missing = _missing_for(report.matched, {}, "no district of this authority in the source")
    report.blank = _blanks(values, values.columns)
    return values.sort_index(), report


class JoinReport:
    """All sources' :class:`SourceJoin` records, written as JSON and Markdown."""

    def __init__(self) -> None:
        self.sources: dict[str, SourceJoin] = {}

    def add(self, join: SourceJoin) -> None:
        """Record one source's join (each source once)."""
        if join.source_id in self.sources:
            raise ValueError(f"source {join.source_id!r} recorded twice in the join report")
        self.sources[join.source_id] = join

    def to_dict(self) -> dict:
        """Machine-readable form."""
        return {"sources": {k: asdict(v) for k, v in self.sources.items()}}

    def write(self, folder: Path) -> None:
        """Write ``join_report.json`` and ``join_report.md`` into ``folder``."""
        (folder / "join_report.json").write_text(
            json.dumps(self.to_dict(), indent=1), encoding="utf-8"
        )
        (folder / "join_report.md").write_text(self.to_markdown(), encoding="utf-8")

    def to_markdown(self) -> str:
        """Human-readable form: a summary table, then each source's unmatched and missing lists."""
        lines = [
            "# Join report",
            "",
            "For every source: how many of the 153 authorities matched, which source rows were not "
            "used and why, which authorities have no value and why.",
            "",
            "| source | matched | unmatched source rows | missing of 153 | recodes applied |",
            "| --- | ---: | ---: | ---: | ---: |",
        ]
        for s in self.sources.values():
            c = s.summary()
            lines.append(
                f"| {s.source_id} | {c['matched']} | {c['unmatched_source_rows']} | "
                f"{c['missing']} | {c['rules_applied']} |"
            )
        for s in self.sources.values():
            lines += ["", f"## {s.source_id}", "", s.description, ""]
            if s.rules:
                lines.append(
                    "Recodes applied: "
                    + "; ".join(f"{r['from']} -> {r['to']} ({r['rule']})" for r in s.rules[:40])
                )
                if len(s.rules) > 40:
                    lines.append(f"... and {len(s.rules) - 40} more (see join_report.json)")
                lines.append("")
            if s.missing:
                lines.append("Missing authorities:")
                lines += [f"- {m['code']} {m['name']}: {m['reason']}" for m in s.missing]
                lines.append("")
            reasons = (
                pd.Series([u["reason"] for u in s.unmatched]).value_counts()
                if s.unmatched
                else None
            )
            if reasons is not None:
                lines.append("Unmatched source rows by reason:")
                lines += [f"- {r}: {n}" for r, n in reasons.items()]
                lines.append("")
            for col, blank in s.blank.items():
                noun = "authority" if len(blank) == 1 else "authorities"
                lines.append(f"- `{col}` blank in the source for {len(blank)} matched {noun}")
            if s.text_findings:
                lines += ["", "Input text to check (shown on pages as plain text, never as markup):"]
                lines += [f"- {f['file']}, row {f['row']}, column `{f['column']}`: {f['problem']}: "
                          f"{f['value'][:80]!r}" for f in s.text_findings]
        return "\n".join(lines) + "\n"
