"""A TCP proxy that misbehaves on command: the fault-injection tool of the reliability battery.

Placed between the gateway and an upstream, it forwards bytes unchanged until told otherwise:

    latency                  seconds added before each request is passed on
    reset_fraction           share of requests answered by a TCP reset (RST), chosen at random
                             from a seeded generator, so a run is repeatable
    reset_after_forwarding   reset only after the upstream received the request (it may have
                             acted on it: the case that duplicates non-idempotent writes)
    blackhole                accept and read, never forward, never answer

A "request" is the first bytes a client sends after the upstream last answered, so faults hit
whole HTTP exchanges on keep-alive connections, not only new connections.

It runs as a process of its own (`python -m tests.faultproxy --upstream 127.0.0.1:8001
--port P --control-port C`), so its event loop competes with nobody's, and is steered at run
time over a control socket that speaks one JSON object per line:

    {"set": {"latency": 2.5}}   {"heal": true}   {"drop": true}   {"stats": true}

each answered with the current faults and counters. `FaultProxy` is the test side's handle.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import socket
import struct
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

CHUNK = 65536


@dataclass
class Faults:
    latency: float = 0.0
    reset_fraction: float = 0.0
    reset_after_forwarding: bool = False
    blackhole: bool = False

    def update(self, changes: dict[str, Any]) -> None:
        known = {f.name: f.type for f in fields(self)}
        if unknown := sorted(set(changes) - set(known)):
            raise ValueError(f"unknown faults: {', '.join(unknown)}")
        for name, value in changes.items():
            current = getattr(self, name)
            if not isinstance(value, (bool, int, float)) or isinstance(value, bool) != isinstance(
                current, bool
            ):
                raise ValueError(f"{name} takes a {type(current).__name__}")
            setattr(self, name, type(current)(value))


@dataclass
class Counters:
    connections: int = 0
    requests: int = 0
    resets: int = 0
    blackholed: int = 0
    upstream_unreachable: int = 0


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with RST rather than FIN: what a crashed peer or a hostile network looks like."""
    with suppress(OSError):
        writer.get_extra_info("socket").setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
    writer.transport.abort()


@dataclass(eq=False)
class _Exchange:
    """One proxied connection's state: is a response awaited, is the connection doomed."""

    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    awaiting_response: bool = False
    doomed: bool = False

    def reset(self) -> None:
        _reset(self.client)
        if self.upstream is not None:
            _reset(self.upstream)


class FaultProxyServer:
    def __init__(self, upstream: tuple[str, int], seed: int) -> None:
        self.upstream = upstream
        self.faults = Faults()
        self.counters = Counters()
        self.random = random.Random(seed)
        self.exchanges: set[_Exchange] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.counters.connections += 1
        exchange = _Exchange(client=writer)
        self.exchanges.add(exchange)
        try:
            if not self.faults.blackhole:
                try:
                    up_reader, exchange.upstream = await asyncio.open_connection(*self.upstream)
                except OSError:
                    self.counters.upstream_unreachable += 1
                    exchange.reset()
                    return
            await asyncio.gather(
                self._requests(reader, exchange),
                self._responses(up_reader, exchange) if exchange.upstream else asyncio.sleep(0),
                return_exceptions=True,
            )
        finally:
            self.exchanges.discard(exchange)
            for side in (exchange.client, exchange.upstream):
                if side is not None:
                    side.close()

    async def _requests(self, reader: asyncio.StreamReader, exchange: _Exchange) -> None:
        while data := await reader.read(CHUNK):
            if self.faults.blackhole or exchange.upstream is None:
                self.counters.blackholed += 1
                continue
            if not exchange.awaiting_response:
                self.counters.requests += 1
                if self.random.random() < self.faults.reset_fraction:
                    self.counters.resets += 1
                    if not self.faults.reset_after_forwarding:
                        exchange.reset()
                        return
                    exchange.doomed = True
            if self.faults.latency:
                await asyncio.sleep(self.faults.latency)
            exchange.awaiting_response = True
            exchange.upstream.write(data)
            await exchange.upstream.drain()
        if exchange.upstream is not None and exchange.upstream.can_write_eof():
            with suppress(OSError):
                exchange.upstream.write_eof()

    async def _responses(self, reader: asyncio.StreamReader, exchange: _Exchange) -> None:
        while data := await reader.read(CHUNK):
            if exchange.doomed:
                exchange.reset()
                return
            if self.faults.blackhole:
                continue
            exchange.awaiting_response = False
            exchange.client.write(data)
            await exchange.client.drain()
        exchange.client.close()

    async def control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while line := await reader.readline():
            try:
                reply = self.command(json.loads(line))
            except (ValueError, TypeError, AttributeError) as exc:
                reply = {"error": str(exc)}
            writer.write(json.dumps(reply).encode() + b"\n")
            await writer.drain()
        writer.close()

    def command(self, command: dict[str, Any]) -> dict[str, Any]:
        if command.get("heal"):
            self.faults = Faults()
        if "set" in command:
            self.faults.update(command["set"])
        if command.get("drop"):
            for exchange in list(self.exchanges):
                exchange.reset()
        return {"faults": asdict(self.faults), "counters": asdict(self.counters)}


