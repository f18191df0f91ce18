#!/usr/bin/env python3
"""Relays bytes between stdin/stdout and a TCP connection to 127.0.0.1:PORT.

Lets a test stack TLS on a channel that is not a socket: a command pipeline
`open |[list python3 relay.py PORT] r+` carries the raw TLS records. Prints
nothing of its own on stdout; diagnostics go to stderr. Ends when either
side closes, or after --timeout seconds.
"""
import argparse
import os
import signal
import socket
import sys
import threading


def main():
    p = argparse.ArgumentParser()
    p.add_argument("port", type=int)
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    sock = socket.create_connection(("127.0.0.1", args.port))

    def upstream():
        while True:
            data = os.read(0, 65536)
            if not data:
                break
            sock.sendall(data)
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    threading.Thread(target=upstream, daemon=True).start()
    while True:
        data = sock.recv(65536)
        if not data:
            break
        os.write(1, data)
    sys.stdout.close()


if __name__ == "__main__":
    main()
