#!/usr/bin/env python3
"""A TLS server peer for the channel tests, built on Python's ssl module.

Listens on --host (127.0.0.1 by default) and a free port, prints
"READY <port>" and serves --accept connections, one at a time, in --mode:

  echo       echoes each line back until EOF
  lines      sends --count lines in a single write, then stays silent until
             the client closes (tests buffered-data wake-ups)
  bulk       reads --bytes bytes, prints "RECV <sha256>", sends --bytes bytes,
             prints "SENT <sha256>", then waits for the client to close
  eof-notify sends --count lines, then close_notify (unwrap) and closes
  eof-tcp    sends --count lines, then closes TCP without close_notify
  stream     sends lines without end and never reads (ignores close_notify)
  halfclose  reads until the client's close_notify, prints "GOT <n> bytes",
             replies "got <n> bytes <k> lines", then close_notify and closes
  starttls   plain "STARTTLS" line -> plain "OK", TLS handshake, echoes one
             TLS line as "tls: <line>", unwraps (close_notify both ways),
             sends plain "plain after tls", echoes one more plain line as
             "plain: <line>", closes
  http       an HTTPS server (http.server) answering GET with a small body,
             or --bytes bytes for /bulk

Reports on stdout: "VERSION <TLSv1.x>" after each handshake, "PEER <cn>"
when the client sent a certificate, "ERROR <text>" on a failed handshake,
"EOF" when the client closed. Exits by itself after --timeout seconds.
"""
import argparse
import hashlib
import http.server
import os
import signal
import socket
import ssl
import sys


def log(*words):
    print(*words, flush=True)


def make_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.tls == "1.2":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif args.tls == "1.3":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    if args.verify != "none":
        ctx.load_verify_locations(cafile=args.cafile)
        ctx.verify_mode = (ssl.CERT_REQUIRED if args.verify == "required"
                           else ssl.CERT_OPTIONAL)
    return ctx


def report_session(conn):
    log("VERSION", conn.version())
    cert = conn.getpeercert()
    if cert:
        for rdn in cert.get("subject", ()):
            for key, value in rdn:
                if key == "commonName":
                    log("PEER", value)


class LineReader:
    """Reads lines from a socket (plain or TLS) without reading past them."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def readline(self):
        while b"\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                line, self.buf = self.buf, b""
                return line
            self.buf += data
        line, _, self.buf = self.buf.partition(b"\n")
        return line + b"\n"


def pattern(n):
    """n bytes of a repeatable pseudo-random stream."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha512(b"tls-test %d" % counter).digest() * 64
        counter += 1
    return bytes(out[:n])


def send_lines(conn, count):
    conn.sendall(b"".join(b"line %d\n" % i for i in range(1, count + 1)))


def wait_for_close(conn):
    try:
        while conn.recv(65536):
            pass
    except (OSError, ssl.SSLError):
        pass
    log("EOF")


def serve_tls(conn, args):
    mode = args.mode
    if mode == "echo":
        reader = LineReader(conn)
        while True:
            line = reader.readline()
            if not line:
                break
            conn.sendall(line)
        log("EOF")
    elif mode == "lines":
        send_lines(conn, args.count)
        log("SENT", args.count)
        wait_for_close(conn)
    elif mode == "bulk":
        digest = hashlib.sha256()
        left = args.bytes
        while left > 0:
            data = conn.recv(min(left, 1 << 20))
            if not data:
                log("SHORT", args.bytes - left)
                return
            digest.update(data)
            left -= len(data)
        log("RECV", digest.hexdigest())
        chunk = pattern(1 << 20)
        digest = hashlib.sha256()
        left = args.bytes
        while left > 0:
            piece = chunk[:left]
            conn.sendall(piece)
            digest.update(piece)
            left -= len(piece)
        log("SENT", digest.hexdigest())
        wait_for_close(conn)
    elif mode == "eof-notify":
        send_lines(conn, args.count)
        try:
            conn.unwrap()
        except (OSError, ssl.SSLError) as e:
            log("UNWRAP", e)
        log("CLOSED")
    elif mode == "eof-tcp":
        send_lines(conn, args.count)
        # No close_notify: shut the TCP connection down under the TLS layer.
        raw = socket.socket(fileno=conn.detach())
        raw.shutdown(socket.SHUT_RDWR)
        raw.close()
        log("CLOSED")
    elif mode == "stream":
        # Lines without end, never reading: the client's close_notify goes
        # unanswered while records keep arriving (until the socket fails).
        log("STREAMING")
        while True:
            conn.sendall(b"streaming\n" * 100)
    elif mode == "halfclose":
        total = lines = 0
        while True:
            data = conn.recv(65536)
            if not data:
                break
            total += len(data)
            lines += data.count(b"\n")
        log("EOF")
        log("GOT", total, "bytes")
        conn.sendall(b"got %d bytes %d lines\n" % (total, lines))
        try:
            conn.unwrap()
        except (OSError, ssl.SSLError):
            pass
        log("CLOSED")
    else:
        raise SystemExit("unknown mode " + mode)


def serve_starttls(sock, ctx):
    reader = LineReader(sock)
    line = reader.readline()
    if line.strip() != b"STARTTLS":
        log("UNEXPECTED", line)
        return
    sock.sendall(b"OK\n")
    conn = ctx.wrap_socket(sock, server_side=True)
    report_session(conn)
    reader = LineReader(conn)
    line = reader.readline()
    conn.sendall(b"tls: " + line)
    plain = conn.unwrap()
    log("UNWRAPPED")
    plain.sendall(b"plain after tls\n")
    reader = LineReader(plain)
    line = reader.readline()
    plain.sendall(b"plain: " + line)
    log("PLAIN", line.decode(errors="replace").strip())
    plain.close()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    bulk = 0

    def do_GET(self):
        if self.path == "/bulk":
            body = pattern(self.bulk)
            log("SENT", hashlib.sha256(body).hexdigest())
        else:
            body = ("hello from python, path %s\n" % self.path).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        log("HTTP", format % args)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--cafile")
    p.add_argument("--verify", choices=["none", "optional", "required"], default="none")
    p.add_argument("--tls", choices=["any", "1.2", "1.3"], default="any")
    p.add_argument("--mode", default="echo")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--bytes", type=int, default=0)
    p.add_argument("--accept", type=int, default=1)
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    ctx = make_context(args)

    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    if args.mode == "http":
        Handler.bulk = args.bytes

        class Server(http.server.HTTPServer):
            address_family = family

        server = Server((args.host, args.port), Handler)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        log("READY", server.server_address[1])
        for _ in range(args.accept):
            server.handle_request()
        return

    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(16)
    log("READY", listener.getsockname()[1])
    for _ in range(args.accept):
        sock, _ = listener.accept()
        sock.settimeout(args.timeout)
        try:
            if args.mode == "starttls":
                serve_starttls(sock, ctx)
                continue
            try:
                conn = ctx.wrap_socket(sock, server_side=True)
            except (OSError, ssl.SSLError) as e:
                log("ERROR", e)
                sock.close()
                continue
            report_session(conn)
            serve_tls(conn, args)
            conn.close()
        except (OSError, ssl.SSLError) as e:
            log("ERROR", e)
    log("DONE")


if __name__ == "__main__":
    main()
