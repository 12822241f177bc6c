"""Fetch raw inputs into ``data/raw`` and check them against the catalogue's checksums.

Two ways in: download from each file's catalogued address (pooch drives a requests session with
connect and read timeouts and urllib3's bounded retries with backoff for connection errors,
timeouts and HTTP 429/5xx), or copy from a local mirror laid out like ``data/raw`` (one folder per
source), for offline machines and CI. A download that fails is one line naming the server and
what went wrong; the report then adds one hint (use a mirror, or check the connection). Rules:

* a file whose checksum differs from the catalogue is reported and NOT installed;
* a file already in ``data/raw`` is never overwritten: if it matches, it is kept; if it differs, it
  is reported (remove it yourself, or use ``--replace`` to take a fresh copy, which is announced);
* ``--accept-new ID`` takes the file from the mirror or the web even when the local copy matches
  the catalogue, and installs it only if it is new and passes validation (the full build runs
  on it in a scratch folder), then records its new checksum in the catalogue;
* anything missing or mismatched makes the command exit non-zero.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lahelpers import paths
from lahelpers.errors import InputError
from lahelpers.inputs import catalogue
from lahelpers.inputs.catalogue import Source


@dataclass
class FetchOutcome:
    """What happened to one catalogue entry."""

    id: str
    file: str
    status: str  # ok, fetched, copied, accepted, replaced, changed, missing, failed
    detail: str = ""
    network: bool = False  # the server could not be reached (the report adds one hint for all)

    @property
    def ok(self) -> bool:
        return self.status in {"ok", "fetched", "copied", "accepted", "replaced"}


@dataclass
class FetchReport:
    """All outcomes of one fetch."""

    outcomes: list[FetchOutcome] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(o.ok for o in self.outcomes)

    def problems(self) -> list[FetchOutcome]:
        return [o for o in self.outcomes if not o.ok]

    def text(self) -> str:
        """A readable table of outcomes, problems first; a source the network failed is one line."""
        rows = sorted(self.outcomes, key=lambda o: (o.ok, o.id))
        lines = [
            f"{o.status:>8}  {o.id:<28} {o.detail}"
            if o.network
            else f"{o.status:>8}  {o.id:<28} {o.file}" + (f"\n          {o.detail}" if o.detail else "")
            for o in rows
        ]
        n_bad = len(self.problems())
        lines.append(
            f"{len(self.outcomes) - n_bad} of {len(self.outcomes)} inputs ready; {n_bad} problem(s)"
        )
        if any(o.network for o in self.outcomes):
            lines.append(NETWORK_HINT)
        return "\n".join(lines)


#: Seconds to wait for a connection, and for each read once connected (a stalled server fails).
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
#: Retries after the first attempt, for connection errors, timeouts and HTTP 429/5xx answers.
RETRIES = 3
#: Backoff between retries: BACKOFF x 2^(n-1) seconds, at most BACKOFF_MAX.
BACKOFF = 1.0
BACKOFF_MAX = 20.0
#: HTTP answers worth another try: too many requests, and the server's own errors.
RETRY_STATUSES = (429, 500, 502, 503, 504)
#: Printed once after a fetch in which any download could not reach its server.
NETWORK_HINT = (
    "hint: the download addresses could not be reached. Work offline from a local copy with "
    "`make all MIRROR=DIR` (or `lahelpers data fetch --mirror DIR`, or set LAHELPERS_MIRROR), "
    "or check the connection and try again"
)


class NetworkError(OSError):
    """A download that could not reach its server, or got no usable answer, after every retry."""


def http_session() -> Any:
    """A requests session that retries connection errors, timeouts and HTTP 429/5xx with backoff.

    urllib3's Retry does the retrying (bounded: RETRIES after the first try, backoff capped at
    BACKOFF_MAX). A server's Retry-After is not obeyed, since it could ask for hours.
    """
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    retry = Retry(
        total=RETRIES,
        connect=RETRIES,
        read=RETRIES,
        status=RETRIES,
        backoff_factor=BACKOFF,
        backoff_max=BACKOFF_MAX,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "HEAD"}),
        respect_retry_after_header=False,
        raise_on_status=True,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _describe_network_error(err: Exception, url: str) -> str:
    """One line for a failed download: which server, what went wrong, after how many tries.

    requests wraps urllib3's last error (after the retries) in its own; the inner one says what
    actually happened (refused, timed out while connecting, stalled after connecting, HTTP error).
    """
    from urllib.parse import urlsplit

    import requests
    from urllib3.exceptions import (
        ConnectTimeoutError,
        MaxRetryError,
        NewConnectionError,
        ReadTimeoutError,
        ResponseError,
    )

    host = urlsplit(url).netloc or url
    tries = f"after {RETRIES + 1} attempts"
    reason = err.args[0] if err.args else None
    inner = reason.reason if isinstance(reason, MaxRetryError) else reason
    if isinstance(inner, ResponseError) or isinstance(err, requests.exceptions.RetryError):
        return f"{host} kept answering with an HTTP error ({inner or err}) {tries}"
    if isinstance(err, requests.exceptions.HTTPError):
        return f"{host} answered HTTP {err.response.status_code} for {url}"
    if isinstance(inner, NewConnectionError):  # refused, or no route (a ConnectTimeoutError too)
        return f"cannot connect to {host} (no network, or the server is down), {tries}"
    if isinstance(inner, ConnectTimeoutError) or isinstance(err, requests.exceptions.ConnectTimeout):
        return f"no connection to {host} within {CONNECT_TIMEOUT:g} s, {tries}"
    if isinstance(inner, ReadTimeoutError) or isinstance(err, requests.exceptions.Timeout):
        return f"{host} accepted the connection but sent nothing for {READ_TIMEOUT:g} s, {tries}"
    if isinstance(err, requests.exceptions.ConnectionError):
        return f"cannot connect to {host} (no network, or the server is down), {tries}"
    return f"download from {host} failed: {type(err).__name__}"


def _download_to(url: str, output_file: str, pooch: Any = None, check_only: bool = False) -> None:
    """A pooch downloader: stream ``url`` into ``output_file`` with timeouts and bounded retries."""
    import requests

    with http_session() as session:
        try:
            response = session.get(url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT), stream=True)
            response.raise_for_status()
            with open(output_file, "wb") as out:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    out.write(chunk)
        except requests.exceptions.RequestException as err:
            raise NetworkError(_describe_network_error(err, url)) from None


def _download(src: Source, dest_dir: Path) -> Path:
    """Download one file with pooch into ``dest_dir`` (checksum checked by the caller)."""
    import pooch

    return Path(
        pooch.retrieve(
            src.url,
            known_hash=None,
            fname=Path(src.file).name,
            path=dest_dir,
            progressbar=False,
            downloader=_download_to,
        )
    )


def _obtain(src: Source, mirror: Path | None, scratch: Path) -> Path:
    """Get a candidate copy of ``src`` into ``scratch`` from the mirror or the web."""
    if mirror is not None:
        candidate = mirror / src.file
        if not candidate.is_file():
            raise FileNotFoundError(f"not in mirror {mirror} (expected {candidate})")
        out = scratch / Path(src.file).name
        shutil.copyfile(candidate, out)
        return out
    if not src.url:
        raise FileNotFoundError(
            "no public download address (a project compilation); copy it from a mirror with --mirror DIR"
        )
    return _download(src, scratch)


def _install(candidate: Path, dest: Path) -> None:
    """Move a checked file into place atomically and make it read-only (raw data is immutable)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.part")
    shutil.copyfile(candidate, tmp)
    os.chmod(tmp, 0o444)
    os.replace(tmp, dest)


