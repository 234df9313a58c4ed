"""Amounts too large for a price are a 400 naming the field, never a 500 (found by hand: `1e400`
and `1E+30` made `Decimal.quantize` raise InvalidOperation past the context's 28 digits)."""

import json

import pytest

from shared_models.models import Book
from tests.factories import book_body_v2, book_data
from tests.rest.problems import assert_problem

pytestmark = pytest.mark.django_db

HUGE_AMOUNTS = ["1e400", "1E+30", "-1e400", "1e999999999"]


@pytest.mark.parametrize("amount", HUGE_AMOUNTS)
def test_a_huge_v2_amount_is_a_400_naming_price_amount(editor, amount):
    body = book_body_v2(price={"amount": amount, "currency": "EUR"})
    response = editor.post("/api/v2/books/", body, format="json")
    problem = assert_problem(response, 400, "invalid")
    assert list(problem["errors"]) == ["price.amount"]
    assert not Book.objects.exists()


@pytest.mark.parametrize("amount", HUGE_AMOUNTS)
def test_a_huge_v1_price_is_a_400_naming_price(editor, amount):
    body = {**book_data(), "price": amount, "currency": "EUR"}
    response = editor.post("/api/v1/books/", body, format="json")
    problem = assert_problem(response, 400, "invalid")
    assert list(problem["errors"]) == ["price"]
    assert not Book.objects.exists()


def test_a_huge_json_number_as_amount_is_a_400_not_a_500(editor):
    body = json.dumps(book_body_v2(price={"amount": "AMOUNT", "currency": "EUR"}))
    raw = body.replace('"AMOUNT"', "1e400")
    response = editor.generic("POST", "/api/v2/books/", raw, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert not Book.objects.exists()
