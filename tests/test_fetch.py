"""Fetching inputs: from the mirror, over HTTP from a local server, and every refusal case."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import socket
import threading
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

from lahelpers import build
from lahelpers.cli import main
from lahelpers.inputs import catalogue, fetch
from lahelpers.inputs.catalogue import Source


def _source(tmp: Path, name: str, content: bytes, url: str | None = None) -> Source:
    return Source(
        id=name,
        file=f"folder/{name}.csv",
        title="t",
        publisher="p",
        licence="l",
        vintage="v",
        url=url,
        publisher_url=None,
        sha256=hashlib.sha256(content).hexdigest(),
        bytes=len(content),
    )


@pytest.fixture
def raw(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "raw"
    monkeypatch.setenv("LAHELPERS_RAW", str(d))
    return d


@pytest.fixture
def server(tmp_path: Path):
    """A static file server on 127.0.0.1 serving tmp_path/www."""
    www = tmp_path / "www"
    www.mkdir()
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_catalogue_entries_complete() -> None:
    cat = catalogue.load_catalogue()
    assert len(cat) == 29
    for s in cat.values():
        assert s.licence and s.vintage and s.publisher
        if s.in_repository:  # versioned by git under data/: no address, no checksum
            assert s.url is None and s.sha256 is None and s.path.is_file(), s.id
        else:  # every other input can be downloaded: `make all` needs a mirror only offline
            assert len(s.sha256) == 64 and s.url and s.url.startswith("https://"), s.id
    assert {s.id for s in cat.values() if s.in_repository} == {
        "cqc_reference", "cqc_assessments", "cqc_pilots"
    }


def test_repository_datasets_need_no_network_or_mirror(raw: Path) -> None:
    report = fetch.fetch(["cqc_reference", "cqc_assessments", "cqc_pilots"], progress=False)
    assert report.ok and {o.status for o in report.outcomes} == {"ok"}, report.text()
    assert all("in the repository" in o.detail for o in report.outcomes)
    assert not raw.exists() or not any(raw.rglob("*.csv"))  # nothing copied into data/raw


def test_mirror_copy_matches_catalogue(mirror: Path, raw: Path) -> None:
    report = fetch.fetch(mirror=mirror, progress=False)
    assert report.ok, report.text()
    assert {o.status for o in report.outcomes} == {"copied", "ok"}
    for s in catalogue.load_catalogue().values():
        if not s.in_repository:
            assert catalogue.sha256_of(raw / s.file) == s.sha256
    again = fetch.fetch(mirror=mirror, progress=False)
    assert {o.status for o in again.outcomes} == {"ok"}


def test_http_fetch_from_local_server(server, raw: Path) -> None:
    www, base = server
    content = b"code,value\nE06000001,1\n"
    (www / "a.csv").write_bytes(content)
    src = _source(raw, "a", content, url=f"{base}/a.csv")
    out = fetch.fetch_one(src, mirror=None)
    assert out.status == "fetched", out.detail
    assert (raw / src.file).read_bytes() == content


def test_http_changed_upstream_is_reported_not_installed(server, raw: Path) -> None:
    www, base = server
    (www / "b.csv").write_bytes(b"code,value\nE06000001,2\n")
    src = _source(raw, "b", b"code,value\nE06000001,1\n", url=f"{base}/b.csv")
    out = fetch.fetch_one(src, mirror=None)
    assert out.status == "changed" and not out.ok
    assert "changed upstream" in out.detail and "--accept-new b" in out.detail
    assert not (raw / src.file).exists()


def test_http_error_is_reported(server, raw: Path) -> None:
    _www, base = server
    src = _source(raw, "c", b"x", url=f"{base}/missing.csv")
    out = fetch.fetch_one(src, mirror=None)
    assert out.status == "failed" and "404" in out.detail


def test_wrong_checksum_in_mirror(tmp_path: Path, raw: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "folder").mkdir(parents=True)
    (mirror / "folder" / "d.csv").write_bytes(b"tampered\n")
    src = _source(raw, "d", b"original\n")
    out = fetch.fetch_one(src, mirror=mirror)
    assert out.status == "changed"
    assert "has sha256" in out.detail and src.sha256 in out.detail


def test_missing_from_mirror(tmp_path: Path, raw: Path) -> None:
    src = _source(raw, "e", b"x")
    out = fetch.fetch_one(src, mirror=tmp_path / "nowhere")
    assert out.status == "missing" and "not in mirror" in out.detail


def test_no_address_needs_mirror(raw: Path) -> None:
    src = _source(raw, "f", b"x", url=None)
    out = fetch.fetch_one(src, mirror=None)
    assert out.status == "missing" and "--mirror" in out.detail


def test_changed_local_file_never_overwritten(tmp_path: Path, raw: Path) -> None:
    mirror = tmp_path / "mirror"
    (mirror / "folder").mkdir(parents=True)
    (mirror / "folder" / "g.csv").write_bytes(b"good\n")
    src = _source(raw, "g", b"good\n")
    (raw / "folder").mkdir(parents=True)
    (raw / "folder" / "g.csv").write_bytes(b"edited by hand\n")
    out = fetch.fetch_one(src, mirror=mirror)
    assert out.status == "changed" and "left untouched" in out.detail
    assert (raw / "folder" / "g.csv").read_bytes() == b"edited by hand\n"
    replaced = fetch.fetch_one(src, mirror=mirror, replace=True)
    assert replaced.status == "replaced"
    assert (raw / "folder" / "g.csv").read_bytes() == b"good\n"


def test_cli_exits_non_zero_on_problem(tmp_path: Path, raw: Path) -> None:
    result = CliRunner().invoke(
        main, ["data", "fetch", "--mirror", str(tmp_path / "empty"), "--only", "cqc_monitor"]
    )
    assert result.exit_code != 0
    assert "missing" in result.output and "cqc_monitor" in result.output


def test_accept_new_refuses_invalid_file(tmp_path: Path, mirror: Path, raw: Path) -> None:
    """A changed input that fails validation is not installed and the catalogue is unchanged."""
    fetch.fetch(mirror=mirror, progress=False)
    bad_mirror = tmp_path / "bad"
    src = catalogue.source("lookup_ltla_utla")
    (bad_mirror / src.file).parent.mkdir(parents=True)
    text = (mirror / src.file).read_text(encoding="utf-8-sig").replace("UTLA23CD", "UTLA23XX", 1)
    (bad_mirror / src.file).write_text(text)
    before = catalogue.paths.catalogue_file().read_text()
    out = fetch.fetch_one(src, bad_mirror, accept_new=True, replace=True, trial=build.trial_build)
    assert out.status == "failed" and "fails validation" in out.detail and "UTLA23CD" in out.detail
    assert catalogue.paths.catalogue_file().read_text() == before
    assert catalogue.sha256_of(raw / src.file) == src.sha256


def test_accept_new_without_a_trial_installs_nothing(tmp_path: Path, mirror: Path, raw: Path) -> None:
    """fetch never imports the build: without a trial build a changed file is refused, not taken."""
    fetch.fetch(mirror=mirror, progress=False)
    new_mirror = tmp_path / "new"
    src = catalogue.source("cqc_monitor")
    (new_mirror / src.file).parent.mkdir(parents=True)
    (new_mirror / src.file).write_text((mirror / src.file).read_text() + "\n")
    before = catalogue.paths.catalogue_file().read_text()
    out = fetch.fetch_one(src, new_mirror, accept_new=True, replace=True)
    assert out.status == "failed" and "no trial build" in out.detail
    assert catalogue.paths.catalogue_file().read_text() == before
    assert catalogue.sha256_of(raw / src.file) == src.sha256


@pytest.mark.pipeline
def test_accept_new_installs_a_valid_file_and_records_its_checksum(
    tmp_path: Path, mirror: Path, raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The install path of --accept-new: trial build passes, file installed, checksum recorded.

    Runs in a scratch project (its own catalogue, repository datasets and data/raw), so the real
    catalogue is untouched.
    """
    root = tmp_path / "project"
    real_data = catalogue.paths.catalogue_file().parent
    shutil.copytree(real_data, root / "data", ignore=shutil.ignore_patterns("raw", "processed"))
    monkeypatch.setenv("LAHELPERS_ROOT", str(root))
    assert fetch.fetch(mirror=mirror, progress=False).ok
    sid = "ruc2011_lad"
    old = catalogue.source(sid)
    new_file = tmp_path / "new" / old.file
    new_file.parent.mkdir(parents=True)
    # A harmless upstream change: a blank line at the end (every value is the same).
    new_file.write_bytes((mirror / old.file).read_bytes() + b"\n")
    new_sha = hashlib.sha256(new_file.read_bytes()).hexdigest()
    assert new_sha != old.sha256

    report = fetch.fetch(
        [sid], tmp_path / "new", [sid], replace=True, progress=False, trial=build.trial_build
    )
    (out,) = report.outcomes
    assert out.status == "accepted", out.detail
    assert new_sha in out.detail
    assert catalogue.sha256_of(raw / old.file) == new_sha  # installed
    recorded = catalogue.load_catalogue(root / "data" / "catalogue.yaml")[sid]
    assert recorded.sha256 == new_sha and recorded.bytes == new_file.stat().st_size
    real = catalogue.load_catalogue(real_data / "catalogue.yaml")[sid]
    assert real.sha256 == old.sha256
