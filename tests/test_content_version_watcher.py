"""The content version each app process follows over Redis pub/sub."""

import time

import pytest
from django.core.cache import cache

from roadmap_site import versions
from tests.live_servers import ensure_redis


@pytest.fixture
def redis_cache(settings):
    ensure_redis()
    settings.CACHES = {
        "default": {
            "BACKEND": "roadmap_site.redis_cache.ReusingRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/7",
            "KEY_PREFIX": f"watcher-test-{time.monotonic_ns()}",
        }
    }
    yield cache
    cache.clear()


def _eventually(check, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_the_watcher_follows_every_bump_and_falls_back_when_stopped(redis_cache):
    watcher = versions.ContentVersionWatcher()
    try:
        watcher.current()  # starts following
        _eventually(lambda: watcher.current() is not None)
        assert watcher.current() == versions.read(versions.CONTENT_KEY)
        for _ in range(3):
            before = watcher.current()
            versions.bump_content_version()
            _eventually(lambda before=before: watcher.current() > before)
            assert watcher.current() == versions.read(versions.CONTENT_KEY)
    finally:
        watcher.stop()
    # Stopped (as when Redis is down): it says so and callers read the cache instead.
    assert watcher._live is False


def test_without_redis_the_version_is_read_from_the_cache(db):
    watcher = versions.ContentVersionWatcher()
    assert watcher.current() is None  # tests use the local-memory cache
    before = versions.content_version()
    versions.bump_content_version()
    assert versions.content_version() > before
