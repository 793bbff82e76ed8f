"""Visitors' pages, kept in Django's cache and retired when editors change content.

A visitor (no account, no guest progress, no message waiting) sees exactly the
same roadmap, stage, step and catalogue page as every other visitor: those
pages carry no CSRF token or session cookie. So `cache_for_visitors`
keeps each one in the default cache (Redis in production, shared by every app
server) under a key made of the view, the URL's own arguments, the query
parameters the view reads and the theme (light, dark or the system's: the page
is rendered in it). Query strings the view does not read, the Host header and
other cookies never make a new entry.

Each page is kept with the *content version* it was rendered at, and served only
while that version is current (both are read in one round trip). Any save or
delete of content bumps the version when its transaction commits, so every
stored page is retired at once on every server. Code that
changes content with `QuerySet.update()` sends no signal and must call
`bump_content_version()` itself.

The cache is an accelerator: when it does not answer (Redis stopped), pages are
simply rendered.
"""

import hashlib
import json
import uuid
from collections.abc import Callable
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from progress.selectors import is_tracking
from roadmap_site.themes import theme_of

CONTENT_VERSION_KEY = "content-version"
# What visitors see; a new content model belongs here too.
CONTENT_MODELS = (
    "roadmap.Stage",
    "roadmap.Step",
    "roadmap.Checkpoint",
    "courses.Provider",
    "courses.Course",
    "courses.StepCourse",
)
HEADER = "X-Page-Cache"


def content_version() -> str | None:
    """The current content version, or None when the cache does not answer."""
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        cache.add(CONTENT_VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(CONTENT_VERSION_KEY)
    return version


def bump_content_version() -> None:
    """Retire every stored visitor page, on every app server, once the transaction commits."""
    transaction.on_commit(
        lambda: cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex, timeout=None), robust=True
    )


def _content_changed(**_signal_kwargs) -> None:
    bump_content_version()


def connect_invalidation() -> None:
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_content_changed, sender=model, dispatch_uid=f"page_cache:{label}")
    # A release runs `migrate`: its data migrations (historical models send no signal
    # the receivers above hear) and its new templates may change every page.
    post_migrate.connect(
        _content_changed, sender=apps.get_app_config("roadmap"), dispatch_uid="page_cache:migrate"
    )


def is_plain_visitor(request: HttpRequest) -> bool:
    """Whether this request gets the page every visitor gets (nothing of their own on it)."""
    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not is_tracking(request) and "_messages" not in request.session


def _key(request: HttpRequest, view: Callable, kwargs: dict, params: tuple[str, ...]) -> str:
    values = [request.GET.get(name) for name in params]
    inputs = json.dumps([theme_of(request), kwargs, values], sort_keys=True)
    digest = hashlib.sha256(inputs.encode()).hexdigest()
    return f"page:{view.__module__}.{view.__qualname__}:{digest}"


def _storable(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def cache_for_visitors(*params: str) -> Callable:
    """Keep the view's page for visitors; `params` are the query parameters it reads.

    A view marks a page not worth keeping (say, one for invalid parameters) with
    `Cache-Control: private`, as for any shared cache.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not settings.PAGE_CACHE_SECONDS or not is_plain_visitor(request):
                return view(request, *args, **kwargs)
            key = _key(request, view, kwargs, params)
            # One round trip: the page is kept with the content version it shows.
            found = cache.get_many([CONTENT_VERSION_KEY, key])
            version = found.get(CONTENT_VERSION_KEY) or content_version()
            if version is None:  # the cache does not answer: render
                return view(request, *args, **kwargs)
            stored = found.get(key)
            if stored is not None and stored[0] == version:
                response = HttpResponse(stored[1])
                response[HEADER] = "hit"
            else:
                response = view(request, *args, **kwargs)
                if not _storable(response):
                    return response
                cache.set(key, (version, response.content), settings.PAGE_CACHE_SECONDS)
                response[HEADER] = "miss"
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator
