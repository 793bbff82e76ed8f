"""Check course links: concurrently, politely (one request at a time per host), never crashing."""

import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.utils import timezone

from courses.models import Course

USER_AGENT = "PythonBackendRoadmap-LinkChecker/1.0 (checks curated course links)"


@dataclass(frozen=True)
class LinkResult:
    """What one check found: an HTTP status after redirects, or an error."""

    url: str
    status: int | None = None
    final_url: str = ""
    error: str = ""

    @property
    def is_broken(self) -> bool:
        return bool(self.error) or (self.status or 0) >= 400


class HostThrottle:
    """At most one request in flight per host, and `delay` seconds between two requests."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._last: dict[str, float] = {}

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks[host]
        with lock:
            wait = self._last.get(host, float("-inf")) + self.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


def fetch(url: str, timeout: float) -> LinkResult:
    """GET the URL, following redirects; any failure becomes an error, never an exception."""
    try:
        # Course URLs are http(s) only: Course.url is a URLField, which refuses other schemes.
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return LinkResult(url, status=response.status, final_url=response.geturl())
    except urllib.error.HTTPError as error:
        return LinkResult(url, status=error.code, final_url=error.url or url)
    except urllib.error.URLError as error:
        return LinkResult(url, error=_describe(error.reason))
    except Exception as error:  # noqa: BLE001 - a bad target must never stop the run
        return LinkResult(url, error=_describe(error))


def _describe(reason: object) -> str:
    return (str(reason) or type(reason).__name__)[:300]


def check_all(
    urls: Iterable[str],
    *,
    workers: int = 8,
    timeout: float = 10.0,
    per_host_delay: float = 1.0,
    target: Callable[[str], str] = lambda url: url,
) -> Iterator[LinkResult]:
    """Check each URL concurrently and yield results as they come in.

    `target` maps a URL to the address actually requested (for measuring against a
    local server); the per-host rate always follows the original URL's host.
    """
    throttle = HostThrottle(per_host_delay)

    def check(url: str) -> LinkResult:
        try:
            host, address = urlsplit(url).hostname or "", target(url)
        except ValueError as error:  # "http://[::1/", say: no host to be polite to
            return LinkResult(url, error=_describe(error))
        with throttle.slot(host):
            result = fetch(address, timeout)
        return LinkResult(url, result.status, result.final_url, result.error)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(check, url) for url in dict.fromkeys(urls)]
        for future in as_completed(futures):
            yield future.result()


def record(result: LinkResult) -> None:
    """Save a result on every course with that URL; update() so page caches stay put."""
    Course.objects.filter(url=result.url).update(
        link_status=result.status,
        link_final_url=result.final_url[:500],
        link_error=result.error[:300],
        link_checked_at=timezone.now(),
    )
