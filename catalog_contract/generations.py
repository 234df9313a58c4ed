"""Change generations: how the services tell the gateway's response cache that the catalog changed.

Each kind of resource has a generation, an opaque token that the service layer replaces with a
fresh random one when a transaction that changed that kind commits (shared_models.change_feed).
The gateway puts the current tokens of every kind a representation depends on into its cache
key (gateway.response_cache), so after a change every cached answer it could affect is simply
never looked up again; no entry has to be found and deleted, and an entry stored from a read
that raced the write lands under the old key, which nobody asks for any more.

Tokens, not counters: a generation that is lost (Redis restarted or evicted the key, the file
was removed) comes back as a new random token, never as a value an old entry was stored under.

Two stores, chosen by REDIS_URL alike on both sides:

    Redis      one string key per kind, `catalog:generation:<kind>`; the gateway reads them with
               one MGET, a missing key is created (SET NX) with a fresh token
    a file     `<CATALOG_VAR_DIR>/cache-generations`: one 8-byte slot per kind in KINDS order,
               written with pwrite, read with one pread (the embedded default: gateway and
               services are separate processes with no Redis, but share the var folder)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Final

KINDS: Final = ("books", "authors", "publishers", "genres")

DEPENDS_ON: Final[dict[str, tuple[str, ...]]] = {
    "books": KINDS,  # a book names its authors, publisher and genres
    "authors": ("authors",),
    "publishers": ("publishers",),
    "genres": ("genres",),
}
"""The kinds whose change can change a representation of the key's kind."""

REDIS_KEY_PREFIX: Final = "catalog:generation:"
FILE_NAME: Final = "cache-generations"
_SLOT_BYTES: Final = 8


def redis_keys(kinds: Iterable[str]) -> list[str]:
    return [REDIS_KEY_PREFIX + kind for kind in kinds]


def new_token() -> str:
    return secrets.token_hex(_SLOT_BYTES)


def read_file(path: Path) -> dict[str, str]:
    """Every kind's token from the file, creating it (with fresh tokens) if it is missing."""
    try:
        data = _pread(path)
    except FileNotFoundError:
        _create(path)
        data = _pread(path)
    return {
        kind: data[index * _SLOT_BYTES : (index + 1) * _SLOT_BYTES].hex()
        for index, kind in enumerate(KINDS)
    }


def bump_file(path: Path, kinds: Sequence[str]) -> None:
    """Give each of `kinds` a fresh token in the file (each slot is one 8-byte pwrite)."""
    if not path.exists():
        _create(path)
    fd = os.open(path, os.O_WRONLY)
    try:
        for kind in kinds:
            os.pwrite(fd, secrets.token_bytes(_SLOT_BYTES), KINDS.index(kind) * _SLOT_BYTES)
    finally:
        os.close(fd)


def _pread(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY)
    try:
        return os.pread(fd, _SLOT_BYTES * len(KINDS), 0)
    finally:
        os.close(fd)


def _create(path: Path) -> None:
    """Atomically, with random tokens: a reader never sees a half-written file, and of two
    processes creating it at once one wins (a hard link fails if the name exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    scratch.write_bytes(secrets.token_bytes(_SLOT_BYTES * len(KINDS)))
    try:
        os.link(scratch, path)
    except FileExistsError:
        pass
    finally:
        scratch.unlink()
