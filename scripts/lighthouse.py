#!/usr/bin/env python3
"""Audit the main pages with Lighthouse and print the scores and page weights.

Serves the site the way production does (gunicorn, DEBUG off, whitenoise's
compressed static files) on a throwaway seeded SQLite database, then runs
Lighthouse (node_modules, from package-lock.json) with Debian's chromium.

    .venv/bin/python scripts/lighthouse.py            # prints a table
    .venv/bin/python scripts/lighthouse.py --json     # machine-readable
"""

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_servers import (  # noqa: E402
    collect_static,
    own_database,
    seeded_sources_digest,
    shared_static_root,
)

PYTHON = sys.executable
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "roadmap": "/",
    "stage": "/stages/backend-frameworks/",
    "step": "/stages/backend-frameworks/django-fundamentals/",
    "catalogue": "/courses/",
}
MIN_SCORE = 95
MAX_BYTES = 100 * 1024


@dataclass
class Audit:
    page: str
    path: str
    scores: dict[str, int]
    transfer_bytes: int


def _production_env(database: Path, static_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="lighthouse-audit-only-not-a-secret-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=f"sqlite:///{database}",
        STATIC_ROOT=str(static_root),
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        REDIS_URL="",
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def _wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {server.returncode}") from None
            time.sleep(0.3)
    raise RuntimeError(f"the server at {url} did not answer in {seconds} s")


def _seeded_template() -> Path:
    """A SQLite database migrated and seeded from this checkout as it is now, made once
    and copied by every audit after: migrate and seed take some 9 s of CPU.

    As tests/live_servers.py's PostgreSQL template, its name holds a hash of everything
    migrate and seed run, so an edit to any of it makes a new one (and removes the older
    ones); it is made under a name of its own and renamed when complete, so a run cut
    short never leaves a half-made one to copy.
    """
    folder = Path(tempfile.gettempdir()) / own_database("roadmap-lighthouse")
    folder.mkdir(exist_ok=True)
    template = folder / f"{seeded_sources_digest()}.sqlite3"
    if not template.exists():
        for old in folder.glob("*.sqlite3"):
            old.unlink(missing_ok=True)
        building = folder / f"building-{os.getpid()}"
        building.unlink(missing_ok=True)
        env = _production_env(building, folder / "static-unused")
        _manage(env, "migrate", "--noinput")
        _manage(env, "seed")
        building.replace(template)
    return template


@contextmanager
def production_server():
    """Yield the base URL of gunicorn serving a freshly seeded copy of the site."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        database = Path(tmp) / "db.sqlite3"
        shutil.copyfile(_seeded_template(), database)
        env = _production_env(database, shared_static_root())
        collect_static(shared_static_root(), env)
        # gunicorn listens on a socket bound here and handed over (fd://): a port
        # picked and let go could be taken by another process before gunicorn binds it.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            server = subprocess.Popen(
                [PYTHON, "-m", "gunicorn", "roadmap_site.wsgi", "--bind", f"fd://{sock.fileno()}",
                 "--workers", "2", "--config", "/dev/null"],
                cwd=ROOT, env=env, pass_fds=[sock.fileno()],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        try:
            _wait_until_up(base + "/healthz", server)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)


@contextmanager
def chromium():
    """Yield the DevTools port of one headless chromium that every audit shares.

    It starts with the flags Lighthouse's own launcher (chrome-launcher) gives the
    browsers it starts; each Lighthouse run opens a tab of its own in it, clears the
    site's storage and cache first, and closes the tab: starting a browser per audit
    only cost time.
    """
    defaults = subprocess.run(
        ["node", "--input-type=module", "-e",
         "import {Launcher} from 'chrome-launcher';"
         "console.log(JSON.stringify(Launcher.defaultFlags()))"],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="lighthouse-chromium-") as profile:
        browser = subprocess.Popen(
            [CHROMIUM, *json.loads(defaults), *CHROME_FLAGS.split(), "--remote-debugging-port=0",
             f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            yield _devtools_port(Path(profile) / "DevToolsActivePort", browser)
        finally:
            browser.terminate()
            browser.wait(timeout=10)


def _devtools_port(announced: Path, browser: subprocess.Popen, seconds: float = 30) -> int:
    """The port chromium picked, from the file it writes once it listens on it."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if announced.exists() and (first_line := announced.read_text().partition("\n")[0]):
            return int(first_line)
        if browser.poll() is not None:
            raise RuntimeError(f"chromium exited with status {browser.returncode}")
        time.sleep(0.1)
    raise RuntimeError(f"chromium opened no DevTools port in {seconds} s")


def audit(base: str, pages: list[str], port: int, tries: int = 3) -> list[Audit]:
    """Lighthouse on the pages (its default mobile profile, the stricter one).

    Chromium sometimes fails to record a trace on a busy machine (NO_NAVSTART):
    that page is audited again, up to `tries` times in all.
    """
    audits: dict[str, Audit] = {}
    for attempt in range(1, tries + 1):
        errors = _audit_once(base, [page for page in pages if page not in audits], port, audits)
        if not errors:
            return [audits[page] for page in pages]
        if attempt == tries:
            raise RuntimeError("lighthouse failed:\n" + "\n".join(errors))
    raise AssertionError("unreachable")


def _audit_once(base: str, pages: list[str], port: int, audits: dict[str, Audit]) -> list[str]:
    """Audit the pages in one Node process, into `audits`; the errors, if any."""
    flags = {
        "port": port,  # the running chromium: Lighthouse opens a tab in it
        "logLevel": "error",
        "onlyCategories": list(CATEGORIES),  # lighthouse.mjs skips their audits of weight 0
    }
    result = subprocess.run(
        ["node", str(ROOT / "scripts" / "lighthouse.mjs"), json.dumps(flags),
         *(base + PAGES[page] for page in pages)],
        cwd=ROOT, capture_output=True, text=True, timeout=180 * len(pages),
    )  # fmt: skip
    by_url = {base + PAGES[page]: page for page in pages}
    errors = []
    for line in result.stdout.splitlines():
        report = json.loads(line)
        page = by_url[report["url"]]
        if report["error"]:
            errors.append(f"{PAGES[page]}: {report['error']}")
            continue
        scores = {name: round(100 * report["scores"][name]) for name in CATEGORIES}
        audits[page] = Audit(page, PAGES[page], scores, int(report["weight"]))
    if result.returncode:
        errors.append(
            f"lighthouse exited with status {result.returncode}:\n{result.stderr[-2000:]}"
        )
    return errors


RUNS = 3


def passes(audit: Audit) -> bool:
    return min(audit.scores.values()) >= MIN_SCORE and audit.transfer_bytes < MAX_BYTES


def settled_audit(base: str, first: Audit, port: int, runs: int = RUNS) -> Audit:
    """The first audit when it passes; otherwise the median of `runs` audits, category by
    category.

    Accessibility, best practices, SEO and the page weight come out the same on
    every run. The performance score varies by several points on a loaded
    machine (a busy CPU only lowers it), so a run that falls short is not the
    last word: as Lighthouse's own advice goes, a few runs are made and the
    median taken. A first run that passes needs no more: that saves two runs
    of about 10 s for each page.
    """
    if passes(first):
        return first
    audits = [first, *(audit(base, [first.page], port)[0] for _ in range(runs - 1))]
    scores = {c: statistics.median_low(a.scores[c] for a in audits) for c in CATEGORIES}
    weight = statistics.median_low(a.transfer_bytes for a in audits)
    return Audit(page=first.page, path=first.path, scores=scores, transfer_bytes=weight)


def run_all(pages: list[str] | None = None) -> list[Audit]:
    """Audit the named pages (all of PAGES by default) on a production-like server."""
    with production_server() as base, chromium() as port:
        return [
            settled_audit(base, first, port) for first in audit(base, pages or list(PAGES), port)
        ]


def _table(audits: list[Audit]) -> str:
    head = f"{'page':<10} {'path':<44} " + " ".join(f"{c[:13]:>14}" for c in CATEGORIES)
    lines = [head + f" {'KB transferred':>15}"]
    for a in audits:
        cells = " ".join(f"{a.scores[c]:>14}" for c in CATEGORIES)
        lines.append(f"{a.page:<10} {a.path:<44} {cells} {a.transfer_bytes / 1024:>15.1f}")
    return "\n".join(lines)


def main() -> int:
    audits = run_all([arg for arg in sys.argv[1:] if arg in PAGES])
    if "--json" in sys.argv:
        print(json.dumps([asdict(a) for a in audits], indent=2))
    else:
        print(_table(audits))
    return 0 if all(passes(a) for a in audits) else 1


if __name__ == "__main__":
    sys.exit(main())
