#!/usr/bin/env python3
"""A TLS client peer for the channel tests, built on Python's ssl module.

Connects to --host:--port, verifying the server against --cafile and
--servername (unless --noverify), and in --mode:

  echo   sends each --line, reads one line back for each and prints
         "REPLY <line>"; then close_notify and close
  bulk   sends --bytes bytes and prints "SENT <sha256>", reads a line
         "RECV <sha256>" from the server and prints it, then reads --bytes
         bytes and prints "GOT <sha256>", then closes

Prints "VERSION <TLSv1.x>" after the handshake, "ERROR <text>" on failure,
"DONE" at the end. Exits by itself after --timeout seconds.
"""
import argparse
import hashlib
import signal
import socket
import ssl
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from tls_server import LineReader, pattern  # noqa: E402


def log(*words):
    print(*words, flush=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--servername", default="localhost")
    p.add_argument("--cafile")
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--noverify", action="store_true")
    p.add_argument("--tls", choices=["any", "1.2", "1.3"], default="any")
    p.add_argument("--mode", default="echo")
    p.add_argument("--line", action="append", default=[])
    p.add_argument("--bytes", type=int, default=0)
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if args.noverify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    else:
        ctx.load_verify_locations(cafile=args.cafile)
    if args.cert:
        ctx.load_cert_chain(args.cert, args.key)
    if args.tls == "1.2":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif args.tls == "1.3":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3

    try:
        sock = socket.create_connection((args.host, args.port), timeout=args.timeout)
        conn = ctx.wrap_socket(sock, server_hostname=args.servername)
    except (OSError, ssl.SSLError) as e:
        log("ERROR", e)
        sys.exit(1)
    log("VERSION", conn.version())

    try:
        if args.mode == "echo":
            reader = LineReader(conn)
            for line in args.line:
                conn.sendall(line.encode() + b"\n")
                reply = reader.readline()
                log("REPLY", reply.decode(errors="replace").rstrip("\n"))
            try:
                conn.unwrap()
            except (OSError, ssl.SSLError):
                pass
        elif args.mode == "bulk":
            data = pattern(1 << 20)
            digest = hashlib.sha256()
            left = args.bytes
            while left > 0:
                piece = data[:left]
                conn.sendall(piece)
                digest.update(piece)
                left -= len(piece)
            log("SENT", digest.hexdigest())
            reader = LineReader(conn)
            log(reader.readline().decode().strip())
            digest = hashlib.sha256()
            left = args.bytes
            got = reader.buf[:left]
            digest.update(got)
            left -= len(got)
            while left > 0:
                chunk = conn.recv(min(left, 1 << 20))
                if not chunk:
                    break
                digest.update(chunk)
                left -= len(chunk)
            log("GOT", digest.hexdigest(), "short" if left else "complete")
        else:
            raise SystemExit("unknown mode " + args.mode)
    except (OSError, ssl.SSLError) as e:
        log("ERROR", e)
        sys.exit(1)
    conn.close()
    log("DONE")


if __name__ == "__main__":
    main()
