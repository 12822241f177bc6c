"""Build ``data/processed`` from ``data/raw``: one validated table of the 153 authorities.

Steps: verify every raw input against the catalogue checksums; read the CQC assessments and each
context source (each source module returns values keyed by the 2023 code plus a join record);
left-join everything onto the 153 so no authority is lost; validate with pandera; write all outputs
into a temporary folder and swap it in, so a failed build leaves no half-written output. The build is
skipped when neither the inputs' checksums nor the package's code have changed since the last one.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class BuildResult:
    """What a build did: whether it ran, where it wrote, and the fingerprint it used."""

    built: bool
    folder: Path
    fingerprint: str
    message: str


def verify_inputs() -> None:
    """Every catalogued raw file must be present and match its checksum."""
    problems = []
    for s in catalogue.load_catalogue().values():
        if not s.path.is_file():
            problems.append(f"{s.path}: missing")
        elif not s.in_repository and catalogue.sha256_of(s.path) != s.sha256:
            problems.append(f"{s.path}: checksum differs from data/catalogue.yaml ({s.id})")
    if problems:
        raise InputError(
            problems[0].split(":")[0],
            f"{len(problems)} raw input(s) missing or changed: " + "; ".join(problems),
            "run `lahelpers data fetch --mirror DIR` (or without --mirror to download); "
            "never edit files in data/raw",
        )


def up_to_date(folder: Path | None = None) -> bool:
    """True when every output exists and was built from the same inputs and code."""
    folder = folder or paths.processed_dir()
    stamp = folder / "build_stamp.json"
    if not stamp.is_file() or not all((folder / o).is_file() for o in OUTPUTS):
        return False
    return json.loads(stamp.read_text()).get("fingerprint") == fingerprint()


def _swap_in(tmp: Path, target: Path) -> None:
    """Replace ``target`` with ``tmp`` as close to atomically as a folder allows."""
    old = target.with_name(target.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    keep = [p for p in target.glob("README*")] if target.exists() else []
    for p in keep:
        shutil.copy2(p, tmp / p.name)
    if target.exists():
        os.replace(target, old)
    os.replace(tmp, target)
    if old.exists():
        shutil.rmtree(old)


def build(force: bool = False, verify: bool = True) -> BuildResult:
    """Build ``data/processed`` unless it is up to date (or ``force``)."""
    target = paths.processed_dir()
    fp = fingerprint()
    if not force and up_to_date(target):
        return BuildResult(False, target, fp, f"{target} is up to date; nothing to do")
    if verify:
        verify_inputs()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".processed-", dir=target.parent))
    try:
        assemble(tmp)
        (tmp / "build_stamp.json").write_text(
            json.dumps(
                {
                    "fingerprint": fp,
                    "inputs": {k: v.current_sha256() for k, v in catalogue.load_catalogue().items()},
                    "built_at": pd.Timestamp.now(tz="UTC").isoformat(),
                },
                indent=1,
            )
        )
        _swap_in(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
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
            return f"{type(err).__name__}: {err}"
        finally:
            if old is None:
                os.environ.pop("LAHELPERS_RAW", None)
            else:
                os.environ["LAHELPERS_RAW"] = old
            codes.reference.cache_clear()
            codes.lad_to_utla.cache_clear()
    return None


__all__ = [
    "OUTPUTS", "BuildResult", "assemble", "build", "code_fingerprint", "context_tables",
    "fingerprint", "trial_build", "up_to_date", "verify_inputs",
]  # fmt: skip
