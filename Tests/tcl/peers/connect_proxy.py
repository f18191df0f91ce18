#!/usr/bin/env python3
"""A small HTTP CONNECT proxy peer (loopback targets only).

Listens on 127.0.0.1 and a free port, prints "READY <port>". Each client
sends "CONNECT host:port HTTP/1.x" and headers; for a loopback target
(127.0.0.1, localhost, ::1) the proxy connects, answers
"HTTP/1.1 200 Connection established" and relays bytes both ways until
either side closes; any other target gets "403 Forbidden", a request that is
not CONNECT gets "405 Method Not Allowed".

Stdout: "TUNNEL <host:port>" per tunnel, then "CLOSED <up> <down> <seen>"
with the bytes relayed each way and whether --marker (a byte string a test
sends inside TLS) was ever seen in the clear ("plaintext" or "opaque").
Exits by itself after --timeout seconds.
"""
import argparse
import signal
import socket
import sys
import threading

LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def log(*words):
    print(*words, flush=True)


def pump(src, dst, counts, index, seen, marker):
    tail = b""
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            counts[index] += len(data)
            if marker and marker in tail + data:
                seen[0] = True
            tail = data[-len(marker):] if marker else b""
            dst.sendall(data)
    except OSError:
        pass
    try:
        dst.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def serve(client, marker):
    # The head, a byte at a time: nothing after it may be swallowed.
    head = b""
    while not head.endswith(b"\r\n\r\n") and len(head) < 65536:
        byte = client.recv(1)
        if not byte:
            break
        head += byte
    request = head.split(b"\r\n", 1)[0].decode("latin-1").split()
    if len(request) != 3 or request[0] != "CONNECT":
        client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    host, _, port = request[1].rpartition(":")
    if host not in LOOPBACK:
        client.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    try:
        upstream = socket.create_connection((host.strip("[]"), int(port)))
    except OSError:
        client.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    log("TUNNEL", request[1])
    client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
    counts = [0, 0]
    seen = [False]
    up = threading.Thread(target=pump, args=(client, upstream, counts, 0, seen, marker))
    up.start()
    pump(upstream, client, counts, 1, seen, marker)
    up.join()
    log("CLOSED", counts[0], counts[1], "plaintext" if seen[0] else "opaque")
    client.close()
    upstream.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--marker", default="")
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    log("READY", listener.getsockname()[1])
    marker = args.marker.encode()
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, marker), daemon=True).start()


if __name__ == "__main__":
    main()
