#!/usr/bin/env python3
"""A peer that starts a TLS handshake, or lets one start, and then says no
more: for the handshake deadline tests and the silent-peer memory figure.

  --role client  connects --count times to 127.0.0.1:--port; on each
                 connection sends the first --bytes bytes of a real TLS
                 ClientHello (made by Python's ssl module) and nothing else.
                 Prints "CONNECTED <n>" when all are connected, then
                 "CLOSED <i>" as the server closes each, and "ALLCLOSED"
                 when none is left open.
  --role server  listens on 127.0.0.1 and a free port, prints "READY <port>",
                 accepts connections and never answers: prints "GOT <n>"
                 with the bytes a connection's first read took, and
                 "CLOSED" when the client closes it.

Exits by itself after --timeout seconds.
"""
import argparse
import selectors
import signal
import socket
import ssl


def log(*words):
    print(*words, flush=True)


def client_hello():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return outgoing.read()


def receive(sel, key):
    """Reads what came on key's socket; at its end, closes it and returns None."""
    try:
        data = key.fileobj.recv(65536)
    except OSError:
        data = b""
    if data:
        return data
    sel.unregister(key.fileobj)
    key.fileobj.close()
    return None


def run_client(args):
    hello = client_hello()[:args.bytes]
    sel = selectors.DefaultSelector()
    socks = []
    for _ in range(args.count):
        s = socket.create_connection(("127.0.0.1", args.port))
        s.sendall(hello)
        socks.append(s)
        sel.register(s, selectors.EVENT_READ, len(socks) - 1)
    log("CONNECTED", len(socks))
    left = len(socks)
    while left:
        for key, _ in sel.select():
            if receive(sel, key) is None:
                log("CLOSED", key.data)
                left -= 1
    log("ALLCLOSED")


def run_server(args):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    log("READY", listener.getsockname()[1])
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ, None)
    while True:
        for key, _ in sel.select():
            if key.fileobj is listener:
                conn, _ = listener.accept()
                sel.register(conn, selectors.EVENT_READ, "new")
                continue
            data = receive(sel, key)
            if data is None:
                log("CLOSED")
            elif key.data == "new":
                sel.modify(key.fileobj, selectors.EVENT_READ, "seen")
                log("GOT", len(data))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--role", default="client")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--bytes", type=int, default=10)
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    if args.role == "client":
        run_client(args)
    else:
        run_server(args)


if __name__ == "__main__":
    main()
