"""Fetch raw inputs into ``data/raw`` and check them against the catalogue's checksums.

Two ways in: download from each file's catalogued address (pooch does the HTTP, with a progress
bar and retries), or copy from a local mirror laid out like ``data/raw`` (one folder per source),
for offline machines and CI. Rules:

* a file whose checksum differs from the catalogue is reported and NOT installed;
* a file already in ``data/raw`` is never overwritten: if it matches, it is kept; if it differs, it
  is reported (remove it yourself, or use ``--replace`` to take a fresh copy, which is announced);
* ``--accept-new ID`` installs a changed file only after it passes validation (the full build runs
  on it in a scratch folder), then records its new checksum in the catalogue;
* anything missing or mismatched makes the command exit non-zero.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lahelpers import paths
from lahelpers.inputs import catalogue
from lahelpers.inputs.catalogue import Source


@dataclass
class FetchOutcome:
    """What happened to one catalogue entry."""

    id: str
    file: str
    status: str  # ok, fetched, copied, accepted, changed, missing, failed
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status in {"ok", "fetched", "copied", "accepted", "replaced"}


@dataclass
class FetchReport:
    """All outcomes of one fetch."""

    outcomes: list[FetchOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def problems(self) -> list[FetchOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def text(self) -> str:
        """A readable table of outcomes, problems first."""
        rows = sorted(self.outcomes, key=lambda o: (o.ok, o.id))
        lines = [
            f"{o.status:>8}  {o.id:<28} {o.file}" + (f"\n          {o.detail}" if o.detail else "")
            for o in rows
        ]
        n_bad = len(self.problems())
        lines.append(
            f"{len(self.outcomes) - n_bad} of {len(self.outcomes)} inputs ready; {n_bad} problem(s)"
        )
        return "\n".join(lines)


def _download(src: Source, dest_dir: Path) -> Path:
    """Download one file with pooch into ``dest_dir`` (checksum checked by the caller)."""
    import pooch

    return Path(
        pooch.retrieve(
            src.url,
            known_hash=None,
            fname=Path(src.file).name,
            path=dest_dir,
            progressbar=os.environ.get("CI") is None,
            downloader=pooch.HTTPDownloader(timeout=60, progressbar=os.environ.get("CI") is None),
        )
    )


def _obtain(src: Source, mirror: Path | None, scratch: Path) -> Path:
    """Get a candidate copy of ``src`` into ``scratch`` from the mirror or the web."""
    if mirror is not None:
        candidate = mirror / src.file
        if not candidate.is_file():
            raise FileNotFoundError(f"not in mirror {mirror} (expected {candidate})")
        out = scratch / Path(src.file).name
        shutil.copyfile(candidate, out)
        return out
    if not src.url:
        raise FileNotFoundError(
            "no public download address (a project compilation); copy it from a mirror with --mirror DIR"
        )
    return _download(src, scratch)


def _install(candidate: Path, dest: Path) -> None:
    """Move a checked file into place atomically and make it read-only (raw data is immutable)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    shutil.copyfile(candidate, tmp)
    os.chmod(tmp, 0o444)
    os.replace(tmp, dest)


#: A trial of a changed file: ``(source, candidate path) -> problem or None``. The build supplies
#: it (:func:`lahelpers.build.trial_build`), so this module never imports the build.
Trial = Callable[[Source, Path], "str | None"]


def fetch_one(
    src: Source,
    mirror: Path | None,
    *,
    accept_new: bool = False,
    replace: bool = False,
    trial: Trial | None = None,
) -> FetchOutcome:
    """Make one input present and matching its checksum, or say why not.

    ``trial`` validates a changed file before ``accept_new`` installs it; without one a changed
    file is never accepted.
    """
    if src.in_repository:  # maintained in git under data/, never downloaded
        if src.path.is_file():
            return FetchOutcome(src.id, src.file, "ok", f"in the repository ({src.path})")
        return FetchOutcome(
            src.id, src.file, "missing", f"{src.path} is missing: restore it with `git checkout`"
        )
    dest = paths.raw_dir() / src.file
    if dest.is_file() and not replace:
        if catalogue.sha256_of(dest) == src.sha256:
            return FetchOutcome(src.id, src.file, "ok", "already present, checksum matches")
        if not accept_new:
            return FetchOutcome(
                src.id,
                src.file,
                "changed",
                f"{dest} differs from the catalogue checksum; it was left untouched. Remove it and fetch "
                "again, use --replace to take a fresh copy, or --accept-new to validate and record it",
            )
    with tempfile.TemporaryDirectory(prefix="lahelpers-fetch-") as td:
        try:
            candidate = _obtain(src, mirror, Path(td))
        except Exception as err:  # network, HTTP or missing-mirror errors are reported per file
            status = "missing" if isinstance(err, FileNotFoundError) else "failed"
            return FetchOutcome(src.id, src.file, status, str(err))
        got = catalogue.sha256_of(candidate)
        how = "copied" if mirror is not None else "fetched"
        if got == src.sha256:
            existed = dest.is_file()
            if existed:
                os.chmod(dest, 0o644)
            _install(candidate, dest)
            if existed:
                return FetchOutcome(
                    src.id, src.file, "replaced", f"{dest} replaced by a fresh copy (--replace)"
                )
            return FetchOutcome(src.id, src.file, how)
        where = f"mirror {mirror}" if mirror is not None else src.url
        if not accept_new:
            return FetchOutcome(
                src.id,
                src.file,
                "changed",
                f"the file from {where} has sha256 {got}, catalogue says {src.sha256}: it changed upstream "
                f"and was not installed. Check it, then `lahelpers data fetch --accept-new {src.id}`",
            )
        problem = (
            trial(src, candidate)
            if trial is not None
            else "no trial build was given to validate it (use `lahelpers data fetch --accept-new`)"
        )
        if problem:
            return FetchOutcome(
                src.id, src.file, "failed", f"new version fails validation, not accepted: {problem}"
            )
        if dest.is_file():
            os.chmod(dest, 0o644)
        _install(candidate, dest)
        catalogue.record_checksum(src.id, got, candidate.stat().st_size)
        return FetchOutcome(
            src.id, src.file, "accepted", f"new checksum {got} recorded in the catalogue"
        )


def fetch(
    ids: list[str] | None = None,
    mirror: Path | None = None,
    accept_new: list[str] | None = None,
    replace: bool = False,
    progress: bool = True,
    trial: Trial | None = None,
) -> FetchReport:
    """Fetch every catalogued input (or ``ids``) from ``mirror`` or the web.

    ``trial`` checks a changed file named in ``accept_new`` (see :func:`fetch_one`).
    """
    from tqdm.auto import tqdm

    cat = catalogue.load_catalogue()
    unknown = set(ids or []) - set(cat) | set(accept_new or []) - set(cat)
    if unknown:
        raise KeyError(f"unknown catalogue id(s) {sorted(unknown)}; known: {sorted(cat)}")
    chosen = [cat[i] for i in (ids or cat)]
    report = FetchReport()
    for src in tqdm(chosen, desc="fetch", unit="file", disable=not progress):
        report.outcomes.append(
            fetch_one(
                src, mirror, accept_new=src.id in (accept_new or []), replace=replace, trial=trial
            )
        )
    return report
