"""The benchmark's byte counts are what actually crossed the socket, checked against a server
that counts for itself."""

import asyncio

import pytest

from catalog_client.wire import Connection, WireRequest

BODY = b'{"hello": "world"}'
RESPONSES = {
    "length": b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 18\r\n\r\n"
    + BODY,
    "chunked": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\n" + BODY[:5] + b"\r\nd\r\n" + BODY[5:] + b"\r\n0\r\n\r\n",
}


async def _exchange_with_counting_server(response: bytes, request: WireRequest):
    received = bytearray()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        received.extend(head)
        length = next(
            (int(line.split(b":")[1]) for line in head.split(b"\r\n")
             if line.lower().startswith(b"content-length")), 0,
        )  # fmt: skip
        received.extend(await reader.readexactly(length))
        writer.write(response)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    connection = Connection("127.0.0.1", port)
    try:
        answer = await connection.exchange(request.encode(connection.authority))
    finally:
        await connection.close()
        server.close()
        await server.wait_closed()
    return answer, bytes(received)


@pytest.mark.parametrize("framing", ["length", "chunked"])
def test_response_bytes_equal_what_the_server_sent(framing):
    answer, _ = asyncio.run(
        _exchange_with_counting_server(RESPONSES[framing], WireRequest("GET", "/x"))
    )
    assert answer.status == 200
    assert answer.body == BODY
    assert answer.wire_bytes == len(RESPONSES[framing])


def test_request_bytes_equal_what_the_server_received():
    request = WireRequest("POST", "/books/", (("Content-Type", "application/json"),), b'{"a": 1}')
    _, received = asyncio.run(_exchange_with_counting_server(RESPONSES["length"], request))
    host = received.split(b"Host: ")[1].split(b"\r\n")[0].decode()
    assert received == request.encode(host)
    assert len(received) == len(request.head(host)) + len(request.body)
