"""Full-page caches: one shared by all visitors, and one per learner.

Visitors (GET/HEAD with no session cookie and no messages cookie) get the
public pages named in settings.PAGE_CACHE_VIEWS from a store that every app
server shares through the cache (Redis), with a copy in each process's memory.
A page is served while the content version it was rendered at is current.

Signed-in learners (not staff: editors see drafts) get their own pages named
in settings.LEARNER_PAGE_CACHE_VIEWS from the shared cache, stored per learner
and served while both the content version and *their* learner version are
current, and only to sessions carrying the auth hash Django verified when the
page was rendered (a password change still signs every other session out).
Any save or delete of their own rows bumps their version (see
roadmap_site/versions.py), so a status change shows on the next page at once.
A view can shorten how long its page keeps by setting `page_cache_timeout` on
the response (the dashboard does: its calendar turns over at midnight).

Never cached: guests (progress in a session without an account), anything
with pending messages, answers other than 200, and answers that set a cookie
other than the CSRF one.

CSRF: pages hold forms, so a stored page must not hand one person's token to
the next. The token is swapped for a placeholder when a page is stored, and a
fresh token for this request (which also sets its cookie) is put back when it
is served.
"""

import functools
import hashlib
import os
import re
import threading
import time
from collections.abc import Callable
from importlib import import_module
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.urls import Resolver404, resolve

from roadmap_site import versions

THEMES = frozenset({"dark", "light"})
TOKEN_PLACEHOLDER = b"__CSRF_TOKEN_PLACEHOLDER__"
TOKEN_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")([A-Za-z0-9]+)(")')
CACHED_HEADER = "X-Page-Cache"
MESSAGES_SESSION_KEY = "_messages"
SESSION_KEY_FORMAT = re.compile(r"[a-z0-9]{32,40}")

# ---------------------------------------------------------------- CSRF tokens

_CHARS = CSRF_ALLOWED_CHARS
_INDEX = {char: i for i, char in enumerate(_CHARS)}
_UNBIASED = 256 - 256 % len(_CHARS)  # bytes below this map evenly onto the alphabet


def _random_chars(length: int) -> str:
    chars: list[str] = []
    while len(chars) < length:
        chars += [_CHARS[b % len(_CHARS)] for b in os.urandom(length + 8) if b < _UNBIASED]
    return "".join(chars[:length])


def fresh_token(request: HttpRequest) -> str:
    """`django.middleware.csrf.get_token`, drawing randomness once instead of per character.

    Same contract: reuse the request's CSRF secret (or make one and have the
    middleware set its cookie) and return it masked with a new random mask.
    Django's version costs ~80 µs, most of a cached page's serving time.
    """
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:
        secret = _random_chars(CSRF_SECRET_LENGTH)
        request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_chars(CSRF_SECRET_LENGTH)
    pairs = zip(secret, mask, strict=True)
    cipher = (_CHARS[(_INDEX[s] + _INDEX[m]) % len(_CHARS)] for s, m in pairs)
    return mask + "".join(cipher)


# ---------------------------------------------------------------- stored pages

Stored = tuple[bytes, dict[str, str]]


class Entry(NamedTuple):
    """A stored page: the version(s) it is current for and when it expires (wall clock)."""

    version: object
    expires: float
    page: Stored


def _entry(response: HttpResponse, version, timeout: int) -> Entry:
    body = TOKEN_FIELD.sub(rb"\1" + TOKEN_PLACEHOLDER + rb"\3", response.content)
    headers = {k: v for k, v in response.headers.items() if k.lower() != "set-cookie"}
    return Entry(version, time.time() + timeout, (body, headers))


def _current(found, version) -> Entry | None:
    """`found` if it is an unexpired entry for `version` (anything else counts as missing)."""
    if isinstance(found, Entry) and found.version == version and found.expires > time.time():
        return found
    return None


def _served(request: HttpRequest, entry: Entry) -> HttpResponse:
    body, headers = entry.page
    if TOKEN_PLACEHOLDER in body:
        body = body.replace(TOKEN_PLACEHOLDER, fresh_token(request).encode())
    response = HttpResponse(body)
    for name, value in headers.items():
        response[name] = value
    response["Content-Length"] = str(len(body))
    response[CACHED_HEADER] = "hit"
    return response


