#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Echo server for the churn test (tests/net/test-churn.sh); always run inside
# a test namespace. On every connection it first sends "<name>\n" (so the
# client learns which backend serves it), then echoes every byte it receives
# until the client closes.
#
#   xlb-churn-server.py --addr A --port P --name NAME [--ready FILE]
#                       [--lifetime S]
#
# --ready FILE: our pid is written to FILE once we listen. The server exits
# by itself after --lifetime seconds (default 300); an idle connection is
# closed after 60 s.
import argparse
import os
import signal
import socket
import socketserver
import sys

IDLE_TIMEOUT = 60


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(IDLE_TIMEOUT)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            sock.sendall(self.server.name + b"\n")
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                sock.sendall(data)
        except OSError:
            pass


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, port, name):
        self.name = name.encode()
        if ":" in addr:
            self.address_family = socket.AF_INET6
        super().__init__((addr, port), Handler)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--ready", help="file to write our pid to once listening")
    ap.add_argument("--lifetime", type=int, default=300)
    args = ap.parse_args()

    srv = Server(args.addr, args.port, args.name)
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(args.ready + ".tmp", args.ready)
    # safety net: stop by ourselves even if the test harness was killed
    signal.signal(signal.SIGALRM, lambda *a: os._exit(0))
    signal.alarm(max(1, args.lifetime))
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
