"""Visitors' pages, kept in Redis and retired the moment editors change content.

A visitor (no account, no guest progress, no message waiting) sees exactly the
same roadmap, stage, step and catalogue page as every other visitor: those
pages carry no CSRF token or session cookie. So `cache_for_visitors` keeps
each one in the "pages" cache (Redis, shared by every app server) under a key
made of the view, the URL's own arguments, the query parameters the view reads
and the theme (light, dark or the system's: the page is rendered in it). Query
strings the view does not read, the Host header and other cookies never make a
new entry.

Only pages worth keeping are kept: those with at most one of the view's query
parameters set (the catalogue, and the catalogue by one filter, order or page).
Their number is bounded by the content; combinations of filters (about a million)
are rendered each time. Redis bounds the rest (`maxmemory`, docs/deploying.md).

Each page is kept with the *content version* it was rendered at, and served only
while that version is current. The version lives in the database (the default
cache, Django's database cache): once a save or delete of content commits, a
new version is written there, so the database witnesses every edit whatever
Redis was doing. Redis keeps a copy of it beside the pages, so that a visitor's
page is one round trip (the copy and the page in one MGET). The copy is replaced
as the new version is written, and Redis may have missed that (stopped or
hanging as the edit was saved): so every new connection to Redis first drops
the copy (a restarted Redis, back with an old snapshot, is reached only through
new connections), and the copy lives only `VERSION_COPY_SECONDS` (for a Redis
that hung without being restarted). Either way the next page takes the version
from the database. Code that changes content with `QuerySet.update()` sends no
signal and must call `bump_content_version()`.

Redis is an accelerator: when it does not answer, pages are rendered, one
warning is logged, and this process leaves Redis alone for `RETRY_SECONDS`
before it tries again. Without Redis no page is kept.
"""

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.management import call_command
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from redis import ConnectionPool
from redis.connection import AbstractConnection
from redis.exceptions import RedisError

from progress.guest import is_tracking
from roadmap_site.content import CONTENT_MODELS
from roadmap_site.themes import theme_of

logger = logging.getLogger(__name__)

PAGES = "pages"  # the cache alias (settings.CACHES)
VERSION_KEY = "content-version"
# How long Redis's copy of the content version is trusted: the longest a page can
# stay stale after an edit that a Redis hanging at the time missed.
VERSION_COPY_SECONDS = 1
# How long a process renders pages without trying Redis after it failed to answer.
RETRY_SECONDS = 5
# While in the future (time.monotonic()), this process leaves Redis alone; 0 when it answers.
_unavailable_until = 0.0


def _page_store() -> BaseCache | None:
    """The page cache, or None when there is none or it did not answer just now."""
    if not settings.PAGE_CACHE_SECONDS or time.monotonic() < _unavailable_until:
        return None
    return caches[PAGES]


def _failed(error: RedisError) -> None:
    global _unavailable_until
    if not _unavailable_until:
        logger.warning("The page cache does not answer (%s): pages are rendered meanwhile.", error)
    _unavailable_until = time.monotonic() + RETRY_SECONDS


def _answered() -> None:
    global _unavailable_until
    if _unavailable_until:
        logger.info("The page cache answers again.")
        _unavailable_until = 0.0


class PagesConnectionPool(ConnectionPool):
    """Connections to the page cache's Redis (settings.CACHES["pages"]["OPTIONS"])."""

    def __init__(self, **kwargs) -> None:
        super().__init__(redis_connect_func=_connected, **kwargs)


def _connected(connection: AbstractConnection) -> None:
    connection.on_connect()
    # This Redis may just have been restarted with an old copy of the content version.
    connection.send_command("DEL", caches[PAGES].make_and_validate_key(VERSION_KEY))
    connection.read_response()


def content_version() -> str:
    """The current content version, as the database has it."""
    return str(caches["default"].get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, timeout=None))


