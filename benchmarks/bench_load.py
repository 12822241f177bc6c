"""Benchmark: how long `load.authorities()` and `load.authorities_geo()` take in a fresh process.

Target (issue: foundation): `load.authorities()` well under a second from the processed files.
Run after a build: `python benchmarks/bench_load.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

SNIPPET = """
import time
t0 = time.perf_counter()
from lahelpers import load
df = load.authorities()
t1 = time.perf_counter()
g = load.authorities_geo()
t2 = time.perf_counter()
print(f"{t1 - t0:.4f} {t2 - t1:.4f} {len(df)} {len(g)}")
"""


def main(repeats: int = 5) -> None:
    """Time each load in `repeats` fresh interpreters (import costs included) and print medians."""
    plain, geo = [], []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", SNIPPET], capture_output=True, text=True, check=True
        )
        a, b, n, m = out.stdout.split()
        plain.append(float(a))
        geo.append(float(b))
    print(
        f"load.authorities(): median {statistics.median(plain):.3f} s over {repeats} fresh processes ({n} rows)"
    )
    print(f"load.authorities_geo(): median {statistics.median(geo):.3f} s more ({m} rows)")
    print(f"target: authorities() < 1 s -> {'met' if statistics.median(plain) < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
