#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Small HTTP server for the xdp-lb network tests (started by start_http and
# start_stream_http in lib.sh, always inside a test namespace).
#
#   GET /                       "<name>\n"            (identifies the host)
#   GET /peer                   "<client-ip> <client-port>\n" as seen here
#   GET /bytes?n=N              N bytes (printable pattern; N may be odd)
#   GET /stream?seconds=S&bytes=N
#                               N bytes sent in small pieces spread evenly
#                               over S seconds: "<name>\n" then '.' filler.
#                               For long-lived connections.
#
# --ready FILE: our pid is written to FILE once we listen.
# Every response carries Content-Length and the connection is closed after
# it (HTTP/1.0), so each request is one TCP connection. The server exits by
# itself after --lifetime seconds, in case nobody stops it.
import argparse
import os
import signal
import socket
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

MAX_BYTES = 256 << 20
MAX_SECONDS = 600
PATTERN = b"abcdefghijklmnopqrstuvwxyz0123456789\n"


def qint(query, key, default, lo, hi):
    try:
        val = int(query.get(key, [default])[0])
    except ValueError:
        val = default
    return max(lo, min(hi, val))


class Handler(BaseHTTPRequestHandler):
    server_version = "xlb-test-httpd"
    timeout = 30

    def log_message(self, fmt, *args):
        if self.server.log:
            self.server.log.write("%s %s\n" % (self.client_address[0],
                                               fmt % args))
            self.server.log.flush()

    def head(self, length, ctype="text/plain"):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()

    def reply(self, body):
        self.head(len(body))
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        name = self.server.name.encode()
        try:
            if url.path in ("/", "/index.html"):
                self.reply(name + b"\n")
            elif url.path == "/peer":
                host = self.client_address[0]
                if host.startswith("::ffff:") and "." in host:
                    host = host[7:]     # IPv4 client of a "::" server
                self.reply(("%s %d\n" % (host, self.client_address[1])).encode())
            elif url.path == "/bytes":
                n = qint(query, "n", 1000, 0, MAX_BYTES)
                reps = n // len(PATTERN) + 1
                self.reply((PATTERN * reps)[:n])
            elif url.path == "/stream":
                self.stream(name, query)
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass

    def stream(self, name, query):
        seconds = qint(query, "seconds", 5, 0, MAX_SECONDS)
        total = qint(query, "bytes", 1000, 0, MAX_BYTES)
        body = name + b"\n"
        body = (body + b"." * max(0, total - len(body)))[:total]
        pieces = max(1, min(total, seconds * 10))
        step = (total + pieces - 1) // pieces if total else 0
        self.head(total)
        self.wfile.flush()
        start = time.monotonic()
        sent = 0
        i = 0
        while sent < total:
            chunk = body[sent:sent + step]
            self.wfile.write(chunk)
            self.wfile.flush()
            sent += len(chunk)
            i += 1
            # pace: piece i is due at start + i * seconds / pieces
            delay = start + i * seconds / pieces - time.monotonic()
            if sent < total and delay > 0:
                time.sleep(delay)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, port, name, log):
        self.name = name
        self.log = log
        if ":" in addr:
            self.address_family = socket.AF_INET6
        super().__init__((addr, port), Handler, bind_and_activate=False)
        if self.address_family == socket.AF_INET6 and addr == "::":
            # "::" serves IPv4 too
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        self.server_bind()
        self.server_activate()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--log")
    ap.add_argument("--ready", help="file to write our pid to once listening")
    ap.add_argument("--lifetime", type=int, default=900)
    args = ap.parse_args()

    log = open(args.log, "a") if args.log else None
    srv = Server(args.addr, args.port, args.name, log)
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
