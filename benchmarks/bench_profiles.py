"""Benchmark: the 153 authority profiles and the full 166-page run (issue 15; not a test).

Side by side in one process, on the real notebooks and data:

(a) naive loop on a sample of authorities (default 5): the ``papermill`` command line then
    ``jupyter nbconvert --to html``, one page at a time; its time per page, scaled to 153;
(b) ``run_reports`` of the 153 profiles alone (warm kernels, 2 workers by default);
(c) the 13-page run (4 national and thematic pages, 9 regions) and (d) the full 166-page run.

Targets: (b) per page <= 0.10 of (a) per page; (d) <= 4 x (c); each profile page <= 300 kB
(the shared chart library counted once, separately); the full run folder, executed notebooks
included, <= 150 MB. Also reported: each worker kernel's peak memory (VmHWM, polled from /proc)
and the runner's, and where the time of a profile goes (per-cell time from the executed
notebooks, papermill's records; execute vs export from the manifest). Exit status 1 when a target
is missed.

    python benchmarks/bench_profiles.py                 # everything (about 10 minutes on 2 cores)
    python benchmarks/bench_profiles.py --sample 3 --skip-full
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

from bench_run import cell_times, naive_loop

from lahelpers import paths
from lahelpers.publish import report, run

RATIO_TARGET = 0.10
FULL_TARGET = 4.0
PAGE_TARGET = 300_000
FOLDER_TARGET = 150_000_000
SAMPLE = ("Kent", "Camden", "Rutland", "Cumberland", "Isles of Scilly", "York", "Leeds", "Devon")


class ChildMemory:
    """Polls /proc for this process's children (the kernels) and keeps each one's peak RSS."""

    def __init__(self, every: float = 0.25) -> None:
        self.every, self.peaks, self._stop = every, {}, threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def __enter__(self) -> ChildMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _poll(self) -> None:
        me = str(os.getpid())
        while not self._stop.is_set():
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    stat = Path(f"/proc/{pid}/stat").read_text()
                    if stat.rsplit(")", 1)[1].split()[1] != me:
                        continue
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmHWM:"):
                            kib = int(line.split()[1])
                            self.peaks[pid] = max(self.peaks.get(pid, 0), kib * 1024)
                except (OSError, IndexError, ValueError):
                    continue
            self._stop.wait(self.every)

    def text(self) -> str:
        if not self.peaks:
            return "no kernel seen"
        mib = sorted((v / 2**20 for v in self.peaks.values()), reverse=True)
        return (f"{len(mib)} kernel process(es), peak RSS "
                + ", ".join(f"{m:.0f}" for m in mib[:6]) + " MiB")


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under a run folder."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def timed_run(label: str, root: Path, **kw) -> tuple[run.RunResult, float, str]:
    """One run_reports call: its result, wall time and the kernels' peak memory."""
    with ChildMemory() as mem:
        t0 = time.perf_counter()
        result = run.run_reports(reports_root=root, update_latest_pointer=False, progress=False, **kw)
        seconds = time.perf_counter() - t0
    ok = len(result.results) - len(result.failed)
    print(f"{label}: {seconds:.1f} s, {ok} of {len(result.results)} ok; {mem.text()}", flush=True)
    for r in result.failed:
        print(f"  FAILED {r.name}: {r.error}")
    return result, seconds, mem.text()


