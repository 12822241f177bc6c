"""Benchmark: ``lahelpers.publish.run.run_reports`` against the naive command-line loop (not a test).

(a) naive: for each notebook (and each region for the profile), serially, the ``papermill``
    command line, then ``jupyter nbconvert --to html`` on its output;
(b) ``run_reports`` for the same notebooks and regions.

Prints both wall times, their ratio (target <= 0.15, issue 16), each HTML page's size of (b) with
the shared assets counted once (target <= 1.5 MB a page), the peak memory (RSS) of the largest
kernel and of the runner process, and where the time went: each notebook's cell time from the
executed notebooks (papermill records every cell's duration), its imports-and-loading cell, and
every other cell over 1 s (targets: 2 s and 1 s). (b) runs first, so any warm-cache advantage goes
to the naive loop. Exit status 1 when a target is missed.

    python benchmarks/bench_run.py                      # the real notebooks, all nine regions
    python benchmarks/bench_run.py --demo               # small stand-in notebooks written to a temp dir
    python benchmarks/bench_run.py --notebooks 01_national_overview.ipynb --regions London
    python benchmarks/bench_run.py --run-only           # (b) and the cell times only (no ratio)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from lahelpers import paths
from lahelpers.publish import report, run

RATIO_TARGET = 0.15
#: Cell targets (issue 16): the imports-and-loading cell, and every other cell.
FIRST_CELL_TARGET = 2.0
CELL_TARGET = 1.0
BIN = Path(sys.executable).parent

DEMO_CHART = """import altair as alt
import numpy as np
import pandas as pd
from IPython.display import HTML, display
rng = np.random.default_rng(1)
df = pd.DataFrame({"authority": [f"LA {i}" for i in range(153)],
                   "score": rng.normal(60, 10, 153).round(1),
                   "pct_65plus": rng.normal(20, 4, 153).round(1)})
chart = alt.Chart(df, title=TITLE).mark_circle().encode(
    x="pct_65plus:Q", y="score:Q", tooltip=["authority", "score", "pct_65plus"])
display(chart)
display(HTML('<p class="chart-alt">Chart description: score against share aged 65+.</p>'))"""


def write_demo_notebooks(folder: Path) -> tuple[list[str], Path]:
    """Stand-ins for the real notebooks: four national ones and a region profile, two charts each."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    names = []
    for stem in ("01_national_overview", "02_rural_urban", "03_inequality", "04_workforce"):
        nb = nbformat.v4.new_notebook()
        nb.cells = [
            md(f"# {stem}\n\nDemo."),
            md("## One"),
            code(f"TITLE = '{stem} one'\n{DEMO_CHART}"),
            md("## Two"),
            code(f"TITLE = '{stem} two'\n{DEMO_CHART}"),
        ]
        names.append(_write(nb, folder / f"{stem}.ipynb"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        code("region = 'London'", metadata={"tags": ["parameters"]}),
        md("# Region profile"),
        md("## One"),
        code(f"TITLE = region\n{DEMO_CHART}"),
        md("## Two"),
        code(f"TITLE = region + ' two'\n{DEMO_CHART}"),
    ]
    names.append(_write(nb, folder / "region_profile.ipynb"))
    return names, folder


def _write(nb: nbformat.NotebookNode, path: Path) -> str:
    """Write a python3 notebook and return its file name."""
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path.name


def naive_loop(jobs: list[run.Job], out: Path) -> tuple[float, list[str]]:
    """The baseline: papermill CLI then nbconvert CLI per job, one after another."""
    out.mkdir(parents=True, exist_ok=True)
    failures = []
    t0 = time.perf_counter()
    for job in jobs:
        executed = out / f"{job.name}.ipynb"
        cmd = [
            str(BIN / "papermill"),
            str(job.notebook),
            str(executed),
            "--cwd",
            str(job.notebook.parent),
            "--no-progress-bar",
        ]
        for key, value in job.parameters.items():
            cmd += ["-p", key, str(value)]
        steps = [cmd, [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)]]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                failures.append(f"{job.name}: {' '.join(step[:2])} exited {done.returncode}")
                break
    return time.perf_counter() - t0, failures


def cell_times(executed: Path) -> list[tuple[float, str, bool]]:
    """(seconds, first source line, is the imports-and-loading cell) for each executed code cell
    of one notebook, from papermill's cell metadata. The imports-and-loading cell is the first
    code cell that imports something."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    out, seen_import = [], False
    for cell in nb["cells"]:
        duration = cell.get("metadata", {}).get("papermill", {}).get("duration")
        if cell["cell_type"] != "code" or duration is None:
            continue
        source = "".join(cell["source"])
        first = not seen_import and "import " in source
        seen_import = seen_import or first
        out.append((float(duration), source.splitlines()[0] if source else "", first))
    return out


def time_report(folder: Path) -> bool:
    """Print each notebook's cell time, its imports cell and its cells over the target; True if a
    cell target is missed."""
    missed = False
    print(f"\ncell time per notebook (papermill), targets: imports cell < {FIRST_CELL_TARGET} s, "
          f"other cells < {CELL_TARGET} s")
    print(f"  {'notebook':45s} {'cells':>7s} {'imports':>8s} {'slowest other':>14s}")
    total = 0.0
    slow = []
    for executed in sorted((folder / "executed").glob("*.ipynb")):
        cells = cell_times(executed)
        first = max((d for d, _, f in cells if f), default=0.0)
        others = [(d, src) for d, src, f in cells if not f]
        worst = max((d for d, _ in others), default=0.0)
        total += sum(d for d, _, _ in cells)
        print(f"  {executed.stem:45s} {sum(d for d, _, _ in cells):6.2f}s {first:7.2f}s {worst:13.2f}s")
        missed |= first >= FIRST_CELL_TARGET or worst > CELL_TARGET
        slow += [(d, executed.stem, src) for d, src in others if d > CELL_TARGET]
    print(f"  {'all cells':45s} {total:6.2f}s")
    for d, name, src in sorted(slow, reverse=True):
        print(f"  over {CELL_TARGET} s: {d:.2f} s  {name}: {src[:70]}")
    return missed


def peak_rss_report() -> None:
    """Peak resident memory of this process (the runner, its worker threads) and of the largest
    finished child process (a notebook kernel; call before anything else has run children)."""
    kib = 1024  # Linux reports ru_maxrss in KiB
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * kib
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * kib
    print(f"peak RSS: largest kernel {kids / 2**20:.0f} MiB; runner process "
          f"(all worker threads) {me / 2**20:.0f} MiB", flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run both, print the comparison; 1 if a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notebooks", nargs="*", help="notebook file names (default: the real list)")
    ap.add_argument("--regions", nargs="*", help="regions for the profile (default: all nine)")
    ap.add_argument("--notebooks-dir", type=Path, help="default: <project>/notebooks")
    ap.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    ap.add_argument("--demo", action="store_true", help="use small stand-in notebooks")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    ap.add_argument("--run-only", action="store_true",
                    help="time (b) and its cells only: no naive loop, so no ratio (quicker)")
    args = ap.parse_args(argv)

    tmp = None
    nb_dir = args.notebooks_dir
    notebooks = args.notebooks
    if args.demo:
        tmp = tempfile.TemporaryDirectory(prefix="bench-notebooks-")
        demo_names, nb_dir = write_demo_notebooks(Path(tmp.name))
        notebooks = notebooks or demo_names
    nb_dir = (nb_dir or paths.project_root() / "notebooks").resolve()
    notebooks = list(notebooks or run.DEFAULT_NOTEBOOKS)
    regions = run.validate_regions(args.regions)
    jobs = run.plan_jobs(notebooks, regions, nb_dir)
    out = args.out.resolve()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    reports_root = out / "run_reports"  # kept between benchmarks, like a scheduled run's reports/
    warm = (reports_root / run.CACHE_DIR).is_dir()
    print(
        f"{len(jobs)} notebook runs; {os.cpu_count()} CPUs; output in {out}; "
        f"chart-library cache {'warm' if warm else 'cold (first run builds it, ~1 s)'}",
        flush=True,
    )

    t0 = time.perf_counter()
    result = run.run_reports(
        regions=regions,
        notebooks=notebooks,
        workers=args.workers,
        reports_root=reports_root,
        notebooks_dir=nb_dir,
        update_latest_pointer=False,
        authorities=[],  # the 13 national, thematic and region pages (profiles: bench_profiles.py)
    )
    t_run = time.perf_counter() - t0
    print(f"(b) run_reports: {t_run:.1f} s ({result.status})", flush=True)
    peak_rss_report()  # before the naive loop starts children of its own
    ratio, naive_failures = float("nan"), []
    if not args.run_only:
        t_naive, naive_failures = naive_loop(jobs, out / f"naive-{stamp}")
        print(f"(a) naive loop:  {t_naive:.1f} s ({len(naive_failures)} failed)", flush=True)
        ratio = t_run / t_naive
        print(f"\nratio (b)/(a) = {ratio:.3f}  (target <= {RATIO_TARGET})")
    if tmp is not None:
        tmp.cleanup()
    print(f"\npages of {result.folder} (limit {report.PAGE_LIMIT_BYTES:,} bytes):")
    sizes = report.page_sizes(result.folder)
    for name, size in sizes.items():
        flag = "" if size <= report.PAGE_LIMIT_BYTES else "  OVER LIMIT"
        print(f"  {name:45s} {size:>10,} bytes{flag}")
    assets = sorted(p for p in (result.folder / report.ASSETS_DIR).rglob("*") if p.is_file())
    for p in assets:
        print(
            f"  shared {p.relative_to(result.folder).as_posix():38s} {p.stat().st_size:>10,} bytes"
            " (once for all pages)"
        )
    for f in naive_failures + [f"{r.name}: {r.error}" for r in result.failed]:
        print(f"  FAILED {f}")
    cells_missed = time_report(result.folder)
    warm_up = json.loads(result.manifest.read_text(encoding="utf-8")).get("kernel_warm_up", [])
    print("  kernels (outside the cells, while the run sets up): "
          + "; ".join(f"start {w['start_seconds']:.2f} s, imports {w['import_seconds']:.2f} s"
                      for w in warm_up))
    if not args.run_only:  # the naive loop's kernels are fresh: their imports are in the cell
        fresh = [next((d for d, _, f in cell_times(p) if f), 0.0)
                 for p in sorted((out / f"naive-{stamp}").glob("*.ipynb"))]
        print(f"  imports cell in a fresh kernel (naive loop): {min(fresh):.2f}-{max(fresh):.2f} s")
    missed = (ratio > RATIO_TARGET or cells_missed  # NaN (--run-only) compares False
              or any(s > report.PAGE_LIMIT_BYTES for s in sizes.values()))
    print("\ntargets " + ("MISSED" if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
