"""What is new since the previous complete run: for the top of the run index.

Each run's manifest keeps, under ``data``, the catalogue checksums of its inputs and a snapshot
of the ratings table's latest assessment per authority (:func:`ratings_snapshot`). Comparing this
run's with those of the run ``reports/latest`` points at (the newest run where every notebook
succeeded) gives new assessments, changed ratings, % and scores, rows that gained CQC evidence,
and inputs with new data (:func:`since_previous`). :func:`changes_html` renders that as escaped
HTML, inserted into the index template at ``$whats_new``.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

SNAPSHOT_COLUMNS: tuple[str, ...] = ("la_name", "assessment_id", "evidence_basis")


def ratings_snapshot() -> dict[str, dict[str, str]]:
    """``{code: values}`` of each authority's latest assessment ({} if the table cannot be read)."""
    from lahelpers.errors import InputError
    from lahelpers.ratings import changes, dataset

    try:
        latest = dataset.latest(dataset.read_dataset())
    except (InputError, OSError, KeyError, ValueError):
        return {}
    cols = [*SNAPSHOT_COLUMNS, *changes.VALUE_COLUMNS]
    return {r["ons_code"]: {c: str(r[c]) for c in cols} for r in latest.to_dict("records")}


def _frame(snapshot: dict[str, dict[str, str]]) -> pd.DataFrame:
    from lahelpers.ratings import dataset

    rows = [{**{c: "" for c in dataset.COLUMNS}, **v, "ons_code": k} for k, v in snapshot.items()]
    return pd.DataFrame(rows, columns=dataset.COLUMNS)


def previous_manifest(run_folder: Path | None) -> dict[str, Any] | None:
    """The manifest of a previous run folder, or None when there is none or it cannot be read."""
    if run_folder is None:
        return None
    try:
        return json.loads((run_folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def since_previous(previous: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Changes between the previous complete run's ``data`` section and this run's ``data``."""
    from lahelpers.ratings import changes

    if previous is None:
        return {"previous_run": None, "ratings": [], "inputs": []}
    before = previous.get("data", {}) or {}
    rating_changes: list[changes.Change] = []
    if before.get("ratings") and data.get("ratings"):
        rating_changes = changes.compare(_frame(before["ratings"]), _frame(data["ratings"]))
    input_changes = changes.input_changes(before, data)
    return {
        "previous_run": previous.get("run_id"),
        "ratings": [vars(c) for c in rating_changes],
        "inputs": [vars(c) for c in input_changes],
    }


def changes_html(section: dict[str, Any] | None) -> str:
    """The "What's new" block of the index: escaped HTML, one list item per change."""
    if not section:
        return ""
    prev = section.get("previous_run")
    if prev is None:
        return (
            '<section class="whats-new"><h2>What\'s new</h2>'
            "<p>No previous complete run to compare with.</p></section>"
        )
    items = [
        f"<li><strong>{html.escape(c['kind'])}</strong>: {html.escape(c['name'])} "
        f"({html.escape(c['code'])}): {html.escape(c['detail'])}</li>"
        for c in section.get("ratings", [])
    ]
    items += [
        f"<li><strong>new data</strong>: {html.escape(c['code'])}: {html.escape(c['detail'])}</li>"
        for c in section.get("inputs", [])
    ]
    body = (
        f"<ul>{''.join(items)}</ul>"
        if items
        else "<p>Nothing changed in the ratings or the input data.</p>"
    )
    return (
        f'<section class="whats-new"><h2>What\'s new since run {html.escape(str(prev))}</h2>'
        f"{body}</section>"
    )
