"""Tests for lahelpers.publish.run: parallel papermill runs, failures kept visible, safe re-runs, latest.

The notebooks are tiny ones written here; each papermill run starts a real kernel, so the
module shares one mixed run (two good notebooks, one failing, a profile for two regions).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

import lahelpers
from lahelpers.inputs.catalogue import load_catalogue
from lahelpers.publish import report, run

SLEEP = 2.0
CHART_CELL = """import altair as alt
import pandas as pd
from IPython.display import HTML, display
df = pd.DataFrame({"x": list("abc"), "y": [3, 4, 5]})
chart = alt.Chart(df).mark_bar().encode(x="x:N", y="y:Q", tooltip=["x", "y"])
display(chart)
display(HTML('<p class="chart-alt">Chart description: three bars.</p>'))"""


def timing_cell(sleep: float) -> str:
    """A cell printing the working folder and when it started and ended (to check overlap)."""
    return (
        "import os, time\n"
        "print('CWD', os.getcwd())\n"
        "print('START', time.time())\n"
        f"time.sleep({sleep})\n"
        "print('END', time.time())"
    )


def write_notebook(path: Path, cells: list, parameters: str | None = None) -> Path:
    """Write a python3 notebook, with a cell tagged ``parameters`` first when given."""
    nb = nbformat.v4.new_notebook()
    if parameters is not None:
        cells = [nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}), *cells]
    nb.cells = cells
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, path)
    return path


def write_test_notebooks(folder: Path, sleep: float = SLEEP) -> Path:
    """Two national notebooks, one that fails, and a region profile; returns the folder."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    folder.mkdir(parents=True, exist_ok=True)
    write_notebook(
        folder / "01_national.ipynb",
        [
            md("# National picture\n\nIntro."),
            md("## Ratings"),
            code(CHART_CELL),
            md("## Timing"),
            code(timing_cell(sleep)),
        ],
    )
    write_notebook(
        folder / "02_broken.ipynb",
        [
            md("# Broken"),
            code("raise ValueError('boom: deliberate failure')"),
            code("print('NEVER PRINTED')"),
        ],
    )
    write_notebook(
        folder / "region_profile.ipynb",
        [
            md("# Region profile"),
            md("## Chart"),
            code("print('REGION', region)"),
            code(CHART_CELL),
            code(timing_cell(sleep)),
        ],
        parameters="region = 'London'",
    )
    return folder


def _stdout(executed: Path) -> str:
    """All stdout text of an executed notebook."""
    nb = nbformat.read(executed, as_version=4)
    return "".join(
        o.text
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "stream" and o.name == "stdout"
    )


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """One run of all test notebooks, two regions, two workers (one notebook fails)."""
    base = tmp_path_factory.mktemp("mixed")
    nb_dir = write_test_notebooks(base / "notebooks")
    result = run.run_reports(
        regions=["London", "north east"],
        notebooks=["01_national.ipynb", "02_broken.ipynb", "region_profile.ipynb"],
        workers=2,
        reports_root=base / "reports",
        notebooks_dir=nb_dir,
        progress=False,
    )
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    return {"result": result, "manifest": manifest, "nb_dir": nb_dir, "root": base / "reports"}


def test_failure_keeps_others_going_and_exit_status_nonzero(mixed):
    result = mixed["result"]
    statuses = {r.name: r.status for r in result.results}
    assert statuses == {
        "01_national": "ok",
        "02_broken": "failed",
        "region_profile-london": "ok",
        "region_profile-north-east": "ok",
    }
    assert result.exit_code == 1 and result.status == "failed"
    assert [r.name for r in result.failed] == ["02_broken"]
    assert "ValueError: boom: deliberate failure" in result.failed[0].error


def test_failure_visible_in_manifest_index_and_page(mixed):
    folder = mixed["result"].folder
    manifest = mixed["manifest"]
    assert manifest["status"] == "failed"
    broken = next(n for n in manifest["notebooks"] if n["name"] == "02_broken")
    assert broken["status"] == "failed" and "boom" in broken["error"]
    index = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    alert = index.find(class_="failed").get_text(" ")
    assert "1 of 4 reports failed" in alert and "02_broken" in alert and "boom" in alert
    page = (folder / "02_broken.html").read_text()
    assert "This report failed to run" in page and "deliberate failure" in page
    executed = _stdout(folder / "executed" / "02_broken.ipynb")
    assert "NEVER PRINTED" not in executed  # papermill stopped there; the partial nb is kept


