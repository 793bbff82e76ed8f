from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from roadmap_site.page_cache import page_cache_state
from roadmap_site.task_queue import queue_state


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the app and its database answer, 503 when the database does not.

    The page cache (Redis) is an accelerator: when it does not answer, the site
    still serves every page, so this stays 200 and reports the cache as degraded
    ("off" without one). The task queue is `degraded` (still 200) when a ready task
    has waited more than 15 minutes: workers are down or behind.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database: unavailable\ncache: unknown\nqueue: unknown\n",
            status=503,
            content_type="text/plain",
        )
    try:
        queue = queue_state()
    except DatabaseError:  # the database answers, its tasks table does not (not migrated)
        queue = "unknown"
    return HttpResponse(
        f"database: ok\ncache: {page_cache_state()}\nqueue: {queue}\n",
        content_type="text/plain",
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # A missing step is no page of the roadmap: the header marks no section as current.
    request.resolver_match = None
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Rendered without a request context: a request refused early (an unknown
    # Host, say) has no user or session, and its host must not be echoed.
    return HttpResponse(loader.render_to_string("400.html"), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without a request context: the database may be why we are here.
    return HttpResponse(loader.render_to_string("500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)
