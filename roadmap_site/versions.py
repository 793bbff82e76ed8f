"""Version counters that say whether a stored page is still current.

* The *content version* covers everything visitors see: any save or delete of a
  content model (roadmap and courses models not owned by a user) bumps it.
* A *learner version* per user covers what only that learner sees: their
  statuses, notes, projects, activity, profile, feedback and the user row.
* An *account version* per user covers the user row alone (the signed-in user
  that roadmap_site/auth_backends.py keeps in the cache).

Both live in the shared cache, so a change made through one app server makes
every server's stored pages stale at once. A page is stored with the versions
it was read at, taken *before* the view reads the database, and served only
while they are still current; so a page rendered from data a concurrent change
has since replaced is never served.

Bumps happen at once and, inside a transaction, once more when it commits: a
page rendered between the first bump and the commit (from the old rows) is
stored under a version the second bump retires.

A counter that is missing (never set, or evicted) starts from the clock, in
microseconds, so it never returns to a value an old stored page carries.

The content version is read on every visitor request. With Redis, each app
process keeps it in memory and a background thread follows it over Redis
pub/sub (`ContentVersionWatcher`); requests only fall back to reading it from
Redis while that subscription is down.
"""

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from functools import partial

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

logger = logging.getLogger(__name__)

CONTENT_KEY = "content-version"
CONTENT_APPS = ("roadmap", "courses")
# A learner's counter outlives any page stored under it (PAGE_CACHE_SECONDS).
LEARNER_KEY_SECONDS = 30 * 24 * 3600

# INCR that never starts from 1, and tells every subscriber the new value (read
# back with GET: Lua numbers are doubles, so the INCR reply could lose digits).
BUMP_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('INCR', KEYS[1])
if ARGV[2] ~= '' then redis.call('PUBLISH', ARGV[2], redis.call('GET', KEYS[1])) end
if ARGV[3] ~= '' then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1
"""


def _start_value() -> int:
    # Microseconds: unique enough, and exact in Redis' Lua (below 2**53 until 2255).
    return time.time_ns() // 1000


def learner_key(user_id: int) -> str:
    return f"learner-version:{user_id}"


def account_key(user_id: int) -> str:
    return f"account-version:{user_id}"


def _redis():
    """The raw redis client behind the default cache, or None without Redis."""
    client = getattr(cache, "_cache", None)
    return client.get_client(write=True) if hasattr(client, "get_client") else None


def channel() -> str:
    return cache.make_key(CONTENT_KEY)


def read(key: str, timeout: int | None = None) -> int:
    """The counter at `key`, started from the clock when it is missing."""
    version = cache.get(key)
    if version is None:
        cache.add(key, _start_value(), timeout=timeout)
        version = cache.get(key)
    return int(version or 0)


def _bump(key: str, timeout: int | None = None, publish: bool = False) -> None:
    redis = _redis()
    if redis is not None:
        redis.eval(
            BUMP_SCRIPT,
            1,
            cache.make_key(key),
            _start_value(),
            channel() if publish else "",
            timeout or "",
        )
        return
    cache.add(key, _start_value(), timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, _start_value(), timeout=timeout)


def after_commit(bump: Callable[[], None]) -> None:
    """Bump now and, inside a transaction, once more when it commits."""
    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump, robust=True)


# ---------------------------------------------------------------- content


def content_version() -> int:
    """The current content version (in memory while the watcher is live)."""
    version = watcher.current()
    return version if version is not None else read(CONTENT_KEY)


def bump_content_version() -> None:
    """Make every stored page stale, on every app server sharing the cache."""
    _bump(CONTENT_KEY, publish=True)


def content_changed(**_signal_kwargs) -> None:
    after_commit(bump_content_version)


def is_content_model(model: type) -> bool:
    """Content is what visitors see: roadmap and courses models not owned by a user."""
    return model._meta.app_label in CONTENT_APPS and owner_field(model) is None


# ---------------------------------------------------------------- learners


def learner_version(user_id: int) -> int:
    return read(learner_key(user_id), LEARNER_KEY_SECONDS)


def bump_learner_version(user_id: int) -> None:
    """Make this learner's stored pages (and cached user row) stale."""
    _bump(learner_key(user_id), timeout=LEARNER_KEY_SECONDS)


