"""The full-page cache for visitors, shared by every app server through Redis.

Who gets cached pages: GET/HEAD requests with no session cookie and no
messages cookie (so anonymous, and not a guest with progress in a session),
for the public views named in settings.PAGE_CACHE_VIEWS. Only 200 answers that
set no cookie other than the CSRF one are stored. Learners' and guests' pages
never come from here, so they are right after every status change.

Invalidation: every stored page carries the *content version* it was rendered
at, a counter in the shared cache that any save or delete of a content model
bumps (see `bump_content_version`); a page is served only while its version is
the current one. Both are read in one round trip (MGET). A change made through
one app server is seen by all of them at once.

CSRF: visitors' pages hold forms (the status controls), so a stored page must
not hand one visitor's token to the next. The token is swapped for a
placeholder when the page is stored and a fresh token for this request (which
also sets its cookie) is put back when the page is served.
"""

import hashlib
import re
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve

VERSION_KEY = "content-version"
CONTENT_APPS = ("roadmap", "courses")
THEMES = frozenset({"dark", "light"})
TOKEN_PLACEHOLDER = b"__CSRF_TOKEN_PLACEHOLDER__"
TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]+)(")')
CACHED_HEADER = "X-Page-Cache"


# ---------------------------------------------------------------- content version


def content_version() -> int:
    """The current content version; 1 until content first changes."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return int(version)


def bump_content_version(**_signal_kwargs) -> None:
    """Make every cached page stale, on every app server sharing the cache."""
    cache.add(VERSION_KEY, 1, timeout=None)
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # evicted between add and incr
        cache.set(VERSION_KEY, 2, timeout=None)


def is_content_model(model: type) -> bool:
    """Content is what visitors see: roadmap and courses models not owned by a user."""
    user_model = settings.AUTH_USER_MODEL.lower()
    owned = any(
        f.is_relation and f.related_model and f.related_model._meta.label_lower == user_model
        for f in model._meta.get_fields()
        if f.many_to_one or f.one_to_one
    )
    return model._meta.app_label in CONTENT_APPS and not owned


def connect_invalidation() -> None:
    """Bump the content version whenever a content model is saved or deleted."""
    for model in apps.get_models():
        if is_content_model(model):
            uid = f"page-cache:{model._meta.label_lower}"
            post_save.connect(bump_content_version, sender=model, dispatch_uid=uid)
            post_delete.connect(bump_content_version, sender=model, dispatch_uid=uid)


# ---------------------------------------------------------------- which requests


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def is_cacheable_request(request: HttpRequest) -> bool:
    """A visitor (no session, no pending messages) asking for a public page."""
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return False
    return _view_name(request) in settings.PAGE_CACHE_VIEWS


def is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or request.method != "GET":
        return False
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    return "no-store" not in response.get("Cache-Control", "")


def page_key(request: HttpRequest) -> str:
    theme = request.COOKIES.get("theme", "")
    url = request.build_absolute_uri().encode()
    digest = hashlib.sha256(url).hexdigest()
    return f"page:{theme if theme in THEMES else ''}:{digest}"


def lookup(key: str) -> tuple[int, tuple[bytes, dict[str, str]] | None]:
    """The current content version and the page stored at `key`, if it is current."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return content_version(), None
    stored = found.get(key)
    if stored is None or stored[0] != version:
        return version, None
    return version, stored[1:]


# ---------------------------------------------------------------- storing and serving


def _stored(response: HttpResponse) -> tuple[bytes, dict[str, str]]:
    body = TOKEN_FIELD.sub(rb"\1" + TOKEN_PLACEHOLDER + rb"\3", response.content)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
    return body, headers


def _served(request: HttpRequest, stored: tuple[bytes, dict[str, str]]) -> HttpResponse:
    body, headers = stored
    if TOKEN_PLACEHOLDER in body:
        body = body.replace(TOKEN_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    response["Content-Length"] = str(len(body))
    response[CACHED_HEADER] = "hit"
    return response


class PageCacheMiddleware:
    """Serve visitors' public pages from the shared cache (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_cacheable_request(request):
            return self.get_response(request)
        key = page_key(request)
        version, stored = lookup(key)
        if stored is not None:
            return _served(request, stored)
        response = self.get_response(request)
        if is_cacheable_response(request, response):
            cache.set(key, (version, *_stored(response)), settings.PAGE_CACHE_SECONDS)
            response[CACHED_HEADER] = "miss"
        return response
