"""The runner's failure paths: a notebook whose execution writes nothing, a page that cannot be
exported, and a crash in the worker itself. Each ends as a failed report with its reason, the
others still run, the run exits 1, and ``reports/latest`` does not move."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from lahelpers.publish import report, run


def _notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {path.stem}"), nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def notebooks(tmp_path: Path) -> Path:
    folder = tmp_path / "nbs"
    folder.mkdir()
    _notebook(folder / "a_good.ipynb", "print('good')")
    _notebook(folder / "b_target.ipynb", "print('target')")
    return folder


def _run(notebooks: Path, tmp_path: Path) -> run.RunResult:
    return run.run_reports(
        notebooks=["a_good.ipynb", "b_target.ipynb"], notebooks_dir=notebooks, regions=[],
        reports_root=tmp_path / "reports", workers=1, progress=False, warm_kernels=False,
    )  # fmt: skip


def _by_name(result: run.RunResult) -> dict[str, run.JobResult]:
    return {r.name: r for r in result.results}


def _check_failed(result: run.RunResult, error: str) -> dict:
    assert result.exit_code == 1 and result.status == "failed"
    assert not result.latest_updated and not (result.folder.parent / run.LATEST).exists()
    got = _by_name(result)
    assert got["a_good"].status == "ok" and (result.folder / "a_good.html").is_file()
    assert got["b_target"].status == "failed" and error in got["b_target"].error
    manifest = json.loads(result.manifest.read_text())
    entry = next(n for n in manifest["notebooks"] if n["name"] == "b_target")
    assert manifest["status"] == "failed" and error in entry["error"]
    assert "b_target" in result.index.read_text()
    return entry


def test_execution_that_writes_nothing_leaves_a_stub_page(notebooks, tmp_path, monkeypatch):
    """papermill fails before writing any output: a stub notebook and a page carry the error."""
    import papermill

    real = papermill.execute_notebook

    def fail_early(input_path, *args, **kwargs):
        if "b_target" in str(input_path):
            raise RuntimeError("kernel died before the first cell")
        return real(input_path, *args, **kwargs)

    monkeypatch.setattr(papermill, "execute_notebook", fail_early)
    result = _run(notebooks, tmp_path)
    entry = _check_failed(result, "RuntimeError: kernel died before the first cell")
    stub = nbformat.read(result.folder / entry["executed"], as_version=4)
    assert "kernel died before the first cell" in json.dumps(stub)
    page = (result.folder / "b_target.html").read_text()
    assert "This report failed to run" in page and "kernel died before the first cell" in page


def test_export_failure_is_a_failed_report(notebooks, tmp_path, monkeypatch):
    real = report.export_notebook

    def broken(executed, html_path, *args, **kwargs):
        if "b_target" in str(executed):
            raise ValueError("template missing")
        return real(executed, html_path, *args, **kwargs)

    monkeypatch.setattr(report, "export_notebook", broken)
    result = _run(notebooks, tmp_path)
    entry = _check_failed(result, "HTML export failed: ValueError: template missing")
    assert (result.folder / entry["executed"]).is_file()  # the executed notebook is kept
    assert not (result.folder / "b_target.html").exists()


def test_worker_crash_is_a_failed_report(notebooks, tmp_path, monkeypatch):
    real = run.execute_job

    def crash(job, *args, **kwargs):
        if job.name == "b_target":
            raise MemoryError("worker out of memory")
        return real(job, *args, **kwargs)

    monkeypatch.setattr(run, "execute_job", crash)
    result = _run(notebooks, tmp_path)
    _check_failed(result, "worker failed: MemoryError: worker out of memory")
