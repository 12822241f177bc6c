"""Bad input and faults, as a hostile user meets them at the command line.

Every case runs one ``lahelpers`` command against its own copy of the project (catalogue, data/raw,
data/processed and a reports folder whose ``latest`` points at a complete run) and must end in one
clear message naming the file, row or option and the fix, a non-zero exit, and ``data/raw``,
``data/processed``, the catalogue and ``reports/latest`` exactly as they were, with nothing left
over beside them.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from lahelpers import build, paths
from lahelpers.cli import main
from lahelpers.inputs import codes, fetch
from lahelpers.publish import report, run

#: The ratings dataset, maintained in the repository under data/ (edited there, then built).
CQC = "cqc/assessments.csv"
QS1 = "qs1_assessing_needs"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory, built: Path) -> Path:
    """A project copy: catalogue, the real data/raw, the built data/processed, a complete run."""
    proj = tmp_path_factory.mktemp("pristine")
    (proj / "data").mkdir()
    shutil.copy2(paths.catalogue_file(), proj / "data" / "catalogue.yaml")
    shutil.copytree(paths.raw_dir(), proj / "data" / "raw")
    shutil.copytree(built, proj / "data" / "processed")
    shutil.copytree(paths.repo_data_dir() / "cqc", proj / "data" / "cqc")
    os.symlink(paths.project_root() / "notebooks", proj / "notebooks", target_is_directory=True)
    good = proj / "reports" / "20260101T000000Z"
    good.mkdir(parents=True)
    (good / "index.html").write_text("<p>complete run</p>")
    (good / "manifest.json").write_text(
        json.dumps({"status": "ok", "scope": "full", "started_at": "2026-01-01T00:00:00+00:00"})
    )
    os.symlink(good.name, proj / "reports" / run.LATEST, target_is_directory=True)
    return proj


@pytest.fixture
def project(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own project (hard links to the pristine copy; every case replaces, never edits)."""
    proj = tmp_path / "project"
    shutil.copytree(pristine, proj, symlinks=True, copy_function=os.link)
    for name, sub in (
        ("LAHELPERS_ROOT", ""),
        ("LAHELPERS_DATA", "data"),
        ("LAHELPERS_RAW", "data/raw"),
        ("LAHELPERS_PROCESSED", "data/processed"),
        ("LAHELPERS_REPORTS", "reports"),
    ):
        monkeypatch.setenv(name, str(proj / sub))
    monkeypatch.delenv("LAHELPERS_MIRROR", raising=False)
    # retries stay bounded; no waiting between them (raising=False: the same cases run on old code)
    monkeypatch.setattr(fetch, "BACKOFF", 0.0, raising=False)
    codes.reference.cache_clear()
    codes.lad_to_utla.cache_clear()
    return proj


def snapshot(proj: Path) -> dict[str, object]:
    """What must not change: every file's size, mtime, inode and mode under data/ and reports/,
    the names beside them (no leftovers), and where ``reports/latest`` points."""
    state: dict[str, object] = {}
    for top in ("data", "reports"):
        for p in sorted((proj / top).rglob("*")):
            if p.is_symlink():
                state[str(p.relative_to(proj))] = os.readlink(p)
            else:
                st = p.stat()
                state[str(p.relative_to(proj))] = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode)
    state["beside data/processed"] = sorted(os.listdir(proj / "data"))
    return state


