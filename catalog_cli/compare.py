"""`catalog compare get-book 42`: one operation as REST and as SOAP, side by side, byte for byte,
against running services (catalog_client sends and captures; side_by_side.py draws)."""

from __future__ import annotations

import argparse

from catalog_cli.errors import CliError
from catalog_cli.services import SERVICES, listen_host
from catalog_client.operations import ACCEPT_ENCODING


def compare(args: argparse.Namespace) -> None:
    """Print one operation's REST and SOAP exchanges side by side, with their sizes."""
    from rich.console import Console

    from catalog_cli.side_by_side import render
    from catalog_client.exchanges import capture
    from catalog_client.operations import Context, protocol_target

    host = listen_host()
    gateway = f"{host}:{SERVICES['gateway'].port}"
    rest_at = gateway if args.via_gateway else f"{host}:{SERVICES['rest'].port}"
    soap_at = gateway if args.via_gateway else f"{host}:{SERVICES['soap'].port}"
    if args.operation == "get-book":
        scenario, ctx = (
            "get_book",
            Context(book_id=args.value, author_id=0, publisher_id=0, token=""),
        )
    else:
        if not 1 <= args.value <= 1000:
            raise CliError("list-books takes a page size from 1 to 1000")
        scenario, ctx = (
            f"list_{args.value}",
            Context(book_id=0, author_id=0, publisher_id=0, token=""),
        )
    targets = []
    for protocol, authority in (("rest", rest_at), ("soap", soap_at)):
        name, _, port = authority.rpartition(":")
        targets.append(protocol_target(protocol, name, int(port), args.accept_encoding or None))
    try:
        rest, soap = (capture(scenario, target, ctx) for target in targets)
    except OSError as exc:
        raise CliError(f"cannot reach the services ({exc}); start them with `make run`") from None
    render(rest, soap, pretty=args.pretty, console=Console())


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    compare_parser = commands.add_parser(
        "compare", help="one operation as REST and as SOAP, side by side, with sizes"
    )
    compare_parser.add_argument("operation", choices=["get-book", "list-books"])
    compare_parser.add_argument("value", type=int, help="the book id, or the page size")
    compare_parser.add_argument("--via-gateway", action="store_true", help="through port 8000")
    compare_parser.add_argument("--pretty", action="store_true", help="indent the bodies")
    compare_parser.add_argument(
        "--accept-encoding", default=ACCEPT_ENCODING, metavar="CODINGS",
        help=f'what the requests accept (default "{ACCEPT_ENCODING}"; "" for none: identity)',
    )  # fmt: skip
    compare_parser.set_defaults(handler=compare)