# ---- no network, stalled and failing servers (all on 127.0.0.1; bounded by counts, not clocks)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> int:
    """Short timeouts, two retries, no backoff: the same code path, without the waiting."""
    monkeypatch.setattr(fetch, "CONNECT_TIMEOUT", 2.0)
    monkeypatch.setattr(fetch, "READ_TIMEOUT", 0.5)
    monkeypatch.setattr(fetch, "RETRIES", 2)
    monkeypatch.setattr(fetch, "BACKOFF", 0.0)
    return 2


@pytest.fixture
def stalling_server():
    """A server on 127.0.0.1 that accepts every connection and never sends a byte."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(conn)  # held open, never answered

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def _status_server(statuses: list[int], body: bytes):
    """A server on 127.0.0.1 answering each GET with the next status (the last one repeats)."""
    seen: list[int] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 -- http.server's name
            status = statuses[min(len(seen), len(statuses) - 1)]
            seen.append(status)
            payload = body if status == 200 else b"busy"
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "3600")  # not obeyed: the wait stays bounded
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}", seen


def test_stalled_server_times_out_after_bounded_retries(
    stalling_server, raw: Path, quick_retries: int
) -> None:
    base, accepted = stalling_server
    src = _source(raw, "s", b"x", url=f"{base}/s.csv")
    out = fetch.fetch_one(src, mirror=None)
    assert out.status == "failed" and out.network
    assert out.detail == (
        f"127.0.0.1:{base.rsplit(':', 1)[1]} accepted the connection but sent nothing for 0.5 s, "
        "after 3 attempts"
    )
    assert len(accepted) == quick_retries + 1
    assert not (raw / src.file).exists()


@pytest.mark.parametrize("status", [500, 429, 503])
def test_server_errors_retried_a_bounded_number_of_times(
    status: int, raw: Path, quick_retries: int
) -> None:
    httpd, base, seen = _status_server([status], b"")
    try:
        out = fetch.fetch_one(_source(raw, "e", b"x", url=f"{base}/e.csv"), mirror=None)
    finally:
        httpd.shutdown()
    assert seen == [status] * (quick_retries + 1)
    assert out.status == "failed" and out.network
    assert "kept answering with an HTTP error" in out.detail and f"{status}" in out.detail
    assert "\n" not in out.detail


def test_busy_server_then_success(raw: Path, quick_retries: int) -> None:
    content = b"code,value\nE06000001,1\n"
    httpd, base, seen = _status_server([429, 500, 200], content)
    try:
        out = fetch.fetch_one(_source(raw, "b", content, url=f"{base}/b.csv"), mirror=None)
    finally:
        httpd.shutdown()
    assert seen == [429, 500, 200]
    assert out.status == "fetched", out.detail
    assert (raw / "folder" / "b.csv").read_bytes() == content


def test_refused_connection_is_one_line_and_one_hint(raw: Path, quick_retries: int) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    report = fetch.FetchReport(
        [fetch.fetch_one(_source(raw, n, b"x", url=f"http://127.0.0.1:{port}/{n}.csv"), None) for n in "abc"]
    )
    text = report.text()
    assert text.count(f"cannot connect to 127.0.0.1:{port}") == 3
    assert text.count("hint:") == 1 and "MIRROR=DIR" in text
    assert len(text.splitlines()) == 3 + 2  # one line per source; totals; hint


# ---- --accept-new takes the new file even when the local copy matches the catalogue


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project of one source (its own catalogue), whose data/raw copy matches the catalogue."""
    old = b"code,value\nE06000001,1\n"
    (tmp_path / "data" / "raw" / "folder").mkdir(parents=True)
    (tmp_path / "data" / "raw" / "folder" / "n.csv").write_bytes(old)
    (tmp_path / "data" / "catalogue.yaml").write_text(
        "sources:\n- id: n\n  file: folder/n.csv\n  title: t\n  publisher: p\n  licence: l\n"
        f"  vintage: v\n  url: null\n  publisher_url: null\n  sha256: {hashlib.sha256(old).hexdigest()}\n"
        f"  bytes: {len(old)}\n"
    )
    monkeypatch.setenv("LAHELPERS_ROOT", str(tmp_path))
    monkeypatch.delenv("LAHELPERS_RAW", raising=False)
    return tmp_path


