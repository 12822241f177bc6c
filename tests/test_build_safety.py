"""The build never trusts a stale "up to date", never half-replaces data/processed, and leaves it
readable by others; a real full disk (a file size limit) ends in one line with the data intact."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lahelpers import build, paths
from lahelpers.errors import InputError
from lahelpers.inputs import catalogue

#: A catalogued raw file (from the mirror, with a checksum).
RUC = Path("demographics") / "RUC_LAD_2011_EN_LU.csv"


@pytest.fixture
def copies(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Copies of data/raw and data/processed (mtimes kept, so the stamp's fast path applies)."""
    raw, out = tmp_path / "data" / "raw", tmp_path / "data" / "processed"
    shutil.copytree(paths.raw_dir(), raw)
    shutil.copytree(built, out)
    monkeypatch.setenv("LAHELPERS_RAW", str(raw))
    monkeypatch.setenv("LAHELPERS_PROCESSED", str(out))
    return raw, out


def _fake_assemble(folder: Path) -> None:
    """Every output, as a few bytes (the swap is under test here, not the join)."""
    for name in build.OUTPUTS:
        (folder / name).write_text(f"new {name}\n")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_unchanged_raw_files_are_not_hashed(copies, monkeypatch: pytest.MonkeyPatch) -> None:
    """Size and mtime as recorded by the last build: "up to date" without reading any raw file."""
    hashed: list[Path] = []
    real = catalogue.sha256_of
    monkeypatch.setattr(catalogue, "sha256_of", lambda p: hashed.append(p) or real(p))
    assert not build.build().built
    # The small datasets kept in the repository are hashed every time (they have no checksum in
    # the catalogue: the build's fingerprint is what notices an edit); raw files never are.
    raw, _out = copies
    assert [p for p in hashed if raw in p.parents] == []


def test_touched_raw_file_is_hashed_and_accepted(copies, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, _out = copies
    touched = raw / RUC
    os.utime(touched, ns=(1, 1))
    hashed: list[Path] = []
    real = catalogue.sha256_of
    monkeypatch.setattr(catalogue, "sha256_of", lambda p: hashed.append(p) or real(p))
    result = build.build()
    assert not result.built and "up to date" in result.message
    assert [p for p in hashed if raw in p.parents] == [touched]


@pytest.mark.parametrize("change", ["edit", "delete", "same size"])
def test_changed_raw_file_refused_even_when_outputs_look_current(copies, change: str) -> None:
    raw, out = copies
    target = raw / RUC
    text = target.read_bytes()
    target.unlink()
    if change == "edit":
        target.write_bytes(text + b"\n")
    elif change == "same size":
        target.write_bytes(text.replace(b"Cornwall", b"Kernow!!", 1))
    before = _files(out)
    why = "missing" if change == "delete" else "edited or replaced"
    with pytest.raises(
        InputError,
        match=rf"RUC_LAD_2011_EN_LU.csv: {why}.*Fix: run `lahelpers data fetch --replace --only ruc2011_lad`",
    ):
        build.build()
    assert _files(out) == before


def test_new_folder_swapped_in_readable_by_all_readme_kept(
    copies, monkeypatch: pytest.MonkeyPatch
) -> None:
    _raw, out = copies
    (out / "README.md").write_text("# data/processed\n")
    (out.parent / "processed.old").mkdir()  # left by an older version of the build
    monkeypatch.setattr(build, "assemble", _fake_assemble)
    old_umask = os.umask(0o077)  # even with a private umask the folder is shared-readable
    try:
        assert build.build(force=True).built
    finally:
        os.umask(old_umask)
    assert (out.stat().st_mode & 0o777) == 0o755
    assert (out / "README.md").read_text() == "# data/processed\n"
    assert (out / "authorities.parquet").read_text() == "new authorities.parquet\n"
    assert sorted(os.listdir(out.parent)) == ["processed", "raw"]


def test_failed_swap_puts_the_old_folder_back(copies, monkeypatch: pytest.MonkeyPatch) -> None:
    _raw, out = copies
    before = _files(out)
    real = os.replace

    def replace(src, dst):
        if Path(dst) == out and ".processed-new-" in str(src):
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(build, "assemble", _fake_assemble)
    monkeypatch.setattr(build.os, "replace", replace)
    with pytest.raises(OSError, match="No space left"):
        build.build(force=True)
    assert _files(out) == before
    assert sorted(os.listdir(out.parent)) == ["processed", "raw"]


@pytest.mark.pipeline
def test_real_file_size_limit_during_build(copies, tmp_path: Path) -> None:
    """A real write failure (RLIMIT_FSIZE, as on a full disk): one line, exit 1, data intact."""
    _raw, out = copies
    before = _files(out)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))

    done = subprocess.run(
        [sys.executable, "-m", "lahelpers", "data", "build", "--force"],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "File too large" in lines[0] and "Fix:" in lines[0], done.stderr
    assert "data/processed is as it was" in lines[0]
    assert _files(out) == before
    assert sorted(os.listdir(out.parent)) == ["processed", "raw"]
