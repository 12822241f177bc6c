"""Fetch on a catalogue written here (no mirror, no network): unknown ids refused in full, which
entries --only and --accept-new choose, the report's text, and the retry settings of a download."""

from __future__ import annotations

import hashlib
import socket
import time
from pathlib import Path

import pytest
import pytest_socket
import requests
from urllib3.exceptions import (
    ConnectTimeoutError,
    MaxRetryError,
    NewConnectionError,
    ReadTimeoutError,
    ResponseError,
)

from lahelpers.errors import InputError
from lahelpers.inputs import catalogue, fetch
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


# ---- fetch_one, path by path, each outcome in full (a mirror written by the test)

OLD, NEW = b"code,value\nE06000001,1\n", b"code,value\nE06000001,2\n"


def _mirror(tmp_path: Path, content: bytes, sid: str = "n") -> Path:
    """A mirror holding ``f/<sid>.csv`` with ``content``."""
    (tmp_path / "mirror" / "f").mkdir(parents=True, exist_ok=True)
    (tmp_path / "mirror" / "f" / f"{sid}.csv").write_bytes(content)
    return tmp_path / "mirror"


def _present(raw: Path, content: bytes, sid: str = "n") -> Path:
    """``data/raw/f/<sid>.csv`` already there with ``content``."""
    (raw / "f").mkdir(parents=True, exist_ok=True)
    (raw / "f" / f"{sid}.csv").write_bytes(content)
    return raw / "f" / f"{sid}.csv"


