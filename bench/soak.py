#!/usr/bin/env python3
"""soak.py: memory of one tls::socket server over many sequential connections.

    BENCH_LIBDIR=build python3 bench/soak.py [-n 30000] [-impl ours|1.7.22] [-samples 60]

Starts bench/soak-server.tcl (our build, or an installed tls version), then
makes N sequential connections to it over 127.0.0.1 with Python's ssl module:
TLS 1.2 and 1.3 alternating, each verifying the server, writing one line and
reading its echo; every fourth closes with close_notify, the others just drop
the TCP connection. The server's resident memory (VmRSS) is sampled evenly;
the output is one line per sample, then the growth per connection over the
second half (least squares) and its R^2. Bounded: the server dies with us.
"""
import argparse, os, socket, ssl, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("-n", type=int, default=30000)
ap.add_argument("-impl", default="ours")
ap.add_argument("-samples", type=int, default=60)
ap.add_argument("-notickets", action="store_true", help="no session tickets: the server caches TLS 1.2 sessions by id")
ap.add_argument("-versions", default="1.2,1.3", help="TLS versions to alternate, e.g. 1.3")
ap.add_argument("-pki", default=os.path.join(here, "..", "Tests", "tcl", "pki"))
ap.add_argument("-tclsh", default=os.environ.get("TCLSH", "tclsh"))
args = ap.parse_args()

pki = os.path.abspath(args.pki)
if not os.path.exists(os.path.join(pki, ".complete")):
    subprocess.run(["sh", os.path.join(here, "..", "Tests", "tcl", "make-pki.sh"), pki],
                   check=True, stdout=subprocess.DEVNULL)
env = dict(os.environ)
env.setdefault("BENCH_LIBDIR", os.path.join(here, "..", "build"))
# SOAK_WRAP: a command to run the server under (e.g. valgrind), for hunting leaks.
server = subprocess.Popen(os.environ.get("SOAK_WRAP", "").split() + [args.tclsh, os.path.join(here, "soak-server.tcl"), args.impl,
                           os.path.join(pki, "server.pem"), os.path.join(pki, "server.key")],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
try:
    words = server.stdout.readline().split()
    if len(words) != 3 or words[0] != "READY":
        sys.exit("soak: the server did not start: %r" % words)
    port, pid = int(words[1]), int(words[2])

    def rss_kib():
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])

    contexts = []
    names = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
    for version in [names[v] for v in args.versions.split(",")]:
        ctx = ssl.create_default_context(cafile=os.path.join(pki, "ca.pem"))
        ctx.minimum_version = ctx.maximum_version = version
        if args.notickets:
            ctx.options |= ssl.OP_NO_TICKET
        contexts.append(ctx)

    every = max(1, args.n // args.samples)
    samples = []
    start = time.monotonic()
    for i in range(args.n):
        raw = socket.create_connection(("127.0.0.1", port), timeout=30)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn = contexts[i % len(contexts)].wrap_socket(raw, server_hostname="localhost")
        conn.sendall(b"ping %d\n" % i)
        got = b""
        while not got.endswith(b"\n"):
            chunk = conn.recv(100)
            if not chunk:
                sys.exit("soak: connection %d: no echo" % i)
            got += chunk
        if i % 4 == 3:
            try:
                conn = conn.unwrap()  # close_notify, then the TCP close
            except (ssl.SSLError, OSError):
                pass  # a server that closes without answering close_notify
        conn.close()
        if (i + 1) % every == 0:
            samples.append((i + 1, rss_kib()))
            print("%7d connections  %8d KiB  %6.1f s" % (i + 1, samples[-1][1], time.monotonic() - start),
                  flush=True)

    half = samples[len(samples) // 2:]
    xs = [x for x, _ in half]; ys = [y for _, y in half]
    mx = sum(xs) / len(xs); my = sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs); sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    syy = sum((y - my) ** 2 for y in ys)
    slope = sxy / sxx if sxx else 0.0
    r2 = (sxy * sxy / (sxx * syy)) if sxx and syy else 0.0
    print("soak %s: %d connections, RSS %d -> %d KiB (max %d); second half: %.4f KiB per connection, R^2 %.2f"
          % (args.impl, args.n, samples[0][1], samples[-1][1], max(y for _, y in samples), slope, r2))
finally:
    server.stdin.close()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