def learner_changed(user_id: int | None) -> None:
    if user_id is not None:
        after_commit(partial(bump_learner_version, user_id))


def account_version(user_id: int) -> int:
    return read(account_key(user_id), LEARNER_KEY_SECONDS)


def _bump_account(user_id: int) -> None:
    _bump(account_key(user_id), timeout=LEARNER_KEY_SECONDS)
    bump_learner_version(user_id)


def account_changed(user_id: int | None) -> None:
    """The user row itself changed: retire the cached user and the learner's pages."""
    if user_id is not None:
        after_commit(partial(_bump_account, user_id))


def owner_field(model: type) -> str | None:
    """The attname of a model's foreign key (or one-to-one) to the user, if it has one."""
    user_model = settings.AUTH_USER_MODEL.lower()
    for field in model._meta.get_fields():
        is_key = (field.many_to_one or field.one_to_one) and field.concrete
        related = is_key and field.related_model
        if related and related._meta.label_lower == user_model:
            return field.attname
    return None


def _user_row_changed(sender, instance, **_kwargs) -> None:
    account_changed(instance.pk)


def _owned_row_changed(sender, instance, **_kwargs) -> None:
    learner_changed(getattr(instance, owner_field(sender)))


def connect_invalidation() -> None:
    """Bump the right counter whenever content or a learner's own data is saved or deleted."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    for model in apps.get_models():
        uid = f"versions:{model._meta.label_lower}"
        if model is user_model:
            handler = _user_row_changed
        elif is_content_model(model):
            handler = content_changed
        elif owner_field(model) is not None:
            handler = _owned_row_changed
        else:
            continue
        post_save.connect(handler, sender=model, dispatch_uid=uid)
        post_delete.connect(handler, sender=model, dispatch_uid=uid)


# ---------------------------------------------------------------- the watcher


class ContentVersionWatcher:
    """Keeps this process's copy of the content version, pushed by Redis pub/sub.

    One daemon thread per process (started on first use, so after gunicorn
    forks) subscribes to the version's channel and then reads the version, so
    no bump can fall between the two. `current()` is None while the
    subscription is not up; callers then read the version from the cache.
    """

    def __init__(self) -> None:
        self._version: int | None = None
        self._live = False
        self._pid: int | None = None
        self._pubsub = None
        self._lock = threading.Lock()

    def current(self) -> int | None:
        if self._pid != os.getpid():
            self._start()
        return self._version if self._live else None

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid, self._live, self._version = os.getpid(), False, None
            if _redis() is None or not settings.PAGE_CACHE_SECONDS:
                return
            thread = threading.Thread(target=self._follow, name="content-version", daemon=True)
            thread.start()

    def _follow(self) -> None:
        pid = os.getpid()

        def mine() -> bool:  # False once stopped (or in a forked child)
            return self._pid == pid

        while mine():
            pubsub = None
            try:
                pubsub = self._pubsub = _redis().pubsub()
                pubsub.subscribe(channel())
                for message in pubsub.listen():
                    if not mine():
                        break
                    if message["type"] == "subscribe":
                        self._version = read(CONTENT_KEY)
                        self._live = True
                    elif message["type"] == "message":
                        self._version = max(self._version or 0, int(message["data"]))
            except Exception:  # Redis went away: fall back to reading, retry soon
                if mine():
                    logger.warning("Content version subscription lost; retrying", exc_info=True)
            finally:
                if mine():
                    self._live = False
                if pubsub is not None:
                    with contextlib.suppress(Exception):  # closing a broken connection
                        pubsub.close()
            if mine():
                time.sleep(1)

    def stop(self) -> None:
        """Stop following (its thread ends); the next `current()` starts again."""
        self._pid, self._live, self._version = None, False, None
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                self._pubsub.close()


watcher = ContentVersionWatcher()