def test_region_parameter_injected_per_region(mixed):
    folder = mixed["result"].folder
    assert "REGION London" in _stdout(folder / "executed" / "region_profile-london.ipynb")
    assert "REGION North East" in _stdout(folder / "executed" / "region_profile-north-east.ipynb")
    manifest = mixed["manifest"]
    assert manifest["parameters"]["regions"] == ["London", "North East"]
    profile = next(n for n in manifest["notebooks"] if n["name"] == "region_profile-north-east")
    assert profile["parameters"] == {"region": "North East"}
    assert profile["title"] == "Region profile: North East"


def test_notebooks_run_in_notebooks_folder(mixed):
    folder = mixed["result"].folder
    out = _stdout(folder / "executed" / "01_national.ipynb")
    cwd = re.search(r"CWD (.+)", out).group(1).strip()
    assert Path(cwd).resolve() == mixed["nb_dir"].resolve()


def test_workers_run_in_parallel(mixed):
    folder = mixed["result"].folder
    spans = []
    for name in ("01_national", "region_profile-london", "region_profile-north-east"):
        out = _stdout(folder / "executed" / f"{name}.ipynb")
        start = float(re.search(r"START ([\d.]+)", out).group(1))
        end = float(re.search(r"END ([\d.]+)", out).group(1))
        spans.append((start, end))
    overlaps = [
        (a, b) for i, a in enumerate(spans) for b in spans[i + 1 :] if a[0] < b[1] and b[0] < a[1]
    ]
    assert overlaps, f"no two notebooks ran at the same time with 2 workers: {spans}"
    assert mixed["manifest"]["parameters"]["workers"] == 2


def test_manifest_records_code_data_timings(mixed):
    manifest = mixed["manifest"]
    assert manifest["code"]["package_version"] == lahelpers.__version__
    commit = manifest["code"]["git_commit"]
    assert commit is None or re.fullmatch(r"[0-9a-f]{40}", commit)
    libraries = manifest["code"]["libraries"]
    for name in ("pandas", "scipy", "statsmodels", "altair", "geopandas"):
        assert libraries[name] == importlib.metadata.version(name)
    cat = load_catalogue()
    sources = manifest["data"]["sources"]
    assert set(sources) == set(cat)
    for sid, src in cat.items():
        assert sources[sid]["sha256"] == src.current_sha256()  # repository data: its own
        if src.path.is_file():
            assert (
                sources[sid]["actual_sha256"] == hashlib.sha256(src.path.read_bytes()).hexdigest()
            )
    for nb in manifest["notebooks"]:
        assert nb["seconds_execute"] > 0 and nb["seconds_total"] >= nb["seconds_execute"]
        assert nb["html_bytes"] == (mixed["result"].folder / nb["html"]).stat().st_size
    assert manifest["seconds"] > 0 and manifest["finished_at"] >= manifest["started_at"]
    assert manifest["assets"][report.BUNDLE_PATH] > 0
    assert manifest["sizes"]["over_limit"] == []


def test_outputs_complete_and_no_temp_files_left(mixed):
    folder = mixed["result"].folder
    names = [r.name for r in mixed["result"].results]
    for name in names:
        assert (folder / f"{name}.html").is_file()
        assert (folder / "executed" / f"{name}.ipynb").is_file()
    leftovers = [p for p in folder.rglob("*") if p.name.startswith(".") or ".part" in p.name]
    assert leftovers == []
    assert (folder / "index.html").is_file() and (folder / report.BUNDLE_PATH).is_file()


def test_pages_have_charts_but_no_code_or_network(mixed):
    folder = mixed["result"].folder
    for name in ("01_national", "region_profile-london"):
        page = (folder / f"{name}.html").read_text()
        soup = BeautifulSoup(page, "html.parser")
        assert len(soup.find_all("div", class_=report.CHART_CLASS)) == 1
        assert soup.find("p", class_="chart-alt") is not None
        assert "import altair" not in page and "region = " not in page
        assert not re.search(r"<script[^>]*src=[\"']?(https?:)?//", page)
        assert soup.find("nav", class_="toc") is not None
        assert soup.find("footer", class_="provenance") is not None


