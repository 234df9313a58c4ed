"""The ladder's HTTP/2 client: many streams on one cleartext connection by prior knowledge,
answers read whole, the connection's bytes counted; a server that speaks only HTTP/1.1 is
refused as "no HTTP/2", never mistaken for one. The server here is the h2 package's own state
machine on an asyncio socket."""

import asyncio

import h2.config
import h2.connection
import h2.events
import pytest

from benchmarks.h2load import H2Unavailable, probe, run_h2_load
from catalog_client.wire import WireRequest

BODY = b'{"id": 1}' * 500
REQUEST = WireRequest("GET", "/api/v2/books/1/", (("Accept-Encoding", "br"),))


async def _h2_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    config = h2.config.H2Configuration(client_side=False, header_encoding="latin-1")
    connection = h2.connection.H2Connection(config)
    connection.initiate_connection()
    writer.write(connection.data_to_send())
    while data := await reader.read(65536):
        for event in connection.receive_data(data):
            if isinstance(event, h2.events.RequestReceived):
                asked = dict(event.headers)
                headers = [(":status", "200"), ("content-type", "application/json"),
                           ("x-path", asked[":path"])]  # fmt: skip
                connection.send_headers(event.stream_id, headers)
                connection.send_data(event.stream_id, BODY, end_stream=True)
        writer.write(connection.data_to_send())
        await writer.drain()
    writer.close()


async def _http11_server(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read(65536)
    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
    await writer.drain()
    writer.close()


async def _serving(handler, work):
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        return await work(port)
    finally:
        server.close()


def test_a_probe_reads_the_answer_and_counts_the_steady_state_bytes():
    answer, sent, received = asyncio.run(
        _serving(_h2_server, lambda port: probe("127.0.0.1", port, REQUEST))
    )
    assert answer.status == 200 and answer.body == BODY
    assert answer.headers["x-path"] == "/api/v2/books/1/"
    assert 0 < sent < 100  # a second request: its header fields are in HPACK's table
    assert len(BODY) < received < len(BODY) + 200


def test_many_streams_share_one_connection():
    result, per_request = asyncio.run(
        _serving(_h2_server,
                 lambda port: run_h2_load("127.0.0.1", port, REQUEST, streams=8, seconds=0.2))
    )  # fmt: skip
    assert result.operations > 8 and result.errors == 0
    assert set(result.statuses) == {200}
    assert per_request > len(BODY)


def test_a_server_without_http2_is_refused():
    with pytest.raises(H2Unavailable):
        asyncio.run(_serving(_http11_server, lambda port: probe("127.0.0.1", port, REQUEST)))
