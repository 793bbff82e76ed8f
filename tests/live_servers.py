"""Real app servers for the production tests: a PostgreSQL database of their own,
a Redis server of their own when they want one, and gunicorn processes started
from gunicorn.conf.py with DEBUG off.

These run against the machine's PostgreSQL (127.0.0.1:5432) whatever
DATABASE_URL the rest of the suite uses; never against the machine's Redis.
"""

import contextlib
import hashlib
import html.parser
import http.cookiejar
import importlib.metadata
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.getenv("LIVE_PG", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "a-long-and-unguessable-passphrase"


def own_database(name: str) -> str:
    """`name` with a suffix of this checkout's own: two checkouts on one machine (two
    engineers, or CI beside a developer) never drop each other's live databases."""
    return f"{name}_{hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]}"


def bound_socket() -> socket.socket:
    """A socket on a loopback port the kernel picked, kept bound: a port picked
    and then let go could be taken by another process before we listen on it."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def person_code(name: str, *, superuser: bool = False) -> str:
    """Python for `Site.python` that adds a user with a verified email address,
    name@example.com: several in one run start Django once (some 2 s a start)."""
    create = "create_superuser" if superuser else "create_user"
    return (
        "from django.contrib.auth import get_user_model\n"
        "from allauth.account.models import EmailAddress\n"
        f"u = get_user_model().objects.{create}('{name}', '{name}@example.com', '{PASSWORD}')\n"
        "EmailAddress.objects.create(user=u, email=u.email, verified=True, primary=True)\n"
    )


@dataclass
class Site:
    """One database, optionally one Redis (a RedisServer's URL), the environment every
    server shares."""

    database: str
    static_root: Path
    redis_url: str = ""
    database_url: str = ""
    env: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.database_url = self.database_url or f"{PG}/{self.database}"
        self.env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        self.env.update(
            DEBUG="false",
            SECRET_KEY="live-server-test-key-0123456789abcdefghijklmnopqrstuvwxyz",
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=self.database_url,
            CONN_MAX_AGE="0",
            REDIS_URL=self.redis_url,
            SECURE_SSL_REDIRECT="false",
            SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false",
            STATIC_ROOT=str(self.static_root),
            WEB_CONCURRENCY="1",
            LOG_LEVEL="WARNING",
        )

    def create(self) -> None:
        """The database, a copy of a migrated and seeded one (see seeded_template())."""
        import psycopg

        template = seeded_template(self)
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {self.database} TEMPLATE {template}")
        collect_static(self.static_root, self.env)

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)")

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def python(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code)

    def add_person(self, name: str, *, superuser: bool = False) -> str:
        """A user with a verified email address; returns the email."""
        self.python(person_code(name, superuser=superuser))
        return f"{name}@example.com"

    def start(self, env: dict | None = None, log: Path | None = None) -> "Server":
        """A gunicorn server; what it writes (warnings, tracebacks) goes to `log` if given."""
        output = log.open("ab") if log else subprocess.DEVNULL
        # gunicorn listens on a socket bound here and handed over (fd://), so the
        # port is ours from the start and no other process can take it.
        with bound_socket() as sock:
            process = subprocess.Popen(
                [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env={**self.env, "GUNICORN_BIND": f"fd://{sock.fileno()}", **(env or {})},
                pass_fds=[sock.fileno()],
                stdout=output,
                stderr=output,
            )
            server = Server(sock.getsockname()[1], process, log)
        if log:
            output.close()  # the server has its own copy
        server.wait_until_up()
        return server


# What a migrated and seeded database is made from: the apps' code (migrations, the
# models and functions they run, the seed command), the fixtures and the dependencies.
TEMPLATE_SOURCES = ("roadmap", "courses", "progress", "groups", "roadmap_site", "fixtures", "plans")


def seeded_sources_digest() -> str:
    """A hash of everything migrate and seed run (TEMPLATE_SOURCES): a database made
    from one digest is the database migrate and seed would make now."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    for directory in TEMPLATE_SOURCES:
        for path in sorted((ROOT / directory).rglob("*")):
            if path.suffix in {".py", ".json"}:
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def seeded_template(site: Site) -> str:
    """A PostgreSQL database migrated and seeded from this checkout as it is now, made
    once and copied (CREATE DATABASE ... TEMPLATE) by every site after: migrate and
    seed take some 12 s a site.

    Its name holds a hash of everything migrate and seed run, so an edit to any of it
    makes a new one (and drops this checkout's older ones). An advisory lock keeps two
    test processes from making it at once; it is made under another name and renamed
    when complete, so a run cut short never leaves a half-made one to copy.
    """
    import psycopg

    prefix = own_database("roadmap_template")
    name, building = f"{prefix}_{seeded_sources_digest()}", f"{prefix}_building"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [prefix])
        existing = [row[0] for row in conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{prefix}_%"]
        )]  # fmt: skip
        if name not in existing:
            for old in existing:
                conn.execute(f"DROP DATABASE IF EXISTS {old} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {building}")
            builder = Site(database=building, static_root=site.static_root)
            builder.manage("migrate", "--noinput")
            builder.manage("seed")
            conn.execute(f"ALTER DATABASE {building} RENAME TO {name}")
        conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [prefix])
    return name


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    log: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                assert self.process.poll() is None, "gunicorn exited"
                time.sleep(0.1)
        raise AssertionError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()  # reap it: no zombie left until pytest exits


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict
    text: str


class Browser:
    """A cookie jar and urllib: what a browser does, minus the rendering.

    Cookies ignore ports, so one Browser carries its session from one server to
    the other, as a load balancer would."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(
        self,
        url: str,
        data: dict | None = None,
        headers: dict | None = None,
        method: str | None = None,
    ) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
        if data is not None:
            request.add_header("Referer", url)
        try:
            with self.opener.open(request, timeout=30) as answer:
                return Response(answer.status, dict(answer.headers), answer.read().decode())
        except urllib.error.HTTPError as error:
            return Response(error.code, dict(error.headers), error.read().decode())

    def get(self, url: str, **kwargs) -> Response:
        return self.request(url, **kwargs)

    def post(self, url: str, data: dict, **kwargs) -> Response:
        return self.request(url, data=data, **kwargs)

    def csrf_token(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def sign_in(self, server: Server, email: str) -> None:
        self.get(f"{server.url}/accounts/login/")
        answer = self.post(
            f"{server.url}/accounts/login/",
            {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": self.csrf_token()},
        )
        assert answer.status == 302, answer.text[-2000:]


class FormFields(html.parser.HTMLParser):
    """Every field a form would submit, as a browser would (for the admin's change forms)."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select, self._textarea, self._options = None, None, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append(
                (a["name"], a.get("value", "on" if a.get("type") == "checkbox" else ""))
            )
        elif tag == "select":
            self._select, self._options = a["name"], []
        elif tag == "option" and self._select:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected]
            if chosen:
                self.fields.append((self._select, chosen[0]))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea[0], self._textarea[1].removeprefix("\n")))
            self._textarea = None


def admin_form(page: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(page)
    return [(name, value) for name, value in parser.fields if "__prefix__" not in name]


def csrf_from(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


class TcpProxy:
    """A TCP proxy in front of PostgreSQL that a test can cut and restore, so
    "the database is down" never stops the machine's shared PostgreSQL server.

    It holds its port from creation to close(). Cut, it still accepts and hangs
    up at once, as a PostgreSQL going down does: giving the port back instead
    would let another process take it before the proxy is restored."""

    def __init__(self, upstream: tuple[str, int] = ("127.0.0.1", 5432)) -> None:
        import threading

        self.upstream, self._listener = upstream, bound_socket()
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._lock, self._sockets, self._cut = threading.Lock(), [], True
        threading.Thread(target=self._accept, daemon=True).start()

    def start(self) -> None:
        with self._lock:
            self._cut = False

    def stop(self) -> None:
        with self._lock:
            self._cut = True
            for sock in self._sockets:
                _hang_up(sock)
            self._sockets = []

    def close(self) -> None:
        self.stop()
        _hang_up(self._listener)

    def _accept(self) -> None:
        import threading

        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            # Under the lock, so that a stop() cannot miss a pair being set up.
            with self._lock:
                if self._cut:
                    _hang_up(client)
                    continue
                upstream = socket.create_connection(self.upstream)
                self._sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _hang_up(sock: socket.socket) -> None:
    # shutdown() first: it wakes a thread blocked in recv() or accept() on it.
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


# What collectstatic copies and compresses, with the installed packages' own files (the
# admin's, allauth's): the settings that name them and the storage, the site's static
# folder and every app's.
STATIC_SOURCES = (ROOT / "roadmap_site" / "settings.py", ROOT / "static", *ROOT.glob("*/static"))


def shared_static_root() -> Path:
    """Where collectstatic's output for this checkout as it is now goes, shared by every
    live site and the Lighthouse audit from one run to the next (a collect takes some 2 s
    of CPU); collect_static() makes it when missing. Its name holds a hash of
    STATIC_SOURCES and of the installed packages' versions, so a change to any makes
    another (and drops this checkout's older ones)."""
    digest = hashlib.sha256()
    for source in sorted(STATIC_SOURCES):
        for path in sorted(source.rglob("*")) if source.is_dir() else [source]:
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    packages = (f"{d.metadata['Name']}=={d.version}" for d in importlib.metadata.distributions())
    digest.update("\n".join(sorted(packages)).encode())
    folder = Path(tempfile.gettempdir()) / own_database("roadmap-static")
    name = digest.hexdigest()[:12]
    for old in folder.glob("[0-9a-f]" * 12):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return folder / name


def collect_static(static_root: Path, env: dict[str, str]) -> None:
    """collectstatic into `static_root` unless it is complete (env: a production one).

    It collects beside it and renames when done: the manifest is written before the
    files are compressed, so a folder collected in place could be served half made."""
    if (static_root / "staticfiles.json").exists():
        return
    static_root.parent.mkdir(parents=True, exist_ok=True)
    building = static_root.parent / f"building-{os.getpid()}"
    shutil.rmtree(building, ignore_errors=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT, env={**env, "STATIC_ROOT": str(building)}, check=True,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        building.replace(static_root)  # onto nothing, or an empty folder (mkdtemp's)
    except OSError:  # another process finished one first
        shutil.rmtree(building)


class RedisServer:
    """A Redis server of the test's (or benchmark's) own, on a free loopback port.

    Nothing else uses it, so stopping, restarting or flushing it can harm nothing;
    the machine's shared Redis is never touched."""

    def __init__(self) -> None:
        import tempfile

        self.port = 0
        self.process: subprocess.Popen | None = None
        self.directory = tempfile.mkdtemp(prefix="roadmap-redis-")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start it (again, on the same port after a stop, as a restarted server would be)."""
        for _ in range(5):
            if not self.port:
                # redis-server binds its port itself: one the kernel just picked
                # could be taken meanwhile, so a failed start tries another.
                with bound_socket() as sock:
                    self.port = sock.getsockname()[1]
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                 "--save", "", "--appendonly", "no", "--dir", self.directory,
                 "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            if self._answers():
                return
            self.process.kill()
            self.process.wait()
            self.port = 0  # taken by someone else meanwhile: try another
        raise AssertionError("redis-server did not start")

    def _answers(self, timeout: float = 10) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if self.cli("ping") == "PONG":
                return True
            time.sleep(0.05)
        return False

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            ["redis-cli", "-p", str(self.port), *args], capture_output=True, text=True, timeout=10
        )
        return result.stdout.strip()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.resume()  # a paused server cannot act on SIGTERM
            self.process.terminate()
            self.process.wait(timeout=10)

    def pause(self) -> None:
        """Hang it, as a Redis that stops answering does: connections are accepted
        (the kernel does that) and nothing is ever answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)
