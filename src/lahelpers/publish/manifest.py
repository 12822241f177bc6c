"""What a run records about itself: the code and library versions, the data checksums, and the
manifest (``manifest.json``) the index page is drawn from."""

from __future__ import annotations

import platform
import subprocess
import sys
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lahelpers import __version__, paths
from lahelpers.publish import report

if TYPE_CHECKING:
    from lahelpers.publish.run import JobResult

#: Libraries whose versions can change the numbers; each run's manifest records them.
LIBRARIES: tuple[str, ...] = (
    "numpy", "pandas", "scipy", "statsmodels", "altair", "geopandas", "shapely", "papermill",
)  # fmt: skip


def library_versions() -> dict[str, str | None]:
    """Installed version of each library in :data:`LIBRARIES` (None if not installed)."""
    out: dict[str, str | None] = {}
    for name in LIBRARIES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def code_version(root: Path | None = None) -> dict[str, Any]:
    """Package version and, when the code is a git checkout, ``git describe`` and the commit."""
    out: dict[str, Any] = {
        "package_version": __version__,
        "git_describe": None,
        "git_commit": None,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "libraries": library_versions(),
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
    from lahelpers.inputs import catalogue

    try:
        cat = catalogue.load_catalogue()
    except (OSError, ValueError) as exc:
        return {"error": f"catalogue not read: {exc}"}, None
    sources: dict[str, Any] = {}
    mismatched: list[str] = []
    for sid, src in cat.items():
        actual = catalogue.sha256_of(src.path) if src.path.is_file() else None
        expected = actual if src.in_repository else src.sha256  # repository data: git versions it
        matches = None if actual is None else actual == expected
        if matches is False:
            mismatched.append(sid)
        sources[sid] = {
            "file": src.file,
            "vintage": src.vintage,
            "licence": src.licence,
            "sha256": expected,
            "actual_sha256": actual,
            "location": src.location,
            "matches": matches,
        }
    from lahelpers.publish.whats_new import ratings_snapshot

    section = {
        "catalogue": str(paths.catalogue_file()),
        "sources": sources,
        "mismatched": mismatched,
        "missing": [sid for sid, s in sources.items() if s["actual_sha256"] is None],
        "ratings": ratings_snapshot(),  # latest assessment per authority, for "what's new"
    }
    return section, cat


def build_manifest(
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
