"""Build ``data/processed`` from ``data/raw``: one validated table of the 153 authorities.

Steps: verify every raw input against the catalogue checksums (size and mtime against the last
build's stamp as a fast path, the hash when they differ, so an edited or deleted raw file is never
"up to date"); read the CQC assessments and each context source (each source module returns values
keyed by the 2023 code plus a join record); left-join everything onto the 153 so no authority is
lost; validate with pandera; write all outputs into a new folder beside ``data/processed`` and swap
it in only after everything succeeded, so a failed build (bad input, read-only folder, full disk)
leaves the previous data as it was and nothing behind. The build is skipped when neither the inputs'
checksums nor the package's code have changed since the last one.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from lahelpers import paths
from lahelpers.build.fingerprints import code_fingerprint, fingerprint
from lahelpers.build.join import assemble, context_tables
from lahelpers.errors import InputError
from lahelpers.inputs import catalogue
from lahelpers.inputs.catalogue import Source

OUTPUTS: tuple[str, ...] = (
    "authorities.parquet",  # CQC assessment per authority
    "context.parquet",  # context variables per authority
    "authorities_context.csv",  # both, joined, for spreadsheet users
    "pilots.parquet",
    "variables.csv",  # what each context column is, its source and vintage
    "context_missing.csv",  # every missing context value with its reason
    "join_report.json",
    "join_report.md",
    "authorities_27700.parquet",
    "authorities_web.parquet",
    "regions_27700.parquet",
    "regions_web.parquet",
    "build_stamp.json",
)
#: The build stamp: fingerprint, input checksums and the raw files' size and mtime.
STAMP = "build_stamp.json"


@dataclass
class BuildResult:
    """What a build did: whether it ran, where it wrote, and the fingerprint it used."""

    built: bool
    folder: Path
    fingerprint: str
    message: str


#: The fix for a raw file that is missing or differs from the catalogue (works offline with --mirror).
REFETCH_FIX = (
    "run `lahelpers data fetch --replace{only}` (add `--mirror DIR` to copy it from a mirror); "
    "never edit files in data/raw"
)


def raw_state(src: Source) -> dict[str, Any]:
    """Size, modification time and SHA-256 of one raw file (what the build stamp records)."""
    st = src.path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": catalogue.sha256_of(src.path)}


def _raw_problem(src: Source, known: dict[str, Any] | None) -> str | None:
    """Why one raw file cannot be used (missing or changed), or None.

    ``known`` is the state the last build recorded: when size and mtime still match it, the file
    is taken as unchanged without hashing (the fast path); otherwise it is hashed.
    """
    try:
        st = src.path.stat()
    except FileNotFoundError:
        return "missing (deleted?)"
    if src.in_repository:  # maintained in git: no catalogue checksum; the fingerprint covers it
        return None
    if (
        known is not None
        and known.get("sha256") == src.sha256
        and (known.get("size"), known.get("mtime_ns")) == (st.st_size, st.st_mtime_ns)
    ):
        return None
    if catalogue.sha256_of(src.path) != src.sha256:
        return f"edited or replaced: its checksum differs from data/catalogue.yaml ({src.id})"
    return None


def verify_inputs(known: dict[str, Any] | None = None) -> None:
    """Every catalogued raw file must be present and match its checksum; raises InputError naming
    the first file that does not, with the fetch command that restores it.

    ``known``: ``{id: state}`` recorded by the last build (:func:`raw_state`), for the fast path.
    """
    problems: list[tuple[Source, str]] = []
    for s in catalogue.load_catalogue().values():
        why = _raw_problem(s, (known or {}).get(s.id))
        if why:
            problems.append((s, why))
    if problems:
        first = problems[0][0]
        more = "" if len(problems) == 1 else f" (and {len(problems) - 1} more: " + ", ".join(
            s.file for s, _ in problems[1:]
        ) + ")"
        only = "".join(f" --only {s.id}" for s, _ in problems) if len(problems) <= 3 else ""
        raise InputError(first.path, problems[0][1] + more, REFETCH_FIX.format(only=only))


def _stamp(folder: Path) -> dict[str, Any]:
    """The build stamp in ``folder`` (empty when absent or unreadable)."""
    try:
        return json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def up_to_date(folder: Path | None = None) -> bool:
    """True when every output exists and was built from the same inputs and code."""
    folder = folder or paths.processed_dir()
    if not all((folder / o).is_file() for o in OUTPUTS):
        return False
    return _stamp(folder).get("fingerprint") == fingerprint()


def _check_writable(target: Path) -> None:
    """Fail early, before any work, when the build could not replace ``target``."""
    parent = target.parent
    for folder in (parent, target) if target.exists() else (parent,):
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(errno.EACCES, "folder is not writable", str(folder))


def _clear_leftovers(parent: Path, name: str) -> None:
    """Remove the ``<name>.old`` folder earlier versions of the build could leave behind."""
    shutil.rmtree(parent / f"{name}.old", ignore_errors=True)


def _swap_in(tmp: Path, target: Path) -> None:
    """Replace ``target`` with the finished folder ``tmp``: two renames, then the old one goes.

    If the second rename fails the old folder is put back, so ``target`` is never left missing.
    """
    for p in target.glob("README*") if target.exists() else []:
        shutil.copy2(p, tmp / p.name)
    if not target.exists():
        os.replace(tmp, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    os.replace(target, old / target.name)
    try:
        os.replace(tmp, target)
    except BaseException:
        os.replace(old / target.name, target)  # if even this fails, the data stays in ``old``
        os.rmdir(old)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_all(tmp: Path, fp: str, raw: dict[str, Any]) -> None:
    """Every output plus the build stamp into ``tmp``."""
    assemble(tmp)
    stamp = {
        "fingerprint": fp,
        "inputs": {k: v.current_sha256() for k, v in catalogue.load_catalogue().items()},
        "raw_files": raw,
        "built_at": pd.Timestamp.now(tz="UTC").isoformat(),
    }
    (tmp / STAMP).write_text(json.dumps(stamp, indent=1), encoding="utf-8")


def build(force: bool = False, verify: bool = True) -> BuildResult:
    """Build ``data/processed`` unless it is up to date (or ``force``).

    The raw files are checked first (size and mtime against the last build's stamp, hashed when
    they differ), so an edited or deleted raw file is refused even when the outputs look current.
    Outputs are written into a new folder beside ``data/processed`` (readable by all, like any
    shared data folder) and swapped in only after everything succeeded; on any error, including
    OSError (read-only folder, full disk), the previous data is left as it was and nothing new
    remains.
    """
    target = paths.processed_dir()
    if verify:
        verify_inputs(_stamp(target).get("raw_files"))
    fp = fingerprint()
    if not force and up_to_date(target):
        return BuildResult(False, target, fp, f"{target} is up to date; nothing to do")
    target.parent.mkdir(parents=True, exist_ok=True)
    _check_writable(target)
    _clear_leftovers(target.parent, target.name)
    raw = {s.id: raw_state(s) for s in catalogue.load_catalogue().values() if s.path.is_file()}
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    try:
        os.chmod(tmp, 0o755)
        _write_all(tmp, fp, raw)
        _swap_in(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return BuildResult(True, target, fp, f"built {len(OUTPUTS)} outputs in {target}")


def trial_build(src: Source, candidate: Path) -> str | None:
    """Run the whole build against a candidate raw file in scratch folders; return an error or None.

    ``lahelpers data fetch --accept-new`` passes this to :func:`lahelpers.inputs.fetch.fetch`, so a
    changed file is installed (and its checksum recorded) only if everything still builds from it.
    """
    raw = paths.raw_dir()
    with tempfile.TemporaryDirectory(prefix="lahelpers-validate-") as td:
        scratch_raw = Path(td) / "raw"
        shutil.copytree(raw, scratch_raw, dirs_exist_ok=True)
        target = scratch_raw / src.file
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.chmod(target, 0o644)
        shutil.copyfile(candidate, target)
        out = Path(td) / "processed"
        out.mkdir()
        old = os.environ.get("LAHELPERS_RAW")
        os.environ["LAHELPERS_RAW"] = str(scratch_raw)
        try:
            from lahelpers.inputs import codes

            codes.reference.cache_clear()
            codes.lad_to_utla.cache_clear()
            assemble(out)
        except Exception as err:  # any failure means the new file is not accepted
            # Name the file as the user knows it, not by its scratch copy.
            where = str(scratch_raw / src.file)
            return f"{type(err).__name__}: {err}".replace(where, f"{src.file} (new version)")
        finally:
            if old is None:
                os.environ.pop("LAHELPERS_RAW", None)
            else:
                os.environ["LAHELPERS_RAW"] = old
            codes.reference.cache_clear()
            codes.lad_to_utla.cache_clear()
    return None


__all__ = [
    "OUTPUTS", "REFETCH_FIX", "STAMP", "BuildResult", "assemble", "build", "code_fingerprint", "context_tables",
    "fingerprint", "trial_build", "up_to_date", "verify_inputs",
]  # fmt: skip
