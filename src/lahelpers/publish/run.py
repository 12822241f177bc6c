"""Scheduled runs: execute every report notebook with papermill, in parallel, into ``reports/<run-id>/``.

One call, :func:`run_reports`, does the lot: checks the request (unknown regions or missing
notebooks fail at once, before any work), creates a new run folder (never reusing one), runs each
notebook -- the national ones once, a notebook with a ``region`` parameter once per region -- in a
pool of workers (each papermill run starts its own kernel, with the notebooks folder as working
directory), renders each to an offline HTML page (:mod:`lahelpers.publish.report`), writes
``index.html`` and ``manifest.json``, and finally points ``reports/latest`` at the run when every
notebook succeeded. One notebook failing never stops the others: its partial notebook and a page
showing the error are kept, the index lists it and the exit status is non-zero.

Workers are threads: each notebook's work happens in its own kernel process, the thread only relays
kernel messages (papermill/nbclient) and renders the page, so threads give full parallelism without
the start-up cost of worker processes. Ctrl-C cancels notebooks not yet started; running ones finish.

Layout of a run folder::

    <run-id>/index.html, manifest.json, <report>.html, assets/vega-bundle.js,
             executed/<report>.ipynb
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from lahelpers import framework, paths
from lahelpers.errors import RunError
from lahelpers.paths import slug
from lahelpers.publish import report, whats_new
from lahelpers.publish.folders import (
    LATEST,
    PARTIAL_INDEX,
    create_run_folder,
    default_run_id,
    latest_run,
    mark_abandoned,
    update_latest,
    write_partial_index,
)
from lahelpers.publish.kernels import IPCKernelManager, WarmKernels
from lahelpers.publish.manifest import build_manifest, code_version, data_checksums

#: The nine English regions, the values the region profile accepts.
REGIONS: tuple[str, ...] = framework.REGIONS
#: National and thematic notebooks, run once each.
NATIONAL_NOTEBOOKS: tuple[str, ...] = (
    "01_national_overview.ipynb",
    "02_rural_urban.ipynb",
    "03_inequality.ipynb",
    "04_workforce.ipynb",
)
#: The profile run once per region.
REGION_NOTEBOOK = "region_profile.ipynb"
#: The profile run once per authority (all 153 in a full run).
AUTHORITY_NOTEBOOK = "authority_profile.ipynb"
#: Every notebook a full run executes, in order (the long ones first, so the many short
#: authority profiles fill the workers at the end).
DEFAULT_NOTEBOOKS: tuple[str, ...] = (*NATIONAL_NOTEBOOKS, REGION_NOTEBOOK, AUTHORITY_NOTEBOOK)
#: A notebook whose ``parameters`` cell defines this name is run once per region.
REGION_PARAMETER = "region"
#: A notebook whose ``parameters`` cell defines this name is run once per authority.
AUTHORITY_PARAMETER = "authority"
#: Folder inside the reports folder for files reused between runs (the chart library).
CACHE_DIR = ".cache"
#: Default limit on one cell's execution, in seconds.
CELL_TIMEOUT = 1800


@dataclass(frozen=True)
class Job:
    """One notebook execution: which notebook, with which parameters, written under which name."""

    name: str
    notebook: Path
    parameters: dict[str, Any]
    label: str | None = None


@dataclass
class JobResult:
    """What happened to one job (one row of the manifest and the index)."""

    name: str
    notebook: str
    parameters: dict[str, Any]
    status: str  # "ok" or "failed"
    title: str | None = None
    error: str | None = None
    failed_cell: int | None = None
    executed: str | None = None  # relative to the run folder
    html: str | None = None
    html_bytes: int | None = None
    charts: int | None = None
    started_at: str | None = None
    seconds_execute: float | None = None
    seconds_export: float | None = None
    seconds_total: float | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """The outcome of :func:`run_reports`; ``exit_code`` is 0 only when every notebook succeeded."""

    run_id: str
    folder: Path
    status: str  # "ok" or "failed"
    exit_code: int
    results: list[JobResult]
    manifest: Path
    index: Path
    latest_updated: bool
    seconds: float
    complete: bool = True  # every report of the full plan (only such runs may become latest)

    @property
    def failed(self) -> list[JobResult]:
        """The jobs that failed."""
        return [r for r in self.results if r.status != "ok"]

    def summary(self) -> str:
        """A few lines for the terminal: where the run went, how long it took, what failed."""
        ok = len(self.results) - len(self.failed)
        lines = [f"run {self.run_id}: {ok} of {len(self.results)} notebooks succeeded in {self.seconds:.0f} s",
                 f"index: {self.index}"]
        lines += [f"FAILED {r.name}: {r.error}" for r in self.failed]
        if not self.complete:
            lines.append(
                f"partial run (some reports only): listed in {self.folder.parent / PARTIAL_INDEX}; "
                "reports/latest points only at complete runs"
            )
        elif not self.latest_updated:
            lines.append("reports/latest not moved (it points only at runs where every notebook succeeded)")
        return "\n".join(lines)


# ---------------------------------------------------------------------------- checking the request


def validate_regions(regions: Sequence[str] | None) -> tuple[str, ...]:
    """Canonical region names (all nine when None); unknown names raise RunError listing valid ones.

    Matching ignores case and surrounding spaces so ``"london"`` is accepted as ``"London"``
    (:func:`lahelpers.framework.check_region`, which the region profile also uses).
    """
    if regions is None:
        return REGIONS
    if isinstance(regions, str):
        regions = [regions]
    out: list[str] = []
    unknown: list[str] = []
    for name in regions:
        try:
            canon = framework.check_region(name)
        except ValueError:
            unknown.append(framework.region_hint(name))
            continue
        if canon not in out:
            out.append(canon)
    if unknown:
        raise RunError(f"Unknown region {', '.join(unknown)}. Valid names: {', '.join(REGIONS)}.")
    return tuple(out)


def all_authorities() -> tuple[str, ...]:
    """The names of the 153 authorities (processed data), in alphabetical order."""
    from lahelpers import load

    return tuple(sorted(load.authorities()["name"].astype(str)))


def validate_authorities(authorities: Sequence[str] | None) -> tuple[str, ...]:
    """Canonical authority names (all 153 when None), each named once, in the order given.

    A name in any common spelling or an ONS code is accepted (:func:`lahelpers.authority.match`);
    unknown or ambiguous ones raise RunError at once, with the closest names, before any work.
    """
    if authorities is None:
        return all_authorities()
    if isinstance(authorities, str):
        authorities = [authorities]
    if not authorities:
        return ()
    from lahelpers import authority, load

    table = load.authorities()[["code", "name"]]
    names = dict(zip(table["code"], table["name"].astype(str), strict=True))
    out: list[str] = []
    problems: list[str] = []
    for given in authorities:
        try:
            name = names[authority.match(given, table)]
        except ValueError as err:
            problems.append(str(err))
            continue
        if name not in out:
            out.append(name)
    if problems:
        raise RunError(" ".join(problems))
    return tuple(out)


def notebook_parameters(path: Path) -> set[str]:
    """Names defined in a notebook's ``parameters`` cell (empty if it has none)."""
    import papermill

    return set(papermill.inspect_notebook(str(path)))


