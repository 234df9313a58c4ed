"""The page's form: which operation, with which parameters.

Only shapes are checked here (an id is a whole number, a page holds 1 to 1000 books); whether a
book exists, an ISBN's check digit is right or a date lies in the future is the catalog's to say,
and the page shows how each protocol says it.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms

from catalog_client.operations import BookDraft, isbn_for
from catalog_contract.ids import MAX_ID
from gateway.compare.runs import Operation

OPERATIONS = (
    ("get_book", "Get a book"),
    ("list", "List N books"),
    ("search", "Search (20 a page)"),
    ("create", "Create a book (as editor)"),
)
ORDERINGS = [("", "catalog order")] + [
    (f"{sign}{key}", f"{key.replace('_', ' ')}, {direction}")
    for key in ("title", "price", "published_date")
    for sign, direction in (("", "ascending"), ("-", "descending"))
]
SEARCH_FIELDS = ("search", "language", "min_price", "max_price", "ordering")
CREATE_FIELDS = ("isbn", "title", "author_id", "publisher_id", "published_date", "book_language",
                 "pages", "price", "currency")  # fmt: skip
GROUPS = (
    ("get_book", "Get a book", ("book_id",)),
    ("list", "List N books", ("page_size",)),
    ("search", "Search (all optional)", SEARCH_FIELDS),
    ("create", "Create a book (as editor; deleted again right after)", CREATE_FIELDS),
)
"""Each operation's parameters, as the page groups them; all are needed except a search's."""


def fresh_isbn() -> str:
    """A valid ISBN-13 no seeded book has (seeded ones start 978)."""
    return isbn_for(secrets.randbelow(10**9), "979")


class OperationForm(forms.Form):
    operation = forms.ChoiceField(choices=OPERATIONS, initial="get_book", widget=forms.RadioSelect)

    book_id = forms.IntegerField(label="Book id", min_value=1, max_value=MAX_ID, initial=1,
                                 required=False)  # fmt: skip
    page_size = forms.IntegerField(label="Books per page (1 to 1000)", min_value=1,
                                   max_value=1000, initial=100, required=False)  # fmt: skip

    search = forms.CharField(label="Words in the title or an author's name", max_length=100,
                             initial="the", required=False)  # fmt: skip
    language = forms.CharField(label="Language (ISO 639-1)", max_length=8, initial="en",
                               required=False)  # fmt: skip
    min_price = forms.CharField(label="Lowest price", max_length=16, initial="10", required=False)
    max_price = forms.CharField(label="Highest price", max_length=16, initial="40", required=False)
    ordering = forms.ChoiceField(label="Order", choices=ORDERINGS, initial="price",
                                 required=False)  # fmt: skip

    isbn = forms.CharField(label="ISBN-13", max_length=32, required=False)
    title = forms.CharField(label="Title", max_length=300, initial="A Book Compared",
                            required=False)  # fmt: skip
    author_id = forms.IntegerField(label="Author id", min_value=1, max_value=MAX_ID, initial=1,
                                   required=False)  # fmt: skip
    publisher_id = forms.IntegerField(label="Publisher id", min_value=1, max_value=MAX_ID,
                                      initial=1, required=False)  # fmt: skip
    published_date = forms.CharField(label="Published (YYYY-MM-DD)", max_length=32,
                                     initial="2020-05-01", required=False)  # fmt: skip
    book_language = forms.CharField(label="Language (ISO 639-1)", max_length=8, initial="en",
                                    required=False)  # fmt: skip
    pages = forms.IntegerField(label="Pages", min_value=-(10**9), max_value=10**9, initial=320,
                               required=False)  # fmt: skip
    price = forms.CharField(label="Price", max_length=16, initial="19.90", required=False)
    currency = forms.CharField(label="Currency (ISO 4217)", max_length=8, initial="EUR",
                               required=False)  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["isbn"].initial = fresh_isbn()

    def groups(self) -> list[dict[str, object]]:
        return [{"kind": kind, "legend": legend, "fields": [self[name] for name in names]}
                for kind, legend, names in GROUPS]  # fmt: skip

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        kind = data.get("operation")
        needed = next((names for k, _, names in GROUPS if k == kind and k != "search"), ())
        for name in needed:
            if data.get(name) in (None, "") and name not in self.errors:
                self.add_error(name, "Needed for this operation.")
        return data

    def operation_asked(self) -> Operation:
        """The valid form as the operation to run."""
        data = self.cleaned_data
        kind = data["operation"]
        if kind == "get_book":
            return Operation(kind, book_id=data["book_id"])
        if kind == "list":
            return Operation(kind, page_size=data["page_size"])
        if kind == "search":
            criteria = {name: data[name] for name in SEARCH_FIELDS if data.get(name)}
            return Operation(kind, search=criteria)
        draft = BookDraft(
            isbn=data["isbn"], title=data["title"], author_id=data["author_id"],
            publisher_id=data["publisher_id"], published_date=data["published_date"],
            language=data["book_language"], pages=data["pages"], price=data["price"],
            currency=data["currency"],
        )  # fmt: skip
        return Operation(kind, draft=draft)