#: A trial of a changed file: ``(source, candidate path) -> problem or None``. The build supplies
#: it (:func:`lahelpers.build.trial_build`), so this module never imports the build.
Trial = Callable[[Source, Path], "str | None"]


def fetch_one(
    src: Source,
    mirror: Path | None,
    *,
    accept_new: bool = False,
    replace: bool = False,
    trial: Trial | None = None,
) -> FetchOutcome:
    """Make one input present and matching its checksum, or say why not.

    ``trial`` validates a changed file before ``accept_new`` installs it; without one a changed
    file is never accepted.
    """
    if src.in_repository:  # maintained in git under data/, never downloaded
        if src.path.is_file():
            return FetchOutcome(src.id, src.file, "ok", f"in the repository ({src.path})")
        return FetchOutcome(
            src.id, src.file, "missing", f"{src.path} is missing: restore it with `git checkout`"
        )
    dest = paths.raw_dir() / src.file
    # The local copy's checksum, once (inputs run to hundreds of MB); None when there is none to keep.
    local = catalogue.sha256_of(dest) if dest.is_file() and not replace else None
    if local is not None:
        if local == src.sha256 and not accept_new:
            return FetchOutcome(src.id, src.file, "ok", "already present, checksum matches")
        if not accept_new:
            return FetchOutcome(
                src.id,
                src.file,
                "changed",
                f"{dest} differs from the catalogue checksum; it was left untouched. Remove it and fetch "
                "again, use --replace to take a fresh copy, or --accept-new to validate and record it",
            )
    with tempfile.TemporaryDirectory(prefix="lahelpers-fetch-") as td:
        try:
            candidate = _obtain(src, mirror, Path(td))
        except NetworkError as err:  # one line per file; the report adds one hint
            return FetchOutcome(src.id, src.file, "failed", str(err), network=True)
        except Exception as err:  # HTTP or missing-mirror errors are reported per file
            status = "missing" if isinstance(err, FileNotFoundError) else "failed"
            return FetchOutcome(src.id, src.file, status, str(err))
        got = catalogue.sha256_of(candidate)
        how = "copied" if mirror is not None else "fetched"
        where = f"mirror {mirror}" if mirror is not None else src.url
        if got == src.sha256 and accept_new and local is not None:
            if local != src.sha256:  # the local copy was edited: never "ok"
                return FetchOutcome(
                    src.id, src.file, "changed", f"nothing new to accept: the file from {where} "
                    f"matches the catalogue checksum, but {dest} differs from it and was left "
                    "untouched. Remove it and fetch again, or use --replace to take a fresh copy",
                )
            return FetchOutcome(
                src.id, src.file, "ok", f"nothing new to accept: the file from {where} matches "
                "the catalogue checksum, as does the copy in data/raw",
            )
        if got == src.sha256:
            existed = dest.is_file()
            if existed:
                os.chmod(dest, 0o644)
            _install(candidate, dest)
            if existed:
                return FetchOutcome(
                    src.id, src.file, "replaced", f"{dest} replaced by a fresh copy (--replace)"
                )
            return FetchOutcome(src.id, src.file, how)
        if not accept_new:
            return FetchOutcome(
                src.id,
                src.file,
                "changed",
                f"the file from {where} has sha256 {got}, catalogue says {src.sha256}: it changed upstream "
                f"and was not installed. Check it, then `lahelpers data fetch --accept-new {src.id}`",
            )
        problem = (
            trial(src, candidate)
            if trial is not None
            else "no trial build was given to validate it (use `lahelpers data fetch --accept-new`)"
        )
        if problem:
            return FetchOutcome(
                src.id, src.file, "failed", f"new version fails validation, not accepted: {problem}"
            )
        if dest.is_file():
            os.chmod(dest, 0o644)
        _install(candidate, dest)
        catalogue.record_checksum(src.id, got, candidate.stat().st_size)
        return FetchOutcome(
            src.id, src.file, "accepted", f"new checksum {got} recorded in the catalogue"
        )


