"""The real pipeline on the real data: fetch from the mirror, build, and check the table's facts."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from lahelpers import build, framework, load, paths
from lahelpers.errors import InputError
from lahelpers.inputs import codes, validate

pytestmark = pytest.mark.pipeline


def test_outputs_written(built: Path) -> None:
    for name in build.OUTPUTS:
        assert (built / name).is_file(), name
    assert not list(built.parent.glob(".processed-*")), "temporary build folders left behind"


def test_authorities_facts(built: Path) -> None:
    df = load.authorities()
    assert len(df) == 153 and df["code"].is_unique
    assert df["region"].value_counts().to_dict() == validate.REGION_COUNTS
    assert set(df["code"]) == set(codes.reference_codes())
    assert df["rating"].dtype == framework.RATING_DTYPE and df["rating"].cat.ordered
    assert (df["cqc_status"] == "rated").sum() == 117
    assert df.loc[df["cqc_status"] == "rated", "rating"].notna().all()
    assert df.loc[df["cqc_status"] != "rated", "rating_label"].eq(framework.NOT_RATED).all()
    full = df[list(framework.QS_COLUMNS)].notna().all(axis=1)
    assert full.sum() == 80  # 79 in the mirror's table + York's nine scores from CQC's page
    assert (
        df.loc[full, "theme_people"].notna().all()
        and df.loc[~full, "overall_pct"].notna().sum() == 7
    )


def test_coverage_matches_join_report(built: Path) -> None:
    """For every source and column: values present = matched minus blanks, and each gap has a reason."""
    report = load.join_report()["sources"]
    df = load.authorities()
    missing = load.context_missing()
    variables = load.variables()
    for _, var in variables.iterrows():
        col, src = var["column"], report[var["source_id"]]
        expected = len(src["matched"]) - len(src["blank"].get(col, []))
        assert df[col].notna().sum() == expected, (
            f"{col}: {df[col].notna().sum()} values, join report says {expected}"
        )
        gaps = missing[missing["variable"] == col]
        assert len(gaps) == 153 - expected and gaps["reason"].notna().all(), col
        assert len(src["matched"]) + len(src["missing"]) == 153, var["source_id"]


def test_every_source_row_accounted_for(built: Path) -> None:
    for sid, src in load.join_report()["sources"].items():
        if sid in {"cqc_assessments"}:
            continue
        # upper-tier sources: each source row is matched or listed unmatched with a reason
        assert all(u["reason"] for u in src["unmatched"]), sid


def test_unsplittable_predecessors_stay_missing_with_reason(built: Path) -> None:
    missing = load.context_missing().set_index(["code", "variable"])
    for code in ("E06000063", "E06000064"):  # Cumberland, Westmorland and Furness
        assert "Cumbria" in missing.loc[(code, "turnover_rate"), "reason"]
        assert "Cumbria" in missing.loc[(code, "imd2019_score"), "reason"]
    for code in ("E06000061", "E06000062"):  # North and West Northamptonshire
        assert "Northamptonshire" in missing.loc[(code, "imd2019_score"), "reason"]


def test_population_totals(built: Path) -> None:
    df = load.authorities()
    assert df["pop_total"].sum() == 57_106_398  # England, mid-2022 (MYE2)
    assert (df["pop_65plus"] <= df["pop_total"]).all() and (
        df["pop_85plus"] <= df["pop_65plus"]
    ).all()
    assert df.set_index("code").loc["E06000053", "pop_total"] == 2_281  # Isles of Scilly


def test_rural_classes_complete(built: Path) -> None:
    df = load.authorities()
    assert df["rural_class"].notna().all()
    assert (df.loc[df["pct_rural"] >= 50, "rural_class"] == "Predominantly Rural").all()
    assert (df.loc[df["region"] == "London", "rural_class"] == "Predominantly Urban").all()


def test_boundaries(built: Path) -> None:
    bng = gpd.read_parquet(built / "authorities_27700.parquet")
    web = load.authorities_geo()
    regions = load.regions_geo()
    assert bng.crs.to_epsg() == 27700 and web.crs.to_epsg() == 4326
    assert len(bng) == len(web) == 153 and len(regions) == 9
    assert web.is_valid.all() and bng.is_valid.all()
    # simplification keeps each authority's area within 5% (BNG areas of the web version)
    web_area = web.to_crs(27700).set_index("code").area
    bng_area = bng.set_index("code").area
    assert ((web_area / bng_area - 1).abs() < 0.05).all()
    assert (built / "authorities_web.parquet").stat().st_size < (
        built / "authorities_27700.parquet"
    ).stat().st_size


def test_pilots(built: Path) -> None:
    p = load.pilots()
    assert len(p) == 5 and set(p["rating"].astype(str)) == {"Good", "Requires improvement"}


def test_rebuild_skipped_when_unchanged(built: Path) -> None:
    before = (built / "build_stamp.json").read_text()
    result = build.build()
    assert not result.built and "up to date" in result.message
    assert (built / "build_stamp.json").read_text() == before


def test_failed_build_leaves_outputs_untouched(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad input fails the build with a named error and data/processed is not half-written."""
    raw = tmp_path / "raw"
    shutil.copytree(paths.raw_dir(), raw)
    changed = raw / "cqc" / "seen_assessments.json"  # a fetched input edited by hand
    os.chmod(changed, 0o644)
    changed.write_text(changed.read_text() + "\n")
    data = tmp_path / "data"  # the repository's ratings dataset, with a score of 5
    shutil.copytree(paths.repo_data_dir() / "cqc", data / "cqc")
    target = data / "cqc" / "assessments.csv"
    target.write_text(target.read_text().replace(",2,2,2,3,3,2,3,3,3,", ",2,2,2,3,5,2,3,3,3,", 1))
    out = tmp_path / "processed"
    shutil.copytree(built, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    monkeypatch.setenv("LAHELPERS_RAW", str(raw))
    monkeypatch.setenv("LAHELPERS_DATA", str(data))
    monkeypatch.setenv("LAHELPERS_PROCESSED", str(out))
    with pytest.raises(InputError, match=r"seen_assessments.json: edited or replaced.*--replace"):
        build.build(force=True)
    with pytest.raises(
        InputError, match=r"assessments.csv, row \d+, column 'qs5_partnerships_communities'"
    ):
        build.build(force=True, verify=False)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".processed-*"))


