"""The cache on Redis, as Django's backend with one Redis client per server.

Django's `RedisCache` builds a new `redis.Redis` client, over the same connection pool, at each call; building one takes
longer than a GET on the loopback, and a request asking the cache twice (the offers' generation, then a kept search)
paid it twice. A client is safe to share between threads (each command takes a connection from the pool), so each
server's is built once.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
