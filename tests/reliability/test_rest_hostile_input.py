"""Hostile input on the live REST service: schemathesis generates requests for every operation
in the served OpenAPI document, schema-valid and schema-breaking alike, each sent once
anonymously and once with an editor's token. No answer may be a 5xx, and every answer must be
one the document describes (status, content type, headers, body schema).

The checks are the ones about what the server answers. Schemathesis' request-side checks
(`positive_data_acceptance`, `negative_data_rejection`) are left out on purpose: the document
cannot express rules such as an ISBN-13 checksum or a past publication date, so a schema-valid
body may rightly be refused with a 400.

Operations are driven one by one with Hypothesis rather than through schemathesis' pytest
plugin, whose lazy `from_fixture` loader does not run on pytest 9; every operation is tried
and all failures are reported together."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES_PER_OPERATION = 15
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _failures_of(operation, rest_url: str, identities: list[dict[str, str]]) -> str | None:
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @BOUNDED
    @given(case=cases)
    def every_case_is_answered_as_documented(case) -> None:
        for headers in identities:
            case.call_and_validate(base_url=rest_url, headers=headers, checks=CHECKS, timeout=30)

    try:
        every_case_is_answered_as_documented()
    except Exception as exc:
        return f"{operation.label}:\n{exc}"
    return None


def test_no_operation_answers_5xx_or_outside_its_document(rest_url, editor_token):
    schema = schemathesis.openapi.from_url(f"{rest_url}/api/schema/")
    identities = [{}, {"Authorization": f"Bearer {editor_token}"}]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50  # every resource, both versions, tokens, JWKS, schema

    failures = [
        failure
        for operation in operations
        if (failure := _failures_of(operation, rest_url, identities)) is not None
    ]

    assert not failures, "\n\n".join(failures)
