"""Start-up objects are frozen out of the garbage collector's reach, the URLconf loaded first."""

from __future__ import annotations

import gc

import pytest

from config.heap import freeze_loaded_objects


@pytest.fixture
def unfrozen_afterwards():
    yield
    gc.unfreeze()


def test_objects_alive_at_start_up_are_no_longer_walked_by_collections(unfrozen_afterwards):
    loaded_at_start_up = [{"kept": "for the life of the process"}]
    freeze_loaded_objects()
    assert gc.get_freeze_count() > 0
    assert not any(tracked is loaded_at_start_up for tracked in gc.get_objects())


def test_the_urlconf_is_loaded_before_the_freeze(settings, unfrozen_afterwards):
    settings.ROOT_URLCONF = "soap_service.urls"
    freeze_loaded_objects()
    from django.urls import get_resolver

    patterns = get_resolver().url_patterns
    assert not any(tracked is patterns for tracked in gc.get_objects())
