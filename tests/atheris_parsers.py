"""Coverage-guided fuzzing (Atheris, libFuzzer) of the pure parsers that read what a client sends
before any rule sees it: cursors, ISBNs, the SOAP service's XML pre-checks and the gateway's
version negotiation (its path, Accept-Version and Accept parsing). Each input either parses or is
refused with the parser's own error; any other exception is a finding, and libFuzzer writes the
input that raised it to `crash-<hash>` in the current directory.

    .venv/bin/python -m tests.atheris_parsers -max_total_time=60        (what `make fuzz` runs)
    .venv/bin/python -m tests.atheris_parsers crash-<hash>             (replays one input)

Not a pytest module: libFuzzer owns the process (it exits when the time is up). Atheris ships
wheels for Linux x86-64 only, so elsewhere this says so and exits 0."""

from __future__ import annotations

import base64
import contextlib
import inspect
import json
import os
import sys
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

try:
    import atheris
except ImportError:  # pragma: no cover - a platform without Atheris wheels
    atheris = None


from lxml import etree  # noqa: E402  (after django.setup(): the models need the settings)

from gateway.errors import RouteNotFound  # noqa: E402
from gateway.versioning import negotiate  # noqa: E402
from shared_models.errors import ValidationError  # noqa: E402
from shared_models.pagination import Ordering, decode_cursor, parse_ordering  # noqa: E402
from shared_models.selectors import BOOK_ORDERINGS  # noqa: E402
from shared_models.validation import FieldError, clean_isbn  # noqa: E402
from soap_service.hardening import XmlLimits, XmlThreat, parse  # noqa: E402

PARSERS = ("shared_models.pagination", "shared_models.validation", "gateway.versioning",
           "soap_service.hardening")  # fmt: skip
ORDERINGS = sorted(BOOK_ORDERINGS) + sorted(f"-{name}" for name in BOOK_ORDERINGS)
LIMITS = XmlLimits(max_body_bytes=1 << 20, max_depth=32, max_children=1000, max_attributes=32,
                   max_text_length=10_000)  # fmt: skip


def cursor(data: atheris.FuzzedDataProvider) -> None:
    ordering = parse_ordering(data.PickValueInList(ORDERINGS), BOOK_ORDERINGS, "id")
    text = _cursor_text(data, ordering) if data.ConsumeBool() else data.ConsumeUnicode(2000)
    with contextlib.suppress(ValidationError):
        decode_cursor(text, ordering)


def _cursor_text(data: atheris.FuzzedDataProvider, ordering: Ordering) -> str:
    """A cursor of the right form with fuzzed fields, to get past base64 and JSON."""
    value_kinds = [
        lambda: data.ConsumeUnicode(40),
        lambda: data.ConsumeInt(16),
        lambda: data.ConsumeFloat(),
        lambda: None,
        lambda: [data.ConsumeUnicode(5)],
    ]
    payload = {
        "o": ordering.name if data.ConsumeBool() else data.ConsumeUnicode(10),
        "v": data.PickValueInList(value_kinds)(),
        "i": data.ConsumeInt(data.ConsumeIntInRange(1, 16)),
        "b": data.ConsumeInt(2),
    }
    for key in list(payload):
        if data.ConsumeIntInRange(0, 9) == 0:
            del payload[key]
    raw = json.dumps(payload).encode()  # the stdlib's: integers past 64 bits too
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def isbn(data: atheris.FuzzedDataProvider) -> None:
    with contextlib.suppress(FieldError):
        clean_isbn(data.ConsumeUnicode(40))


def xml(data: atheris.FuzzedDataProvider) -> None:
    with contextlib.suppress(XmlThreat, etree.XMLSyntaxError):
        parse(data.ConsumeBytes(data.remaining_bytes()), LIMITS)


def versions(data: atheris.FuzzedDataProvider) -> None:
    path = b"/api/" + data.ConsumeBytes(data.ConsumeIntInRange(0, 60))
    accept_version = data.ConsumeBytes(40) if data.ConsumeBool() else None
    accept = data.ConsumeBytes(200) if data.ConsumeBool() else None
    with contextlib.suppress(RouteNotFound):
        negotiate(path, accept_version, accept)


TARGETS: list[Callable[[atheris.FuzzedDataProvider], None]] = [cursor, isbn, xml, versions]


def one_input(raw: bytes) -> None:
    data = atheris.FuzzedDataProvider(raw)
    data.PickValueInList(TARGETS)(data)


def main() -> None:
    if atheris is None:
        print("atheris: not installed on this platform (wheels: Linux x86-64); skipped")
        return
    for function in _functions_of(PARSERS):  # coverage feedback from the parsers' own code
        atheris.instrument_func(function)
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


def _functions_of(modules: tuple[str, ...]) -> list[Callable]:
    found = []
    for name in modules:
        module = sys.modules[name]
        found += [
            value
            for value in vars(module).values()
            if inspect.isfunction(value) and value.__module__ == name
        ]
    return found


if __name__ == "__main__":
    main()