async def serve(upstream: tuple[str, int], port: int, control_port: int, seed: int) -> None:
    proxy = FaultProxyServer(upstream, seed)
    data = await asyncio.start_server(proxy.handle, "127.0.0.1", port, backlog=1024)
    control = await asyncio.start_server(proxy.control, "127.0.0.1", control_port)
    print(f"fault proxy 127.0.0.1:{port} -> {upstream[0]}:{upstream[1]}", flush=True)
    async with data, control:
        await asyncio.gather(data.serve_forever(), control.serve_forever())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="faultproxy", description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True, help="host:port to forward to")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--control-port", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    host, _, port = args.upstream.rpartition(":")
    with suppress(KeyboardInterrupt):
        asyncio.run(serve((host, int(port)), args.port, args.control_port, args.seed))


class FaultProxy:
    """The test side: a fault proxy process in front of one upstream, and its remote control."""

    def __init__(self, upstream_port: int, log_path: Path, *, seed: int = 1) -> None:
        from tests.processes import ServerProcess, free_port

        self.control_port = free_port()
        port = free_port()
        self.process = ServerProcess(
            name=f"faultproxy-{upstream_port}",
            command=[
                sys.executable, "-m", "tests.faultproxy", "--upstream",
                f"127.0.0.1:{upstream_port}", "--port", str(port),
                "--control-port", str(self.control_port), "--seed", str(seed),
            ],
            env={"PYTHONUNBUFFERED": "1", "PATH": "/usr/bin:/bin"},
            log_path=log_path,
            port=port,
        )  # fmt: skip

    @property
    def port(self) -> int:
        return self.process.port

    @property
    def url(self) -> str:
        return self.process.base_url

    def start(self) -> None:
        """Start the process; returns once a request through it reaches the upstream."""
        self.process.start()

    def stop(self) -> None:
        self.process.stop()

    def command(self, **command: Any) -> dict[str, Any]:
        with socket.create_connection(("127.0.0.1", self.control_port), timeout=10) as control:
            control.sendall(json.dumps(command).encode() + b"\n")
            reply = json.loads(control.makefile("rb").readline())
        if "error" in reply:
            raise ValueError(reply["error"])
        return reply

    def set(self, **faults: Any) -> dict[str, Any]:
        return self.command(set=faults)

    def heal(self) -> dict[str, Any]:
        return self.command(heal=True)

    def drop(self) -> dict[str, Any]:
        """Reset every connection open through the proxy right now."""
        return self.command(drop=True)

    def counters(self) -> dict[str, int]:
        return self.command(stats=True)["counters"]


@contextmanager
def fault_proxy(upstream_port: int, log_path: Path, *, seed: int = 1) -> Iterator[FaultProxy]:
    proxy = FaultProxy(upstream_port, log_path, seed=seed)
    try:
        proxy.start()
        yield proxy
    finally:
        proxy.stop()


if __name__ == "__main__":
    main()
