"""A local SMTP server and `db_worker` processes, for the live mail tests and the
benchmark (bench/mail.py). Nothing here reaches another host."""

import asyncio
import subprocess
import sys
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

from tests.live_servers import ROOT, Site, bound_socket


def free_port() -> int:
    """A loopback port nothing listens on (connecting to it is refused)."""
    with bound_socket() as sock:
        return sock.getsockname()[1]


class SmtpSink:
    """An SMTP server on a loopback port, in a thread of this process, that keeps what
    it receives. `hold()` keeps every message coming in waiting at its recipient (its
    sender stuck in mid-send, the message not yet given) until `release()`."""

    def __init__(self, port: int = 0) -> None:
        self.port = port or free_port()
        self.received: list[tuple[list[str], bytes]] = []
        self.waiting = 0
        self._open = threading.Event()
        self._open.set()
        self._lock = threading.Lock()
        self.controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        with self._lock:
            self.waiting += 1
        while not self._open.is_set():
            await asyncio.sleep(0.01)
        with self._lock:
            self.waiting -= 1
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        with self._lock:
            self.received.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def start(self) -> "SmtpSink":
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, server_hostname="sink.localhost"
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.release()
            self.controller.stop()
            self.controller = None

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def recipients(self) -> set[str]:
        with self._lock:
            return {address for rcpt_tos, _ in self.received for address in rcpt_tos}

    def wait_for(self, count: int, timeout: float) -> None:
        """Until `count` different addresses have been sent to."""
        deadline = time.monotonic() + timeout
        while len(self.recipients()) < count:
            assert time.monotonic() < deadline, f"{len(self.recipients())} of {count} arrived"
            time.sleep(0.05)


def mail_env(smtp_port: int, **extra: str) -> dict[str, str]:
    """The environment of a site whose mail goes through the database queue to SMTP on
    this loopback port."""
    return {
        "TASKS_BACKEND": "database",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_USE_TLS": "false",
        "EMAIL_TIMEOUT": "5",
        **extra,
    }


def start_worker(site: Site, name: str, log: Path | None = None, **env: str) -> subprocess.Popen:
    """A `manage.py db_worker` process that polls every 0.1 s when the queue is empty.

    Workers keep their database connection (CONN_MAX_AGE as in production): the live
    site's 0 would reconnect for every task."""
    output = log.open("ab") if log else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1",
         "--no-startup-delay", "--no-reload", "--worker-id", name],
        cwd=ROOT,
        env={**site.env, "CONN_MAX_AGE": "60", **env},
        stdout=output,
        stderr=output,
    )  # fmt: skip
    if log:
        output.close()
    return process


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


ENQUEUE = """
from roadmap_site.tasks import send_email
for n in range({count}):
    send_email.enqueue(message={{
        "subject": "Hello", "body": "Body", "content_subtype": "plain",
        "from_email": "noreply@localhost", "to": [f"learner{{n}}@example.com"],
        "cc": [], "bcc": [], "reply_to": [], "headers": {{}}, "alternatives": [],
    }})
"""


def enqueue_emails(site: Site, count: int) -> set[str]:
    """`count` emails queued, to learner0@example.com and on; returns the addresses."""
    site.python(ENQUEUE.format(count=count))
    return {f"learner{n}@example.com" for n in range(count)}