def test_failed_run_does_not_move_latest(mixed):
    assert mixed["result"].latest_updated is False
    assert run.latest_run(mixed["root"]) is None


def test_successful_runs_move_latest_and_never_overwrite(tmp_path, monkeypatch):
    nb_dir = write_test_notebooks(tmp_path / "nbs", sleep=0)
    root = tmp_path / "reports"
    monkeypatch.setattr(run, "DEFAULT_NOTEBOOKS", ("01_national.ipynb",))  # the full plan here
    kw = dict(
        notebooks_dir=nb_dir,
        reports_root=root,
        progress=False,
        regions=[],
    )
    first = run.run_reports(run_id="first", **kw)
    assert first.exit_code == 0 and first.latest_updated
    assert run.latest_run(root) == (root / "first").resolve()
    before = (root / "first" / "manifest.json").read_bytes()
    with pytest.raises(run.RunError, match="already exists"):
        run.run_reports(run_id="first", **kw)
    assert (root / "first" / "manifest.json").read_bytes() == before
    second = run.run_reports(**kw)
    assert second.run_id != "first" and second.exit_code == 0
    assert run.latest_run(root) == second.folder.resolve()
    assert (root / run.LATEST).is_symlink()


def _fake_run(root: Path, run_id: str, started_at: str) -> None:
    """A run folder with just a manifest (for pointer tests without kernels)."""
    (root / run_id).mkdir(parents=True)
    (root / run_id / "manifest.json").write_text(json.dumps({"started_at": started_at}))


def test_latest_is_not_taken_by_an_older_run(tmp_path):
    _fake_run(tmp_path, "new", "2026-01-02T00:00:00+00:00")
    _fake_run(tmp_path, "old", "2026-01-01T00:00:00+00:00")
    assert run.update_latest(tmp_path, "new", "2026-01-02T00:00:00+00:00")
    assert not run.update_latest(tmp_path, "old", "2026-01-01T00:00:00+00:00")
    assert run.latest_run(tmp_path).name == "new"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_pointer_file_where_symlinks_are_not_allowed(tmp_path, monkeypatch):
    _fake_run(tmp_path, "r1", "2026-01-01T00:00:00+00:00")

    def no_symlinks(*a, **k):
        raise OSError("symlinks not permitted")

    monkeypatch.setattr(run.os, "symlink", no_symlinks)
    assert run.update_latest(tmp_path, "r1")
    pointer = tmp_path / run.LATEST
    assert pointer.is_file() and not pointer.is_symlink()
    assert pointer.read_text().strip() == "r1"
    assert run.latest_run(tmp_path) == tmp_path / "r1"


def test_unknown_region_fails_at_once_listing_valid_names(tmp_path):
    root = tmp_path / "reports"
    with pytest.raises(run.RunError) as err:
        run.run_reports(
            regions=["London", "Londn", "Wales"],
            reports_root=root,
            notebooks_dir=tmp_path,
            progress=False,
        )
    msg = str(err.value)
    assert "'Londn' (did you mean 'London'?)" in msg and "'Wales'" in msg
    for name in run.REGIONS:
        assert name in msg
    assert not root.exists()  # nothing was started


def test_missing_notebook_fails_before_any_work(tmp_path):
    root = tmp_path / "reports"
    with pytest.raises(run.RunError, match="not_there.ipynb"):
        run.run_reports(
            notebooks=["not_there.ipynb"], notebooks_dir=tmp_path, reports_root=root, progress=False
        )
    assert not root.exists()


def test_regions_are_canonicalised_and_deduplicated():
    assert run.validate_regions(None) == run.REGIONS
    assert run.validate_regions([" london ", "London", "yorkshire and the humber"]) == (
        "London",
        "Yorkshire and The Humber",
    )
    assert run.validate_regions("South West") == ("South West",)


