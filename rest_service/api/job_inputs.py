"""Import bodies as import lines: NDJSON (one v2 book input per line) or CSV (a header row, then
one book per row), each line read into the service layer's names here and validated by the
service layer in the worker. A line that cannot be read at all (not JSON, not an object) becomes
that line's error, never the whole import's.

CSV columns are the v2 keys: `authors` and `genres` hold ids and slugs separated by `;`,
`publisher` an id, `price` an amount and `currency` its currency; empty cells are left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping
from typing import IO, Any

import orjson
from django.conf import settings
from rest_framework.exceptions import APIException
from rest_framework.parsers import BaseParser

from rest_service.api.inputs import book_input_v2
from shared_models.errors import ValidationError
from shared_models.job_services import ImportLine

NDJSON = "application/x-ndjson"
CSV = "text/csv"
_LIST_COLUMNS = ("authors", "genres")


class ImportTooLarge(APIException):
    status_code = 413
    default_code = "content_too_large"
    default_detail = "The import is larger than this service accepts."


class _TextBodyParser(BaseParser):
    """The body as text, at most JOB_IMPORT_MAX_BYTES of it (413 beyond, before any work)."""

    def parse(  # type: ignore[override]  # the data is the import's text, not a mapping
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> str:
        limit = settings.JOB_IMPORT_MAX_BYTES
        body = stream.read(limit + 1) if stream is not None else b""
        if len(body) > limit:
            raise ImportTooLarge(f"An import takes at most {limit} bytes.")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError({"non_field_errors": ["The body must be UTF-8."]}) from None


class NDJSONParser(_TextBodyParser):
    media_type = NDJSON


class CSVParser(_TextBodyParser):
    media_type = CSV


def import_lines(text: str, media_type: str) -> Iterator[ImportLine]:
    return csv_lines(text) if media_type == CSV else ndjson_lines(text)


def ndjson_lines(text: str) -> Iterator[ImportLine]:
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            yield ImportLine(number, errors={"non_field_errors": ["Not a JSON object."]})
            continue
        yield _v2_line(number, body)


def csv_lines(text: str) -> Iterator[ImportLine]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    for row in reader:
        yield _v2_line(reader.line_num, _csv_body(row))


def _csv_body(row: dict[str | None, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for column, cell in row.items():
        if column is None or cell is None or not str(cell).strip():
            continue  # extra cells without a header, or an empty cell
        body[column] = (
            [item.strip() for item in cell.split(";")] if column in _LIST_COLUMNS else cell
        )
    if "currency" in body and "price" in body:
        body["price"] = {"amount": body["price"], "currency": body.pop("currency")}
    return body


def _v2_line(number: int, body: Any) -> ImportLine:
    try:
        service_input = book_input_v2(body)
    except ValidationError as exc:
        return ImportLine(number, errors=exc.errors)
    return ImportLine(number, data=service_input.data, client_names=service_input.client_names)
