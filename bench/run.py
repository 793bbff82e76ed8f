"""The benchmark: `make bench` (or `.venv/bin/python bench/run.py`).

Seeds a PostgreSQL database of its own, starts a Redis server of its own and
gunicorn (2 workers, DEBUG off) and drives it with wrk at 32 connections, all in
one run:

* the baseline: a trivial view behind the whole middleware stack;
* the references: a naive signed-in page (every published step with the
  learner's status and one form per step) and a naive POST (`update_or_create`
  of one progress row), as a first Django tutorial would write them
  (bench/views.py, routed only with BENCH on);
* visitors' pages (/, a stage, a step, /courses/), from the page cache;
* a learner's /, stage, step, /progress/ and /plan/, rendered on every request;
* the status-change POST and the self-check tick POST, as the page's scripts send them;
* the learner's settings page (its ~600 time zones), one request at a time: its
  latency in ms, not a ratio;
* the learner's pages again after filling the database with 50,000 learners,
  2,000,000 progress rows and their activity events.

It prints req/s, p50 and p99 for each, the ratios the targets are set in, checks
the targets and exits non-zero when one is missed. Environment: BENCH_SECONDS
(default 10), BENCH_SCALE=0 to skip the fill, BENCH_PG (default
postgres://postgres@127.0.0.1:5432), BENCH_DATABASE (default roadmap_bench; it is
dropped and made afresh) and BENCH_PORT (default 8765), so that two runs can go side
by side.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.live_servers import RedisServer  # noqa: E402 - the tests start Redis the same way

PYTHON = sys.executable
PG = os.getenv("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DATABASE = os.getenv("BENCH_DATABASE", "roadmap_bench")
if not re.fullmatch(r"[a-z_][a-z0-9_]*", DATABASE):  # it goes into DROP DATABASE unquoted
    sys.exit(f"BENCH_DATABASE must be a plain lower-case name, not {DATABASE!r}")
PORT = int(os.getenv("BENCH_PORT", "8765"))
SECONDS = int(os.getenv("BENCH_SECONDS", "10"))
CONNECTIONS = 32
RESULTS = ROOT / "bench" / "results"
# Each kind of page and the reference its ratio is taken against.
TARGETS = {
    "visitor": ("trivial view", 0.8),
    "learner": ("naive signed-in page", 0.8),
    "post": ("naive POST", 0.9),
}
#: The settings page, alone (one connection): its median latency stays under this.
SETTINGS_P50_MS = 10.0
VISITOR_P99_MS = 50.0
SETTINGS_PATH = "/accounts/settings/"
SCALE_SLOWDOWN = 1.5

ENV = {
    **os.environ,
    "DEBUG": "false",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdefghij",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": f"{PG}/{DATABASE}",
    "BENCH": "true",
    # Plain HTTP on loopback: a real deployment has TLS at the reverse proxy.
    "SECURE_SSL_REDIRECT": "false",
    "SESSION_COOKIE_SECURE": "false",
    "CSRF_COOKIE_SECURE": "false",
    "WEB_CONCURRENCY": "2",
    # wrk keeps its 32 connections open; without a cap per worker the kernel may
    # hand all of them to one worker, and the run measures one core, not two
    # (seen: 1,500 against 4,100 req/s for the trivial view, by luck of accept).
    "GUNICORN_WORKER_CONNECTIONS": str(CONNECTIONS // 2),
    "PORT": str(PORT),
    "LOG_LEVEL": "WARNING",
}
ENV.pop("DJANGO_SETTINGS_MODULE", None)


@dataclass
class Result:
    name: str
    kind: str  # baseline, reference, visitor, learner, post, settings
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


# ---------------------------------------------------------------- setup


def run(*args: str, **kwargs) -> str:
    return subprocess.run(
        args, cwd=ROOT, env=ENV, check=True, text=True, capture_output=True, **kwargs
    ).stdout


def ensure_tools() -> None:
    if not shutil.which("wrk"):
        if os.geteuid() != 0:
            sys.exit("The benchmark needs wrk: sudo apt-get install -y wrk")
        print("Installing wrk from Debian's packages")
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )


def fresh_database() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    run(PYTHON, "manage.py", "migrate", "--noinput")
    run(PYTHON, "manage.py", "seed")
    run(PYTHON, "manage.py", "collectstatic", "--noinput")


def analyze() -> None:
    """What autovacuum does soon after a load (and a live database has long done):
    statistics for the planner, before anything is measured."""
    import psycopg

    with psycopg.connect(f"{PG}/{DATABASE}", autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def start_server() -> subprocess.Popen:
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"gunicorn did not start: {server.stderr.read().decode()[-2000:]}")


# ---------------------------------------------------------------- measuring

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def wrk(
    name: str,
    kind: str,
    path: str,
    cookie: str = "",
    script: str = "",
    extra_env: dict | None = None,
    connections: int = CONNECTIONS,
) -> Result:
    threads = min(2, connections)
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{SECONDS}s", "--latency"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    if script:
        args += ["-s", script]
    args.append(f"http://127.0.0.1:{PORT}{path}")
    out = subprocess.run(
        args, check=True, text=True, capture_output=True, env={**os.environ, **(extra_env or {})}
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, flags=re.MULTILINE))
    if set(latency) != {"50", "99"}:
        sys.exit(f"wrk gave no latency figures for {path}:\n{out}")
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return Result(name, kind, rps, _ms(latency["50"]), _ms(latency["99"]), errors)


def warm(paths: list[str], cookie: str = "") -> None:
    for path in paths:
        request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}")
        if cookie:
            request.add_header("Cookie", cookie)
        for _ in range(3):
            urllib.request.urlopen(request, timeout=10).read()


def post(name: str, kind: str, path: str, info: dict, **fields: str) -> Result:
    """A POST as the page's scripts send it (bench/post_status.lua); `fields` may name the
    field and the values it cycles through (BENCH_FIELD, BENCH_VALUES)."""
    return wrk(
        name,
        kind,
        path,
        script=str(ROOT / "bench" / "post_status.lua"),
        extra_env={
            "BENCH_PATH": path,
            "BENCH_COOKIE": learner_cookie(info),
            "BENCH_TOKEN": info["csrf_secret"],
            **fields,
        },
    )


def learner_cookie(info: dict) -> str:
    return f"{info['session_cookie']}; {info['csrf_cookie']}"


def measure_all(info: dict) -> list[Result]:
    visitor_pages = [
        ("/", "/"),
        ("stage page", info["stage_url"]),
        ("step page", info["step_url"]),
        ("/courses/", "/courses/"),
    ]
    warm([p for _, p in visitor_pages])
    warm(["/bench/naive/", SETTINGS_PATH, *learner_pages(info).values()], learner_cookie(info))
    wrk("warm-up", "baseline", "/bench/trivial")
    results = [
        wrk("trivial view", "baseline", "/bench/trivial"),
        wrk("naive signed-in page", "reference", "/bench/naive/", cookie=learner_cookie(info)),
        post("naive POST", "reference", info["naive_post_url"], info),
    ]
    results += [wrk(f"visitor {n}", "visitor", p) for n, p in visitor_pages]
    results += measure_learner(info, label="")
    results.append(post("learner status POST", "post", info["status_url"], info))
    results.append(
        post("learner tick POST", "post", info["tick_url"], info,
             BENCH_FIELD="ticked", BENCH_VALUES="1 0")
    )  # fmt: skip
    # One request at a time: how long the page takes, not how many the server serves.
    results.append(
        wrk("learner settings page", "settings", SETTINGS_PATH, learner_cookie(info), connections=1)
    )
    return results


def learner_pages(info: dict) -> dict[str, str]:
    return {
        "/": "/",
        "stage page": info["stage_url"],
        "step page": info["step_url"],
        "/progress/": "/progress/",
        "/plan/": "/plan/",
    }


def measure_learner(info: dict, label: str) -> list[Result]:
    """A learner's pages, rendered on every request."""
    cookie = learner_cookie(info)
    return [
        wrk(f"learner {n}{label}", "learner", p, cookie=cookie)
        for n, p in learner_pages(info).items()
    ]


