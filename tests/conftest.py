"""Shared fixtures: the real inputs come from the mirror, once per session, before any test.

The mirror is ``$LAHELPERS_MIRROR`` or ``../shared/data/raw`` beside the project (CI's layout).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from lahelpers import build, paths
from lahelpers.inputs import fetch

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="session", autouse=True)
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
