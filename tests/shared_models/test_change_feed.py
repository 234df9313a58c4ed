"""Every write announces what it changed when its transaction commits (a fresh generation token
per kind, in Redis with REDIS_URL, else in the var folder's file): the gateway's cached answers
of that kind are unreachable before the write's response is sent. Nothing is announced for a
write that is refused, and a store that cannot be written never fails the write."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings
from django.contrib import admin
from prometheus_client import REGISTRY

from catalog_contract import generations
from config.env import var_dir
from shared_models import job_runs, job_services, seeding, services
from shared_models.admin import AuthorAdmin
from shared_models.errors import StaleVersion
from shared_models.job_services import ImportLine
from shared_models.models import Author
from tests.factories import book_data, make_author, make_book
from tests.processes import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def own_var_folder(monkeypatch, tmp_path, settings):
    monkeypatch.setenv("CATALOG_VAR_DIR", str(tmp_path / "var"))
    settings.JOB_FILES_DIR = str(tmp_path / "jobs")


def tokens() -> dict[str, str]:
    """The current generation of every kind, from the store the services write."""
    if settings.REDIS_URL:
        values = redis.Redis.from_url(settings.REDIS_URL).mget(
            generations.redis_keys(generations.KINDS)
        )
        return {kind: value for kind, value in zip(generations.KINDS, values, strict=True)}
    return generations.read_file(var_dir() / generations.FILE_NAME)


def changed(before: dict[str, str]) -> set[str]:
    after = tokens()
    return {kind for kind in generations.KINDS if after[kind] != before[kind]}


def test_a_book_write_announces_books_when_it_commits(django_capture_on_commit_callbacks):
    data = book_data()
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        services.book_create(data=data)
        assert changed(before) == set()  # not before the commit
    assert changed(before) == {"books"}


@pytest.mark.parametrize(
    ("write", "kind"),
    [
        (lambda: services.author_update(author_id=make_author().pk, data={"name": "N"}), "authors"),
        (lambda: services.publisher_create(data={"name": "P", "country": "FR"}), "publishers"),
        (lambda: services.genre_create(data={"slug": "new-genre", "name": "New"}), "genres"),
        (lambda: services.book_delete(book_id=make_book().pk, expected_version=None), "books"),
    ],
)
def test_each_kind_of_write_announces_its_kind(django_capture_on_commit_callbacks, write, kind):
    with django_capture_on_commit_callbacks(execute=True):
        before = tokens()
        write()
    assert changed(before) == {kind}


def test_a_refused_write_announces_nothing(django_capture_on_commit_callbacks):
    book = make_book()
    before = tokens()
    data = book_data()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(StaleVersion),
    ):
        services.book_update(book_id=book.pk, expected_version=99, data=data)
    assert callbacks == [] and changed(before) == set()


def test_an_import_announces_books(django_capture_on_commit_callbacks, clock):
    job = job_services.job_submit_import(
        owner="1", lines=[ImportLine(line=1, data=book_data())], clock=clock
    )
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        job_runs.job_run(job_id=job.job.id, clock=clock)
    assert "books" in changed(before)


def test_seeding_announces_every_kind(django_capture_on_commit_callbacks):
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        seeding.seed_catalog(books=3)
    assert changed(before) == set(generations.KINDS)


def failures() -> float:
    return REGISTRY.get_sample_value("catalog_change_feed_failures_total") or 0.0


def test_an_unreachable_store_does_not_fail_the_write(django_capture_on_commit_callbacks, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/1"
    before = failures()
    with django_capture_on_commit_callbacks(execute=True):
        created = services.book_create(data=book_data())
    assert created.id > 0
    assert failures() == before + 1


def test_an_edit_in_the_admin_announces_its_kind(django_capture_on_commit_callbacks, rf):
    author = make_author()
    author.name = "Renamed in the admin"
    before = tokens()
    with django_capture_on_commit_callbacks(execute=True):
        AuthorAdmin(Author, admin.site).save_model(rf.post("/"), author, form=None, change=True)
    assert changed(before) == {"authors"}