def replace_file(path: Path, data: bytes | str) -> None:
    """Write a new file at ``path`` (unlinking first, so hard-linked copies are not touched)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


# ------------------------------------------------------------------------------ the cases


Setup = Callable[[Path, pytest.MonkeyPatch], list[str]]


@dataclass(frozen=True)
class Case:
    """One bad input or fault: how to cause it (returns the command), and the message it must give."""

    id: str
    setup: Setup
    expect: str  # regex the error output must match (names the file/row/option and the fix)


def _row(df: pd.DataFrame, name: str) -> int:
    return int(df.index[df["la_name"] == name][0])


def cqc_variant(edit: Callable[[pd.DataFrame], pd.DataFrame]) -> Setup:
    """The ratings dataset edited by hand (as a maintainer would); the command builds from it."""

    def setup(proj: Path, _mp: pytest.MonkeyPatch) -> list[str]:
        path = proj / "data" / CQC
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        replace_file(path, edit(df).to_csv(index=False))
        return ["data", "build"]

    return setup


def cqc_bytes(data: bytes) -> Setup:
    """The ratings dataset replaced by these bytes; the command builds from it."""

    def setup(proj: Path, _mp: pytest.MonkeyPatch) -> list[str]:
        replace_file(proj / "data" / CQC, data)
        return ["data", "build"]

    return setup


def set_cell(column: str, value: str, name: str = "Camden") -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[_row(df, name), column] = value
        return df

    return edit


def set_cells(values: dict[str, str], name: str = "Camden") -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(df: pd.DataFrame) -> pd.DataFrame:
        for column, value in values.items():
            df.loc[_row(df, name), column] = value
        return df

    return edit


def camden_row(proj: Path) -> int:
    return _row(pd.read_csv(proj / "data" / CQC, dtype=str), "Camden") + 2


def rejected(column: str, fix: str) -> str:
    """The message for a changed CQC file refused by validation: file, row, column, fix."""
    return rf"cqc/assessments\.csv, row \d+, column '{column}'.*Fix: {fix}"


RUC = "demographics/RUC_LAD_2011_EN_LU.csv"


def edit_raw(proj: Path, _mp: pytest.MonkeyPatch) -> list[str]:
    path = proj / "data" / "raw" / RUC
    replace_file(path, path.read_bytes().replace(b"Cornwall", b"Kernow", 1))
    return ["data", "build"]


def delete_raw(proj: Path, _mp: pytest.MonkeyPatch) -> list[str]:
    (proj / "data" / "raw" / "geo" / "areas.csv").unlink()
    return ["data", "build"]


def exceptions_file(text: str) -> Setup:
    def setup(proj: Path, _mp: pytest.MonkeyPatch) -> list[str]:
        replace_file(proj / "data" / "rating_exceptions.yaml", text)
        return ["data", "build"]

    return setup


def args(*argv: str) -> Setup:
    return lambda _proj, _mp: list(argv)


def failing_assemble(err: OSError) -> Setup:
    """``data build --force`` that meets ``err`` after writing part of its outputs."""

    def setup(proj: Path, mp: pytest.MonkeyPatch) -> list[str]:
        def assemble(folder: Path) -> None:
            (folder / "authorities.parquet").write_bytes(b"half written")
            raise OSError(err.errno, err.strerror, str(folder / "context.parquet"))

        mp.setattr(build, "assemble", assemble)
        return ["data", "build", "--force"]

    return setup


def failing_swap(proj: Path, mp: pytest.MonkeyPatch) -> list[str]:
    """The final rename into data/processed fails (read-only file system)."""
    real = os.replace
    target = proj / "data" / "processed"

    def replace(src: os.PathLike, dst: os.PathLike) -> None:
        if Path(dst) == target and ".processed-new-" in str(src):
            raise OSError(errno.EROFS, "Read-only file system", str(target))
        real(src, dst)

    mp.setattr(build, "assemble", lambda folder: (folder / "authorities.parquet").write_text("x"))
    mp.setattr(build.os, "replace", replace)
    return ["data", "build", "--force"]


def unwritable_parent(proj: Path, mp: pytest.MonkeyPatch) -> list[str]:
    """data/ refuses new folders (permission denied), as for a user who may not write there."""

    def mkdtemp(*_a: object, **_k: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(proj / "data"))

    mp.setattr(build.tempfile, "mkdtemp", mkdtemp)
    return ["data", "build", "--force"]


def read_only_processed(proj: Path, mp: pytest.MonkeyPatch) -> list[str]:
    """data/processed is read-only (chmod a-w); root ignores modes, so access() is told too."""
    target = proj / "data" / "processed"
    real = os.access
    mp.setattr(build.os, "access", lambda p, mode: False if Path(p) == target else real(p, mode))
    return ["data", "build", "--force"]


def disk_full_run(proj: Path, mp: pytest.MonkeyPatch) -> list[str]:
    """The disk fills while a run writes its shared assets."""

    def write_assets(folder: Path, cache_dir: Path) -> dict[str, int]:
        raise OSError(errno.ENOSPC, "No space left on device", str(folder / report.BUNDLE_PATH))

    mp.setattr(report, "write_assets", write_assets)
    return ["run", "--notebook", "01_national_overview"]


def unreachable(n: int) -> Setup:
    """``n`` sources whose address is a closed port on 127.0.0.1 (no network), fetched afresh."""

    def setup(proj: Path, _mp: pytest.MonkeyPatch) -> list[str]:
        with socket.socket() as s:  # a port nobody listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        cat = proj / "data" / "catalogue.yaml"
        text = cat.read_text()
        urls = re.findall(r"^  url: (https://\S+)$", text, flags=re.M)[:n]
        for url in urls:
            text = text.replace(f"url: {url}\n", f"url: http://127.0.0.1:{port}/x\n", 1)
        replace_file(cat, text)
        ids = re.findall(r"^- id: (\S+)\n(?:  .*\n)*?  url: http://127\.0\.0\.1", text, flags=re.M)
        return ["data", "fetch", "--replace", *[a for i in ids for a in ("--only", i)]]

    return setup


def mirror_with(file: str, data: bytes) -> Setup:
    def setup(proj: Path, _mp: pytest.MonkeyPatch) -> list[str]:
        replace_file(proj / "mirror" / file, data)
        return ["data", "fetch", "--replace", "--only", "ruc2011_lad", "--mirror", str(proj / "mirror")]

    return setup


SCORE_FIX = "quality statement scores are whole numbers 1 to 4"
CASES = [
    # 1. scores and dates (the ratings dataset edited by hand: the build refuses, nothing changes)
    Case("score 2.5", cqc_variant(set_cell(QS1, "2.5")), rejected(QS1, SCORE_FIX)),
    Case("score 3.0001", cqc_variant(set_cell(QS1, "3.0001")), rejected(QS1, SCORE_FIX)),
    Case("score 5", cqc_variant(set_cell(QS1, "5")), rejected(QS1, SCORE_FIX)),
    Case("score 0", cqc_variant(set_cell(QS1, "0")), rejected(QS1, SCORE_FIX)),
    Case("score -1", cqc_variant(set_cell(QS1, "-1")), rejected(QS1, SCORE_FIX)),
    Case("score text", cqc_variant(set_cell(QS1, "three")), rejected(QS1, SCORE_FIX)),
    Case(
        "date 2099-01-01",
        cqc_variant(set_cells({"publication_date": "2099-01-01", "publication_date_precision": "day"})),
        rejected("publication_date", "write the date as .* no later than today"),
    ),
    Case(
        "date 2099",
        cqc_variant(set_cells({"publication_date": "2099", "publication_date_precision": "year"})),
        rejected("publication_date", "write the date as .* no later than today"),
    ),
    Case(
        "date Feb 2025",
        cqc_variant(set_cell("publication_date", "Feb 2025")),
        rejected("publication_date", "write the date as YYYY-MM-DD"),
    ),
    Case(
        "date 2025-02-30",
        cqc_variant(set_cells({"publication_date": "2025-02-30", "publication_date_precision": "day"})),
        r"cqc/assessments\.csv, row \d+, column 'publication_date': publication date '2025-02-30' cannot be parsed\. Fix: write it as",
    ),
    Case(
        "date precision",
        cqc_variant(set_cells({"publication_date": "2025-02", "publication_date_precision": "day"})),
        r"row \d+, column 'publication_date_precision'.*Fix: set publication_date_precision to month",
    ),
    Case(
        "precision word",
        cqc_variant(set_cell("publication_date_precision", "week")),
        rejected("publication_date_precision", "use day, month or year"),
    ),
    Case(
        "rating Great",
        cqc_variant(set_cell("overall_rating", "Great")),
        rejected("overall_rating", "use one of Outstanding, Good"),
    ),
    Case(
        "rating outside band",
        cqc_variant(set_cell("overall_rating", "Inadequate")),
        r"row \d+, column 'overall_rating': rating 'Inadequate' is outside its band.*Fix: .*rating_exceptions\.yaml",
    ),
    Case(
        "stated % disagrees",
        cqc_variant(set_cell("overall_score_pct", "80")),
        r"row \d+, column 'overall_score_pct': stated overall % 80 disagrees.*Fix: check the scores",
    ),
    Case(
        "stated % 120",
        cqc_variant(set_cell("overall_score_pct", "120")),
        rejected("overall_score_pct", "an overall % lies between 25 and 100"),
    ),
    Case(
        "unknown code",
        cqc_variant(set_cell("ons_code", "E99999999")),
        rejected("ons_code", "use the authority's April 2023 ONS code"),
    ),
    Case(  # two rows of one code are two assessments: the authority they displaced is missing
        "duplicate code",
        cqc_variant(lambda d: d.assign(ons_code=[*d["ons_code"][:10], d["ons_code"][9], *d["ons_code"][11:]])),
        r"column 'ons_code': no row for 1 of the 153 authorities.*Fix: add one row per authority",
    ),
    Case(
        "missing authority",
        cqc_variant(lambda d: d.drop(index=3)),
        r"column 'ons_code': no row for 1 of the 153 authorities.*Fix: add one row per authority",
    ),
    Case(
        "missing column",
        cqc_variant(lambda d: d.drop(columns=[QS1])),
        r"cqc/assessments\.csv.*qs1_assessing_needs.*Fix:",
    ),
    Case("empty file", cqc_bytes(b""), r"cqc/assessments\.csv.*empty.*Fix:"),
    Case(
        "header only",
        cqc_bytes(b"ons_code,la_name\n"),
        r"cqc/assessments\.csv.*Fix:",
    ),
    Case(
        "not UTF-8",
        cqc_bytes("ons_code,la_name\nE06000001,Hartlepool \xe9\n".encode("latin-1")),
        r"cqc/assessments\.csv, row 2: text is not valid utf-8.*Fix: re-save the file as UTF-8",
    ),
    # 2. raw files edited or deleted after the last build
    Case(
        "edited raw file",
        edit_raw,
        r"RUC_LAD_2011_EN_LU\.csv: edited or replaced.*Fix: run `lahelpers data fetch --replace --only ruc2011_lad`",
    ),
    Case(
        "deleted raw file",
        delete_raw,
        r"geo/areas\.csv: missing \(deleted\?\).*Fix: run `lahelpers data fetch --replace --only lookup_areas`",
    ),
    # 4. OS errors while building: one line, the fix, data/processed as it was, nothing left over
    Case(
        "disk full during build",
        failing_assemble(OSError(errno.ENOSPC, "No space left on device")),
        r"build failed: No space left on device: .*context\.parquet\. Fix: free some disk space.*data/processed is as it was",
    ),
    Case(
        "quota exceeded during build",
        failing_assemble(OSError(errno.EDQUOT, "Disk quota exceeded")),
        r"build failed: Disk quota exceeded: .*Fix: free some space within your disk quota",
    ),
    Case(
        "read-only file system at the swap",
        failing_swap,
        r"build failed: Read-only file system: .*processed\. Fix: the file system is read-only",
    ),
    Case(
        "data/ not writable",
        unwritable_parent,
        r"build failed: Permission denied: .*/data\. Fix: make the folder writable for you \(e\.g\. `chmod u\+w .*/data`\)",
    ),
    Case(
        "data/processed read-only",
        read_only_processed,
        r"build failed: folder is not writable: .*/data/processed\. Fix: make the folder writable for you \(e\.g\. `chmod u\+w .*/data/processed`\)",
    ),
    Case(
        "disk full during a run",
        disk_full_run,
        r"run failed: No space left on device: .*vega-bundle\.js\. Fix: free some disk space.*reports/latest is as it was",
    ),
    # 7. options and small files
    Case("fetch --only bogus", args("data", "fetch", "--only", "bogus"), r"--only 'bogus': no such id in the catalogue\. Fix: use one of the ids listed there: .*cqc_assessments"),
    Case("fetch --accept-new bogus", args("data", "fetch", "--accept-new", "bogus"), r"--accept-new 'bogus': no such id.*Fix: use one of the ids"),
    Case("run --workers 0", args("run", "--workers", "0"), r"Invalid value for '--workers': 0 is not in the range x>=1"),
    Case("run --workers -1", args("run", "--workers", "-1"), r"Invalid value for '--workers': -1 is not in the range x>=1"),
    Case("all --workers 0", args("all", "--workers", "0"), r"Invalid value for '--workers': 0 is not in the range x>=1"),
    Case("run --workers two", args("run", "--workers", "two"), r"Invalid value for '--workers': 'two' is not a valid integer"),
    Case(
        "run --notebook missing",
        args("run", "--notebook", "05_housing"),
        r"Notebook\(s\) not found: .*05_housing\.ipynb\. Fix: use --notebook with one of: 01_national_overview",
    ),
    Case("run --region Londn", args("run", "--region", "Londn"), r"Unknown region 'Londn' \(did you mean 'London'\?\)\. Valid names"),
    Case(
        "rating_exceptions.yaml not YAML",
        exceptions_file("exceptions:\n  E09000007: [unclosed\n"),
        r"rating_exceptions\.yaml, row \d+: not valid YAML.*Fix: write it as a mapping under 'exceptions:'",
    ),
    Case(
        "rating_exceptions.yaml a list",
        exceptions_file("- E09000007\n- E06000001\n"),
        r"rating_exceptions\.yaml: expected a mapping under 'exceptions:', found list\. Fix: write it as a mapping",
    ),
    Case(
        "rating_exceptions.yaml exceptions a string",
        exceptions_file("exceptions: E09000007\n"),
        r"rating_exceptions\.yaml: expected a mapping under 'exceptions:', found str\. Fix:",
    ),
    Case(
        "rating_exceptions.yaml unknown code",
        exceptions_file("exceptions:\n  E99999999: a reason\n"),
        r"rating_exceptions\.yaml, column 'E99999999': entry 'E99999999' is not an April 2023 code\. Fix:",
    ),
    Case(
        "rating_exceptions.yaml no reason",
        exceptions_file("exceptions:\n  E09000007:\n"),
        r"rating_exceptions\.yaml, column 'E09000007': entry 'E09000007' has no reason\. Fix:",
    ),
    # fetch: mirror problems and no network
    Case(
        "mirror missing",
        args("data", "fetch", "--replace", "--only", "ruc2011_lad", "--mirror", "/nonexistent/mirror"),
        r"(?s)missing  ruc2011_lad .*\n +not in mirror /nonexistent/mirror.*\nError: 1 input\(s\) missing",
    ),
    Case(
        "mirror file changed",
        mirror_with(RUC, b"code,name\n"),
        r"(?s)changed  ruc2011_lad.*has sha256 .*not installed\. Check it, then `lahelpers data fetch --accept-new ruc2011_lad`",
    ),
    Case(
        "no network, one source",
        unreachable(1),
        r"failed  \S+ +cannot connect to 127\.0\.0\.1:\d+ \(no network, or the server is down\), after 4 attempts\n.*\nhint: .*MIRROR=DIR",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_fault_ends_in_one_clear_message_and_changes_nothing(
    case: Case, project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    argv = case.setup(project, monkeypatch)
    before = snapshot(project)
    result = CliRunner().invoke(main, argv)
    out = result.output
    assert result.exit_code not in (0, None), out
    assert isinstance(result.exception, SystemExit), f"{result.exception!r}\n{out}"
    assert "Traceback" not in out
    assert re.search(case.expect, out), out
    assert len([line for line in out.splitlines() if line.startswith("Error:")]) == 1, out
    assert snapshot(project) == before


def test_at_least_35_fault_cases() -> None:
    assert len(CASES) >= 35 and len({c.id for c in CASES}) == len(CASES)


def test_hint_printed_once_for_many_unreachable_sources(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No network: one line per source and a single hint, not a page of urllib errors."""
    argv = unreachable(3)(project, monkeypatch)
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert sum("cannot connect to 127.0.0.1" in line for line in lines) == 3
    assert sum(line.startswith("hint:") for line in lines) == 1
    assert "urllib3" not in result.output and "HTTPConnectionPool" not in result.output