def test_accept_new_takes_the_new_file_when_local_copy_matches(project: Path) -> None:
    new = b"code,value\nE06000001,2\n"
    (project / "mirror" / "folder").mkdir(parents=True)
    (project / "mirror" / "folder" / "n.csv").write_bytes(new)
    report = fetch.fetch(mirror=project / "mirror", accept_new=["n"], progress=False, trial=lambda s, p: None)
    assert [(o.id, o.status) for o in report.outcomes] == [("n", "accepted")]
    assert (project / "data" / "raw" / "folder" / "n.csv").read_bytes() == new
    assert catalogue.load_catalogue()["n"].sha256 == hashlib.sha256(new).hexdigest()


def test_accept_new_with_nothing_new_says_so(project: Path) -> None:
    (project / "mirror").mkdir()
    shutil.copytree(project / "data" / "raw" / "folder", project / "mirror" / "folder")
    before = (project / "data" / "catalogue.yaml").read_text()
    report = fetch.fetch(mirror=project / "mirror", accept_new=["n"], progress=False, trial=lambda s, p: None)
    assert report.outcomes[0].status == "ok" and "nothing new to accept" in report.outcomes[0].detail
    assert (project / "data" / "catalogue.yaml").read_text() == before


# ---- downloads from a server on 127.0.0.1: each outcome in full


