"""Reliability against real servers: concurrent writes, the database going away
and coming back, and hostile input at the HTTP level (gunicorn + Django)."""

import contextlib
import socket
import time
import urllib.error
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live_servers import (
    Browser,
    Response,
    Site,
    TcpProxy,
    csrf_from,
    own_database,
    person_code,
    shared_static_root,
)

# Real gunicorn servers on PostgreSQL: run once, on PostgreSQL, in CI.
pytestmark = pytest.mark.slow

# How a client sees a server that answered and closed the connection while the
# request was still being sent: the rest of the request cannot go through.
HUNG_UP = (BrokenPipeError, ConnectionResetError)


@pytest.fixture(scope="module")
def live():
    """A site whose servers reach PostgreSQL through a proxy the tests can cut."""
    site = Site(database=own_database("roadmap_reliability"), static_root=shared_static_root())
    site.create()
    site.learner = "alice@example.com"
    site.step_path = site.python(
        person_code("alice") + "from roadmap.models import Step\n"
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
        proxy.close()
        site.drop()


def _rows(site: Site) -> list[str]:
    """Every learner's status on every step, one line a row."""
    return site.python(
        "from progress.models import StepProgress\n"
        "for row in StepProgress.objects.order_by('pk').values_list('user', 'step', 'status'):\n"
        "    print(*row)"
    ).splitlines()


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
    assert len(_rows(site)) == 1


def test_with_the_database_gone_healthz_says_503_pages_fail_politely_and_it_recovers(live):
    _, server, proxy = live
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
    """The status gunicorn answers a request with, sent as raw bytes."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        # gunicorn may answer and hang up before it has read the whole request;
        # its answer is still there to read.
        with contextlib.suppress(*HUNG_UP):
            sock.sendall(request)
        reply = b""
        with contextlib.suppress(ConnectionResetError):
            while b"\r\n" not in reply and (chunk := sock.recv(4096)):
                reply += chunk
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
    _, server, _ = live
    status = _raw(server, request_bytes)
    assert status < 500
    if b"malformed" not in request_bytes and b"Host: 127.0.0.1\r\nCookie" not in request_bytes:
        assert 400 <= status < 500


def _status_or_hang_up(send: Callable[[], Response]) -> int | None:
    """The status of the answer, or None if the server hung up while the request
    was still being sent (urllib then never reads the answer)."""
    try:
        return send().status
    except urllib.error.URLError as error:
        if isinstance(error.reason, HUNG_UP):
            return None
        raise
    except HUNG_UP:
        return None


def test_an_oversized_body_is_refused_and_changes_nothing(live):
    site, server, _ = live
    alice = Browser()
    alice.sign_in(server, site.learner)
    token = csrf_from(alice.get(f"{server.url}{site.step_path}").text)
    status_url = f"{server.url}{site.step_path}status/"
    # A status other than the one the oversized request asks for, so that
    # accepting that request would show in the rows.
    assert alice.post(status_url, {"status": "skipped", "csrfmiddlewaretoken": token}).status == 302
    before = _rows(site)

    status = _status_or_hang_up(
        lambda: alice.post(
            status_url,
            {"status": "done", "csrfmiddlewaretoken": token, "padding": "x" * 3_000_000},
        )
    )

    assert status is None or 400 <= status < 500, status
    assert _rows(site) == before
