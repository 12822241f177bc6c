"""The command line end to end on a small project the test builds: `data build`, `run` and `all`,
their messages and exit codes (0 on success, non-zero on failure, `reports/latest` moved only by a
complete successful run).

The project: a copy of the catalogue and the repository datasets, the real data/raw (read only),
its own data/processed and reports, and tiny notebooks under the real notebooks' names (so the full
plan is the real one: 4 national and thematic reports, 9 region profiles, and authority profiles,
three standing in for the 153).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from lahelpers import paths
from lahelpers.cli import main
from lahelpers.inputs import codes
from lahelpers.publish import run

pytestmark = pytest.mark.pipeline


def _notebook(path: Path, code: str, parameters: str | None = None) -> None:
    nb = nbformat.v4.new_notebook()
    cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), nbformat.v4.new_code_cell(code)]
    if parameters is not None:
        cells.insert(0, nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}))
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def project(tmp_path: Path, raw_inputs: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    proj = tmp_path / "project"
    (proj / "data").mkdir(parents=True)
    shutil.copy2(paths.catalogue_file(), proj / "data" / "catalogue.yaml")
    shutil.copytree(paths.repo_data_dir() / "cqc", proj / "data" / "cqc")
    nbs = proj / "notebooks"
    nbs.mkdir()
    for name in run.NATIONAL_NOTEBOOKS:
        _notebook(nbs / name, f"print('ran {name}')")
    _notebook(nbs / run.REGION_NOTEBOOK, "print('region', region)", parameters="region = 'London'")
    _notebook(nbs / run.AUTHORITY_NOTEBOOK, "print('authority', authority)",
              parameters="authority = 'Kent'")
    # The full plan has a profile per authority; three stand in for the 153 here (exit codes and
    # the latest pointer are the point, not the number of pages).
    monkeypatch.setattr(run, "all_authorities", lambda: ("Kent", "York", "Rutland"))
    for name, value in (("LAHELPERS_ROOT", proj), ("LAHELPERS_RAW", raw_inputs),
                        ("LAHELPERS_DATA", proj / "data"),
                        ("LAHELPERS_PROCESSED", proj / "data" / "processed"),
                        ("LAHELPERS_REPORTS", proj / "reports")):  # fmt: skip
        monkeypatch.setenv(name, str(value))
    codes.reference.cache_clear()
    yield proj
    codes.reference.cache_clear()


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_build_then_up_to_date(project: Path) -> None:
    first = _invoke("data", "build")
    assert first.exit_code == 0, first.output
    assert "built 13 outputs" in first.output
    assert (project / "data" / "processed" / "authorities.parquet").is_file()
    again = _invoke("data", "build")
    assert again.exit_code == 0 and "up to date" in again.output


def test_run_succeeds_then_a_failure_exits_1_and_latest_stays(project: Path) -> None:
    ok = _invoke("run", "--workers", "2")
    assert ok.exit_code == 0, ok.output
    assert "16 of 16 notebooks succeeded" in ok.output
    latest = project / "reports" / run.LATEST
    good = os.readlink(latest)
    assert (project / "reports" / good / "index.html").is_file()

    _notebook(project / "notebooks" / run.NATIONAL_NOTEBOOKS[1], "raise ValueError('boom')")
    failed = _invoke("run", "--workers", "2")
    assert failed.exit_code == 1, failed.output
    assert "15 of 16 notebooks succeeded" in failed.output
    assert "FAILED 02_rural_urban: ValueError: boom" in failed.output
    assert os.readlink(latest) == good  # a failed run never moves latest


def test_all_fetches_builds_and_runs(project: Path, mirror: Path) -> None:
    result = _invoke("all", "--mirror", str(mirror), "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "16 of 16 notebooks succeeded" in result.output
    assert (project / "data" / "processed" / "build_stamp.json").is_file()
    assert os.path.islink(project / "reports" / run.LATEST)
