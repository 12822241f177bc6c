"""Scheduled runs: execute every report notebook with papermill, in parallel, into ``reports/<run-id>/``.

One call, :func:`run_reports`, does the lot: checks the request (unknown regions or missing
notebooks fail at once, before any work), creates a new run folder (never reusing one), runs each
notebook -- the national ones once, a notebook with a ``region`` parameter once per region -- in a
pool of workers (each papermill run starts its own kernel, with the notebooks folder as working
directory), renders each to an offline HTML page (:mod:`lahelpers.report`), writes
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

import os
import platform
import re
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from lahelpers import __version__, paths, report, validate

#: The nine English regions, the values the region profile accepts.
REGIONS: tuple[str, ...] = validate.REGIONS
#: National and thematic notebooks, run once each.
NATIONAL_NOTEBOOKS: tuple[str, ...] = (
    "01_national_overview.ipynb",
    "02_rural_urban.ipynb",
    "03_inequality.ipynb",
    "04_workforce.ipynb",
)
#: The profile run once per region.
REGION_NOTEBOOK = "region_profile.ipynb"
#: Every notebook a full run executes, in order.
DEFAULT_NOTEBOOKS: tuple[str, ...] = (*NATIONAL_NOTEBOOKS, REGION_NOTEBOOK)
#: A notebook whose ``parameters`` cell defines this name is run once per region.
REGION_PARAMETER = "region"
#: Name of the pointer to the newest complete run, inside the reports folder.
LATEST = "latest"
#: Folder inside the reports folder for files reused between runs (the chart library).
CACHE_DIR = ".cache"
#: Default limit on one cell's execution, in seconds.
CELL_TIMEOUT = 1800

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


class RunError(ValueError):
    """A run was asked for something impossible (unknown region, missing notebook, run id taken)."""


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
        if not self.latest_updated:
            lines.append("reports/latest not moved (it points only at runs where every notebook succeeded)")
        return "\n".join(lines)


# ---------------------------------------------------------------------------- checking the request


def validate_regions(regions: Sequence[str] | None) -> tuple[str, ...]:
    """Canonical region names (all nine when None); unknown names raise RunError listing valid ones.

    Matching ignores case and surrounding spaces so ``"london"`` is accepted as ``"London"``
    (:func:`lahelpers.validate.check_region`, which the region profile also uses).
    """
    if regions is None:
        return REGIONS
    if isinstance(regions, str):
        regions = [regions]
    out: list[str] = []
    unknown: list[str] = []
    for name in regions:
        try:
            canon = validate.check_region(name)
        except ValueError:
            unknown.append(validate.region_hint(name))
            continue
        if canon not in out:
            out.append(canon)
    if unknown:
        raise RunError(f"Unknown region {', '.join(unknown)}. Valid names: {', '.join(REGIONS)}.")
    return tuple(out)


def notebook_parameters(path: Path) -> set[str]:
    """Names defined in a notebook's ``parameters`` cell (empty if it has none)."""
    import papermill

    return set(papermill.inspect_notebook(str(path)))


def slug(text: str) -> str:
    """File-name form of a label: ``Yorkshire and The Humber`` -> ``yorkshire-and-the-humber``."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def plan_jobs(
    notebooks: Sequence[str | Path], regions: Sequence[str], notebooks_dir: Path
) -> list[Job]:
    """One job per national notebook and one per region for each notebook with a region parameter.

    Missing notebooks raise RunError naming all of them before anything runs.
    """
    resolved = [(notebooks_dir / nb).resolve() for nb in notebooks]
    missing = [str(p) for p in resolved if not p.is_file()]
    if missing:
        raise RunError(f"Notebook(s) not found: {', '.join(missing)}")
    jobs: list[Job] = []
    for path in resolved:
        if REGION_PARAMETER in notebook_parameters(path):
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


# ---------------------------------------------------------------------------- run folder and latest


def default_run_id(now: datetime | None = None) -> str:
    """A sortable, timestamp-based id, e.g. ``20260122T063000Z``."""
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def create_run_folder(reports_root: Path, run_id: str | None) -> tuple[str, Path]:
    """Create a fresh run folder (``mkdir`` fails if it exists, so runs never share a folder).

    A given ``run_id`` that is taken raises RunError; a generated one gets a ``-2``, ``-3``...
    suffix until free.
    """
    reports_root.mkdir(parents=True, exist_ok=True)
    if run_id is not None:
        if not _RUN_ID.match(run_id) or run_id == LATEST:
            raise RunError(
                f"Run id {run_id!r} is not usable: use letters, digits, '.', '_' or '-' "
                f"(not starting with '.' or '-', and not {LATEST!r})"
            )
        folder = reports_root / run_id
        try:
            folder.mkdir()
        except FileExistsError:
            raise RunError(
                f"Run folder {folder} already exists; a run never overwrites another. "
                "Choose another run id or leave it out for a new timestamped one."
            ) from None
        return run_id, folder
    base = default_run_id()
    for n in range(1, 1000):
        candidate = base if n == 1 else f"{base}-{n}"
        try:
            (reports_root / candidate).mkdir()
        except FileExistsError:
            continue
        return candidate, reports_root / candidate
    raise RunError(f"Could not find a free run id in {reports_root} starting {base}")


def latest_run(reports_root: Path | None = None) -> Path | None:
    """The run folder ``reports/latest`` points at (symlink or pointer file), or None."""
    root = reports_root or paths.reports_dir()
    pointer = root / LATEST
    if pointer.is_symlink():
        target = (root / os.readlink(pointer)).resolve()
    elif pointer.is_file():
        target = root / pointer.read_text(encoding="utf-8").strip()
    else:
        return None
    return target if target.is_dir() else None


def _started_at(folder: Path) -> str | None:
    """``started_at`` from a run folder's manifest, if readable."""
    import json

    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["started_at"]
    except (OSError, ValueError, KeyError):
        return None


