"""The package's layout keeps its promises: light imports, no upward imports, a fingerprint that
covers every module the build runs, and one face for every source."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lahelpers
from lahelpers import sources
from lahelpers.build import fingerprints
from lahelpers.inputs import catalogue

PACKAGE = Path(lahelpers.__file__).resolve().parent
HEAVY = ("altair", "geopandas", "statsmodels", "pandera", "papermill", "shapely")


@pytest.mark.parametrize(
    "module", ["lahelpers", "lahelpers.load", "lahelpers.cli", "lahelpers.framework"]
)
def test_light_imports(module: str) -> None:
    """A notebook that needs only a table (and the command line) does not pay for the chart stack."""
    code = f"import sys, {module}; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", f"{module} imports {out.stdout.strip()}"


def _imports(path: Path) -> set[str]:
    """Every ``lahelpers...`` module a file imports (at any depth in the file)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lahelpers"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("lahelpers"))
    return found


#: What each folder may not import: the machinery never reaches up to the readers or the build,
#: the readers never to the build, and nothing below the runner imports it.
FORBIDDEN = {
    "inputs": ("lahelpers.sources", "lahelpers.build", "lahelpers.publish", "lahelpers.charts",
               "lahelpers.ratings"),
    "sources": ("lahelpers.build", "lahelpers.publish", "lahelpers.charts", "lahelpers.ratings"),
    "build": ("lahelpers.publish", "lahelpers.charts", "lahelpers.ratings"),
    # the ratings refresh reads the table through sources/cqc.py; the build never needs it
    "ratings": ("lahelpers.build", "lahelpers.publish", "lahelpers.charts"),
}  # fmt: skip


@pytest.mark.parametrize("folder", sorted(FORBIDDEN))
def test_no_upward_imports(folder: str) -> None:
    bad = {
        f.relative_to(PACKAGE).as_posix(): sorted(
            m for m in _imports(f) if m.startswith(FORBIDDEN[folder])
        )
        for f in (PACKAGE / folder).rglob("*.py")
    }
    assert not {k: v for k, v in bad.items() if v}


#: Top-level modules allowed to reach the build: the command line drives it, and ``load`` builds
#: ``data/processed`` on first use when an output is missing.
DRIVERS = {"cli.py", "__main__.py", "load.py"}


def test_top_level_analysis_never_imports_build_or_publish() -> None:
    for f in PACKAGE.glob("*.py"):
        if f.name in DRIVERS:
            continue
        assert not {
            m for m in _imports(f) if m.startswith(("lahelpers.build", "lahelpers.publish"))
        }, f.name


def test_every_source_has_the_same_face() -> None:
    ids = set(catalogue.load_catalogue())
    for module in sources.ALL:
        assert callable(module.tables), module.__name__
        assert module.READS and set(module.READS) <= ids, module.__name__
    for module in sources.CONTEXT:
        assert isinstance(module.VARIABLES, dict) and module.VARIABLES, module.__name__
    on_disk = {f.stem for f in (PACKAGE / "sources").glob("*.py") if f.stem != "__init__"}
    assert on_disk == {m.__name__.rsplit(".", 1)[-1] for m in sources.ALL}


def test_fingerprint_covers_every_build_module() -> None:
    covered = {f.relative_to(PACKAGE).as_posix() for f in fingerprints.code_files()}
    for folder in ("inputs", "sources", "build"):
        for f in (PACKAGE / folder).glob("*.py"):
            assert f.relative_to(PACKAGE).as_posix() in covered
    assert "framework.py" in covered


def _copy_package(tmp_path: Path) -> Path:
    copy = tmp_path / "lahelpers"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def test_fingerprint_changes_with_any_build_module(tmp_path: Path) -> None:
    copy = _copy_package(tmp_path)
    before = fingerprints.code_fingerprint(copy)
    assert fingerprints.code_fingerprint(copy) == before
    target = copy / "sources" / "rurality.py"
    target.write_text(target.read_text() + "\n# a rule changed\n")
    assert fingerprints.code_fingerprint(copy) != before
    (copy / "inputs" / "extra.py").write_text("X = 1\n")  # a module added to a covered folder
    after_edit = fingerprints.code_fingerprint(copy)
    (copy / "inputs" / "extra.py").unlink()
    assert fingerprints.code_fingerprint(copy) != after_edit


def test_fingerprint_fails_on_a_missing_listed_module(tmp_path: Path) -> None:
    copy = _copy_package(tmp_path)
    (copy / "framework.py").unlink()
    with pytest.raises(FileNotFoundError, match="framework.py"):
        fingerprints.code_fingerprint(copy)
    shutil.rmtree(copy / "sources")
    with pytest.raises(FileNotFoundError, match="sources"):
        fingerprints.code_files(copy)
