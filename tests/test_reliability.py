"""Reliability against real servers: concurrent writes, the database going away
and coming back, and hostile input at the HTTP level (gunicorn + Django)."""

import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_servers import (
    Browser,
    Site,
    TcpProxy,
    csrf_from,
    own_database,
    shared_static_root,
)

# Real gunicorn servers on PostgreSQL: run once, on PostgreSQL, in CI.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live():
    """A site whose servers reach PostgreSQL through a proxy the tests can cut."""
    site = Site(database=own_database("roadmap_reliability"), static_root=shared_static_root())
    site.create()
    site.learner = site.add_person("alice")
    site.step_path = site.python(
        "from roadmap.models import Step\n"
        "print(Step.objects.published().in_roadmap_order().first().get_absolute_url())"
    ).strip()
    proxy = TcpProxy()
    proxy.start()
    proxied = f"postgres://postgres@127.0.0.1:{proxy.port}/{site.database}"
    server = site.start({"DATABASE_URL": proxied, "WEB_CONCURRENCY": "2"})
    try:
        yield site, server, proxy
    finally:
        server.stop()
        proxy.stop()
        site.drop()


def _rows(site: Site) -> int:
    return int(
        site.python(
            "from progress.models import StepProgress; print(StepProgress.objects.count())"
        ).strip()
    )


def test_100_concurrent_status_changes_leave_one_row_and_no_5xx(live):
    site, server, _ = live
    alice = Browser()
    alice.sign_in(server, site.learner)
    token = csrf_from(alice.get(f"{server.url}{site.step_path}").text)
    statuses = ["done", "in_progress", "skipped"]

    def change(n: int) -> int:
        return alice.post(
            f"{server.url}{site.step_path}status/",
            {"status": statuses[n % 3], "csrfmiddlewaretoken": token},
            headers={"Accept": "application/json"},
        ).status

    with ThreadPoolExecutor(max_workers=32) as pool:
        answers = list(pool.map(change, range(100)))
    assert [a for a in answers if a >= 500] == []
    assert set(answers) == {200}
    assert _rows(site) == 1


def test_with_the_database_gone_healthz_says_503_pages_fail_politely_and_it_recovers(live):
    site, server, proxy = live
    visitor = Browser()
    assert visitor.get(f"{server.url}/healthz").status == 200
    proxy.stop()
    try:
        assert visitor.get(f"{server.url}/healthz").status == 503
        page = visitor.get(f"{server.url}/courses/?format=video&level=beginner")
        assert page.status >= 500
        assert "Something went wrong" in page.text
        assert "Traceback" not in page.text and "psycopg" not in page.text
        assert "OperationalError" not in page.text
    finally:
        proxy.start()
    deadline = time.monotonic() + 20
    while visitor.get(f"{server.url}/healthz").status != 200:
        assert time.monotonic() < deadline, "the app did not recover by itself"
        time.sleep(0.2)
    assert visitor.get(f"{server.url}/courses/?format=video&level=beginner").status == 200


def _raw(server, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(request)
        reply = sock.recv(4096)
    return int(reply.split(b" ", 2)[1])


@pytest.mark.parametrize(
    "request_bytes",
    [
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n",
            id="oversized header",
        ),
        pytest.param(
            b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
            id="oversized request line",
        ),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + b"".join(b"X-H%d: 1\r\n" % i for i in range(200))
            + b"\r\n",
            id="too many headers",
        ),
        pytest.param(b"GET / HTTP/1.1\r\nHost: evil.example.com\r\n\r\n", id="unknown host"),
        pytest.param(b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", id="unknown method"),
        pytest.param(b"DELETE /progress/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", id="DELETE"),
        pytest.param(
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: sessionid=\xff\xfe; "
            b'csrftoken="unterminated; messages=[[[\r\n\r\n',
            id="malformed cookies",
        ),
    ],
)
def test_hostile_requests_get_4xx_never_5xx(live, request_bytes):
    site, server, _ = live
    status = _raw(server, request_bytes)
    assert status < 500
    if b"malformed" not in request_bytes and b"Host: 127.0.0.1\r\nCookie" not in request_bytes:
        assert 400 <= status < 500


def test_an_oversized_body_is_refused_and_changes_nothing(live):
    site, server, _ = live
    before = _rows(site)
    alice = Browser()
    alice.sign_in(server, site.learner)
    token = csrf_from(alice.get(f"{server.url}{site.step_path}").text)
    answer = alice.post(
        f"{server.url}{site.step_path}status/",
        {"status": "done", "csrfmiddlewaretoken": token, "padding": "x" * 3_000_000},
    )
    assert 400 <= answer.status < 500
    assert _rows(site) == before
