"""The Redis cache, forgiving: while Redis is down a read is a miss and a write is dropped
(logged once a minute at most), so pages keep working on the database alone."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
_last_warning = 0.0
T = TypeVar("T")


def _warn(operation: str) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning("Redis cache unavailable (%s); serving without cache", operation, exc_info=True)


def _forgiving(name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(super(ForgivingRedisCache, self), name)(*args, **kwargs)
        except _DOWN:
            _warn(name)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = name
    return method


def _default_of_get(key, default=None, version=None):
    return default


class ForgivingRedisCache(RedisCache):
    get = _forgiving("get", _default_of_get)
    get_many = _forgiving("get_many", {})
    has_key = _forgiving("has_key", False)
    set = _forgiving("set", None)
    set_many = _forgiving("set_many", [])
    add = _forgiving("add", False)
    touch = _forgiving("touch", False)
    delete = _forgiving("delete", False)
    delete_many = _forgiving("delete_many", None)
    clear = _forgiving("clear", None)


# --- Figures the dashboard reuses ---------------------------------------------------------------


def dashboard_figure(key: str, compute: Callable[[], T]) -> tuple[T, dt.datetime]:
    """`compute()` and the time it ran, reused for SIGAP_DASHBOARD_CACHE_SECONDS under `key`.

    For the dashboard's city-wide statistics (headcount, the eligible candidates, the LHKPN
    filing rate): they read every employee, so their cost grows with the city (bench/
    RESULTS.md), while nobody needs them to the second: the page says when they were counted
    and the page each figure links to always counts afresh. Keys name the scope and the day;
    the value must be language-neutral (translate labels after reading). 0 seconds turns the
    reuse off. Redis down: computed every time (the forgiving cache above)."""
    seconds = settings.SIGAP_DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return compute(), timezone.now()
    key = f"sigap:dashboard:{key}"
    cached = cache.get(key)
    if cached is None:
        cached = (compute(), timezone.now())
        cache.set(key, cached, seconds)
    return cached
