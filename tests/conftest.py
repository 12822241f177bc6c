"""Shared fixtures: the real inputs come from the mirror, once per session, for the tests that use
real data. Those carry the ``realdata`` marker: set by hand on tests that read the real reference
files, and added here to every test marked ``pipeline``, ``notebooks`` or ``browser`` or asking for
the ``mirror``, ``raw_inputs`` or ``built`` fixtures.

Unit tests need no mirror: ``pytest -m "not realdata"`` (``make unit``) runs in seconds on a fresh
checkout. Real-data tests fail, never skip, without the mirror. Unit tests cannot reach the
network: they may connect only to servers they start on 127.0.0.1 (below).
The mirror is ``$LAHELPERS_MIRROR`` or ``../shared/data/raw`` beside the project (CI's layout).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import pytest_socket  # noqa: F401 -- the network guard below needs it: fail, do not skip, without it
from tqdm import tqdm

from lahelpers import build, paths
from lahelpers.inputs import fetch

ROOT = Path(__file__).resolve().parents[1]

# tqdm's default write lock includes a multiprocessing lock: a semaphore shared with every process
# forked after its first bar. mutmut forks one process per mutant and kills those out of time; one
# killed holding it left every later bar in every later fork waiting for ever (fetch's mutants all
# "timed out"). A lock of each process's own keeps progress bars from tying tests together.
tqdm.set_lock(threading.RLock())


def mirror_dir() -> Path:
    """The local mirror of raw inputs used by the test suite."""
    env = os.environ.get("LAHELPERS_MIRROR")
    return Path(env) if env else ROOT.parent / "shared" / "data" / "raw"


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The mirror folder; the suite fails (never skips) without it."""
    m = mirror_dir()
    if not m.is_dir():
        pytest.fail(
            f"no mirror of the raw inputs at {m}: set LAHELPERS_MIRROR to a folder laid out like data/raw"
        )
    return m


#: Markers and fixtures that mean a test runs on the real data.
REAL_DATA_MARKERS = ("realdata", "pipeline", "notebooks", "browser")
REAL_DATA_FIXTURES = frozenset({"mirror", "raw_inputs", "built"})
#: The only hosts a unit test may connect to: servers the test itself starts on this machine.
LOOPBACK = ["127.0.0.1", "::1"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every real-data test ``realdata``, so ``-m "not realdata"`` selects the unit tests.

    Every other (unit) test may connect only to loopback (pytest-socket's ``allow_hosts``): a
    download that should not happen, e.g. from a mutant that lost the mirror, fails at once with
    ``SocketConnectBlockedError`` instead of waiting on the network, on every machine alike.
    """
    for item in items:
        uses_data = REAL_DATA_FIXTURES & set(getattr(item, "fixturenames", ()))
        if uses_data or any(item.get_closest_marker(m) for m in REAL_DATA_MARKERS):
            item.add_marker(pytest.mark.realdata)
        else:
            item.add_marker(pytest.mark.allow_hosts(LOOPBACK))


@pytest.fixture(autouse=True)
def _real_inputs_for_real_data_tests(request: pytest.FixtureRequest) -> None:
    """Fetch the real inputs before a real-data test (once per session)."""
    if request.node.get_closest_marker("realdata"):
        request.getfixturevalue("raw_inputs")


@pytest.fixture(scope="session")
def raw_inputs(mirror: Path) -> Path:
    """Fetch every real input from the mirror into data/raw (idempotent, checksums verified)."""
    report = fetch.fetch(mirror=mirror, progress=False)
    assert report.ok, report.text()
    return paths.raw_dir()


@pytest.fixture(scope="session")
def built(raw_inputs: Path) -> Path:
    """data/processed built from the real inputs (skipped by the build when up to date)."""
    build.build()
    return paths.processed_dir()


@pytest.fixture(scope="session")
def real_run(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """One full run of the real notebooks (national, thematic, 9 region and 153 authority profiles), shared by the
    end-to-end tests (tests/test_reports_real.py) and the page tests in the browser
    (tests/test_pages_browser.py), so the suite runs the reports once."""
    from lahelpers.publish import run

    root = tmp_path_factory.mktemp("reports")
    return run.run_reports(reports_root=root, progress=False)


@pytest.fixture
def small_lookups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """``install(lookup_csv, changes_csv)``: ``codes.lad_to_utla`` then reads these two small
    texts instead of ONS's LTLA->UTLA lookup and code changes (unit tests of the district rules,
    no mirror); its cache is cleared before and after."""
    from lahelpers.inputs import codes

    def install(lookup: str, changes: str) -> None:
        files = {"lookup_ltla_utla": tmp_path / "lookup.csv", "lookup_changes": tmp_path / "changes.csv"}
        files["lookup_ltla_utla"].write_text(lookup)
        files["lookup_changes"].write_text(changes)
        real = codes.catalogue.raw_path
        monkeypatch.setattr(codes.catalogue, "raw_path", lambda sid: files.get(sid) or real(sid))
        codes.lad_to_utla.cache_clear()

    yield install
    codes.lad_to_utla.cache_clear()


@pytest.fixture
def scratch_cqc_data(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of ``data/cqc`` that ``LAHELPERS_DATA`` points at, returned as the data folder:
    tests that write the ratings dataset (or a mutant under benchmarks/mutation.py that writes it by
    mistake) change the copy, never the repository's table that every later test reads."""
    import shutil

    data = tmp_path_factory.mktemp("repo_data")
    shutil.copytree(paths.repo_data_dir() / "cqc", data / "cqc", ignore=shutil.ignore_patterns("proposed"))
    monkeypatch.setenv("LAHELPERS_DATA", str(data))
    return data