class LocalPages:
    """This process's copies of stored pages, up to `max_bytes` (oldest go first)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: dict[str, Entry] = {}
        self._bytes = 0
        self._lock = threading.Lock()

    def peek(self, key: str) -> Entry | None:
        """The entry at `key` if it has not expired, whatever its version."""
        found = self._pages.get(key)
        return found if found is not None and found.expires > time.time() else None

    def get(self, key: str, version) -> Entry | None:
        return _current(self._pages.get(key), version)

    def put(self, key: str, entry: Entry) -> None:
        size = len(entry.page[0])
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            if old is not None:
                self._bytes -= len(old.page[0])
            while self._pages and self._bytes + size > self.max_bytes:
                oldest = next(iter(self._pages))
                self._bytes -= len(self._pages.pop(oldest).page[0])
            self._pages[key] = entry
            self._bytes += size


# Per process: visitors' pages (few, shared by all) and learners' (many, each
# their own) are kept apart, so many learners cannot push the public pages out.
local_pages = LocalPages(max_bytes=32 * 1024 * 1024)
learner_pages = LocalPages(max_bytes=64 * 1024 * 1024)


# ---------------------------------------------------------------- who gets what


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""


def _theme(request: HttpRequest) -> str:
    theme = request.COOKIES.get("theme", "")
    return theme if theme in THEMES else ""


def _url_digest(request: HttpRequest) -> str:
    return hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()


def local_key(request: HttpRequest, user_id: int | str = "") -> str:
    """The key of a page in this process's memory (no hashing: it never leaves it)."""
    return f"{user_id} {_theme(request)} {request.get_host()} {request.get_full_path()}"


def visitor_key(request: HttpRequest) -> str:
    return f"page:{_theme(request)}:{_url_digest(request)}"


def learner_page_key(user_id: int, request: HttpRequest) -> str:
    return f"learner-page:{user_id}:{_theme(request)}:{_url_digest(request)}"


def is_visitor(request: HttpRequest) -> bool:
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def signs_in(session) -> int | None:
    """The user id a session signs in, if it has nothing pending; the user is not loaded."""
    user_id = session.get(SESSION_KEY)
    if user_id is None or MESSAGES_SESSION_KEY in session:
        return None
    if session.get(BACKEND_SESSION_KEY) not in settings.AUTHENTICATION_BACKENDS:
        return None
    try:
        return int(user_id)
    except (TypeError, ValueError):
        return None


def signed_in_learner(request: HttpRequest) -> int | None:
    if "messages" in request.COOKIES:
        return None
    return signs_in(request.session)


@functools.cache
def _session_cache_prefix(engine: str, alias: str) -> str | None:
    """The cache key prefix of a session engine that keeps sessions in the default cache."""
    store = getattr(import_module(engine), "SessionStore", None)
    return getattr(store, "cache_key_prefix", None) if alias == "default" else None


class SessionUsers:
    """Which user each session key signs in, as last read in this process.

    A session key belongs to one user for its whole life (Django gives a new
    key on sign-in), so this only saves finding the user id before the
    learner's page can be looked up; every hit still reads the session itself.
    """

    def __init__(self, max_entries: int = 10_000) -> None:
        self.max_entries = max_entries
        self._users: dict[str, int] = {}

    @property
    def _prefix(self) -> str | None:
        return _session_cache_prefix(settings.SESSION_ENGINE, settings.SESSION_CACHE_ALIAS)

    def get(self, session_key: str) -> int | None:
        return self._users.get(session_key)

    def remember(self, session_key: str, user_id: int) -> None:
        if self._prefix is None or not SESSION_KEY_FORMAT.fullmatch(session_key):
            return
        if len(self._users) >= self.max_entries:
            self._users.clear()
        self._users[session_key] = user_id

    def cache_key(self, session_key: str) -> str | None:
        """Where the session engine keeps this session in the default cache (cached_db)."""
        return None if self._prefix is None else self._prefix + session_key


session_users = SessionUsers()


def is_cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or request.method != "GET":
        return False
    if set(response.cookies) - {settings.CSRF_COOKIE_NAME}:
        return False
    return "no-store" not in response.get("Cache-Control", "")


