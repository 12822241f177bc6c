"""Run folders and the ``reports/latest`` pointer: a new folder per run, never reused, and a pointer
that moves atomically to the newest complete run (every report, every notebook succeeded). Partial
runs are listed in their own index; runs whose process was killed are marked abandoned."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
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


#: The index of partial runs (``--notebook`` or ``--region``), inside the reports folder.
PARTIAL_INDEX = "partial-runs.html"


def _manifests(reports_root: Path) -> list[tuple[Path, dict]]:
    """Every run folder's manifest, readable ones only, oldest first."""
    import json

    out = []
    for path in sorted(reports_root.glob("*/manifest.json")):
        try:
            out.append((path.parent, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return out


def _pid_alive(pid: int) -> bool:
    """True when a process with this id exists (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, but belongs to someone else
        return True
    return True


def mark_abandoned(reports_root: Path, write: Callable[[Path, dict], None]) -> list[str]:
    """Mark runs whose manifest says "running" but whose process has gone (killed) as abandoned.

    Only runs started on this machine are judged (``host`` and ``pid`` in the manifest); ``write``
    saves a changed manifest (and its index). Returns the run ids marked.
    """
    import socket

    marked = []
    for folder, manifest in _manifests(reports_root):
        pid, host = manifest.get("pid"), manifest.get("host")
        if manifest.get("status") != "running" or not isinstance(pid, int):
            continue
        if host != socket.gethostname() or _pid_alive(pid):
            continue
        manifest["status"] = "abandoned"
        manifest["error"] = (
            f"the run's process ({pid}) ended without finishing (killed?); "
            f"marked abandoned by the run started {datetime.now(UTC).isoformat(timespec='seconds')}"
        )
        write(folder, manifest)
        marked.append(folder.name)
    return marked


def write_partial_index(reports_root: Path) -> Path:
    """Write ``reports/partial-runs.html``: every partial run, newest first, with its status.

    ``reports/latest`` only ever points at a complete run; partial runs (``--notebook`` or
    ``--region``) are kept in their own folders and listed here.
    """
    from html import escape

    rows = []
    for folder, m in reversed(_manifests(reports_root)):
        if m.get("scope") != "partial":
            continue
        names = ", ".join(n.get("name", "?") for n in m.get("notebooks", []))
        rows.append(
            f'<tr><td><a href="{escape(folder.name)}/index.html">{escape(folder.name)}</a></td>'
            f"<td>{escape(str(m.get('status')))}</td><td>{escape(str(m.get('started_at')))}</td>"
            f"<td>{escape(names)}</td></tr>"
        )
    body = "".join(rows) or '<tr><td colspan="4">No partial runs.</td></tr>'
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<title>Partial runs</title></head><body><h1>Partial runs</h1>"
        "<p>Runs of some reports only (<code>--notebook</code> or <code>--region</code>). "
        f'The newest complete run is at <a href="{LATEST}/index.html">{LATEST}</a>.</p>'
        "<table><thead><tr><th>Run</th><th>Status</th><th>Started</th><th>Reports</th></tr>"
        f"</thead><tbody>{body}</tbody></table></body></html>\n"
    )
    path = reports_root / PARTIAL_INDEX
    tmp = path.with_name(f".{PARTIAL_INDEX}.{os.getpid()}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path
