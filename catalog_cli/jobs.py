"""`catalog import FILE` and `catalog export`: submit a job to the REST API, follow it with a
progress bar, and print how it ended (an export's file is downloaded).

    catalog import books.ndjson            one v2 book input per line (or books.csv, a header row)
    catalog export --language en -o en.ndjson.gz

They talk to the REST service on this machine by default (`--url` for another, e.g. the
gateway), as the demo editor unless `--username` / `--password` say otherwise.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog_cli.errors import CliError
from catalog_cli.services import SERVICES, listen_host

if TYPE_CHECKING:
    import httpx

FINISHED = {"succeeded", "failed", "cancelled"}
SHOWN_ROW_ERRORS = 20
EXPORT_FILTERS = ("author", "publisher", "genre", "language", "min_price", "max_price",
                  "published_after", "published_before", "search")  # fmt: skip


@contextmanager
def _client(args: argparse.Namespace) -> Iterator[Any]:
    """An HTTP client to the API, logged in."""
    import httpx

    with httpx.Client(base_url=args.url, timeout=60) as client:
        try:
            response = client.post(
                "/api/token/", json={"username": args.username, "password": args.password}
            )
        except httpx.HTTPError as exc:
            raise CliError(f"cannot reach {args.url} ({exc}); start it with `make run`") from None
        if response.status_code != 200:
            raise CliError(f"login as {args.username} refused ({response.status_code})")
        client.headers["Authorization"] = f"Bearer {response.json()['access']}"
        yield client


def _submitted(response: httpx.Response) -> str:
    if response.status_code != 202:
        detail = response.json().get("detail") if response.content else ""
        raise CliError(f"the job was refused ({response.status_code}): {detail}")
    return response.headers["Location"]


def _follow(client: httpx.Client, location: str, what: str) -> dict[str, Any]:
    """Poll the job until it ends, drawing its progress."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=False) as progress:
        bar = progress.add_task(what, total=None)
        while True:
            job: dict[str, Any] = client.get(location).json()
            progress.update(bar, total=job["total"], completed=job["done"],
                            description=f"{what} ({job['status']})")  # fmt: skip
            if job["status"] in FINISHED:
                return job
            time.sleep(0.5)


def _print_outcome(job: dict[str, Any]) -> None:
    print(f"Job {job['id']} {job['status']}: {job['done']} of {job['total']} done, "
          f"{job['created']} created, {job['failed']} failed.")  # fmt: skip
    for row in job["failed_rows"][:SHOWN_ROW_ERRORS]:
        fields = "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in row["errors"].items())
        print(f"  line {row['line']}: {fields}")
    if job["failed"] > SHOWN_ROW_ERRORS:
        print(f"  … and {job['failed'] - SHOWN_ROW_ERRORS} more (GET {job['url']})")
    if job["error"]:
        print(f"  error: {job['error']}")


def import_file(args: argparse.Namespace) -> None:
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no such file: {path}")
    content_type = "text/csv" if path.suffix.lower() == ".csv" else "application/x-ndjson"
    with _client(args) as client:
        location = _submitted(
            client.post(
                "/api/v2/books/import/",
                content=path.read_bytes(),
                headers={"Content-Type": content_type},
            )
        )
        job = _follow(client, location, f"Importing {path.name}")
    _print_outcome(job)
    if job["status"] != "succeeded":
        raise CliError(f"the import {job['status']}")


def export(args: argparse.Namespace) -> None:
    filters = {name: value for name in EXPORT_FILTERS if (value := getattr(args, name))}
    with _client(args) as client:
        location = _submitted(client.post("/api/v2/books/export/", json=filters))
        job = _follow(client, location, "Exporting")
        _print_outcome(job)
        if job["status"] != "succeeded":
            raise CliError(f"the export {job['status']}")
        with client.stream("GET", job["result"]) as download, open(args.output, "wb") as out:
            for chunk in download.iter_bytes():
                out.write(chunk)
    print(f"Wrote {args.output} (gzipped NDJSON, one v2 book per line).")


def _common(parser: argparse.ArgumentParser) -> None:
    default_url = f"http://{listen_host()}:{SERVICES['rest'].port}"
    parser.add_argument("--url", default=default_url, help=f"the REST API (default {default_url})")
    parser.add_argument("--username", default="editor")
    parser.add_argument("--password", default="editor-pass")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    import_parser = commands.add_parser("import", help="import books from an NDJSON or CSV file")
    import_parser.add_argument("file", help="one v2 book per line (.ndjson) or a .csv file")
    _common(import_parser)
    import_parser.set_defaults(handler=import_file)

    export_parser = commands.add_parser("export", help="export books to a gzipped NDJSON file")
    for name in EXPORT_FILTERS:
        export_parser.add_argument(f"--{name.replace('_', '-')}", dest=name, default=None)
    export_parser.add_argument("-o", "--output", default="books.ndjson.gz")
    _common(export_parser)
    export_parser.set_defaults(handler=export)
