#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# UDP echo server and client for the xdp-lb network tests
# (tests/net/test-xdp-lb.sh); always run inside a test namespace.
#
#   xlb-udp-echo.py server --addr A --port P --name NAME [--ready FILE]
#                          [--lifetime S]
#       Answers every datagram with "NAME PEER-ADDR PEER-PORT LEN\n" followed
#       by the datagram itself (so the answer's size follows the request's).
#       Exits by itself after --lifetime seconds (default 300).
#
#   xlb-udp-echo.py client --dst A --port P [--count N] [--sport S]
#                          [--size N] [--timeout T] [--tries K]
#       Sends COUNT datagrams, each from its own socket (a new source port
#       each, or always SPORT), and waits for the answer. Prints one line per
#       datagram: "SPORT FROM-ADDR FROM-PORT NAME PEER-ADDR PEER-PORT" (the
#       answer's source, the server's name and the source it saw), or
#       "SPORT TIMEOUT" or "SPORT BAD ..." (answer not echoing the request). A datagram may be
#       sent up to TRIES times on the same socket (same 5-tuple) before it
#       counts as lost. Exit status 0 if every datagram was answered
#       correctly, 1 otherwise. At most 10000 datagrams and 120 s in all.
import argparse
import os
import signal
import socket
import sys
import time

MAX_COUNT = 10000
MAX_SECONDS = 120


def family_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def server(args):
    fam = family_of(args.addr)
    sock = socket.socket(fam, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6 and args.addr == "::":
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind((args.addr, args.port))
    signal.signal(signal.SIGALRM, lambda *a: os._exit(0))
    signal.alarm(max(1, args.lifetime))
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(args.ready + ".tmp", args.ready)
    name = args.name.encode()
    while True:
        data, peer = sock.recvfrom(65535)
        host = peer[0]
        if host.startswith("::ffff:") and "." in host:
            host = host[7:]
        head = b"%s %s %d %d\n" % (name, host.encode(), peer[1], len(data))
        try:
            sock.sendto(head + data, peer)
        except OSError:
            pass


def payload(i, size):
    base = b"xlb-%06d-" % i
    pat = base + b"0123456789abcdefghijklmnopqrstuvwxyz" * (size // 36 + 1)
    return pat[:max(size, len(base))]


def client(args):
    count = min(args.count, MAX_COUNT)
    fam = family_of(args.dst)
    deadline = time.monotonic() + MAX_SECONDS
    ok = True
    for i in range(count):
        if time.monotonic() > deadline:
            print("time limit reached after %d datagrams" % i)
            return 1
        sock = socket.socket(fam, socket.SOCK_DGRAM)
        if args.sport:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", args.sport))
        sport = sock.getsockname()[1]
        sock.settimeout(args.timeout)
        data = payload(i, args.size)
        line = "%d TIMEOUT" % sport
        for _ in range(max(1, args.tries)):
            sock.sendto(data, (args.dst, args.port))
            try:
                ans, src = sock.recvfrom(65535)
            except socket.timeout:
                continue
            head, _, body = ans.partition(b"\n")
            fields = head.decode(errors="replace").split()
            if body != data or len(fields) != 4:
                line = "%d BAD %s %d %r" % (sport, src[0], src[1], head)
            else:
                line = "%d %s %d %s %s %s" % (sport, src[0], src[1],
                                              fields[0], fields[1], fields[2])
            break
        sock.close()
        if " TIMEOUT" in line or " BAD " in line:
            ok = False
        print(line, flush=True)
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("server")
    s.add_argument("--addr", required=True)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--name", required=True)
    s.add_argument("--ready")
    s.add_argument("--lifetime", type=int, default=300)
    c = sub.add_parser("client")
    c.add_argument("--dst", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--count", type=int, default=1)
    c.add_argument("--sport", type=int, default=0)
    c.add_argument("--size", type=int, default=32)
    c.add_argument("--timeout", type=float, default=2.0)
    c.add_argument("--tries", type=int, default=1)
    args = ap.parse_args()
    return server(args) if args.cmd == "server" else client(args)


if __name__ == "__main__":
    sys.exit(main())
