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

    profile = chosen_profile(args)
    urls = _running_services(args)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else BASE_DIR / "var" / "bench" / f"{profile.name}-{stamp}"
    for path in run_bench(profile, out, urls=urls):
        print(f"wrote {path}")


def chosen_profile(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The full or quick profile with what --books, --rounds and --seconds override (a shorter
    full run still measures every scenario and step; its report states the profile it ran)."""
    from dataclasses import replace

    from benchmarks.runner import FULL, QUICK

    overrides = {"books": args.books, "rounds": args.rounds, "seconds": args.seconds}
    chosen = {name: value for name, value in overrides.items() if value}
    return replace(QUICK if args.quick else FULL, **chosen)


def bench_floor(args: argparse.Namespace) -> None:
    """Print the floor table (benchmarks/floor.py); SIGTERM stops the servers it started."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    from benchmarks.floor import run_floor

    out = Path(args.out) if args.out else None
    print(
        run_floor(
            rounds=args.rounds, seconds=args.seconds, concurrency=args.concurrency,
            books=args.books, urls=_running_services(args), out=out,
        )
    )  # fmt: skip


def _running_services(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The Endpoints named by --rest-url, --soap-url and --gateway-url, or None: start them."""
    from benchmarks.runner import Endpoints

    if not any((args.rest_url, args.soap_url, args.gateway_url)):
        return None
    if not all((args.rest_url, args.soap_url, args.gateway_url)):
        raise CliError("give all three of --rest-url, --soap-url and --gateway-url, or none")
    return Endpoints(args.rest_url, args.soap_url, args.gateway_url)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bench_parser = commands.add_parser("bench", help="benchmark REST vs SOAP, write a report")
    bench_parser.add_argument("--quick", action="store_true", help="the 2-minute profile")
    bench_parser.add_argument("--books", type=int, default=None, help="catalog size to seed")
    bench_parser.add_argument("--rounds", type=int, default=None, help="rounds per measurement")
    bench_parser.add_argument("--seconds", type=float, default=None, help="seconds per run")
    bench_parser.add_argument("--out", default=None, help="report folder (default var/bench/...)")
    bench_parser.add_argument("--rest-url", default=None, help="use running services instead")
    bench_parser.add_argument("--soap-url", default=None)
    bench_parser.add_argument("--gateway-url", default=None)
    bench_parser.set_defaults(handler=bench)
    floor_parser = bench_parser.add_subparsers(dest="suite").add_parser(
        "floor", help="each hot read's throughput over its server's /healthz, and the gateway's"
    )
    floor_parser.add_argument("--rounds", type=int, default=5)
    floor_parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    floor_parser.add_argument("--concurrency", type=int, default=8)
    floor_parser.add_argument("--books", type=int, default=1000, help="catalog size to seed")
    floor_parser.add_argument("--out", default=None, help="also write the figures as JSON here")
    for option in ("--rest-url", "--soap-url", "--gateway-url"):
        floor_parser.add_argument(option, default=None, help="use running services instead")
    floor_parser.set_defaults(handler=bench_floor)