class PageCacheMiddleware:
    """Serve visitors' and learners' pages from the caches (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
            return self.get_response(request)
        if settings.BENCH and "HTTP_X_BENCH_RENDER" in request.META:
            return self.get_response(request)  # the benchmark times rendering too
        if is_visitor(request):
            return self.visitor(request)
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        known = session_users.get(session_key)
        # A copy in memory means the URL is one of LEARNER_PAGE_CACHE_VIEWS: no resolving.
        if (known is not None and learner_pages.peek(local_key(request, known))) or (
            _view_name(request) in settings.LEARNER_PAGE_CACHE_VIEWS
        ):
            return self.learner(request, session_key, known)
        return self.get_response(request)

    def visitor(self, request: HttpRequest) -> HttpResponse:
        version = versions.content_version()
        here = local_key(request)
        entry = local_pages.get(here, version)
        if entry is not None:
            return _served(request, entry)
        if _view_name(request) not in settings.PAGE_CACHE_VIEWS:
            return self.get_response(request)
        key = visitor_key(request)
        entry = _current(cache.get(key), version)
        if entry is not None:
            local_pages.put(here, entry)
            return _served(request, entry)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if is_cacheable_response(request, response) and not (user and user.is_authenticated):
            entry = _entry(response, version, settings.PAGE_CACHE_SECONDS)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            local_pages.put(here, entry)
            response[CACHED_HEADER] = "miss"
        return response

    def learner(self, request: HttpRequest, session_key: str, known: int | None) -> HttpResponse:
        if known is not None:
            # Seen before in this process: the session, the learner's version and
            # the page in one round trip, the session checked as Django would.
            served = self.learner_hit(request, session_key, known)
            if served is not None:
                return served
        user_id = signed_in_learner(request)
        if user_id is None:
            return self.get_response(request)
        session_users.remember(session_key, user_id)
        content = versions.content_version()
        auth_hash = request.session.get(HASH_SESSION_KEY)
        version_key, key = versions.learner_key(user_id), learner_page_key(user_id, request)
        here = local_key(request, user_id)
        found = cache.get_many([version_key, key])
        mine = found.get(version_key)
        entry = _current(found.get(key), (content, mine, auth_hash))
        if mine is not None and entry is not None:
            learner_pages.put(here, entry)
            return _served(request, entry)
        if mine is None:
            mine = versions.learner_version(user_id)
        response = self.get_response(request)
        user = request.user
        if (
            is_cacheable_response(request, response)
            and user.is_authenticated
            and user.pk == user_id
            and not user.is_staff
        ):
            timeout = min(
                settings.PAGE_CACHE_SECONDS,
                getattr(response, "page_cache_timeout", settings.PAGE_CACHE_SECONDS),
            )
            # Django checked this session's auth hash while rendering; a page is
            # only ever served to sessions with the same one (so a password
            # change still signs other sessions out, page cache or not).
            auth_hash = request.session.get(HASH_SESSION_KEY)
            entry = _entry(response, (content, mine, auth_hash), timeout)
            cache.set(key, entry, timeout)
            learner_pages.put(here, entry)
            response[CACHED_HEADER] = "miss"
        return response

    def learner_hit(self, request: HttpRequest, session_key: str, user_id: int):
        """The learner's stored page if the session still signs them in and it is current.

        The session and the learner's version come from the cache in one round
        trip; the page itself from this process's memory when it has a copy,
        else in the same round trip.
        """
        session_cache_key = session_users.cache_key(session_key)
        if session_cache_key is None:
            return None
        content = versions.content_version()
        version_key, key = versions.learner_key(user_id), learner_page_key(user_id, request)
        here = local_key(request, user_id)
        local = learner_pages.peek(here)
        found = cache.get_many([session_cache_key, version_key] + ([] if local else [key]))
        session, mine = found.get(session_cache_key), found.get(version_key)
        if not (isinstance(session, dict) and signs_in(session) == user_id) or mine is None:
            return None
        current = (content, mine, session.get(HASH_SESSION_KEY))
        if _current(local, current) is not None:
            return _served(request, local)
        # The copy here is out of date (or there is none): the shared one, if current.
        entry = _current(cache.get(key) if local else found.get(key), current)
        if entry is None:
            return None
        learner_pages.put(here, entry)
        return _served(request, entry)