def where_time_goes(result: run.RunResult) -> None:
    """Per-cell mean time of the profile notebooks, and execute/export/overhead per page."""
    profiles = [r for r in result.results if "authority" in r.parameters and r.executed]
    if not profiles:
        return
    per_cell: dict[int, list[float]] = {}
    sources: dict[int, str] = {}
    overhead = []
    for r in profiles:
        cells = cell_times(result.folder / r.executed)
        for i, (d, src, _first) in enumerate(cells):
            per_cell.setdefault(i, []).append(d)
            sources.setdefault(i, src)
        overhead.append((r.seconds_execute or 0) - sum(d for d, _, _ in cells))
    print(f"\nwhere a profile's time goes ({len(profiles)} pages; mean and max per cell, seconds):")
    for i, ds in per_cell.items():
        print(f"  cell {i:2d} {statistics.mean(ds):6.3f} {max(ds):6.3f}  {sources[i][:60]}")
    cell_mean = sum(statistics.mean(ds) for ds in per_cell.values())
    print(f"  cells in all          {cell_mean:6.3f}")
    print(f"  execute, cells aside  {statistics.mean(overhead):6.3f}  (papermill, kernel reset, "
          "message relay, writing the notebook)")
    print(f"  export to HTML        {statistics.mean(r.seconds_export or 0 for r in profiles):6.3f}")
    print(f"  total per page        {statistics.mean(r.seconds_total or 0 for r in profiles):6.3f}"
          f"  (per worker; the pages run {result.manifest and json.loads(result.manifest.read_text())['parameters']['workers']} at a time)")


def main(argv: list[str] | None = None) -> int:
    """Run the comparisons and print them; 1 if a target is missed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=5, help="authorities in the naive loop (default 5)")
    ap.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    ap.add_argument("--skip-full", action="store_true", help="skip the 13- and 166-page runs")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out")
    args = ap.parse_args(argv)
    out = args.out.resolve()
    root = out / "profiles_reports"
    nb_dir = paths.project_root() / "notebooks"
    print(f"{os.cpu_count()} CPUs; output in {out}", flush=True)
    missed = False

    profiles, t_profiles, _ = timed_run("(b) 153 profiles", root, notebooks=[run.AUTHORITY_NOTEBOOK],
                                        workers=args.workers)
    n = len(profiles.results)
    sample = list(SAMPLE[: args.sample])
    jobs = run.plan_jobs([run.AUTHORITY_NOTEBOOK], (), nb_dir, run.validate_authorities(sample))
    stamp = time.strftime("%Y%m%dT%H%M%S")
    t_naive, failures = naive_loop(jobs, out / f"naive-profiles-{stamp}")
    per_naive = t_naive / len(jobs)
    per_run = t_profiles / n
    ratio = per_run / per_naive
    print(f"(a) naive loop: {t_naive:.1f} s for {len(jobs)} pages = {per_naive:.2f} s a page "
          f"(x {n} = {per_naive * n:.0f} s); {len(failures)} failed")
    print(f"ratio per page (b)/(a) = {per_run:.3f} / {per_naive:.3f} = {ratio:.3f} "
          f"(target <= {RATIO_TARGET})")
    missed |= ratio > RATIO_TARGET or bool(failures) or bool(profiles.failed)

    sizes = {r.html: r.html_bytes or 0 for r in profiles.results}
    biggest = max(sizes, key=sizes.get)
    print(f"profile pages: largest {biggest} {sizes[biggest]:,} bytes, median "
          f"{statistics.median(sizes.values()):,.0f} (target <= {PAGE_TARGET:,}); shared "
          f"{report.BUNDLE_PATH} {(profiles.folder / report.BUNDLE_PATH).stat().st_size:,} bytes once")
    missed |= sizes[biggest] > PAGE_TARGET
    where_time_goes(profiles)

    if not args.skip_full:
        thirteen, t13, _ = timed_run("(c) 13-page run", root, authorities=[], workers=args.workers)
        full, t_full, _ = timed_run("(d) full run", root, workers=args.workers)
        size = folder_bytes(full.folder)
        executed = folder_bytes(full.folder / "executed")
        print(f"full run / 13-page run = {t_full:.1f} / {t13:.1f} = {t_full / t13:.2f} "
              f"(target <= {FULL_TARGET})")
        print(f"full run folder: {size / 1e6:.1f} MB ({executed / 1e6:.1f} MB executed notebooks; "
              f"{len(full.results)} pages) (target <= {FOLDER_TARGET / 1e6:.0f} MB)")
        missed |= t_full / t13 > FULL_TARGET or size > FOLDER_TARGET
        missed |= bool(thirteen.failed) or bool(full.failed)
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"runner process (all worker threads) peak RSS {me:.0f} MiB")
    print("\ntargets " + ("MISSED" if missed else "met"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