def update_latest(reports_root: Path, run_id: str, started_at: str | None = None) -> bool:
    """Point ``reports/latest`` at ``run_id`` atomically; returns False if a newer run holds it.

    A relative symlink is made under a temporary name and renamed over the old one; where
    symlinks are not allowed, ``latest`` is a one-line text file holding the run id, replaced the
    same way. Runs are compared by start time so a slow older run never displaces a newer one.
    """
    current = latest_run(reports_root)
    if current is not None and started_at is not None and current.name != run_id:
        theirs = _started_at(current)
        if theirs is not None and theirs > started_at:
            return False
    tmp = reports_root / f".{LATEST}.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    try:
        os.symlink(run_id, tmp, target_is_directory=True)
    except (OSError, NotImplementedError):
        tmp.write_text(run_id + "\n", encoding="utf-8")
    try:
        os.replace(tmp, reports_root / LATEST)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True


# ---------------------------------------------------------------------------- provenance


def code_version(root: Path | None = None) -> dict[str, Any]:
    """Package version and, when the code is a git checkout, ``git describe`` and the commit."""
    out: dict[str, Any] = {
        "package_version": __version__,
        "git_describe": None,
        "git_commit": None,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }
    try:
        root = root or paths.project_root()
    except FileNotFoundError:
        return out
    for key, cmd in (
        ("git_describe", ["git", "describe", "--always", "--dirty", "--tags"]),
        ("git_commit", ["git", "rev-parse", "HEAD"]),
    ):
        try:
            done = subprocess.run(
                cmd, cwd=root, capture_output=True, text=True, timeout=20, check=False
            )
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0:
            out[key] = done.stdout.strip()
    return out


def data_checksums() -> tuple[dict[str, Any], Any]:
    """The catalogue's checksums and those of the files actually present; plus the catalogue.

    Returns ``(manifest section, catalogue or None)``; a catalogue that cannot be read is recorded
    as an error in the section rather than stopping the run.
    """
    from lahelpers import catalogue

    try:
        cat = catalogue.load_catalogue()
    except (OSError, ValueError) as exc:
        return {"error": f"catalogue not read: {exc}"}, None
    sources: dict[str, Any] = {}
    mismatched: list[str] = []
    for sid, src in cat.items():
        actual = catalogue.sha256_of(src.path) if src.path.is_file() else None
        matches = None if actual is None else actual == src.sha256
        if matches is False:
            mismatched.append(sid)
        sources[sid] = {
            "file": src.file,
            "vintage": src.vintage,
            "licence": src.licence,
            "sha256": src.sha256,
            "actual_sha256": actual,
            "matches": matches,
        }
    section = {
        "catalogue": str(paths.catalogue_file()),
        "sources": sources,
        "mismatched": mismatched,
        "missing": [sid for sid, s in sources.items() if s["actual_sha256"] is None],
    }
    return section, cat



# ---------------------------------------------------------------------------- warm kernels


