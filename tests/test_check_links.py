"""check_links against a local HTTP server: 200, 301, 404, 500, a time-out; no internet."""

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from courses.link_checker import HostThrottle, check_all, fetch
from courses.models import Course, Provider

# Far above check_links' time-out of 0.5 s, so that "it gave up in time" still
# holds on a busy machine; nothing waits for the slow answer itself.
SLOW_SECONDS = 5


class Handler(BaseHTTPRequestHandler):
    """Answers by path; remembers when each request came in."""

    def do_GET(self) -> None:
        self.server.hits.append((self.path, time.monotonic()))
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        if path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif path == "/missing":
            self.send_response(404)
        elif path == "/error":
            self.send_response(500)
        elif path.startswith("/pause"):
            time.sleep(0.3)
            self.send_response(200)
        else:
            self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a /slow handler may still be asleep at the end
    request_queue_size = 64  # eight checkers at once must not overflow the backlog


@pytest.fixture
def server(monkeypatch) -> Iterator[str]:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    httpd = LocalServer(("127.0.0.1", 0), Handler)
    httpd.hits = []
    # shutdown() waits for serve_forever to look up: every 10 ms, not the default 0.5 s.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def refused_url() -> Iterator[str]:
    """A loopback port bound but never listened on: connecting is refused, and no
    other process can start listening there while the test runs."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/nothing"


@pytest.fixture
def courses(db, server) -> dict[str, Course]:
    provider = Provider.objects.create(name="Local", slug="local")
    paths = ["ok", "moved", "missing", "error", "slow"]
    return {
        path: Course.objects.create(
            title=f"Course {path}", slug=path, url=f"{server}/{path}", provider=provider
        )
        for path in paths
    }


def run(**options) -> str:
    out = StringIO()
    call_command("check_links", stdout=out, **{"timeout": 0.5, "per_host_delay": 0, **options})
    return out.getvalue()


def test_it_records_a_working_link(courses, server):
    run()

    ok = Course.objects.get(slug="ok")
    assert ok.link_status == 200
    assert ok.link_final_url == f"{server}/ok"
    assert ok.link_error == ""
    assert ok.link_checked_at is not None
    assert not ok.link_is_broken


def test_it_follows_a_redirect_and_records_where_it_ends(courses, server):
    run()

    moved = Course.objects.get(slug="moved")
    assert moved.link_status == 200
    assert moved.link_final_url == f"{server}/ok"
    assert not moved.link_is_broken


@pytest.mark.parametrize(("slug", "status"), [("missing", 404), ("error", 500)])
def test_it_records_a_broken_link(courses, slug, status):
    run()

    course = Course.objects.get(slug=slug)
    assert course.link_status == status
    assert course.link_is_broken


def test_it_gives_up_on_a_slow_host_after_the_time_out(courses):
    started = time.monotonic()
    run()

    slow = Course.objects.get(slug="slow")
    assert slow.link_status is None
    assert "timed out" in slow.link_error
    assert slow.link_is_broken
    assert time.monotonic() - started < SLOW_SECONDS


def test_it_lists_what_is_broken(courses):
    output = run()

    assert "HTTP 404" in output and "Course missing" in output
    assert "HTTP 500" in output and "Course error" in output
    assert "timed out" in output and "Course slow" in output
    assert "Course ok" not in output
    assert "Checked 5 links" in output and "3 broken" in output


def test_it_survives_targets_that_cannot_be_reached(db, server, refused_url):
    provider = Provider.objects.create(name="Local", slug="local")
    refused = Course.objects.create(
        title="Refused", slug="refused", url=refused_url, provider=provider
    )
    garbled = Course.objects.create(
        title="Garbled", slug="garbled", url="http://[::1/", provider=provider
    )  # saved past validation, as a bad import might

    output = run()

    for course in (refused, garbled):
        course.refresh_from_db()
        assert course.link_error
        assert course.link_checked_at is not None
    assert "2 broken" in output
    assert Course.objects.count() == 2


def test_it_checks_hosts_concurrently(server):
    urls = [f"https://host{n}.example/pause" for n in range(6)]
    target = lambda url: server + "/pause"  # noqa: E731

    started = time.monotonic()
    results = list(check_all(urls, workers=6, timeout=2, per_host_delay=0, target=target))

    assert len(results) == 6
    assert all(result.status == 200 for result in results)
    assert time.monotonic() - started < 6 * 0.3


def test_it_is_polite_to_each_host(server):
    urls = [f"https://same.example/pause?{n}" for n in range(3)]
    target = lambda url: server + "/ok"  # noqa: E731

    started = time.monotonic()
    list(check_all(urls, workers=3, timeout=2, per_host_delay=0.25, target=target))

    assert time.monotonic() - started >= 2 * 0.25


def test_the_throttle_spaces_requests_to_one_host():
    throttle = HostThrottle(delay=0.2)
    times = []
    for _ in range(3):
        with throttle.slot("example.org"):
            times.append(time.monotonic())

    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= 0.19 for gap in gaps)


def test_a_rewritten_run_records_nothing(courses, server):
    run(rewrite_origin=server)

    assert not Course.objects.filter(link_checked_at__isnull=False).exists()


def test_it_refuses_a_bad_rewrite_origin(courses):
    with pytest.raises(CommandError, match="http"):
        run(rewrite_origin="ftp://example.org")


def test_fetch_never_raises(server):
    assert fetch("not a url", timeout=1).error
    assert fetch(f"{server}/missing", timeout=1).status == 404


def test_it_checks_every_seeded_course_in_good_time(seeded, server):
    """Every seeded URL, answered by the local server; run with -s to see the time."""
    started = time.monotonic()
    output = run(rewrite_origin=server, workers=8, timeout=5)
    elapsed = time.monotonic() - started

    print(f"\ncheck_links, {Course.objects.count()} seeded courses: {elapsed:.2f} s")
    assert f"Checked {Course.objects.values('url').distinct().count()} links" in output
    assert "0 broken" in output
    assert elapsed < 10
