#!/usr/bin/env python3
"""A TLS client peer for the virtual-host tests, built on Python's ssl module.

Connects to 127.0.0.1:--port sending --servername as SNI (none when empty),
checks the chain against --cafile but not the host name, and prints
"SUBJECT <commonName of the server certificate>", then "DONE"; "ERROR <text>"
on failure. Exits by itself after --timeout seconds.
"""
import argparse
import signal
import socket
import ssl


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--servername", default="")
    p.add_argument("--cafile", required=True)
    p.add_argument("--timeout", type=int, default=30)
    a = p.parse_args()
    signal.alarm(a.timeout)
    ctx = ssl.create_default_context(cafile=a.cafile)
    ctx.check_hostname = False
    try:
        with socket.create_connection(("127.0.0.1", a.port)) as raw:
            with ctx.wrap_socket(raw, server_hostname=a.servername or None) as s:
                subject = dict(item[0] for item in s.getpeercert()["subject"])
                print("SUBJECT", subject.get("commonName", ""), flush=True)
    except (OSError, ssl.SSLError) as e:
        print("ERROR", e, flush=True)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
