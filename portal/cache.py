"""The cache on Redis, as Django's backend with one Redis client per server, and a portal that stays up without it.

Django's `RedisCache` builds a new `redis.Redis` client, over the same connection pool, at each call; building one takes
longer than a GET on the loopback, and a request asking the cache twice (the offers' generation, then a kept search)
paid it twice. A client is safe to share between threads (each command takes a connection from the pool), so each
server's is built once.

What the portal keeps in the cache can all be found again: a kept search is searched afresh, a session is read from the
database (`cached_db`), a rate limit counts from zero. So when Redis cannot be reached (refused, or past its timeouts,
`CACHE_TIMEOUT_SECONDS`), a read answers as a miss and a write is dropped, with a warning in the log, instead of an
error for every page. Sign-ins are still limited by django-axes, which counts in the database.
"""

import functools
import logging

from django.core.cache.backends import redis
from redis import exceptions as redis_errors

logger = logging.getLogger(__name__)

UNREACHABLE = (redis_errors.ConnectionError, redis_errors.TimeoutError)


def _or_else(answer):
    """The method, answering `answer(*its arguments)` when Redis cannot be reached."""

    def decorator(method):
        @functools.wraps(method)
        def call(self, *args):
            try:
                return method(self, *args)
            except UNREACHABLE as error:
                logger.warning("The cache cannot be reached (%s): %s went without it.", error, method.__name__)
                return answer(*args)

        return call

    return decorator


def _missing(key, delta):
    raise ValueError(f"Key '{key}' not found.")  # what Django answers for a key the cache does not hold


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

    add = _or_else(lambda key, value, timeout: False)(redis.RedisCacheClient.add)
    get = _or_else(lambda key, default: default)(redis.RedisCacheClient.get)
    set = _or_else(lambda key, value, timeout: None)(redis.RedisCacheClient.set)
    touch = _or_else(lambda key, timeout: False)(redis.RedisCacheClient.touch)
    delete = _or_else(lambda key: False)(redis.RedisCacheClient.delete)
    get_many = _or_else(lambda keys: {})(redis.RedisCacheClient.get_many)
    has_key = _or_else(lambda key: False)(redis.RedisCacheClient.has_key)
    incr = _or_else(_missing)(redis.RedisCacheClient.incr)
    set_many = _or_else(lambda data, timeout: None)(redis.RedisCacheClient.set_many)
    delete_many = _or_else(lambda keys: None)(redis.RedisCacheClient.delete_many)
    clear = _or_else(lambda: False)(redis.RedisCacheClient.clear)


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