def _new_version() -> None:
    version = uuid.uuid4().hex
    caches["default"].set(VERSION_KEY, version, timeout=None)
    store = _page_store()
    if store is not None:
        try:
            store.set(VERSION_KEY, version, VERSION_COPY_SECONDS)
        except RedisError as error:
            _failed(error)  # the copy expires soon; the database has the version


def bump_content_version() -> None:
    """Retire every kept visitor page, on every app server, once the transaction commits."""
    transaction.on_commit(_new_version, robust=True)


def _content_changed(**_signal_kwargs) -> None:
    bump_content_version()


def _migrated(using: str, **_signal_kwargs) -> None:
    # The database cache's table (the content version, the sign-in limits) is made
    # here, so that `migrate` stays the one release step.
    call_command("createcachetable", database=using, verbosity=0)
    # A release's data migrations (historical models send no signal the receivers
    # below hear) and its new templates may change every page.
    bump_content_version()


def connect_invalidation() -> None:
    for label in CONTENT_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_content_changed, sender=model, dispatch_uid=f"page_cache:{label}")
    post_migrate.connect(
        _migrated, sender=apps.get_app_config("roadmap"), dispatch_uid="page_cache:migrate"
    )


def page_cache_state() -> str:
    """ "ok", "degraded" (Redis does not answer) or "off" (no page cache), for /healthz."""
    if not settings.PAGE_CACHE_SECONDS:
        return "off"
    store = _page_store()
    if store is None:
        return "degraded"
    key = f"healthz:{uuid.uuid4().hex}"  # one per probe: servers share the cache
    try:
        store.set(key, True, timeout=10)
        answered = store.get(key) is True
        store.delete(key)
    except RedisError as error:
        _failed(error)
        return "degraded"
    _answered()
    return "ok" if answered else "degraded"


def is_plain_visitor(request: HttpRequest) -> bool:
    """Whether this request gets the page every visitor gets (nothing of their own on it)."""
    if request.method not in ("GET", "HEAD") or "messages" in request.COOKIES:
        return False
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    return not is_tracking(request) and "_messages" not in request.session


def _set_parameters(request: HttpRequest, params: tuple[str, ...]) -> dict[str, str]:
    # A parameter left empty (as a GET form sends it) counts as not set.
    return {name: request.GET[name] for name in params if request.GET.get(name)}


def _key(request: HttpRequest, view: Callable, kwargs: dict, values: dict[str, str]) -> str:
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


def _lookup(store: BaseCache, key: str) -> tuple[str, tuple | None] | None:
    """The current content version and the kept page (or None), in one round trip;
    None when Redis does not answer."""
    try:
        found = store.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY)
        if version is None:  # the copy expired: take the version from the database
            version = content_version()
            store.add(VERSION_KEY, version, VERSION_COPY_SECONDS)  # never over a newer one
    except RedisError as error:
        _failed(error)
        return None
    _answered()
    return version, found.get(key)


def _keep(store: BaseCache, key: str, version: str, response: HttpResponse) -> None:
    try:
        store.set(key, (version, response.content), settings.PAGE_CACHE_SECONDS)
    except RedisError as error:
        _failed(error)


def cache_for_visitors(*params: str) -> Callable:
    """Keep the view's page for visitors; `params` are the query parameters it reads.

    A view marks a page not worth keeping (say, one for invalid parameters) with
    `Cache-Control: private`, as for any shared cache.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            store = _page_store()
            values = _set_parameters(request, params)
            if store is None or len(values) > 1 or not is_plain_visitor(request):
                return view(request, *args, **kwargs)
            key = _key(request, view, kwargs, values)
            found = _lookup(store, key)
            if found is None:
                return view(request, *args, **kwargs)
            version, stored = found
            if stored is not None and stored[0] == version:
                response = HttpResponse(stored[1])
            else:
                response = view(request, *args, **kwargs)
                if not _storable(response):
                    return response
                _keep(store, key, version, response)
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator
