#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Client of the churn test (tests/net/test-churn.sh), for xlb-churn-server.py
# behind a VIP; always run inside a test namespace.
#
#   xlb-churn-client.py --mode long --addr VIP --port P --conns N
#                       --duration S --stay NAME,NAME [--out FILE]
#       N connections open at once for S seconds. Each reads the backend's
#       name, then sends a chunk of random bytes every --interval seconds and
#       checks that the echo is byte for byte what it sent. A connection
#       that breaks (reset, EOF, 10 s without progress, wrong byte) is
#       recorded with its backend and replaced by a new one; at the end every
#       connection is closed cleanly (its last echo checked, then EOF).
#       With --renew M, the connections of M of the N workers are closed
#       cleanly after 5-15 s and replaced, so new connections keep being
#       balanced (onto backends added meanwhile, too).
#   xlb-churn-client.py --mode short --addr VIP --port P --rate R
#                       --duration S --stay NAME,NAME [--out FILE]
#       R connections a second for S seconds, one after the other: connect,
#       read the name, send a few random bytes, check the echo, close. Never
#       retried: any error is a failure.
#
# One line per connection goes to --out ("conn ID backend NAME start T end T
# bytes N ok|broken|failed [ERROR]", times in seconds since the epoch); the
# summary goes to standard output
# as "key value" lines. Exit status: 0 if no connection to a backend named
# in --stay (or to an unknown backend) broke or failed and no byte was
# wrong, else 1. Connections to other backends (added and removed during the
# run) may break: they are counted apart.
import argparse
import os
import random
import socket
import sys
import threading
import time

TIMEOUT = 10.0          # connect, name, and each echo
MAX_DURATION = 600
MAX_CONNS = 500
RENEW_AFTER = (5.0, 15.0)   # lifetime of a --renew connection, seconds


class Stats:
    def __init__(self, stay):
        self.lock = threading.Lock()
        self.stay = stay
        self.records = []
        self.open_now = 0
        self.samples = []

    def record(self, rec):
        with self.lock:
            self.records.append(rec)

    def opened(self, delta):
        with self.lock:
            self.open_now += delta


class Broken(Exception):
    pass


def recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        data = sock.recv(n - len(buf))
        if not data:
            raise Broken("EOF after %d of %d echoed bytes" % (len(buf), n))
        buf += data
    return bytes(buf)


def read_name(sock):
    buf = bytearray()
    while not buf.endswith(b"\n"):
        data = sock.recv(1)
        if not data:
            raise Broken("EOF before the backend's name")
        buf += data
        if len(buf) > 64:
            raise Broken("no name line")
    return buf[:-1].decode(errors="replace")


def echo(sock, rng, size):
    out = rng.randbytes(size)
    sock.sendall(out)
    back = recv_exact(sock, size)
    if back != out:
        first = next(i for i in range(size) if back[i] != out[i])
        raise Broken("CORRUPT: echo differs at byte %d of %d" % (first, size))
    return size


def close_clean(sock):
    sock.shutdown(socket.SHUT_WR)
    rest = sock.recv(1)
    if rest:
        raise Broken("unexpected data before EOF")


def connect(args):
    sock = socket.create_connection((args.addr, args.port), timeout=TIMEOUT)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(TIMEOUT)
    return sock


def long_worker(args, stats, wid, deadline, counter):
    rng = random.Random(args.seed * 1000003 + wid)
    renew = wid < args.renew
    while time.monotonic() < deadline - 1:
        with stats.lock:
            cid = counter[0]
            counter[0] += 1
        rec = {"id": cid, "backend": "?", "bytes": 0, "start": time.monotonic()}
        end = deadline
        if renew:
            end = min(deadline, rec["start"] + rng.uniform(*RENEW_AFTER))
        sock = None
        try:
            sock = connect(args)
            stats.opened(1)
            rec["backend"] = read_name(sock)
            while time.monotonic() < end:
                rec["bytes"] += echo(sock, rng, rng.randint(1, args.chunk))
                time.sleep(args.interval * rng.uniform(0.5, 1.5))
            close_clean(sock)
            rec["result"] = "ok"
        except (OSError, Broken) as e:
            rec["result"] = "broken"
            rec["error"] = str(e) or type(e).__name__
        finally:
            if sock is not None:
                sock.close()
                stats.opened(-1)
        rec["end"] = time.monotonic()
        stats.record(rec)
        if rec["result"] != "ok":
            time.sleep(0.05)


def sampler(stats, start, deadline, stop):
    # how many connections are open, twice a second, once the ramp-up is over
    while not stop.is_set() and time.monotonic() < deadline - 1.5:
        if time.monotonic() > start + 3:
            with stats.lock:
                stats.samples.append(stats.open_now)
        stop.wait(0.5)


def run_long(args, stats):
    start = time.monotonic()
    deadline = start + args.duration
    counter = [0]
    stop = threading.Event()
    threads = [threading.Thread(target=long_worker,
                                args=(args, stats, i, deadline, counter))
               for i in range(args.conns)]
    mon = threading.Thread(target=sampler, args=(stats, start, deadline, stop))
    for i, t in enumerate(threads):
        t.start()
        time.sleep(0.02)
    mon.start()
    for t in threads:
        t.join(timeout=max(1, deadline + 2 * TIMEOUT + 5 - time.monotonic()))
    stop.set()
    mon.join()
    return sum(t.is_alive() for t in threads)


def run_short(args, stats):
    rng = random.Random(args.seed)
    start = time.monotonic()
    deadline = start + args.duration
    i = 0
    while time.monotonic() < deadline and i < args.rate * MAX_DURATION:
        due = start + i / args.rate
        if due > time.monotonic():
            time.sleep(due - time.monotonic())
        rec = {"id": i, "backend": "?", "bytes": 0, "start": time.monotonic()}
        sock = None
        try:
            sock = connect(args)
            rec["connect"] = time.monotonic() - rec["start"]
            rec["backend"] = read_name(sock)
            rec["bytes"] = echo(sock, rng, rng.randint(1, 600))
            close_clean(sock)
            rec["result"] = "ok"
        except (OSError, Broken) as e:
            rec["result"] = "failed"
            rec["error"] = str(e) or type(e).__name__
        finally:
            if sock is not None:
                sock.close()
        rec["end"] = time.monotonic()
        stats.record(rec)
        i += 1
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=("long", "short"), required=True)
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--duration", type=float, required=True)
    ap.add_argument("--stay", required=True,
                    help="comma-separated names of the backends that stay")
    ap.add_argument("--conns", type=int, default=50)
    ap.add_argument("--renew", type=int, default=0,
                    help="this many of the long-lived connections are closed "
                    "cleanly after 5-15 s and replaced by new ones")
    ap.add_argument("--rate", type=float, default=20)
    ap.add_argument("--chunk", type=int, default=2048)
    ap.add_argument("--interval", type=float, default=0.05)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out")
    args = ap.parse_args()
    args.duration = min(max(1.0, args.duration), MAX_DURATION)
    args.conns = min(max(1, args.conns), MAX_CONNS)
    args.rate = min(max(0.1, args.rate), 200)

    stats = Stats(set(args.stay.split(",")))
    t0 = time.monotonic()
    wall = time.time() - t0     # monotonic -> wall clock, for --out
    stuck = run_long(args, stats) if args.mode == "long" else run_short(args, stats)
    elapsed = time.monotonic() - t0

    recs = sorted(stats.records, key=lambda r: r["id"])
    if args.out:
        with open(args.out, "w") as f:
            for r in recs:
                f.write("conn %d backend %s start %.3f end %.3f bytes %d %s%s\n" % (
                    r["id"], r["backend"], r["start"] + wall, r["end"] + wall,
                    r["bytes"], r["result"],
                    " " + r["error"] if "error" in r else ""))
    ok = [r for r in recs if r["result"] == "ok"]
    bad = [r for r in recs if r["result"] != "ok"]
    bad_stay = [r for r in bad if r["backend"] in stats.stay]
    bad_unknown = [r for r in bad if r["backend"] == "?"]
    bad_other = [r for r in bad if r not in bad_stay and r not in bad_unknown]
    corrupt = [r for r in bad if r.get("error", "").startswith("CORRUPT")]
    per_backend = {}
    for r in recs:
        per_backend[r["backend"]] = per_backend.get(r["backend"], 0) + 1
    pr = sys.stdout.write
    pr("mode %s\n" % args.mode)
    pr("seconds %.1f\n" % elapsed)
    pr("connections %d\n" % len(recs))
    pr("ok %d\n" % len(ok))
    pr("bad_stay %d\n" % len(bad_stay))
    pr("bad_unknown %d\n" % len(bad_unknown))
    pr("bad_other %d\n" % len(bad_other))
    pr("corrupt %d\n" % len(corrupt))
    pr("bytes %d\n" % sum(r["bytes"] for r in recs))
    pr("per_backend %s\n" % ",".join("%s=%d" % kv for kv in sorted(per_backend.items())))
    if args.mode == "long":
        full = [r for r in ok if r["end"] - r["start"] >= args.duration - 3]
        pr("full_length %d\n" % len(full))
        pr("open_min %d\n" % (min(stats.samples) if stats.samples else 0))
        pr("open_max %d\n" % (max(stats.samples) if stats.samples else 0))
        pr("stuck_threads %d\n" % stuck)
    else:
        slow = [r for r in recs if r.get("connect", 0) > 0.9]
        pr("slow_connects %d\n" % len(slow))
        pr("max_seconds %.3f\n" % max((r["end"] - r["start"] for r in recs),
                                      default=0))
    if args.mode == "short":
        for r in slow:
            pr("slow conn %d backend %s connect %.3f s at %.3f\n" % (
                r["id"], r["backend"], r["connect"], r["start"] + wall))
    for r in bad_stay + bad_unknown:
        pr("error conn %d backend %s: %s\n" % (r["id"], r["backend"],
                                              r.get("error")))
    sys.stdout.flush()
    return 1 if bad_stay or bad_unknown or corrupt or stuck else 0


if __name__ == "__main__":
    sys.exit(main())
