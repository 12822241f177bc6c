"""The run index opens with what is new since the previous complete run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from test_run import write_test_notebooks

from lahelpers import paths
from lahelpers.publish import report, run, whats_new
from lahelpers.ratings import dataset


def _snapshot(**york: str) -> dict[str, dict[str, str]]:
    snap = whats_new.ratings_snapshot()
    snap["E06000014"] = {**snap["E06000014"], **york}
    return snap


def test_snapshot_is_latest_assessment_per_authority() -> None:
    snap = whats_new.ratings_snapshot()
    assert len(snap) == 153
    assert snap["E06000014"]["assessment_id"] == "york-1225"
    assert snap["E06000014"]["overall_score_pct"] == "39"


def test_since_previous_lists_ratings_and_new_vintages() -> None:
    before = {"run_id": "r1", "data": {"ratings": _snapshot(), "sources": {
        "oflog_asc": {"actual_sha256": "a", "vintage": "2022-23"},
        "cqc_assessments": {"actual_sha256": "x", "vintage": "v"}}}}  # fmt: skip
    now = {"ratings": _snapshot(overall_rating="Good", overall_score_pct="64"), "sources": {
        "oflog_asc": {"actual_sha256": "b", "vintage": "2023-24"},
        "cqc_assessments": {"actual_sha256": "x", "vintage": "v"}}}  # fmt: skip
    section = whats_new.since_previous(before, now)
    assert section["previous_run"] == "r1"
    assert [(c["kind"], c["code"]) for c in section["ratings"]] == [("changed", "E06000014")]
    assert "rating Requires improvement -> Good" in section["ratings"][0]["detail"]
    assert [(c["code"], c["detail"]) for c in section["inputs"]] == [
        ("oflog_asc", "vintage 2022-23 -> 2023-24")
    ]


def test_changes_html_is_escaped_and_says_when_nothing_changed() -> None:
    section = {"previous_run": "r<1>", "inputs": [], "ratings": [
        {"kind": "changed", "code": "E1", "name": "<script>alert(1)</script>", "detail": "a & b"}]}  # fmt: skip
    out = whats_new.changes_html(section)
    assert "<script>" not in out and "&lt;script&gt;" in out and "a &amp; b" in out
    assert "r&lt;1&gt;" in out
    quiet = whats_new.changes_html({"previous_run": "r1", "ratings": [], "inputs": []})
    assert "Nothing changed" in quiet
    first = whats_new.changes_html({"previous_run": None})
    assert "No previous complete run" in first


def test_index_of_a_run_after_a_change_says_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(paths.repo_data_dir() / "cqc", data / "cqc")
    monkeypatch.setenv("LAHELPERS_DATA", str(data))
    monkeypatch.setattr(run, "DEFAULT_NOTEBOOKS", ("01_national.ipynb",))  # the full plan here
    nb_dir = write_test_notebooks(tmp_path / "nbs", sleep=0)
    kw = dict(notebooks=["01_national.ipynb"], notebooks_dir=nb_dir, reports_root=tmp_path / "reports",
              progress=False, regions=[], workers=1)  # fmt: skip
    first = run.run_reports(run_id="first", **kw)
    assert first.exit_code == 0
    first_index = BeautifulSoup(first.index.read_text(), "html.parser")
    assert "No previous complete run" in first_index.select_one("section.whats-new").get_text()
    df = dataset.read_dataset()
    york = df[df["ons_code"] == "E06000014"].iloc[0].to_dict()
    york.update({"assessment_id": "york-1126", "publication_date": "2026-11-10",
                 "overall_rating": "Good", **{q: "3" for q in dataset.QS}, "overall_score_pct": "75"})  # fmt: skip
    dataset.write_dataset(dataset.merge(df, pd.DataFrame([york])))
    second = run.run_reports(run_id="second", **kw)
    assert second.exit_code == 0
    block = BeautifulSoup(second.index.read_text(), "html.parser").select_one("section.whats-new")
    text = block.get_text(" ", strip=True)
    assert "What's new since run first" in text
    assert "new assessment : York (E06000014): york-1126: Good, 75%" in text
    assert "new data : cqc_assessments: new version of the file" in text
    assert report.index_html(__import__("json").loads(second.manifest.read_text())).count("whats-new") == 1
