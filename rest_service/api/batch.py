"""Batch reads: `GET /api/{v1,v2}/books/?ids=3,1,2` answers those books, in that order.

One page holds the whole batch (at most catalog_contract.ids.MAX_BATCH_IDS ids, so `next` and
`previous` are null); an id no book has is left out, and a repeated id is served once, where it
first appears. The ids name the books exactly, so filters, `ordering`, `cursor` and `page_size`
cannot be combined with them (a 400 naming each); `fields` can. The ids themselves are checked
by the selector (shared_models.selectors.book_batch), the same check SOAP's GetBooks makes.
"""

from __future__ import annotations

from typing import NoReturn

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from catalog_contract import fields
from catalog_contract.ids import MAX_BATCH_IDS
from shared_models.errors import ValidationError

PARAMETER = "ids"


def requested_ids(request: Request) -> list[str] | None:
    """The ids asked for, as sent (None without `ids`); refused when given more than once or
    with a parameter it cannot be combined with (catalog_contract.fields.NOT_WITH_IDS)."""
    values = request.query_params.getlist(PARAMETER)
    if not values:
        return None
    if len(values) > 1:
        _refuse({PARAMETER: [fields.GIVE_ONCE.format(PARAMETER)]})
    combined = sorted(name for name in fields.NOT_WITH_IDS if name in request.query_params)
    if combined:
        _refuse({name: [fields.NOT_WITH_IDS_MESSAGE] for name in combined})
    return values[0].split(",") if values[0] else []


def _refuse(errors: dict[str, list[str]]) -> NoReturn:
    raise ValidationError(errors)


def parameter() -> OpenApiParameter:
    return OpenApiParameter(
        PARAMETER,
        OpenApiTypes.STR,
        description=(
            f"A batch read: up to {MAX_BATCH_IDS} book ids, comma-separated (`3,1,2`). One page "
            "holds those books in that order (`next`/`previous` null); ids no book has are left "
            "out, a repeated id is served once. Cannot be combined with the filters, `ordering`, "
            "`cursor` or `page_size`; an empty, malformed or out-of-range id, or too many ids, "
            "is a 400."
        ),
        pattern=rf"^[0-9]{{1,19}}(,[0-9]{{1,19}}){{0,{MAX_BATCH_IDS - 1}}}$",
    )