def _sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def test_sha256_of_a_file_of_several_blocks(tmp_path: Path) -> None:
    """The checksum is the file's SHA-256 in hex (FIPS 180-2's "abc" vector, and 3 MB read in blocks)."""
    (tmp_path / "abc").write_bytes(b"abc")
    assert catalogue.sha256_of(tmp_path / "abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    big = bytes(range(256)) * 12_289  # 3,145,984 bytes: more than any one read
    (tmp_path / "big").write_bytes(big)
    assert catalogue.sha256_of(tmp_path / "big") == hashlib.sha256(big).hexdigest()


def test_copied_from_the_mirror_and_made_read_only(tmp_path: Path, raw: Path) -> None:
    mirror = _mirror(tmp_path, OLD)
    out = fetch.fetch_one(_source("n", OLD), mirror)
    assert (out.id, out.file, out.status, out.detail, out.network, out.ok) == (
        "n", "f/n.csv", "copied", "", False, True)  # fmt: skip
    assert (raw / "f" / "n.csv").read_bytes() == OLD
    assert (raw / "f" / "n.csv").stat().st_mode & 0o777 == 0o444
    assert [p.name for p in (raw / "f").iterdir()] == ["n.csv"]  # no .part left behind


def test_a_matching_local_copy_is_kept_without_reading_the_mirror(tmp_path: Path, raw: Path) -> None:
    dest = _present(raw, OLD)
    out = fetch.fetch_one(_source("n", OLD), tmp_path / "nowhere")
    assert out == FetchOutcome("n", "f/n.csv", "ok", "already present, checksum matches")
    assert dest.read_bytes() == OLD


def test_a_changed_local_copy_is_left_untouched(tmp_path: Path, raw: Path) -> None:
    dest = _present(raw, b"edited by hand\n")
    out = fetch.fetch_one(_source("n", OLD), _mirror(tmp_path, OLD))
    assert (out.id, out.file, out.status, out.ok, out.network) == ("n", "f/n.csv", "changed", False, False)
    assert out.detail == (
        f"{dest} differs from the catalogue checksum; it was left untouched. Remove it and fetch "
        "again, use --replace to take a fresh copy, or --accept-new to validate and record it"
    )
    assert dest.read_bytes() == b"edited by hand\n"


def test_replace_takes_a_fresh_copy_and_says_so(tmp_path: Path, raw: Path) -> None:
    dest = _present(raw, b"edited by hand\n")
    dest.chmod(0o444)  # as fetch leaves it
    out = fetch.fetch_one(_source("n", OLD), _mirror(tmp_path, OLD), replace=True)
    assert out == FetchOutcome("n", "f/n.csv", "replaced", f"{dest} replaced by a fresh copy (--replace)")
    assert dest.read_bytes() == OLD and dest.stat().st_mode & 0o777 == 0o444


def test_a_mirror_copy_with_another_checksum_is_not_installed(tmp_path: Path, raw: Path) -> None:
    mirror = _mirror(tmp_path, NEW)
    out = fetch.fetch_one(_source("n", OLD), mirror)
    assert (out.id, out.file, out.status, out.network) == ("n", "f/n.csv", "changed", False)
    assert out.detail == (
        f"the file from mirror {mirror} has sha256 {_sha(NEW)}, catalogue says {_sha(OLD)}: it changed "
        "upstream and was not installed. Check it, then `lahelpers data fetch --accept-new n`"
    )
    assert not (raw / "f" / "n.csv").exists()


def test_not_in_the_mirror_or_no_address(tmp_path: Path, raw: Path) -> None:
    (tmp_path / "mirror").mkdir()
    out = fetch.fetch_one(_source("n", OLD, url="https://example.org/n.csv"), tmp_path / "mirror")
    assert (out.id, out.file, out.status, out.network) == ("n", "f/n.csv", "missing", False)
    assert out.detail == f"not in mirror {tmp_path / 'mirror'} (expected {tmp_path / 'mirror' / 'f' / 'n.csv'})"
    out = fetch.fetch_one(_source("n", OLD, url=None), None)
    assert out == FetchOutcome(
        "n", "f/n.csv", "missing", "no public download address (a project compilation); copy it from a mirror with --mirror DIR")
    out = fetch.fetch_one(_source("n", OLD, url=""), None)
    assert out.status == "missing" and out.detail.startswith("no public download address")
    assert not raw.exists()


def test_a_network_failure_is_one_line_flagged_for_the_hint(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(src: Source, dest_dir: Path) -> Path:
        raise fetch.NetworkError("cannot connect to example.org")

    monkeypatch.setattr(fetch, "_download", unreachable)
    out = fetch.fetch_one(_source("n", OLD, url="https://example.org/n.csv"), None)
    assert out == FetchOutcome("n", "f/n.csv", "failed", "cannot connect to example.org", network=True)


def test_another_failure_is_reported_as_failed(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(src: Source, dest_dir: Path) -> Path:
        raise ValueError("pooch could not name the file")

    monkeypatch.setattr(fetch, "_download", broken)
    out = fetch.fetch_one(_source("n", OLD, url="https://example.org/n.csv"), None)
    assert out == FetchOutcome("n", "f/n.csv", "failed", "pooch could not name the file")


def test_a_repository_dataset_is_never_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAHELPERS_DATA", str(tmp_path / "data"))
    ours = Source(id="cqc_x", file="cqc/x.csv", title="t", publisher="p", licence="l", vintage="v",
                  url=None, publisher_url=None, location="repository")  # fmt: skip
    out = fetch.fetch_one(ours, tmp_path / "mirror")
    assert (out.id, out.file, out.status) == ("cqc_x", "cqc/x.csv", "missing")
    assert out.detail == f"{tmp_path / 'data' / 'cqc' / 'x.csv'} is missing: restore it with `git checkout`"
    (tmp_path / "data" / "cqc").mkdir(parents=True)
    (tmp_path / "data" / "cqc" / "x.csv").write_bytes(OLD)
    out = fetch.fetch_one(ours, tmp_path / "mirror")
    assert out == FetchOutcome("cqc_x", "cqc/x.csv", "ok", f"in the repository ({tmp_path / 'data' / 'cqc' / 'x.csv'})")


# ---- --accept-new: the trial, the install and the recorded checksum (a catalogue written by the test)


def _trial(problem: str | None, seen: list):
    """A trial build that records what it was shown and answers ``problem``."""

    def trial(src: Source, candidate: Path) -> str | None:
        seen.append((src.id, candidate.name, candidate.read_bytes(), candidate.parent.name[:16]))
        return problem

    return trial


def test_accept_new_installs_a_file_that_passes_and_records_it(project: Path) -> None:
    mirror = _mirror(project, NEW, "a")
    old_sha = _sha(b"code,value\nE06000001,a\n")
    seen: list = []
    out = fetch.fetch_one(catalogue.source("a"), mirror, accept_new=True, trial=_trial(None, seen))
    assert out == FetchOutcome("a", "f/a.csv", "accepted", f"new checksum {_sha(NEW)} recorded in the catalogue")
    assert seen == [("a", "a.csv", NEW, "lahelpers-fetch-")]
    dest = project / "data" / "raw" / "f" / "a.csv"
    assert dest.read_bytes() == NEW and dest.stat().st_mode & 0o777 == 0o444
    text = (project / "data" / "catalogue.yaml").read_text()
    assert f"sha256: {_sha(NEW)}\n  bytes: {len(NEW)}\n" in text and old_sha not in text
    assert catalogue.load_catalogue()["b"].sha256 == _sha(b"code,value\nE06000001,b\n")  # others kept


def test_accept_new_installs_a_file_not_yet_in_data_raw(project: Path) -> None:
    (project / "data" / "raw" / "f" / "a.csv").unlink()
    out = fetch.fetch_one(catalogue.source("a"), _mirror(project, NEW, "a"), accept_new=True,
                          trial=_trial(None, []))  # fmt: skip
    assert out.status == "accepted"
    assert (project / "data" / "raw" / "f" / "a.csv").read_bytes() == NEW
    assert catalogue.load_catalogue()["a"].sha256 == _sha(NEW)


@pytest.mark.parametrize(("problem", "trial_given"), [("UTLA23CD is missing", True), (None, False)])
def test_accept_new_refuses_a_file_that_fails_or_is_not_tried(project: Path, problem, trial_given) -> None:
    before = (project / "data" / "catalogue.yaml").read_text()
    seen: list = []
    out = fetch.fetch_one(catalogue.source("a"), _mirror(project, NEW, "a"), accept_new=True,
                          trial=_trial(problem, seen) if trial_given else None)  # fmt: skip
    reason = problem or "no trial build was given to validate it (use `lahelpers data fetch --accept-new`)"
    assert out == FetchOutcome("a", "f/a.csv", "failed", f"new version fails validation, not accepted: {reason}")
    assert len(seen) == trial_given
    assert (project / "data" / "raw" / "f" / "a.csv").read_bytes() == b"code,value\nE06000001,a\n"
    assert (project / "data" / "catalogue.yaml").read_text() == before


def test_accept_new_with_nothing_new(project: Path) -> None:
    mirror = project / "mirror"
    _mirror(project, b"code,value\nE06000001,a\n", "a")
    seen: list = []
    out = fetch.fetch_one(catalogue.source("a"), mirror, accept_new=True, trial=_trial(None, seen))
    assert out == FetchOutcome("a", "f/a.csv", "ok", f"nothing new to accept: the file from mirror {mirror} "
                                        "matches the catalogue checksum, as does the copy in data/raw")  # fmt: skip
    assert seen == []


def test_accept_new_with_nothing_new_and_an_edited_local_copy_is_not_ok(project: Path) -> None:
    """The local copy was edited by hand and the mirror has the catalogued file: nothing to accept,
    and the edited copy is reported and left alone (it was reported "ok", "as does the copy in
    data/raw", before this test)."""
    dest = project / "data" / "raw" / "f" / "a.csv"
    dest.write_bytes(b"edited\n")
    mirror = _mirror(project, b"code,value\nE06000001,a\n", "a")
    seen: list = []
    out = fetch.fetch_one(catalogue.source("a"), mirror, accept_new=True, trial=_trial(None, seen))
    assert (out.id, out.file, out.status, out.ok, out.network, seen) == ("a", "f/a.csv", "changed", False, False, [])
    assert out.detail == (
        f"nothing new to accept: the file from mirror {mirror} matches the catalogue checksum, but "
        f"{dest} differs from it and was left untouched. Remove it and fetch again, or use --replace "
        "to take a fresh copy"
    )
    assert dest.read_bytes() == b"edited\n"


# ---- _describe_network_error: each kind of failure, as requests raises it (built here, no network)

URL = "https://files.example.org:8443/data/n.csv"
HOST = "files.example.org:8443"


def _wrapped(kind: type, inner: Exception) -> Exception:
    """requests' error ``kind`` around urllib3's MaxRetryError whose reason is ``inner``."""
    return kind(MaxRetryError(None, URL, reason=inner))


def _http_error(status: int) -> requests.exceptions.HTTPError:
    response = requests.Response()
    response.status_code = status
    return requests.exceptions.HTTPError(f"{status} Client Error", response=response)


@pytest.mark.parametrize(("err", "line"), [
    (_wrapped(requests.exceptions.RetryError, ResponseError("too many 503 error responses")),
     f"{HOST} kept answering with an HTTP error (too many 503 error responses) after 4 attempts"),
    (_wrapped(requests.exceptions.ConnectionError, ResponseError("too many 429 error responses")),
     f"{HOST} kept answering with an HTTP error (too many 429 error responses) after 4 attempts"),
    (requests.exceptions.RetryError("gave up"), f"{HOST} kept answering with an HTTP error (gave up) after 4 attempts"),
    (_http_error(404), f"{HOST} answered HTTP 404 for {URL}"),
    (_wrapped(requests.exceptions.ConnectionError, NewConnectionError(None, "refused")),
     f"cannot connect to {HOST} (no network, or the server is down), after 4 attempts"),
    (requests.exceptions.ConnectionError(NewConnectionError(None, "no route")),  # no MaxRetryError around it
     f"cannot connect to {HOST} (no network, or the server is down), after 4 attempts"),
    (_wrapped(requests.exceptions.ConnectionError, ConnectTimeoutError("timed out")),
     f"no connection to {HOST} within 10 s, after 4 attempts"),
    (requests.exceptions.ConnectTimeout(), f"no connection to {HOST} within 10 s, after 4 attempts"),
    (_wrapped(requests.exceptions.ConnectionError, ReadTimeoutError(None, URL, "read timed out")),
     f"{HOST} accepted the connection but sent nothing for 60 s, after 4 attempts"),
    (requests.exceptions.ReadTimeout(), f"{HOST} accepted the connection but sent nothing for 60 s, after 4 attempts"),
    (requests.exceptions.ConnectionError(ReadTimeoutError(None, URL, "read timed out")),  # as iter_content raises it
     f"{HOST} accepted the connection but sent nothing for 60 s, after 4 attempts"),
    (requests.exceptions.ConnectionError(), f"cannot connect to {HOST} (no network, or the server is down), after 4 attempts"),
    (requests.exceptions.InvalidURL("bad"), f"download from {HOST} failed: InvalidURL"),
])  # fmt: skip
def test_each_network_failure_in_one_line(err: Exception, line: str) -> None:
    assert fetch._describe_network_error(err, URL) == line


def test_a_network_failure_names_the_address_when_it_has_no_host() -> None:
    assert fetch._describe_network_error(requests.exceptions.InvalidURL("x"), "n.csv") == (
        "download from n.csv failed: InvalidURL"
    )


def test_the_attempts_and_timeouts_named_follow_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetch, "RETRIES", 1)
    monkeypatch.setattr(fetch, "CONNECT_TIMEOUT", 2.5)
    monkeypatch.setattr(fetch, "READ_TIMEOUT", 0.5)
    assert fetch._describe_network_error(requests.exceptions.ConnectTimeout(), URL) == (
        f"no connection to {HOST} within 2.5 s, after 2 attempts")  # fmt: skip
    assert fetch._describe_network_error(requests.exceptions.ReadTimeout(), URL) == (
        f"{HOST} accepted the connection but sent nothing for 0.5 s, after 2 attempts")  # fmt: skip


def test_the_fixed_settings() -> None:
    """Ten seconds to connect, a minute for each read, three retries with backoff 1, 2, 4 s up to 20."""
    assert (fetch.CONNECT_TIMEOUT, fetch.READ_TIMEOUT, fetch.RETRIES) == (10.0, 60.0, 3)
    assert (fetch.BACKOFF, fetch.BACKOFF_MAX, fetch.RETRY_STATUSES) == (1.0, 20.0, (429, 500, 502, 503, 504))
    assert fetch.NETWORK_HINT == (
        "hint: the download addresses could not be reached. Work offline from a local copy with "
        "`make all MIRROR=DIR` (or `lahelpers data fetch --mirror DIR`, or set LAHELPERS_MIRROR), "
        "or check the connection and try again"
    )


# ---- the report


def test_every_status_ok_or_not() -> None:
    ok = {"ok", "fetched", "copied", "accepted", "replaced"}
    for status in [*ok, "changed", "missing", "failed", "other"]:
        assert FetchOutcome("a", "f/a.csv", status).ok == (status in ok), status


def test_report_text_sorts_problems_then_ids_and_shows_every_detail() -> None:
    report = FetchReport([
        FetchOutcome("zeta", "f/z.csv", "ok", "already present, checksum matches"),
        FetchOutcome("gamma", "f/g.csv", "failed", "cannot connect", network=False),
        FetchOutcome("alpha", "f/a.csv", "copied"),
        FetchOutcome("beta", "f/b.csv", "missing", "not in mirror m"),
    ])  # fmt: skip
    assert report.text() == (
        " missing  beta                         f/b.csv\n"
        "          not in mirror m\n"
        "  failed  gamma                        f/g.csv\n"
        "          cannot connect\n"
        "  copied  alpha                        f/a.csv\n"
        "      ok  zeta                         f/z.csv\n"
        "          already present, checksum matches\n"
        "2 of 4 inputs ready; 2 problem(s)"
    )
    assert [o.id for o in report.problems()] == ["gamma", "beta"]  # in fetch order, not sorted
    assert FetchReport().text() == "0 of 0 inputs ready; 0 problem(s)" and FetchReport().ok


# ---- fetch: what it passes on to each fetch_one, and its progress bar


def test_fetch_passes_the_mirror_replace_and_trial_and_flags_only_the_ids_to_accept(project: Path) -> None:
    """``a`` (named in --accept-new) is new in the mirror and tried; ``b`` is edited locally and,
    with --replace, taken fresh from the mirror."""
    mirror = _mirror(project, NEW, "a")
    _mirror(project, b"code,value\nE06000001,b\n", "b")
    (project / "data" / "raw" / "f" / "b.csv").write_bytes(b"edited\n")
    seen: list = []
    report = fetch.fetch(["a", "b"], mirror, ["a"], replace=True, progress=False, trial=_trial(None, seen))
    assert [(o.id, o.status) for o in report.outcomes] == [("a", "accepted"), ("b", "replaced")]
    assert seen == [("a", "a.csv", NEW, "lahelpers-fetch-")]
    assert (project / "data" / "raw" / "f" / "b.csv").read_bytes() == b"code,value\nE06000001,b\n"


def test_fetch_without_replace_leaves_an_edited_copy(project: Path) -> None:
    mirror = _mirror(project, b"code,value\nE06000001,b\n", "b")
    (project / "data" / "raw" / "f" / "b.csv").write_bytes(b"edited\n")
    (out,) = fetch.fetch(["b"], mirror, progress=False).outcomes
    assert out.status == "changed" and "left untouched" in out.detail


def test_fetch_shows_progress_unless_told_not_to(project: Path, capsys: pytest.CaptureFixture) -> None:
    fetch.fetch(progress=False)
    assert capsys.readouterr().err == ""
    fetch.fetch()  # a bar by default
    err = capsys.readouterr().err
    assert "fetch: 100%" in err and "2/2" in err and ("file/s" in err or "s/file" in err)


def test_accept_new_with_replace_and_nothing_new_takes_a_fresh_copy(project: Path) -> None:
    dest = project / "data" / "raw" / "f" / "a.csv"
    dest.write_bytes(b"edited\n")
    out = fetch.fetch_one(catalogue.source("a"), _mirror(project, b"code,value\nE06000001,a\n", "a"),
                          accept_new=True, replace=True, trial=_trial(None, []))  # fmt: skip
    assert out == FetchOutcome("a", "f/a.csv", "replaced", f"{dest} replaced by a fresh copy (--replace)")
    assert dest.read_bytes() == b"code,value\nE06000001,a\n"