def plan_jobs(
    notebooks: Sequence[str | Path],
    regions: Sequence[str],
    notebooks_dir: Path,
    authorities: Sequence[str] = (),
) -> list[Job]:
    """One job per national notebook, one per region for each notebook with a region parameter
    and one per authority (canonical names, :func:`validate_authorities`) for each notebook with
    an authority parameter.

    Missing notebooks raise RunError naming all of them before anything runs.
    """
    resolved = [
        (notebooks_dir / (nb if Path(nb).suffix == ".ipynb" else f"{nb}.ipynb")).resolve()
        for nb in notebooks
    ]
    missing = [str(p) for p in resolved if not p.is_file()]
    if missing:
        known = ", ".join(sorted(p.stem for p in notebooks_dir.glob("*.ipynb"))) or "none"
        raise RunError(
            f"Notebook(s) not found: {', '.join(missing)}. Fix: use --notebook with one of: {known}"
        )
    jobs: list[Job] = []
    for path in resolved:
        params = notebook_parameters(path)
        if AUTHORITY_PARAMETER in params:
            for name in authorities:
                jobs.append(
                    Job(f"{path.stem}-{slug(name)}", path, {AUTHORITY_PARAMETER: name}, name)
                )
        elif REGION_PARAMETER in params:
            for region in regions:
                jobs.append(
                    Job(f"{path.stem}-{slug(region)}", path, {REGION_PARAMETER: region}, region)
                )
        else:
            jobs.append(Job(path.stem, path, {}))
    names = [j.name for j in jobs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise RunError(f"Two notebooks would write the same report name: {', '.join(dupes)}")
    return jobs


# ---------------------------------------------------------------------------- one job (in a worker)


def _error_summary(exc: BaseException) -> tuple[str, int | None]:
    """A one-line error and, for a cell failure, the failing cell's index."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue}".strip(), exc.cell_index
    return f"{type(exc).__name__}: {exc}".strip(), None


def execute_job(
    job: Job,
    folder: Path,
    prov: report.Provenance,
    kernel_name: str | None = None,
    cell_timeout: int | None = CELL_TIMEOUT,
    kernels: WarmKernels | None = None,
) -> JobResult:
    """Run one notebook with papermill and render its page; never raises for a notebook failure.

    papermill writes the executed notebook under a temporary name, so the final
    ``executed/<name>.ipynb`` appears by rename only when execution has ended, failed or not. A
    failed notebook's partial output is rendered too, with its error visible.

    papermill writes the notebook once, when execution ends or a cell fails (with the error
    marked), not after every cell (``request_save_on_cell_execute=False``): each save re-encodes
    the whole notebook with its chart specs, ~0.9 s a region page and more for the thematic ones,
    in the runner process whose worker threads share one interpreter, and no one reads the
    temporary file before the rename. The price: a notebook stopped by something other than a
    cell error (a cell timeout, a kernel that dies) leaves no partial notebook, so its page is
    the stub naming the error instead of the cells that ran before it.
    """
    import papermill

    started = time.perf_counter()
    result = JobResult(
        name=job.name,
        notebook=str(job.notebook),
        parameters=dict(job.parameters),
        status="ok",
        started_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    executed = folder / "executed" / f"{job.name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    partial = executed.with_name(f".{job.name}.{os.getpid()}.part.ipynb")
    engine_kwargs: dict[str, Any] = {"kernel_manager_class": IPCKernelManager}
    try:
        if kernels is not None:
            engine_kwargs["km"] = kernels.get(job.notebook.parent)
        papermill.execute_notebook(
            str(job.notebook),
            str(partial),
            parameters=job.parameters,
            kernel_name=kernel_name,
            **engine_kwargs,
            # The kernel's working folder, passed to nbclient (papermill's own ``cwd`` does a
            # process-wide chdir, which is unsafe with several notebooks running in threads).
            resources={"metadata": {"path": str(job.notebook.parent)}},
            progress_bar=False,
            execution_timeout=cell_timeout,
            request_save_on_cell_execute=False,
        )
    except Exception as exc:  # noqa: BLE001 -- any failure is recorded, never propagated
        result.status = "failed"
        result.error, result.failed_cell = _error_summary(exc)
        if kernels is not None:
            kernels.discard()
    if partial.is_file():
        os.replace(partial, executed)
    else:
        report.stub_notebook(executed, job.label or job.name, result.error or "no output written")
    result.executed = executed.relative_to(folder).as_posix()
    executed_at = time.perf_counter()
    result.seconds_execute = round(executed_at - started, 3)
    html_path = folder / f"{job.name}.html"
    try:
        page = report.export_notebook(
            executed, html_path, prov, label=job.label, error=result.error
        )
    except Exception as exc:  # noqa: BLE001
        result.status = "failed"
        msg = f"HTML export failed: {type(exc).__name__}: {exc}"
        result.error = f"{result.error}; {msg}" if result.error else msg
        result.warnings.append(traceback.format_exc(limit=5))
    else:
        result.html = html_path.name
        result.html_bytes = page.bytes
        result.charts = page.charts
        result.title = page.title
        result.warnings.extend(page.warnings)
    done = time.perf_counter()
    result.seconds_export = round(done - executed_at, 3)
    result.seconds_total = round(done - started, 3)
    return result


def _notebooks_dir(notebooks_dir: Path | None) -> Path:
    """Where notebooks are found: the given folder, else ``<project>/notebooks``."""
    return Path(notebooks_dir) if notebooks_dir is not None else paths.project_root() / "notebooks"


def _wants_authorities(notebooks: Sequence[str | Path], nb_dir: Path) -> bool:
    """Whether any of the notebooks (those that exist) has an authority parameter."""
    for nb in notebooks:
        path = nb_dir / (nb if Path(nb).suffix == ".ipynb" else f"{nb}.ipynb")
        if path.is_file() and AUTHORITY_PARAMETER in notebook_parameters(path):
            return True
    return False


def run_plan(
    regions: Sequence[str] | None = None,
    notebooks: Sequence[str | Path] | None = None,
    notebooks_dir: Path | None = None,
    authorities: Sequence[str] | None = None,
) -> list[Job]:
    """The jobs a run would execute (notebooks x parameters), checked, without running anything.

    Arguments as for :func:`run_reports`; ``lahelpers run --list`` prints this.
    """
    nb_dir = _notebooks_dir(notebooks_dir)
    selected = list(notebooks or DEFAULT_NOTEBOOKS)
    if authorities is None and regions is not None:
        authorities = []  # a run narrowed to some regions has no authority profiles unless named
    # The authority list is read (from the processed data) only when a notebook needs it.
    names = validate_authorities(authorities) if _wants_authorities(selected, nb_dir) else ()
    jobs = plan_jobs(selected, validate_regions(regions), nb_dir, names)
    if not jobs:
        raise RunError(
            "Nothing to run: no notebooks selected (or only regional ones and no regions)"
        )
    return jobs


# ---------------------------------------------------------------------------- the run


def _run_pool(
    jobs: list[Job],
    folder: Path,
    prov: report.Provenance,
    workers: int,
    kernel_name: str | None,
    cell_timeout: int | None,
    progress: bool,
    kernels: WarmKernels | None = None,
    results: dict[str, JobResult] | None = None,
) -> list[JobResult]:
    """Execute jobs in worker threads with a progress bar; results in job order.

    With ``kernels`` each worker reuses one kernel (see :class:`WarmKernels`; None: a fresh
    kernel per notebook); the caller shuts them down. ``results`` receives each job's result as
    it finishes, so a caller interrupted (Ctrl-C) still knows which notebooks finished.
    """
    results = {} if results is None else results
    _drain(jobs, folder, prov, workers, kernel_name, cell_timeout, progress, kernels, results)
    return [results[j.name] for j in jobs]


def _result_of(job: Job, fut: Future) -> JobResult:
    """A finished future's JobResult (a bug in execute_job itself becomes a failed result)."""
    try:
        return fut.result()
    except Exception as exc:  # noqa: BLE001 -- a bug in execute_job itself
        return JobResult(
            name=job.name,
            notebook=str(job.notebook),
            parameters=dict(job.parameters),
            status="failed",
            error=f"worker failed: {type(exc).__name__}: {exc}",
        )


def _drain(
    jobs: list[Job],
    folder: Path,
    prov: report.Provenance,
    workers: int,
    kernel_name: str | None,
    cell_timeout: int | None,
    progress: bool,
    kernels: WarmKernels | None,
    results: dict[str, JobResult],
) -> None:
    """Submit every job to a thread pool and put each result in ``results`` as it finishes.

    Results are stored by a callback on each future, so notebooks that finish after an interrupt
    (running ones are waited for; queued ones are cancelled) are still recorded.
    """

    def store(fut: Future, job: Job) -> None:
        if not fut.cancelled() and isinstance(fut.exception(), Exception | None):
            results[job.name] = _result_of(job, fut)

    with (
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lahelpers-run") as pool,
        tqdm(total=len(jobs), desc="reports", unit="notebook", disable=not progress) as bar,
    ):
        futures: dict[Future, Job] = {}
        for job in jobs:
            fut = pool.submit(execute_job, job, folder, prov, kernel_name, cell_timeout, kernels)
            fut.add_done_callback(lambda f, job=job: store(f, job))
            futures[fut] = job
        try:
            for fut in as_completed(futures):
                job = futures[fut]
                res = results[job.name] = _result_of(job, fut)
                bar.update(1)
                bar.set_postfix_str(f"{job.name}: {res.status}")
                if res.status != "ok":
                    bar.write(f"FAILED {job.name}: {res.error}")
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _is_complete(jobs: list[Job], nb_dir: Path) -> bool:
    """True when ``jobs`` are every report of a full run (all notebooks, all regions)."""
    try:
        full = run_plan(None, None, nb_dir)
    except RunError:  # the default notebooks are not all there: no run can be complete
        return False
    return {j.name for j in full} <= {j.name for j in jobs}


def _cancelled(jobs: list[Job], results: dict[str, JobResult]) -> list[JobResult]:
    """Results in job order: each finished one, and a "not run" entry for each job that was not."""
    return [
        results.get(j.name)
        or JobResult(
            name=j.name,
            notebook=str(j.notebook),
            parameters=dict(j.parameters),
            status="not run",
            error="the run was interrupted before this notebook finished",
        )
        for j in jobs
    ]


def _save(folder: Path, manifest: dict[str, Any]) -> None:
    """Write a run's manifest and its index page."""
    report.write_manifest(folder, manifest)
    report.write_index(folder, manifest)


def _settle_after_os_error(folder: Path, manifest: dict[str, Any], err: OSError) -> None:
    """After an OS error (full disk...) leave no manifest saying "running".

    The manifest is rewritten as failed if the disk allows; else it is removed. A run folder with
    no notebook output yet is removed whole.
    """
    manifest.update(status="failed", error=f"{err.strerror or err}: {err.filename or ''}".strip())
    try:
        report.write_manifest(folder, manifest)
    except OSError:
        (folder / "manifest.json").unlink(missing_ok=True)
    if not any(folder.glob("*.html")) and not any(folder.glob("executed/*.ipynb")):
        shutil.rmtree(folder, ignore_errors=True)


def run_reports(
    regions: Sequence[str] | None = None,
    notebooks: Sequence[str | Path] | None = None,
    workers: int | None = None,
    reports_root: Path | None = None,
    run_id: str | None = None,
    *,
    notebooks_dir: Path | None = None,
    kernel_name: str | None = None,
    cell_timeout: int | None = CELL_TIMEOUT,
    progress: bool = True,
    update_latest_pointer: bool = True,
    warm_kernels: bool = True,
    authorities: Sequence[str] | None = None,
) -> RunResult:
    """Execute the report notebooks into a new ``reports/<run-id>/`` and render them for readers.

    regions: region names for notebooks with a ``region`` parameter (None: all nine; ``[]``: skip
        those notebooks). Unknown names raise RunError before any work.
    notebooks: file names, with or without ``.ipynb`` (relative to ``notebooks_dir``), or paths;
        None: DEFAULT_NOTEBOOKS.
    workers: parallel notebook executions, 1 or more (None: ``os.cpu_count()``).
    reports_root: where run folders go (None: ``paths.reports_dir()``).
    run_id: the run folder's name (None: a UTC timestamp); an existing folder raises RunError.
    notebooks_dir: where notebooks are found and run from (None: ``<project>/notebooks``).
    authorities: names (any common spelling) or ONS codes for notebooks with an ``authority``
        parameter (None: all 153, unless ``regions`` narrows the run, then none; ``[]``: none).
        Unknown or ambiguous names raise RunError before any work, naming the closest authorities.
    kernel_name: Jupyter kernel (None: each notebook's own kernelspec).
    cell_timeout: seconds one cell may run before it is failed (None: no limit).
    progress: show a tqdm progress bar on stderr.
    update_latest_pointer: point ``reports/latest`` here if this is a complete run (every report
        of the full plan) and every notebook succeeded. A partial run (some notebooks or regions)
        never moves it; it is listed in ``reports/partial-runs.html`` instead.
    warm_kernels: reuse one kernel per worker, reset between notebooks (False: a fresh kernel
        for every notebook, as a plain papermill call would start).

    Runs left "running" by a killed process are marked abandoned first. On Ctrl-C the manifest
    is marked interrupted and lists the notebooks that finished; on an OS error (full disk) it
    is marked failed (or removed if even that cannot be written), and the error is raised.

    Returns a RunResult; its ``exit_code`` is 0 when all notebooks succeeded, else 1.
    """
    t0 = time.perf_counter()
    if workers is not None and workers < 1:
        raise RunError(f"--workers must be 1 or more, got {workers}")
    region_list = validate_regions(regions)
    nb_dir = _notebooks_dir(notebooks_dir)
    jobs = run_plan(regions, notebooks, nb_dir, authorities)
    complete = _is_complete(jobs, nb_dir)
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    reports = Path(reports_root) if reports_root is not None else paths.reports_dir()
    reports.mkdir(parents=True, exist_ok=True)
    mark_abandoned(reports, _save)

    run_id, folder = create_run_folder(reports, run_id)
    kernels = WarmKernels(kernel_name) if warm_kernels else None
    # The kernels start (and import the notebooks' libraries) while the run sets up.
    with kernels.prestarted(n_workers, nb_dir) if kernels else contextlib.nullcontext():
        started_at = datetime.now(UTC).isoformat(timespec="seconds")
        code = code_version()
        data, cat = data_checksums()
        describe = code["git_describe"] or "(not a git checkout)"
        prov = report.Provenance(
            run_id=run_id,
            run_date=datetime.now(UTC).strftime("%d %B %Y %H:%M UTC"),
            code_version=f"{code['package_version']}, git {describe}",
            sources=report.provenance_sources(cat) if cat else (),
        )
        params = {
            "regions": list(region_list),
            "authorities": [j.label for j in jobs if AUTHORITY_PARAMETER in j.parameters],
            "notebooks": [str(n) for n in (notebooks or DEFAULT_NOTEBOOKS)],
            "notebooks_dir": str(nb_dir.resolve()),
            "workers": n_workers,
            "kernel_name": kernel_name,
            "cell_timeout": cell_timeout,
            "warm_kernels": warm_kernels,
            "jobs": [{"name": j.name, "notebook": j.notebook.name, **j.parameters} for j in jobs],
        }
        assets: dict[str, int] = {}
        results: dict[str, JobResult] = {}

        def manifest_of(
            status: str, done: list[JobResult], error: str | None = None, **extra: Any
        ) -> dict[str, Any]:
            out = build_manifest(run_id, started_at, params, code, data, assets, done, status, **extra)
            out.update(scope="full" if complete else "partial", pid=os.getpid(), host=socket.gethostname())
            if error:
                out["error"] = error
            return out

        try:
            assets.update(report.write_assets(folder, cache_dir=reports / CACHE_DIR))
            report.write_manifest(folder, manifest_of("running", []))
            try:
                ordered = _run_pool(
                    jobs, folder, prov, n_workers, kernel_name, cell_timeout, progress, kernels,
                    results,
                )
            except KeyboardInterrupt:
                done = _cancelled(jobs, results)
                n_done = sum(r.status != "not run" for r in done)
                _save(folder, manifest_of(
                    "interrupted", done, error=f"interrupted (Ctrl-C) after {n_done} of {len(jobs)} notebooks finished"
                ))
                raise
            status = "ok" if all(r.status == "ok" for r in ordered) else "failed"
            seconds = round(time.perf_counter() - t0, 3)
            manifest = manifest_of(
                status, ordered, finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
                seconds=seconds,
            )
            if kernels is not None:  # outside the cells: each prestarted kernel's start, imports
                manifest["kernel_warm_up"] = [
                    {"start_seconds": a, "import_seconds": b} for a, b in kernels.warm_up_seconds
                ]
            # reports/latest still points at the previous complete run: say what changed since then.
            manifest["changes"] = whats_new.since_previous(
                whats_new.previous_manifest(latest_run(reports)), data
            )
            manifest_path = report.write_manifest(folder, manifest)
            index_path = report.write_index(folder, manifest)
            latest = False
            if update_latest_pointer and status == "ok" and complete:
                latest = update_latest(reports, run_id, started_at)
            if not complete:
                write_partial_index(reports)
        except OSError as err:
            _settle_after_os_error(folder, manifest_of("failed", _cancelled(jobs, results)), err)
            raise
    return RunResult(
        run_id=run_id,
        folder=folder,
        status=status,
        exit_code=0 if status == "ok" else 1,
        results=ordered,
        manifest=manifest_path,
        index=index_path,
        latest_updated=latest,
        seconds=seconds,
        complete=complete,
    )


__all__ = [
    "AUTHORITY_NOTEBOOK", "AUTHORITY_PARAMETER", "CACHE_DIR", "CELL_TIMEOUT", "DEFAULT_NOTEBOOKS", "LATEST", "NATIONAL_NOTEBOOKS", "REGIONS",
    "REGION_NOTEBOOK", "REGION_PARAMETER", "Job", "JobResult", "RunError", "RunResult", "WarmKernels",
    "code_version", "create_run_folder", "data_checksums", "default_run_id", "execute_job",
    "latest_run", "mark_abandoned", "notebook_parameters", "PARTIAL_INDEX", "all_authorities", "validate_authorities", "IPCKernelManager", "plan_jobs", "run_plan", "run_reports", "slug",
    "update_latest",
    "validate_regions",
]  # fmt: skip
