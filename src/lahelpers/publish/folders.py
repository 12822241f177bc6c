"""Run folders and the ``reports/latest`` pointer: a new folder per run, never reused, and a pointer
that moves atomically to the newest run in which every notebook succeeded."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

from lahelpers import paths
from lahelpers.errors import RunError

#: Name of the pointer to the newest complete run, inside the reports folder.
LATEST = "latest"

_RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


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