class WarmKernels:
    """One Jupyter kernel per worker thread, reused for that worker's notebooks.

    Why: starting a kernel and importing pandas, altair, statsmodels and geopandas costs several
    seconds, paid again by every notebook run the usual way (one papermill call per notebook).
    Here each worker starts one kernel and keeps it. Before each notebook the kernel moves to the
    notebook's folder and its user namespace is cleared (``%reset -f``), so no variable leaks from
    one notebook into the next; imported modules stay loaded, which is the saving. A kernel that
    died, or whose notebook failed (it may be stuck or half-changed), is replaced by a fresh one.
    """

    def __init__(self, kernel_name: str | None) -> None:
        self.kernel_name = kernel_name or "python3"
        self._local = threading.local()
        self._started: list[Any] = []
        self._lock = threading.Lock()

    def get(self, cwd: Path) -> Any:
        """This thread's kernel manager, started if needed, reset and moved to ``cwd``."""
        from jupyter_client import KernelManager

        km = getattr(self._local, "km", None)
        if km is None or not km.is_alive():
            km = KernelManager(kernel_name=self.kernel_name)
            km.start_kernel(cwd=str(cwd))
            self._local.km = km
            with self._lock:
                self._started.append(km)
        self._prepare(km, cwd)
        return km

    @staticmethod
    def _prepare(km: Any, cwd: Path) -> None:
        """Move the kernel to ``cwd`` and clear the user namespace (modules stay imported)."""
        kc = km.blocking_client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=60)
            code = (
                f"import os as _os; _os.chdir({str(cwd)!r}); del _os\n"
                "get_ipython().run_line_magic('reset', '-f')"
            )
            reply = kc.execute_interactive(code, timeout=60, store_history=False)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"kernel reset failed: {reply['content']}")
        finally:
            kc.stop_channels()

    def discard(self) -> None:
        """Shut down this thread's kernel (after a failure); the next get() starts a fresh one."""
        km = getattr(self._local, "km", None)
        self._local.km = None
        if km is not None:
            km.shutdown_kernel(now=True)

    def shutdown(self) -> None:
        """Shut down every kernel this pool started."""
        with self._lock:
            started, self._started = self._started, []
        for km in started:
            if km.is_alive():
                km.shutdown_kernel(now=True)

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

    papermill writes the executed notebook under a temporary name (it saves after every cell), so
    the final ``executed/<name>.ipynb`` appears by rename only when execution has ended, failed or
    not. A failed notebook's partial output is rendered too, with its error visible.
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
    engine_kwargs: dict[str, Any] = {}
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


# ---------------------------------------------------------------------------- the run


def _manifest(
    run_id: str,
    started_at: str,
    params: dict[str, Any],
    code: dict[str, Any],
    data: dict[str, Any],
    assets: dict[str, int],
    results: list[JobResult],
    status: str,
    finished_at: str | None = None,
    seconds: float | None = None,
) -> dict[str, Any]:
    """The manifest as a plain dict (also what the index is drawn from)."""
    pages = {r.html: r.html_bytes for r in results if r.html}
    return {
        "run_id": run_id,
        "status": status,
        "started_at": started_at,
        "finished_at": finished_at,
        "seconds": seconds,
        "parameters": params,
        "code": code,
        "data": data,
        "assets": assets,
        "sizes": {
            "page_limit_bytes": report.PAGE_LIMIT_BYTES,
            "pages": pages,
            "assets_total": sum(assets.values()),
            "over_limit": sorted(n for n, b in pages.items() if b and b > report.PAGE_LIMIT_BYTES),
        },
        "notebooks": [asdict(r) for r in results],
    }


def _run_pool(
    jobs: list[Job],
    folder: Path,
    prov: report.Provenance,
    workers: int,
    kernel_name: str | None,
    cell_timeout: int | None,
    progress: bool,
    warm: bool = True,
) -> list[JobResult]:
    """Execute jobs in worker threads with a progress bar; results in job order.

    With ``warm`` (the default) each worker reuses one kernel (see :class:`WarmKernels`); the
    kernels are shut down however the pool ends (leaving the executor waits for running jobs).
    """
    kernels = WarmKernels(kernel_name) if warm else None
    try:
        return _drain(jobs, folder, prov, workers, kernel_name, cell_timeout, progress, kernels)
    finally:
        if kernels is not None:
            kernels.shutdown()


