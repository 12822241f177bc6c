"""Build ``data/processed`` from ``data/raw``: one validated table of the 153 authorities.

Steps: verify every raw input against the catalogue checksums; read the CQC assessments and each
context source (each source module returns values keyed by the 2023 code plus a join record);
left-join everything onto the 153 so no authority is lost; validate with pandera; write all outputs
into a temporary folder and swap it in, so a failed build leaves no half-written output. The build is
skipped when neither the inputs' checksums nor the package's code have changed since the last one.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from lahelpers import catalogue, codes, cqc, geography, paths, validate
from lahelpers.errors import InputError
from lahelpers.joins import JoinReport

#: Modules exposing ``VARIABLES`` and ``tables()`` for the context table, in join order.
CONTEXT_MODULES: tuple[str, ...] = (
    "demographics",
    "deprivation",
    "rurality",
    "workforce",
    "care_market",
)

#: Modules whose code decides what the build writes (their source is part of the fingerprint).
BUILD_MODULES: tuple[str, ...] = (
    "build", "catalogue", "codes", "cqc", "framework", "geography", "joins", "names", "rawio", "validate",
)  # fmt: skip

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


def code_fingerprint() -> str:
    """Hash of the modules the build runs, so a change of rules triggers a rebuild.

    Analysis modules (charts, stats...) are left out: editing them does not change the data.
    """
    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parent
    for name in sorted({*BUILD_MODULES, *CONTEXT_MODULES}):
        f = pkg / f"{name}.py"
        h.update(name.encode())
        h.update(f.read_bytes() if f.is_file() else b"")
    for extra in (paths.project_root() / "data" / "rating_exceptions.yaml",):
        if extra.is_file():
            h.update(extra.read_bytes())
    return h.hexdigest()


def fingerprint() -> str:
    """Fingerprint of the catalogue checksums plus the code."""
    cat = catalogue.load_catalogue()
    blob = json.dumps({k: v.sha256 for k, v in sorted(cat.items())}) + code_fingerprint()
    return hashlib.sha256(blob.encode()).hexdigest()


def verify_inputs() -> None:
    """Every catalogued raw file must be present and match its checksum."""
    problems = []
    for s in catalogue.load_catalogue().values():
        if not s.path.is_file():
            problems.append(f"{s.path}: missing")
        elif catalogue.sha256_of(s.path) != s.sha256:
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


def context_tables(report: JoinReport) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Join every context source onto the 153; return (context, variables, missing reasons)."""
    ref = codes.reference()
    context = ref[["code"]].set_index("code")
    variables, missing_rows = [], []
    for name in CONTEXT_MODULES:
        module = importlib.import_module(f"lahelpers.{name}")
        for values, join in module.tables():
            report.add(join)
            clash = set(values.columns) & set(context.columns)
            if clash:
                raise ValueError(
                    f"{name}: column(s) {sorted(clash)} already defined by another source"
                )
            context = context.join(values, how="left")  # left join: all 153 kept
            reasons = {m["code"]: m["reason"] for m in join.missing}
            for col in values.columns:
                for code in context.index[context[col].isna()]:
                    missing_rows.append(
                        {
                            "code": code,
                            "variable": col,
                            "source_id": join.source_id,
                            "reason": reasons.get(code, "blank or suppressed in the source"),
                        }
                    )
        for col, meta in module.VARIABLES.items():
            variables.append({"column": col, "module": name, **meta})
    vars_df = pd.DataFrame(
        variables, columns=["column", "module", "label", "unit", "source_id", "vintage", "note"]
    )
    undocumented = set(context.columns) - set(vars_df["column"])
    if undocumented:
        raise ValueError(f"context columns without VARIABLES metadata: {sorted(undocumented)}")
    missing = pd.DataFrame(missing_rows, columns=["code", "variable", "source_id", "reason"])
    return context.reset_index(), vars_df, missing


def assemble(folder: Path) -> None:
    """Read, join, validate and write every output into ``folder`` (raises on any bad input)."""
    ref = codes.reference()
    geography.check_regions(ref)
    report = JoinReport()
    assessments = cqc.read_assessments()
    report.add(cqc.assessments_join(assessments))
    authorities = ref.merge(assessments, on="code", how="left", validate="1:1")
    validate.raise_for(
        validate.authorities_schema(), authorities, catalogue.raw_path("cqc_assessments")
    )
    context, variables, missing = context_tables(report)
    units = dict(zip(variables["column"], variables["unit"], strict=True))
    validate.raise_for(
        validate.context_schema(list(variables["column"]), units), context, "context (built)"
    )
    pilots = cqc.read_pilots()

    polys, join = geography.authorities()
    report.add(join)
    regions = geography.regions()

    authorities.to_parquet(folder / "authorities.parquet", index=False)
    context.to_parquet(folder / "context.parquet", index=False)
    authorities.merge(context, on="code", validate="1:1").to_csv(
        folder / "authorities_context.csv", index=False
    )
    pilots.to_parquet(folder / "pilots.parquet", index=False)
    variables.to_csv(folder / "variables.csv", index=False)
    missing.to_csv(folder / "context_missing.csv", index=False)
    report.write(folder)
    polys.to_parquet(folder / "authorities_27700.parquet", index=False)
    geography.simplify_for_web(polys).to_parquet(folder / "authorities_web.parquet", index=False)
    regions.to_parquet(folder / "regions_27700.parquet", index=False)
    geography.simplify_for_web(regions, 1000).to_parquet(
        folder / "regions_web.parquet", index=False
    )


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
                    "inputs": {k: v.sha256 for k, v in catalogue.load_catalogue().items()},
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