@pytest.mark.realdata  # a small file, joined through the real reference list
def test_regions_match_the_reference_list_of_authorities():
    from lahelpers.inputs import codes

    ref = codes.reference()
    assert set(ref["region"].dropna().unique()) == set(run.REGIONS)


def test_plan_jobs_one_per_region_only_for_parameterised_notebooks(tmp_path):
    nb_dir = write_test_notebooks(tmp_path)
    jobs = run.plan_jobs(
        ["01_national.ipynb", "region_profile.ipynb"],
        ("London", "Yorkshire and The Humber"),
        nb_dir,
    )
    assert [(j.name, j.parameters) for j in jobs] == [
        ("01_national", {}),
        ("region_profile-london", {"region": "London"}),
        ("region_profile-yorkshire-and-the-humber", {"region": "Yorkshire and The Humber"}),
    ]
    assert [
        j.name for j in run.plan_jobs(["region_profile.ipynb", "01_national.ipynb"], (), nb_dir)
    ] == ["01_national"]


def test_default_notebook_list():
    assert run.DEFAULT_NOTEBOOKS == (
        "01_national_overview.ipynb",
        "02_rural_urban.ipynb",
        "03_inequality.ipynb",
        "04_workforce.ipynb",
        "region_profile.ipynb",
        "authority_profile.ipynb",
    )
    assert len(run.REGIONS) == 9


def test_run_folders_are_unique_and_run_ids_checked(tmp_path):
    a = run.create_run_folder(tmp_path, None)
    b = run.create_run_folder(tmp_path, None)
    assert a[0] != b[0] and a[1].is_dir() and b[1].is_dir()
    for bad in ("../escape", "latest", ".hidden", "a/b", ""):
        with pytest.raises(run.RunError):
            run.create_run_folder(tmp_path, bad)
    assert not (tmp_path.parent / "escape").exists()


def test_nothing_to_run_is_an_error(tmp_path):
    nb_dir = write_test_notebooks(tmp_path / "nbs")
    with pytest.raises(run.RunError, match="Nothing to run"):
        run.run_reports(
            regions=[],
            notebooks=["region_profile.ipynb"],
            notebooks_dir=nb_dir,
            reports_root=tmp_path / "reports",
            progress=False,
        )
    assert not (tmp_path / "reports").exists()


def test_workers_default_to_cpu_count(tmp_path, monkeypatch):
    nb_dir = write_test_notebooks(tmp_path / "nbs", sleep=0)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    result = run.run_reports(
        regions=["London", "South West"],
        notebooks=["region_profile.ipynb"],
        notebooks_dir=nb_dir,
        reports_root=tmp_path / "r",
        progress=False,
    )
    assert json.loads(result.manifest.read_text())["parameters"]["workers"] == 1
    assert result.exit_code == 0 and len(result.results) == 2


def test_warm_kernel_reuses_process_but_not_variables(tmp_path):
    """One worker runs three notebooks on one warm kernel: same process, no leaked variables,
    and a failed notebook's kernel is replaced so it cannot poison the next one."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    write_notebook(nb_dir / "a.ipynb", [md("# A"), code("import os\nsecret = 42\nprint('PID', os.getpid())")])
    write_notebook(
        nb_dir / "b.ipynb",
        [md("# B"), code("import os\nprint('PID', os.getpid())\nprint('LEAK', 'secret' in dir())")],
    )
    write_notebook(nb_dir / "c.ipynb", [md("# C"), code("import os\nprint('PID', os.getpid())\nraise RuntimeError('x')")])
    write_notebook(nb_dir / "d.ipynb", [md("# D"), code("import os\nprint('PID', os.getpid())")])
    result = run.run_reports(
        regions=[], notebooks=["a.ipynb", "b.ipynb", "c.ipynb", "d.ipynb"], workers=1,
        reports_root=tmp_path / "reports", notebooks_dir=nb_dir, progress=False,
    )
    out = {r.name: _stdout(result.folder / r.executed) for r in result.results}
    pid = {k: re.search(r"PID (\d+)", v).group(1) for k, v in out.items()}
    assert pid["a"] == pid["b"] == pid["c"], "notebooks on one worker should share its warm kernel"
    assert "LEAK False" in out["b"]
    assert pid["d"] != pid["c"], "a failed notebook's kernel must be replaced"
    assert [r.status for r in result.results] == ["ok", "ok", "failed", "ok"]


def test_notebooks_import_only_what_warm_kernels_import():
    """Every ``from lahelpers import ...`` in the report notebooks is in WARM_IMPORTS, so a
    prestarted kernel has already imported what each notebook's first cell asks for."""
    from lahelpers.publish.kernels import WARM_IMPORTS

    wanted = set()
    for path in (Path(lahelpers.__file__).parents[2] / "notebooks").glob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            for names in re.findall(r"^from lahelpers import ([\w, ]+)", cell.source, re.M):
                wanted |= {n.split(" as ")[0].strip() for n in names.split(",")}
    assert wanted and wanted <= set(WARM_IMPORTS), sorted(wanted - set(WARM_IMPORTS))


