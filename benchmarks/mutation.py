"""Mutation testing of the rule-bearing modules: how many deliberate bugs do the tests catch?

Run before a release (not in CI: it takes tens of minutes on 2 cores)::

    nice -n 15 .venv/bin/python benchmarks/mutation.py [PATTERN ...]
    .venv/bin/python benchmarks/mutation.py --report      # the report of the results so far

mutmut (configured in ``pyproject.toml`` under ``[tool.mutmut]``) copies the package into
``mutants/``, mutates the modules that carry the project's rules (CQC reading and validation,
codes, names and joins, the build's fingerprint, fetch and the catalogue, stats, the wording
helpers, the framework's facts) and runs the unit tests (``-m "not realdata"``: no mirror, build,
kernel or browser) that cover the mutated function against each mutant, so a rule counts as held
only if a unit test holds it. PATTERN narrows the run to mutant names (e.g.
``"lahelpers.framework*"``); results are kept in ``mutants/`` between runs.

This script runs it, then writes ``benchmarks/out/mutation.md``: per module, mutants killed,
survived and not covered, the kill rate, and every survivor by name, so each can be judged
(equivalent, or worth a test) in ``benchmarks/mutation.md``. Goal: at least 90% killed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTMUT = Path(sys.executable).with_name("mutmut")
OUT = ROOT / "benchmarks" / "out" / "mutation.md"
#: mutmut's statuses, and how this report counts them.
KILLED = {"killed", "timeout", "segfault", "caught by type check"}
SURVIVED = {"survived", "suspicious"}
_LINE = re.compile(r"^\s*(?P<name>[\w.]+__mutmut_\d+): (?P<status>.+?)\s*$")


def run_mutmut(patterns: list[str]) -> None:
    """``mutmut run`` over the configured modules (or the named mutants), two at a time."""
    subprocess.run([str(MUTMUT), "run", "--max-children", "2", *patterns], cwd=ROOT, check=False)


def results() -> dict[str, str]:
    """Every mutant's status, from ``mutmut results --all true``."""
    out = subprocess.run(
        [str(MUTMUT), "results", "--all", "true"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return {m["name"]: m["status"] for m in map(_LINE.match, out.splitlines()) if m}


def module_of(mutant: str) -> str:
    """``lahelpers.stats.x_holm__mutmut_3`` -> ``lahelpers.stats``."""
    return mutant.split(".x_")[0].split(".xǁ")[0]


def summary(statuses: dict[str, str]) -> str:
    """The Markdown report: a table per module, then the survivors by name."""
    by_module: dict[str, Counter] = defaultdict(Counter)
    survivors: dict[str, list[str]] = defaultdict(list)
    for name, status in sorted(statuses.items()):
        mod = module_of(name)
        kind = "killed" if status in KILLED else "survived" if status in SURVIVED else status
        by_module[mod][kind] += 1
        if kind == "survived":
            survivors[mod].append(name)
    lines = ["# Mutation testing", "", "| module | mutants | killed | survived | other | killed % |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    total = Counter()
    for mod, c in sorted(by_module.items()):
        n = sum(c.values())
        other = n - c["killed"] - c["survived"]
        total.update(c)
        lines.append(f"| {mod} | {n} | {c['killed']} | {c['survived']} | {other} | "
                     f"{100 * c['killed'] / n:.0f}% |")
    n = sum(total.values())
    if n:
        lines.append(f"| **all** | {n} | {total['killed']} | {total['survived']} | "
                     f"{n - total['killed'] - total['survived']} | {100 * total['killed'] / n:.0f}% |")
    lines += ["", "Other = not checked, or no test covers it (`mutmut show NAME` prints the change).", ""]
    for mod, names in sorted(survivors.items()):
        lines += [f"## Survivors in {mod}", "", *[f"- `{s}`" for s in names], ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """Run mutmut, write the report, print the summary table."""
    if not MUTMUT.exists():
        print(f"mutmut not installed next to {sys.executable}: run `make setup`", file=sys.stderr)
        return 2
    if argv != ["--report"]:
        run_mutmut(argv)
    text = summary(results())
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text + "\n", encoding="utf-8")
    print(text.split("\n\n## ")[0])
    print(f"\nfull report: {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
