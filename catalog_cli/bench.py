"""`catalog bench`: the REST vs SOAP benchmark (the benchmarks package, imported only when this
command runs, so the services never load it)."""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from catalog_cli.errors import CliError
from config.env import BASE_DIR


def _exit_on_sigterm(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def bench(args: argparse.Namespace) -> None:
    """Run the REST vs SOAP benchmark and write its report folder. SIGTERM unwinds like Ctrl-C,
    so the servers it started (each in a session of its own) are stopped, not orphaned."""
    from datetime import datetime

    signal.signal(signal.SIGTERM, _exit_on_sigterm)

    from benchmarks.bench import run_bench
    from benchmarks.runner import FULL, QUICK, Endpoints

    profile = QUICK if args.quick else FULL
    if args.books:
        from dataclasses import replace

        profile = replace(profile, books=args.books)
    urls = None
    if any((args.rest_url, args.soap_url, args.gateway_url)):
        if not all((args.rest_url, args.soap_url, args.gateway_url)):
            raise CliError("give all three of --rest-url, --soap-url and --gateway-url, or none")
        urls = Endpoints(args.rest_url, args.soap_url, args.gateway_url)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else BASE_DIR / "var" / "bench" / f"{profile.name}-{stamp}"
    for path in run_bench(profile, out, urls=urls):
        print(f"wrote {path}")


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench_parser = commands.add_parser("bench", help="benchmark REST vs SOAP, write a report")
    bench_parser.add_argument("--quick", action="store_true", help="the < 2 minute profile")
    bench_parser.add_argument("--books", type=int, default=None, help="catalog size to seed")
    bench_parser.add_argument("--out", default=None, help="report folder (default var/bench/...)")
    bench_parser.add_argument("--rest-url", default=None, help="use running services instead")
    bench_parser.add_argument("--soap-url", default=None)
    bench_parser.add_argument("--gateway-url", default=None)
    bench_parser.set_defaults(handler=bench)