@pytest.mark.parametrize("warm", [True, False], ids=["prestarted", "cold"])
def test_prestarted_kernels_have_imported_but_hold_no_names(tmp_path, warm):
    """A warm run's kernels start while the run sets up and import the notebooks' modules, so
    the first notebook finds them loaded; its namespace is still empty (no name from the
    warm-up). A cold kernel (the control) has not imported them."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    probe = (
        "import sys\n"
        "print('LOADED', all(f'lahelpers.{m}' in sys.modules for m in ('stats', 'charts', 'load')))\n"
        "print('NAMES', sorted(n for n in dir() if not n.startswith('_')\n"
        "      and n not in ('In', 'Out', 'exit', 'quit', 'open', 'get_ipython', 'sys')))"
    )
    write_notebook(nb_dir / "a.ipynb", [md("# A"), code(probe)])
    result = run.run_reports(
        regions=[], notebooks=["a.ipynb"], workers=1, reports_root=tmp_path / "reports",
        notebooks_dir=nb_dir, progress=False, warm_kernels=warm,
    )
    out = _stdout(result.folder / result.results[0].executed)
    assert f"LOADED {warm}" in out
    assert "NAMES []" in out
    warm_up = json.loads(result.manifest.read_text()).get("kernel_warm_up")
    if warm:
        assert len(warm_up) == 1 and warm_up[0]["import_seconds"] > 0
    else:
        assert warm_up is None


def test_cold_kernels_when_asked(tmp_path):
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    for name in ("a", "b"):
        write_notebook(nb_dir / f"{name}.ipynb", [md(f"# {name}"), code("import os\nprint('PID', os.getpid())")])
    result = run.run_reports(
        regions=[], notebooks=["a.ipynb", "b.ipynb"], workers=1, reports_root=tmp_path / "reports",
        notebooks_dir=nb_dir, progress=False, warm_kernels=False,
    )
    pids = {re.search(r"PID (\d+)", _stdout(result.folder / r.executed)).group(1) for r in result.results}
    assert len(pids) == 2


# ---- partial runs, interrupted and killed runs, kernels over IPC


def _ok_pool(jobs, folder, *args, **kwargs):
    """Stand-in for the worker pool: every job "succeeds" at once (no kernels)."""
    return [
        run.JobResult(name=j.name, notebook=str(j.notebook), parameters=dict(j.parameters), status="ok")
        for j in jobs
    ]


def test_partial_runs_never_move_latest_and_are_listed(tmp_path, monkeypatch):
    nb_dir = write_test_notebooks(tmp_path / "nbs", sleep=0)
    root = tmp_path / "reports"
    monkeypatch.setattr(run, "DEFAULT_NOTEBOOKS", ("01_national.ipynb", "region_profile.ipynb"))
    monkeypatch.setattr(run, "_run_pool", _ok_pool)
    kw = dict(notebooks_dir=nb_dir, reports_root=root, progress=False)
    full = run.run_reports(run_id="full", **kw)
    assert full.complete and full.latest_updated
    one = run.run_reports(run_id="one-notebook", notebooks=["01_national"], regions=[], **kw)
    region = run.run_reports(run_id="one-region", regions=["London"], **kw)
    for partial in (one, region):
        assert partial.exit_code == 0 and not partial.complete and not partial.latest_updated
        assert json.loads(partial.manifest.read_text())["scope"] == "partial"
        assert "partial run" in partial.summary()
    assert run.latest_run(root).name == "full"
    listed = BeautifulSoup((root / run.PARTIAL_INDEX).read_text(), "html.parser")
    links = [a["href"] for a in listed.find_all("a")]
    assert links == ["latest/index.html", "one-region/index.html", "one-notebook/index.html"]
    assert json.loads((root / "full" / "manifest.json").read_text())["scope"] == "full"


def test_interrupted_run_lists_what_finished(tmp_path, monkeypatch):
    """Ctrl-C while the third of four notebooks runs: the manifest keeps the ones that finished."""
    import signal

    md = nbformat.v4.new_markdown_cell
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    for name in "abcd":
        write_notebook(nb_dir / f"{name}.ipynb", [md(f"# {name}")])

    def fake_execute(job, folder, *args, **kwargs):
        if job.name == "c":
            os.kill(os.getpid(), signal.SIGINT)  # the user presses Ctrl-C now
        return run.JobResult(name=job.name, notebook=str(job.notebook), parameters={}, status="ok")

    monkeypatch.setattr(run, "execute_job", fake_execute)
    with pytest.raises(KeyboardInterrupt):
        run.run_reports(
            regions=[], notebooks=["a", "b", "c", "d"], workers=1, notebooks_dir=nb_dir,
            reports_root=tmp_path / "reports", run_id="r", progress=False,
        )
    manifest = json.loads((tmp_path / "reports" / "r" / "manifest.json").read_text())
    statuses = {n["name"]: n["status"] for n in manifest["notebooks"]}
    assert manifest["status"] == "interrupted"
    assert {k: statuses[k] for k in "abc"} == {"a": "ok", "b": "ok", "c": "ok"}
    assert statuses["d"] in {"ok", "not run"}
    banner = BeautifulSoup((tmp_path / "reports" / "r" / "index.html").read_text(), "html.parser")
    assert "This run was interrupted" in banner.find(class_="failed").get_text(" ")


KILLED_RUN = """
import sys, time
from pathlib import Path
from lahelpers.publish import run
run.execute_job = lambda *a, **k: time.sleep(600)  # a notebook that is still running
run.run_reports(regions=[], notebooks=["a"], notebooks_dir=Path(sys.argv[1]),
                reports_root=Path(sys.argv[2]), run_id="killed", progress=False)