def test_join_report_readable(built: Path) -> None:
    md = (built / "join_report.md").read_text()
    data = json.loads((built / "join_report.json").read_text())
    for sid in data["sources"]:
        assert f"## {sid}" in md
    assert "E06000063 Cumberland" in md


def test_csv_export_round_trips(built: Path) -> None:
    csv = pd.read_csv(built / "authorities_context.csv")
    assert len(csv) == 153 and csv["code"].is_unique


def test_york_has_its_nine_scores_from_cqc(built: Path) -> None:
    york = load.authorities().set_index("code").loc["E06000014"]
    assert [york[q] for q in framework.QS_COLUMNS] == [1, 2, 2, 1, 2, 1, 1, 2, 2]
    assert york["overall_pct"] == 39 and york["rating"] == "Requires improvement"
    assert york["source"] == "CQC report page"


def test_editing_the_ratings_dataset_makes_the_build_stale(
    built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dataset lives in git with no catalogue checksum: the fingerprint hashes it as it is."""
    assert build.up_to_date(built)
    data = tmp_path / "data"
    shutil.copytree(paths.repo_data_dir() / "cqc", data / "cqc")
    target = data / "cqc" / "assessments.csv"
    target.write_text(target.read_text().replace("replaces the rating-only row", "replaces its row", 1))
    monkeypatch.setenv("LAHELPERS_DATA", str(data))
    assert not build.up_to_date(built)
