#!/usr/bin/env python3
"""An HTTP/1.1 HTTPS server peer (http.server + ssl) for the package tests.

Listens on 127.0.0.1 and a free port, prints "READY <port>", and serves
connections in threads, keeping them alive (HTTP/1.1) until the client
closes. Every response carries "X-Connection: <n>" (the number of the TCP
connection, counted from 1) and "X-Request: <k>" (the request's number on
that connection); stdout gets "CONN <n>" for each accepted connection.

  GET  /hello          a short text body (Content-Length)
  GET  /chunked?n=K    K chunks of the test pattern, of sizes 1, 7, 4096,
                       65537, ... (Transfer-Encoding: chunked); header
                       X-SHA256 and stdout "SENT <sha256> <bytes>"
  GET  /bulk?bytes=N   N bytes of the test pattern (Content-Length), written
                       in 1 MiB pieces; stdout "SENT <sha256> <bytes>" at the end
  POST /echo           the request body back (Content-Length), with its
                       length and sha256 in X-Length and X-SHA256; a chunked
                       request body is accepted too

Exits by itself after --timeout seconds.
"""
import argparse
import hashlib
import http.server
import signal
import ssl
import sys
import threading
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, __file__.rsplit("/", 1)[0])
from tls_server import pattern  # noqa: E402

PIECE = pattern(1 << 20)
CHUNK_SIZES = [1, 7, 4096, 65537, 100, 16384, 3, 250000]


def log(*words):
    print(*words, flush=True)


class Counter:
    lock = threading.Lock()
    connections = 0

    @classmethod
    def next(cls):
        with cls.lock:
            cls.connections += 1
            return cls.connections


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.conn_id = Counter.next()
        self.requests = 0
        log("CONN", self.conn_id)

    def start(self, code, length=None, chunked=False, extra=()):
        self.requests += 1
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("X-Connection", str(self.conn_id))
        self.send_header("X-Request", str(self.requests))
        for key, value in extra:
            self.send_header(key, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/hello":
            body = b"hello over https\n"
            self.start(200, len(body))
            self.wfile.write(body)
        elif url.path == "/chunked":
            n = int(query.get("n", "8"))
            sizes = [CHUNK_SIZES[i % len(CHUNK_SIZES)] for i in range(n)]
            body = pattern(sum(sizes))
            digest = hashlib.sha256(body).hexdigest()
            self.start(200, chunked=True, extra=[("X-SHA256", digest)])
            at = 0
            for size in sizes:
                self.wfile.write(b"%x\r\n" % size + body[at:at + size] + b"\r\n")
                at += size
            self.wfile.write(b"0\r\n\r\n")
            log("SENT", digest, len(body))
        elif url.path == "/bulk":
            n = int(query["bytes"])
            self.start(200, n)
            digest = hashlib.sha256()
            left = n
            while left > 0:
                piece = PIECE[:left]
                self.wfile.write(piece)
                digest.update(piece)
                left -= len(piece)
            log("SENT", digest.hexdigest(), n)
        else:
            self.start(404, 0)

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_POST(self):
        body = self.read_body()
        if self.path != "/echo":
            self.start(404, 0)
            return
        extra = [("X-Length", str(len(body))),
                 ("X-SHA256", hashlib.sha256(body).hexdigest()),
                 ("X-Content-Type", self.headers.get("Content-Type", ""))]
        self.start(200, len(body), extra=extra)
        self.wfile.write(body)

    def log_message(self, format, *args):
        log("HTTP", self.conn_id, format % args)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    log("READY", server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
