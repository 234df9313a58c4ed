"""Announcing catalog changes to the gateway's response cache, when the change commits.

Every write in the service layer (and the bulk paths: seeding, imports, the admin) calls
`announce(kind, ...)` inside its transaction. When that transaction commits, each kind gets a
fresh generation token (catalog_contract.generations) in Redis when REDIS_URL is set, else in
the var folder's generation file. `transaction.on_commit` runs in the thread that committed,
before the view returns, so the token has changed before the write's response is sent: a
client that writes (through either protocol, through the gateway or straight to a service) and
then reads through the gateway never gets an answer cached before its write. A rolled-back
transaction announces nothing.

If the store cannot be written the write still succeeds (it has committed): the failure is
logged and counted (catalog_change_feed_failures_total), and the cache's TTL bounds how long a
stale answer can live.
"""

from __future__ import annotations

import functools
import logging

import redis
from django.conf import settings
from django.db import transaction

from catalog_contract import generations
from config.env import var_dir
from telemetry import service_metrics

logger = logging.getLogger("shared_models.change_feed")

_REDIS_TIMEOUT_SECONDS = 1.0  # a write waits at most this long for its announcement


def announce(*kinds: str) -> None:
    """Make every cached answer that depends on `kinds` unreachable once this transaction
    commits (at once outside a transaction)."""
    unknown = set(kinds) - set(generations.KINDS)
    if unknown:
        raise ValueError(f"not a kind of catalog resource: {sorted(unknown)}")
    transaction.on_commit(functools.partial(_publish, kinds))


def _publish(kinds: tuple[str, ...]) -> None:
    try:
        if settings.REDIS_URL:
            _redis(settings.REDIS_URL).mset(
                {key: generations.new_token() for key in generations.redis_keys(kinds)}
            )
        else:
            generations.bump_file(var_dir() / generations.FILE_NAME, kinds)
    except (redis.RedisError, OSError):
        service_metrics.count_change_feed_failure()
        logger.exception("could not announce a change of %s to the response cache", kinds)


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=_REDIS_TIMEOUT_SECONDS, socket_connect_timeout=_REDIS_TIMEOUT_SECONDS
    )
