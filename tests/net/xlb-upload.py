#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# HTTP upload sink for the xdp-lb network tests (tests/net/test-xdp-lb.sh);
# always run inside a test namespace. httpd.py only serves GET; this one
# takes uploads, so that client-to-backend segments of odd sizes cross the
# balancer too.
#
#   xlb-upload.py --addr A --port P --name NAME [--ready FILE] [--lifetime S]
#     POST (or PUT) /... with Content-Length: N  ->  "NAME N SHA256\n"
#     GET /                                      ->  "NAME\n"
#
# One request per connection (HTTP/1.0). Exits by itself after --lifetime
# seconds (default 300).
import argparse
import hashlib
import os
import signal
import socket
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 << 20


class Handler(BaseHTTPRequestHandler):
    server_version = "xlb-test-upload"
    timeout = 30

    def log_message(self, fmt, *args):
        pass

    def reply(self, body, code=200):
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(self.server.name.encode() + b"\n")

    def do_POST(self):
        try:
            n = int(self.headers.get("Content-Length", "-1"))
        except ValueError:
            n = -1
        if n < 0 or n > MAX_BODY:
            self.reply(b"bad length\n", 400)
            return
        h = hashlib.sha256()
        left = n
        try:
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                h.update(chunk)
                left -= len(chunk)
            self.reply(b"%s %d %s\n" % (self.server.name.encode(), n - left,
                                        h.hexdigest().encode()))
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass

    do_PUT = do_POST


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, port, name):
        self.name = name
        if ":" in addr:
            self.address_family = socket.AF_INET6
        super().__init__((addr, port), Handler, bind_and_activate=False)
        if self.address_family == socket.AF_INET6 and addr == "::":
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        self.server_bind()
        self.server_activate()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--ready")
    ap.add_argument("--lifetime", type=int, default=300)
    args = ap.parse_args()
    srv = Server(args.addr, args.port, args.name)
    if args.ready:
        with open(args.ready + ".tmp", "w") as f:
            f.write("%d\n" % os.getpid())
        os.rename(args.ready + ".tmp", args.ready)
    signal.signal(signal.SIGALRM, lambda *a: os._exit(0))
    signal.alarm(max(1, args.lifetime))
    signal.signal(signal.SIGTERM, lambda *a: os._exit(0))
    srv.serve_forever(poll_interval=0.2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