def test_http_fetch_outcome_in_full(server, raw: Path) -> None:
    www, base = server
    content = b"code,value\nE06000001,1\n"
    (www / "a.csv").write_bytes(content)
    out = fetch.fetch_one(_source(raw, "a", content, url=f"{base}/a.csv"), mirror=None)
    assert (out.id, out.file, out.status, out.detail, out.network) == ("a", "folder/a.csv", "fetched", "", False)
    assert (raw / "folder" / "a.csv").stat().st_mode & 0o777 == 0o444


NEW_SHA = hashlib.sha256(b"new\n").hexdigest()


def test_http_changed_upstream_in_full(server, raw: Path) -> None:
    www, base = server
    (www / "b.csv").write_bytes(b"new\n")
    src = _source(raw, "b", b"old\n", url=f"{base}/b.csv")
    out = fetch.fetch_one(src, mirror=None)
    assert (out.status, out.network) == ("changed", False)
    assert out.detail == (
        f"the file from {base}/b.csv has sha256 {NEW_SHA}, "
        f"catalogue says {src.sha256}: it changed upstream and was not installed. Check it, then "
        "`lahelpers data fetch --accept-new b`"
    )


def test_http_not_found_in_full(server, raw: Path) -> None:
    _www, base = server
    out = fetch.fetch_one(_source(raw, "c", b"x", url=f"{base}/missing.csv"), mirror=None)
    assert (out.status, out.network) == ("failed", True)
    assert out.detail == f"{base.removeprefix('http://')} answered HTTP 404 for {base}/missing.csv"


def test_accept_new_over_http_tries_the_download_under_its_own_name(server, project: Path) -> None:
    """The candidate a trial sees is the downloaded file, named as in the catalogue, in fetch's scratch."""
    www, base = server
    new = b"code,value\nE06000001,2\n"
    (www / "n.csv").write_bytes(new)
    src = catalogue.source("n")
    src = Source(**{**src.__dict__, "url": f"{base}/n.csv"})
    seen = []

    def trial(s: Source, candidate: Path) -> None:
        seen.append((s.id, candidate.name, candidate.parent.name.startswith("lahelpers-fetch-"),
                     candidate.read_bytes()))  # fmt: skip

    out = fetch.fetch_one(src, None, accept_new=True, trial=trial)
    assert (out.status, out.detail) == ("accepted", f"new checksum {hashlib.sha256(new).hexdigest()} recorded in the catalogue")
    assert seen == [("n", "n.csv", True, new)]
    assert (project / "data" / "raw" / "folder" / "n.csv").read_bytes() == new