# ---------------------------------------------------------------- report


def report(results: list[Result], scaled: list[Result], fill: dict | None) -> list[str]:
    by_name = {r.name: r for r in results}
    columns = ("req/s", "p50 ms", "p99 ms", "ratio")
    lines = [f"{'page':32} " + " ".join(f"{c:>8}" for c in columns) + f"  {'of':22} errors"]
    failures = []
    for r in results + scaled:
        reference, target = TARGETS.get(r.kind, ("trivial view", None))
        ratio = r.rps / by_name[reference].rps
        lines.append(
            f"{r.name:32} {r.rps:8.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {ratio:8.2f}  "
            f"{reference:22} {r.errors:6d}"
        )
        if target is not None and r in results and ratio < target:
            failures.append(f"{r.name}: {ratio:.2f} of the {reference} < {target}")
        if r.kind == "settings" and r.p50_ms >= SETTINGS_P50_MS:
            failures.append(f"{r.name}: p50 {r.p50_ms:.1f} ms >= {SETTINGS_P50_MS} ms")
        if r.kind == "visitor" and r.p99_ms >= VISITOR_P99_MS:
            failures.append(f"{r.name}: p99 {r.p99_ms:.1f} ms >= {VISITOR_P99_MS} ms")
        if r.errors:
            failures.append(f"{r.name}: {r.errors} errors or non-2xx/3xx answers")
    for r in scaled:
        slowdown = by_name[r.name.removesuffix(" (filled)")].rps / r.rps
        lines.append(f"{r.name:32} {slowdown:.2f}x slower than on the empty database")
        if slowdown > SCALE_SLOWDOWN:
            failures.append(f"{r.name}: {slowdown:.2f}x slower > {SCALE_SLOWDOWN}x")
    if fill:
        lines.append(
            f"filled database: {fill['users']} users, {fill['progress_rows']} progress rows, "
            f"{fill.get('events', 0)} activity events"
        )
    lines += [f"MISSED: {f}" for f in failures] or ["All targets met."]
    return lines


