"""Fetch on a catalogue written here (no mirror, no network): unknown ids refused in full, which
entries --only and --accept-new choose, the report's text, and the retry settings of a download."""

from __future__ import annotations

import hashlib
import socket
import time
from pathlib import Path

import pytest
import pytest_socket

from lahelpers.errors import InputError
from lahelpers.inputs import fetch
from lahelpers.inputs.catalogue import Source
from lahelpers.inputs.fetch import FetchOutcome, FetchReport


def _source(sid: str, content: bytes, url: str | None = None) -> Source:
    """A catalogue entry ``f/<sid>.csv`` whose checksum is that of ``content``."""
    return Source(id=sid, file=f"f/{sid}.csv", title="t", publisher="p", licence="l", vintage="v",
                  url=url, publisher_url=None, sha256=hashlib.sha256(content).hexdigest(),
                  bytes=len(content))  # fmt: skip


@pytest.fixture
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data/raw of its own."""
    monkeypatch.setenv("LAHELPERS_RAW", str(tmp_path / "raw"))
    return tmp_path / "raw"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Two catalogued inputs, ``a`` and ``b``, each already in data/raw and matching."""
    lines = ["sources:"]
    for sid in ("b", "a"):
        content = f"code,value\nE06000001,{sid}\n".encode()
        (tmp_path / "data" / "raw" / "f").mkdir(parents=True, exist_ok=True)
        (tmp_path / "data" / "raw" / "f" / f"{sid}.csv").write_bytes(content)
        lines += [f"- id: {sid}", f"  file: f/{sid}.csv", "  title: t", "  publisher: p", "  licence: l",
                  "  vintage: v", "  url: null", "  publisher_url: null",
                  f"  sha256: {hashlib.sha256(content).hexdigest()}", f"  bytes: {len(content)}"]  # fmt: skip
    (tmp_path / "data" / "catalogue.yaml").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("LAHELPERS_ROOT", str(tmp_path))
    monkeypatch.delenv("LAHELPERS_RAW", raising=False)
    return tmp_path


@pytest.mark.parametrize(("kwargs", "option"), [({"ids": ["a", "nope", "zz"]}, "--only"),
                                                ({"accept_new": ["nope", "zz"]}, "--accept-new")])  # fmt: skip
def test_unknown_ids_are_refused_in_full(project: Path, kwargs: dict, option: str) -> None:
    with pytest.raises(InputError) as err:
        fetch.fetch(progress=False, **kwargs)
    e = err.value
    assert e.file == str(project / "data" / "catalogue.yaml")
    assert e.problem == f"{option} 'nope', 'zz': no such id in the catalogue"
    assert e.fix == "use one of the ids listed there: a, b"


def test_which_entries_are_fetched(project: Path) -> None:
    assert [o.id for o in fetch.fetch(progress=False).outcomes] == ["b", "a"]  # catalogue order
    assert [o.id for o in fetch.fetch(["a"], progress=False).outcomes] == ["a"]
    report = fetch.fetch(accept_new=["a"], progress=False, trial=lambda s, p: None)  # --accept-new alone
    assert [o.id for o in report.outcomes] == ["a"]
    assert [(o.id, o.status) for o in fetch.fetch(["b"], progress=False).outcomes] == [("b", "ok")]


def test_report_text_problems_first_with_details_and_one_hint() -> None:
    report = FetchReport([
        FetchOutcome("ok1", "f/ok1.csv", "ok"),
        FetchOutcome("bad", "f/bad.csv", "changed", "sha256 differs"),
        FetchOutcome("net", "f/net.csv", "failed", "cannot connect to example.org", network=True),
    ])  # fmt: skip
    assert not report.ok and [o.id for o in report.problems()] == ["bad", "net"]
    assert report.text() == (
        f"{'changed':>8}  {'bad':<28} f/bad.csv\n          sha256 differs\n"
        f"{'failed':>8}  {'net':<28} cannot connect to example.org\n"
        f"{'ok':>8}  {'ok1':<28} f/ok1.csv\n"
        "1 of 3 inputs ready; 2 problem(s)\n" + fetch.NETWORK_HINT
    )
    fine = FetchReport([FetchOutcome("a", "f/a.csv", s) for s in ("ok", "fetched", "copied", "accepted", "replaced")])
    assert fine.ok and fine.problems() == []
    assert fine.text().endswith("\n5 of 5 inputs ready; 0 problem(s)")


def test_downloads_retry_a_bounded_number_of_times_without_obeying_retry_after() -> None:
    session = fetch.http_session()
    for scheme in ("http://", "https://"):
        retry = session.get_adapter(scheme + "example.org").max_retries
        assert (retry.total, retry.connect, retry.read, retry.status) == (3, 3, 3, 3)
        assert (retry.backoff_factor, retry.backoff_max) == (1.0, 20.0)
        assert set(retry.status_forcelist) == {429, 500, 502, 503, 504}
        assert retry.allowed_methods == frozenset({"GET", "HEAD"})
        assert retry.respect_retry_after_header is False and retry.raise_on_status is True


def test_unit_tests_cannot_reach_the_network(raw: Path) -> None:
    """conftest lets a unit test connect to loopback only, so a download that should not happen
    (a mutant that lost the mirror, say) fails at once, on any machine, instead of waiting."""
    with pytest.raises(pytest_socket.SocketConnectBlockedError), pytest.warns(UserWarning):
        socket.create_connection(("192.0.2.1", 80), timeout=30)  # TEST-NET-1: no host there
    started = time.monotonic()
    src = _source("n", b"x", url="https://192.0.2.1/n.csv")
    with pytest.warns(UserWarning, match="192.0.2.1"):  # pytest-socket warns as it refuses
        out = fetch.fetch_one(src, mirror=None)
    assert time.monotonic() - started < 10
    assert (out.status, out.network) == ("failed", False)
    assert 'socket.socket.connect() with host "192.0.2.1"' in out.detail
    assert not (raw / src.file).exists()
