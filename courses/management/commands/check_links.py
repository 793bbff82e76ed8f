import time
from urllib.parse import urlsplit, urlunsplit

from django.core.management.base import BaseCommand, CommandError

from courses.link_checker import check_all, record
from courses.models import Course


def _rewriter(origin: str):
    """Send every request to `origin` instead, keeping each URL's path and query."""
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CommandError(f"--rewrite-origin needs an http(s) origin, not {origin!r}.")

    def target(url: str) -> str:
        original = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc, original.path, original.query, ""))

    return target


class Command(BaseCommand):
    help = (
        "Check every course URL (concurrently, with a time-out and one request at a time per "
        "host), follow redirects, record the status, final URL and time on each course, and "
        "list the broken ones."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=8, help="parallel checks (default 8)")
        parser.add_argument(
            "--timeout", type=float, default=10.0, help="seconds to wait for a host (default 10)"
        )
        parser.add_argument(
            "--per-host-delay",
            type=float,
            default=1.0,
            help="seconds between two requests to the same host (default 1)",
        )
        parser.add_argument(
            "--rewrite-origin",
            metavar="ORIGIN",
            help="for measuring: request every URL from this origin (http://127.0.0.1:8001, "
            "say) instead of its own host; the per-host rate still follows the real hosts, "
            "and nothing is recorded",
        )

    def handle(self, *args, workers, timeout, per_host_delay, rewrite_origin, **options):
        if workers < 1 or timeout <= 0 or per_host_delay < 0:
            raise CommandError("--workers and --timeout must be positive, the delay not negative.")
        target = _rewriter(rewrite_origin) if rewrite_origin else (lambda url: url)
        courses = Course.objects.order_by("url").values_list("url", "title")
        titles = dict(courses)
        started = time.monotonic()
        broken = []
        for result in check_all(
            titles, workers=workers, timeout=timeout, per_host_delay=per_host_delay, target=target
        ):
            if not rewrite_origin:
                record(result)
            if result.is_broken:
                broken.append(result)
        elapsed = time.monotonic() - started
        self._report(sorted(broken, key=lambda r: r.url), titles, elapsed)

    def _report(self, broken, titles: dict[str, str], elapsed: float) -> None:
        for result in broken:
            why = f"HTTP {result.status}" if result.status else result.error
            self.stdout.write(f"BROKEN  {why:<24} {titles[result.url]}  <{result.url}>")
        summary = f"Checked {len(titles)} links in {elapsed:.1f} s: {len(broken)} broken."
        style = self.style.ERROR if broken else self.style.SUCCESS
        self.stdout.write(style(summary))