def main() -> int:
    ensure_tools()
    redis = RedisServer()
    redis.start()
    ENV["REDIS_URL"] = redis.url
    print(f"Seeding {DATABASE} and starting gunicorn on 127.0.0.1:{PORT} (2 workers)")
    fresh_database()
    info = json.loads(run(PYTHON, "bench/django_side.py", "learner"))
    analyze()
    server = start_server()
    scaled, fill = [], None
    try:
        results = measure_all(info)
        if os.getenv("BENCH_SCALE", "1") != "0":
            print("Filling the database: 50,000 learners, 2,000,000 progress rows")
            started = time.monotonic()
            fill = json.loads(run(PYTHON, "bench/django_side.py", "fill", "50000", "2000000"))
            print(f"  filled in {time.monotonic() - started:.0f} s")
            warm(list(learner_pages(info).values()), learner_cookie(info))
            scaled = measure_learner(info, label=" (filled)")
            RESULTS.mkdir(exist_ok=True)
            (RESULTS / "plans.txt").write_text(run(PYTHON, "bench/django_side.py", "plans"))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # wrk's idle keep-alive connections hold it open
            server.kill()
            server.wait()
        redis.stop()
    lines = report(results, scaled, fill)
    machine = run(
        "sh",
        "-c",
        "nproc; lscpu | sed -n 's/^Model name: *//p'; free -g | awk '/Mem:/{print $2 \" GiB\"}'",
    )
    lines.insert(
        0,
        f"machine: {' / '.join(machine.split(chr(10))[:3])}; {SECONDS} s per page, "
        f"{CONNECTIONS} connections, 2 gunicorn workers",
    )
    print("\n".join(lines))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.txt").write_text("\n".join(lines) + "\n")
    return 1 if any(line.startswith("MISSED") for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
