"""First contact: the README says how to reach the `lahelpers` command, `make` says what it is
doing while it installs, and `make clean` keeps what git tracks."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _project_copy(tmp: Path) -> Path:
    """The Makefile and pyproject.toml in a scratch folder (make runs there, not here)."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp / name)
    return tmp


def test_readme_commands_say_how_to_reach_lahelpers() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.search(r"^## Commands\n(.*?)^### ", text, flags=re.S | re.M).group(1)
    before_first_use = commands.split("lahelpers data fetch")[0]
    assert "source .venv/bin/activate" in before_first_use
    assert ".venv/bin/lahelpers" in before_first_use


def test_make_setup_says_what_it_is_doing(tmp_path: Path) -> None:
    """`make all` spends about a minute installing: each step is announced before it runs."""
    proj = _project_copy(tmp_path)
    dry = subprocess.run(
        ["make", "-n", "setup"], cwd=proj, capture_output=True, text=True, check=True
    ).stdout
    lines = dry.splitlines()
    pip = next(i for i, line in enumerate(lines) if "pip install --quiet -e" in line)
    assert any(line.startswith("echo") and "Installing" in line for line in lines[:pip])
    assert "Done: run commands as .venv/bin/lahelpers" in dry


def test_make_clean_keeps_tracked_readme(tmp_path: Path) -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "data/processed"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked == ["data/processed/README.md"]
    proj = _project_copy(tmp_path)
    built = proj / "data" / "processed"
    built.mkdir(parents=True)
    for name in ("README.md", "authorities.parquet", "join_report.md", "build_stamp.json", "x.csv"):
        (built / name).write_text(name)
    (proj / "data" / ".processed-new-abc").mkdir()  # left by a killed build
    subprocess.run(["make", "clean"], cwd=proj, capture_output=True, check=True)
    assert sorted(p.name for p in built.iterdir()) == ["README.md"]
    assert (built / "README.md").read_text() == "README.md"
    assert sorted(p.name for p in (proj / "data").iterdir()) == ["processed"]


def test_make_clean_without_built_data(tmp_path: Path) -> None:
    subprocess.run(["make", "clean"], cwd=_project_copy(tmp_path), capture_output=True, check=True)
