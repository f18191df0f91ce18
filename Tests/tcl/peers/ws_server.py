#!/usr/bin/env python3
"""A WebSocket-over-TLS (wss://) server peer built on the `websockets`
package from PyPI.

Listens on 127.0.0.1 and a free port, prints "READY <port>". On each
connection it first sends two messages of its own, the text "hello ü €" and
the 256 bytes 0..255 as a binary message, then echoes every message back
with its type (text stays text, binary stays binary). Stdout gets
"OPEN <path>" per connection, "RECV text|binary <length> <sha256 of the
UTF-8 text or of the bytes>" per message and "CLOSED <code>" at the end.
Exits by itself after --timeout seconds.
"""
import argparse
import asyncio
import hashlib
import signal
import ssl

from websockets.asyncio.server import serve


def log(*words):
    print(*words, flush=True)


async def echo(ws):
    log("OPEN", ws.request.path)
    await ws.send("hello ü €")
    await ws.send(bytes(range(256)))
    try:
        async for message in ws:
            if isinstance(message, str):
                data, kind = message.encode("utf-8"), "text"
            else:
                data, kind = message, "binary"
            log("RECV", kind, len(message), hashlib.sha256(data).hexdigest())
            await ws.send(message)
    finally:
        log("CLOSED", ws.close_code)


async def run(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    async with serve(echo, "127.0.0.1", 0, ssl=ctx, max_size=None, subprotocols=["echo"],
                     compression=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        log("READY", port)
        await asyncio.Future()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
