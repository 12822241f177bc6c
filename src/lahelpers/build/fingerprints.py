"""The build's fingerprint: a hash of the inputs' catalogue checksums and of the code that builds.

A change of rules (any module under ``inputs/``, ``sources/`` or ``build/``, or the facts in
``framework.py``) or of ``data/rating_exceptions.yaml`` changes the fingerprint, so the next
``lahelpers data build`` rebuilds instead of saying "up to date". Whole folders are hashed, so a
module added or moved there is covered without a list to keep in step.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from lahelpers import paths
from lahelpers.inputs import catalogue

#: Package folders whose code decides what the build writes (every ``*.py`` in them is hashed).
FINGERPRINT_FOLDERS: tuple[str, ...] = ("build", "inputs", "sources")
#: Top-level modules whose code decides what the build writes. A missing one is an error.
FINGERPRINT_MODULES: tuple[str, ...] = ("framework.py", "errors.py")

_PACKAGE = Path(__file__).resolve().parents[1]


def code_files(package: Path = _PACKAGE) -> list[Path]:
    """The source files the fingerprint covers, in a stable order.

    Raises FileNotFoundError when a listed folder or module is missing, so a move that takes a
    module out of the fingerprint fails loudly instead of leaving stale data "up to date".
    """
    files: list[Path] = []
    for folder in FINGERPRINT_FOLDERS:
        d = package / folder
        if not d.is_dir():
            raise FileNotFoundError(f"build fingerprint: package folder {d} is missing")
        files.extend(sorted(d.rglob("*.py")))
    for name in FINGERPRINT_MODULES:
        f = package / name
        if not f.is_file():
            raise FileNotFoundError(f"build fingerprint: module {f} is missing")
        files.append(f)
    return files


def code_fingerprint(package: Path = _PACKAGE) -> str:
    """Hash of the code the build runs and of the rating exceptions, so a change of rules rebuilds.

    Analysis modules (charts, stats...) are left out: editing them does not change the data.
    """
    h = hashlib.sha256()
    for f in code_files(package):
        h.update(f.relative_to(package).as_posix().encode())
        h.update(f.read_bytes())
    for extra in (paths.project_root() / "data" / "rating_exceptions.yaml",):
        if extra.is_file():
            h.update(extra.read_bytes())
    return h.hexdigest()


def fingerprint() -> str:
    """Fingerprint of the inputs' checksums (repository datasets hashed as they are) plus the code."""
    cat = catalogue.load_catalogue()
    blob = json.dumps({k: v.current_sha256() for k, v in sorted(cat.items())}) + code_fingerprint()
    return hashlib.sha256(blob.encode()).hexdigest()
