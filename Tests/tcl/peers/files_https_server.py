#!/usr/bin/env python3
"""Python's http.server (SimpleHTTPRequestHandler, HTTP/1.1) over TLS: the
stand-in for the public web servers in the documents' examples.

Serves --dir on 127.0.0.1 and a free port with --cert/--key, prints
"READY <port>", and "REQUEST <request line>" for each request it parses.
Exits by itself after --timeout seconds.
"""
import argparse
import functools
import http.server
import signal
import ssl


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_request(self, code="-", size="-"):
        print("REQUEST", self.requestline, code, flush=True)

    def log_message(self, fmt, *args):
        pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--dir", required=True)
    p.add_argument("--timeout", type=int, default=120)
    args = p.parse_args()
    signal.alarm(args.timeout)
    handler = functools.partial(Handler, directory=args.dir)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    print("READY", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
