#!/usr/bin/env python3
"""An SMTP server peer (aiosmtpd, from PyPI) that speaks STARTTLS.

Listens on 127.0.0.1 and a free port, prints "READY <port>". By default it
offers STARTTLS with --cert/--key and refuses mail until the client has
switched to TLS (require_starttls); with --implicit it speaks TLS from the
first byte (SMTPS, port-465 style) instead.

For each message it prints
  "MESSAGE <n> <mail from> <rcpt,rcpt...> <TLS version or none> <bytes>"
and, with --save DIR, writes DIR/<n>.eml (the message as received), and,
decoded by Python's email package, DIR/<n>.subject and DIR/<n>.body (UTF-8
text) so a test can compare what arrived with what it sent.
Exits by itself after --timeout seconds.
"""
import argparse
import asyncio
import email
import email.policy
import os
import signal
import ssl

from aiosmtpd.smtp import SMTP


def log(*words):
    print(*words, flush=True)


class Handler:
    def __init__(self, save):
        self.save = save
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        tls = server.transport.get_extra_info("ssl_object")
        version = tls.version() if tls else "none"
        if self.save:
            base = os.path.join(self.save, str(self.count))
            with open(base + ".eml", "wb") as f:
                f.write(raw)
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            with open(base + ".subject", "w", encoding="utf-8", newline="") as f:
                f.write(str(msg["Subject"]))
            with open(base + ".body", "w", encoding="utf-8", newline="") as f:
                f.write(msg.get_content())
        log("MESSAGE", self.count, envelope.mail_from,
            ",".join(envelope.rcpt_tos), version, len(raw))
        return "250 Message accepted for delivery"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--implicit", action="store_true")
    p.add_argument("--save")
    p.add_argument("--timeout", type=int, default=60)
    args = p.parse_args()
    signal.alarm(args.timeout)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    handler = Handler(args.save)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)

    if args.implicit:
        def factory():
            return SMTP(handler, hostname="smtp.test", loop=loop)
        server = loop.run_until_complete(
            loop.create_server(factory, "127.0.0.1", 0, ssl=ctx))
    else:
        def factory():
            return SMTP(handler, hostname="smtp.test", tls_context=ctx,
                        require_starttls=True, loop=loop)
        server = loop.run_until_complete(
            loop.create_server(factory, "127.0.0.1", 0))
    log("READY", server.sockets[0].getsockname()[1])
    loop.run_forever()


if __name__ == "__main__":
    main()
