"""A polite HTTP client for CQC's pages, built from requests, urllib3's Retry and CacheControl.

* one request at a time, with a pause between requests (``pause`` seconds);
* a descriptive User-Agent (:data:`USER_AGENT`; ``LAHELPERS_CONTACT`` adds a contact address);
* an on-disk cache (CacheControl's ``FileCache``): pages with an ETag or Last-Modified are asked
  for again with ``If-None-Match`` / ``If-Modified-Since``, so an unchanged page costs a 304;
* connect and read timeouts; bounded retries with exponential backoff on connection errors,
  timeouts and 429/500/502/503/504; a 429's ``Retry-After`` is respected, up to
  ``max_retry_after`` seconds (a longer wait stops the refresh instead of hanging it).

Nothing here knows CQC's layout: :mod:`lahelpers.ratings.refresh` does.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from cachecontrol import CacheControlAdapter
from cachecontrol.caches import FileCache
from urllib3.util.retry import Retry

from lahelpers import __version__

USER_AGENT = (
    f"lahelpers/{__version__} (open-source analysis of CQC local authority assessments; "
    "weekly refresh, one request at a time)"
)
RETRY_STATUSES = (429, 500, 502, 503, 504)


class CappedRetry(Retry):
    """urllib3 Retry whose wait for a ``Retry-After`` is capped (never hangs a scheduled run)."""

    max_retry_after: float = 120.0

    def get_retry_after(self, response):  # type: ignore[no-untyped-def]
        """The server's Retry-After, capped at :attr:`max_retry_after` seconds."""
        wait = super().get_retry_after(response)
        return None if wait is None else min(wait, self.max_retry_after)


@dataclass
class Fetched:
    """One page as fetched: its status, text, whether the cache answered, or the error."""

    url: str
    status: int | None
    text: str = ""
    from_cache: bool = False
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200 and not self.error


@dataclass
class PoliteClient:
    """One polite session; ``get`` never raises for HTTP or network trouble, it reports it."""

    cache_dir: Path
    pause: float = 2.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0
    max_retry_after: float = 120.0
    user_agent: str = USER_AGENT

    def __post_init__(self) -> None:
        # The cap is a class attribute: urllib3 copies a Retry with ``new()`` at every attempt.
        capped = type("CappedRetry", (CappedRetry,), {"max_retry_after": self.max_retry_after})
        retry = capped(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            backoff_factor=self.backoff,
            status_forcelist=RETRY_STATUSES,
            allowed_methods=frozenset({"GET", "HEAD"}),
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        adapter = CacheControlAdapter(cache=FileCache(str(self.cache_dir)), max_retries=retry)
        self.session = requests.Session()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        contact = os.environ.get("LAHELPERS_CONTACT")
        agent = f"{self.user_agent}; contact {contact}" if contact else self.user_agent
        self.session.headers.update({"User-Agent": agent, "Accept": "text/html"})
        self._last = 0.0
        self.requests_made = 0

    def _wait_turn(self) -> None:
        gap = self.pause - (time.monotonic() - self._last)
        if self._last and gap > 0:
            time.sleep(gap)

    def get(self, url: str) -> Fetched:
        """GET ``url`` after the pause; a 200, 304-from-cache, error status or failure, reported."""
        self._wait_turn()
        try:
            self.requests_made += 1
            r = self.session.get(url, timeout=(self.connect_timeout, self.read_timeout))
        except requests.RequestException as err:
            return Fetched(url, None, error=f"{type(err).__name__}: {err}")
        finally:
            self._last = time.monotonic()
        cached = bool(getattr(r, "from_cache", False))
        if r.status_code != 200:
            return Fetched(url, r.status_code, from_cache=cached, error=f"HTTP {r.status_code}")
        r.encoding = r.encoding or "utf-8"
        return Fetched(url, 200, r.text, from_cache=cached)