def fetch(
    ids: list[str] | None = None,
    mirror: Path | None = None,
    accept_new: list[str] | None = None,
    replace: bool = False,
    progress: bool = True,
    trial: Trial | None = None,
) -> FetchReport:
    """Fetch every catalogued input (or ``ids``; or, without ids, those in ``accept_new``) from
    ``mirror`` or the web. An unknown id raises InputError naming the option and the known ids.

    ``trial`` checks a changed file named in ``accept_new`` (see :func:`fetch_one`).
    """
    from tqdm.auto import tqdm

    cat = catalogue.load_catalogue()
    for option, given in (("--only", ids), ("--accept-new", accept_new)):
        unknown = [i for i in given or [] if i not in cat]
        if unknown:
            raise InputError(
                paths.catalogue_file(),
                f"{option} {', '.join(map(repr, unknown))}: no such id in the catalogue",
                f"use one of the ids listed there: {', '.join(sorted(cat))}",
            )
    chosen = [cat[i] for i in (ids or accept_new or cat)]  # --accept-new alone: just those
    report = FetchReport()
    for src in tqdm(chosen, desc="fetch", unit="file", disable=not progress):
        report.outcomes.append(
            fetch_one(
                src, mirror, accept_new=src.id in (accept_new or []), replace=replace, trial=trial
            )
        )
    return report
