#!/usr/bin/env python3
"""A plain TCP (no TLS) server peer for the channel error tests.

Listens on 127.0.0.1 and a free port, prints "READY <port>" and serves
--accept connections in --mode:

  http     waits for the first bytes (a TLS ClientHello, say), answers with
           an HTTP/1.1 400 response and closes: a peer that does not speak TLS
  hangup   waits for the first bytes, then closes: a peer that goes away in
           the middle of the handshake
  reset    waits for the first bytes, then resets the connection (RST)

Prints "GOT <n>" with the number of bytes it read first, "CLOSED" after
closing. Exits by itself after --timeout seconds.
"""
import argparse
import signal
import socket
import struct


def log(*words):
    print(*words, flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", default="http")
    p.add_argument("--accept", type=int, default=1)
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    log("READY", listener.getsockname()[1])
    for _ in range(args.accept):
        sock, _ = listener.accept()
        sock.settimeout(args.timeout)
        try:
            first = sock.recv(65536)
            log("GOT", len(first))
            if args.mode == "http":
                body = b"<html><body>This is not TLS</body></html>\n"
                sock.sendall(b"HTTP/1.1 400 Bad Request\r\n"
                             b"Content-Type: text/html\r\n"
                             b"Content-Length: %d\r\n"
                             b"Connection: close\r\n\r\n" % len(body) + body)
                sock.shutdown(socket.SHUT_WR)
            elif args.mode == "reset":
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack("ii", 1, 0))
        except OSError as e:
            log("ERROR", e)
        sock.close()
        log("CLOSED")
    log("DONE")


if __name__ == "__main__":
    main()
