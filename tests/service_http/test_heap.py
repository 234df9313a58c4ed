"""Before serving, start-up objects are frozen out of the garbage collector's reach (the URLconf
loaded first) and the youngest generation is collected less often."""

from __future__ import annotations

import gc

import pytest

from service_http.heap import YOUNGEST_GENERATION_THRESHOLD, prepare_for_requests


@pytest.fixture
def collector_restored_afterwards():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_objects_alive_at_start_up_are_no_longer_walked_by_collections(
    collector_restored_afterwards,
):
    loaded_at_start_up = [{"kept": "for the life of the process"}]
    prepare_for_requests()
    assert gc.get_freeze_count() > 0
    assert not any(tracked is loaded_at_start_up for tracked in gc.get_objects())


def test_the_urlconf_is_loaded_before_the_freeze(settings, collector_restored_afterwards):
    settings.ROOT_URLCONF = "soap_service.urls"
    prepare_for_requests()
    from django.urls import get_resolver

    patterns = get_resolver().url_patterns
    assert not any(tracked is patterns for tracked in gc.get_objects())


def test_the_youngest_generation_is_collected_less_often_the_older_ones_as_before(
    collector_restored_afterwards,
):
    _, older, oldest = gc.get_threshold()
    prepare_for_requests()
    assert gc.get_threshold() == (YOUNGEST_GENERATION_THRESHOLD, older, oldest)