def _drain(
    jobs: list[Job],
    folder: Path,
    prov: report.Provenance,
    workers: int,
    kernel_name: str | None,
    cell_timeout: int | None,
    progress: bool,
    kernels: WarmKernels | None,
) -> list[JobResult]:
    """Submit every job to a thread pool and collect results as they finish."""
    results: dict[str, JobResult] = {}
    with (
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lahelpers-run") as pool,
        tqdm(total=len(jobs), desc="reports", unit="notebook", disable=not progress) as bar,
    ):
        futures: dict[Future, Job] = {
            pool.submit(execute_job, job, folder, prov, kernel_name, cell_timeout, kernels): job
            for job in jobs
        }
        try:
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    res = fut.result()
                except Exception as exc:  # noqa: BLE001 -- a bug in execute_job itself
                    res = JobResult(
                        name=job.name,
                        notebook=str(job.notebook),
                        parameters=dict(job.parameters),
                        status="failed",
                        error=f"worker failed: {type(exc).__name__}: {exc}",
                    )
                results[job.name] = res
                bar.update(1)
                bar.set_postfix_str(f"{job.name}: {res.status}")
                if res.status != "ok":
                    bar.write(f"FAILED {job.name}: {res.error}")
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return [results[j.name] for j in jobs]


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
) -> RunResult:
    """Execute the report notebooks into a new ``reports/<run-id>/`` and render them for readers.

    regions: region names for notebooks with a ``region`` parameter (None: all nine; ``[]``: skip
        those notebooks). Unknown names raise RunError before any work.
    notebooks: file names (relative to ``notebooks_dir``) or paths; None: DEFAULT_NOTEBOOKS.
    workers: parallel notebook executions (None: ``os.cpu_count()``).
    reports_root: where run folders go (None: ``paths.reports_dir()``).
    run_id: the run folder's name (None: a UTC timestamp); an existing folder raises RunError.
    notebooks_dir: where notebooks are found and run from (None: ``<project>/notebooks``).
    kernel_name: Jupyter kernel (None: each notebook's own kernelspec).
    cell_timeout: seconds one cell may run before it is failed (None: no limit).
    progress: show a tqdm progress bar on stderr.
    update_latest_pointer: point ``reports/latest`` here if every notebook succeeded.
    warm_kernels: reuse one kernel per worker, reset between notebooks (False: a fresh kernel
        for every notebook, as a plain papermill call would start).

    Returns a RunResult; its ``exit_code`` is 0 when all notebooks succeeded, else 1.
    """
    t0 = time.perf_counter()
    region_list = validate_regions(regions)
    nb_dir = (
        Path(notebooks_dir) if notebooks_dir is not None else paths.project_root() / "notebooks"
    )
    jobs = plan_jobs(list(notebooks or DEFAULT_NOTEBOOKS), region_list, nb_dir)
    if not jobs:
        raise RunError(
            "Nothing to run: no notebooks selected (or only regional ones and no regions)"
        )
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    reports = Path(reports_root) if reports_root is not None else paths.reports_dir()

    run_id, folder = create_run_folder(reports, run_id)
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
        "notebooks": [str(n) for n in (notebooks or DEFAULT_NOTEBOOKS)],
        "notebooks_dir": str(nb_dir.resolve()),
        "workers": n_workers,
        "kernel_name": kernel_name,
        "cell_timeout": cell_timeout,
        "warm_kernels": warm_kernels,
        "jobs": [{"name": j.name, "notebook": j.notebook.name, **j.parameters} for j in jobs],
    }
    assets = report.write_assets(folder, cache_dir=reports / CACHE_DIR)
    report.write_manifest(
        folder, _manifest(run_id, started_at, params, code, data, assets, [], "running")
    )
    try:
        results = _run_pool(
            jobs, folder, prov, n_workers, kernel_name, cell_timeout, progress, warm_kernels
        )
    except BaseException:
        report.write_manifest(
            folder, _manifest(run_id, started_at, params, code, data, assets, [], "interrupted")
        )
        raise
    status = "ok" if all(r.status == "ok" for r in results) else "failed"
    seconds = round(time.perf_counter() - t0, 3)
    manifest = _manifest(
        run_id,
        started_at,
        params,
        code,
        data,
        assets,
        results,
        status,
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        seconds=seconds,
    )
    manifest_path = report.write_manifest(folder, manifest)
    index_path = report.write_index(folder, manifest)
    latest = False
    if update_latest_pointer and status == "ok":
        latest = update_latest(reports, run_id, started_at)
    return RunResult(
        run_id=run_id,
        folder=folder,
        status=status,
        exit_code=0 if status == "ok" else 1,
        results=results,
        manifest=manifest_path,
        index=index_path,
        latest_updated=latest,
        seconds=seconds,
    )
