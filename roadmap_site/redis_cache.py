"""Django's built-in Redis cache backend, with one redis client per connection pool.

Django's RedisCacheClient builds a new `redis.Redis` object for every cache call.
With redis-py 8 that costs about 0.8 ms (it fills a table of ~170 response
callbacks each time), more than the Redis round trip itself, and a visitor's
cached page or a learner's session is a cache call on every request. A
`redis.Redis` is safe to share (connections come from its pool), so we keep one.
Everything else (pools, serialisation, options) is Django's own.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ReusingRedisCache(RedisCache):
    """settings.CACHES backend: `roadmap_site.redis_cache.ReusingRedisCache`."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient
