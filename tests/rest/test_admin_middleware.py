"""Sessions, CSRF, authentication and messages run for the admin's pages alone: the admin works
as before (a CSRF-protected login, a session, its messages), the API never sees them."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import make_book, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser() -> Client:
    return Client(enforce_csrf_checks=True)


def log_in(browser: Client, password: str = "admin-pass"):
    page = browser.get("/admin/login/")
    token = page.cookies["csrftoken"].value
    return browser.post(
        "/admin/login/?next=/admin/",
        {"username": "admin", "password": password, "csrfmiddlewaretoken": token},
    )


def test_an_admin_logs_in_with_the_csrf_token_and_keeps_the_session(browser):
    make_user("admin", "admin-pass", staff=True)
    assert log_in(browser).status_code == 302
    assert "sessionid" in browser.cookies
    assert browser.get("/admin/").status_code == 200


def test_a_login_post_without_the_csrf_token_is_refused(browser):
    make_user("admin", "admin-pass", staff=True)
    refused = browser.post("/admin/login/", {"username": "admin", "password": "admin-pass"})
    assert refused.status_code == 403
    assert "sessionid" not in browser.cookies


def test_the_admin_shows_its_messages(browser):
    admin = make_user("admin", "admin-pass", staff=True)
    admin.is_superuser = True
    admin.save()
    log_in(browser)
    book = make_book(title="Earthsea")
    answer = browser.post(
        f"/admin/shared_models/book/{book.pk}/delete/",
        {"post": "yes", "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
        follow=True,
    )
    assert answer.status_code == 200
    assert "was deleted successfully" in answer.content.decode()


def test_an_api_answer_sets_no_cookie_even_for_a_browser_with_a_session(browser):
    make_user("admin", "admin-pass", staff=True)
    log_in(browser)
    make_book()
    answer = browser.get("/api/v2/books/")
    assert answer.status_code == 200
    assert answer.cookies == {} and "Cookie" not in answer.headers.get("Vary", "")
    assert not hasattr(answer.wsgi_request, "session")


def test_the_admins_system_checks_find_its_middleware():
    call_command("check", "--fail-level", "ERROR")