"""


def test_killed_run_is_marked_abandoned_by_the_next(tmp_path, monkeypatch):
    import signal
    import subprocess
    import sys

    md = nbformat.v4.new_markdown_cell
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    write_notebook(nb_dir / "a.ipynb", [md("# a")])
    root = tmp_path / "reports"
    manifest = root / "killed" / "manifest.json"
    proc = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(nb_dir), str(root)])
    try:
        while not (manifest.is_file() and '"running"' in manifest.read_text()):
            try:  # until the run has started (its manifest says "running"), or it ends by itself
                proc.wait(0.2)
                pytest.fail(f"the run ended by itself with status {proc.returncode}")
            except subprocess.TimeoutExpired:
                continue
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert json.loads(manifest.read_text())["status"] == "running"  # what SIGKILL leaves
    monkeypatch.setattr(run, "_run_pool", _ok_pool)
    run.run_reports(regions=[], notebooks=["a"], notebooks_dir=nb_dir, reports_root=root, progress=False)
    after = json.loads(manifest.read_text())
    assert after["status"] == "abandoned" and str(proc.pid) in after["error"]
    assert "abandoned" in (root / "killed" / "index.html").read_text()


def test_a_live_run_is_not_marked_abandoned(tmp_path):
    (tmp_path / "live").mkdir()
    live = {"status": "running", "pid": os.getpid(), "host": __import__("socket").gethostname()}
    (tmp_path / "live" / "manifest.json").write_text(json.dumps(live))
    assert run.mark_abandoned(tmp_path, lambda *a: None) == []


KERNEL_INFO = (
    "import json\nfrom ipykernel.connect import get_connection_info\n"
    "print('TRANSPORT', json.loads(get_connection_info())['transport'])"
)


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_kernels_run_over_ipc_without_tcp_warning(tmp_path, capfd, warm):
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    write_notebook(nb_dir / "k.ipynb", [md("# K"), code(KERNEL_INFO)])
    result = run.run_reports(
        regions=[], notebooks=["k"], workers=1, notebooks_dir=nb_dir,
        reports_root=tmp_path / "reports", progress=False, warm_kernels=warm,
    )
    assert result.exit_code == 0, result.failed
    assert "TRANSPORT ipc" in _stdout(result.folder / "executed" / "k.ipynb")
    captured = capfd.readouterr()
    assert "over TCP" not in captured.err + captured.out


@pytest.mark.parametrize("manifest_writable", [True, False], ids=["manifest-rewritten", "manifest-removed"])
def test_disk_full_at_the_end_leaves_no_manifest_saying_running(tmp_path, monkeypatch, manifest_writable):
    """The disk fills as the index is written: the run fails with the OS error, and its manifest
    says failed (or, if even that cannot be written, is gone) -- never "running"."""
    import errno

    nb_dir = write_test_notebooks(tmp_path / "nbs", sleep=0)

    def pool_with_output(jobs, folder, *args, **kwargs):
        (folder / "executed").mkdir()
        (folder / "executed" / "01_national.ipynb").write_text("{}")  # a finished notebook: kept
        return _ok_pool(jobs, folder)

    monkeypatch.setattr(run, "_run_pool", pool_with_output)
    real_manifest = report.write_manifest
    writes = []

    def write_manifest(folder, manifest):
        writes.append(manifest["status"])
        if not manifest_writable and len(writes) > 1:
            raise OSError(errno.ENOSPC, "No space left on device", str(folder / "manifest.json"))
        return real_manifest(folder, manifest)

    def write_index(folder, manifest):
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / "index.html"))

    monkeypatch.setattr(report, "write_manifest", write_manifest)
    monkeypatch.setattr(report, "write_index", write_index)
    with pytest.raises(OSError, match="No space left"):
        run.run_reports(
            regions=[], notebooks=["01_national"], notebooks_dir=nb_dir,
            reports_root=tmp_path / "reports", run_id="r", progress=False,
        )
    manifest = tmp_path / "reports" / "r" / "manifest.json"
    if manifest_writable:
        saved = json.loads(manifest.read_text())
        assert saved["status"] == "failed" and "No space left on device" in saved["error"]
    else:
        assert not manifest.exists()
    assert (tmp_path / "reports" / "r" / "executed" / "01_national.ipynb").is_file()
    assert run.latest_run(tmp_path / "reports") is None


def test_failed_notebook_keeps_the_cells_before_the_error(tmp_path):
    """papermill saves once, at the end (not after every cell): a cell error still leaves the
    executed notebook with every earlier output and the error."""
    code = nbformat.v4.new_code_cell
    nb_dir = tmp_path / "nbs"
    nb_dir.mkdir()
    write_notebook(nb_dir / "a.ipynb", [code("print('BEFORE THE ERROR')"), code("1 / 0"),
                                         code("print('AFTER')")])
    result = run.run_reports(regions=[], notebooks=["a"], workers=1, notebooks_dir=nb_dir,
                             reports_root=tmp_path / "reports", run_id="r", progress=False)
    out = _stdout(result.folder / "executed" / "a.ipynb")
    assert result.status == "failed" and "ZeroDivisionError" in result.failed[0].error
    assert "BEFORE THE ERROR" in out and "AFTER" not in out


def test_report_kernels_start_with_one_maths_thread(tmp_path) -> None:
    """Kernels run one per core, so each must use one BLAS/OpenMP thread (issue 16: threads in
    two kernels waiting on each other doubled a cell's wall time). Checked in a real kernel."""
    from lahelpers.publish.kernels import SINGLE_THREAD_VARS, IPCKernelManager

    km = IPCKernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(tmp_path))
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        code = f"import os; print(','.join(os.environ.get(v, '') for v in {SINGLE_THREAD_VARS!r}))"
        out: list[str] = []
        kc.execute_interactive(code, timeout=60, output_hook=lambda m: out.append(
            m["content"].get("text", "")) if m["msg_type"] == "stream" else None)
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
    assert "".join(out).strip() == ",".join("1" for _ in SINGLE_THREAD_VARS)
