#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# For the churn test (tests/net/test-churn.sh): checks that every connection
# that broke was served by a backend that was removed while it was open.
#
#   xlb-churn-breaks.py --conns FILE --changes FILE --names NAME=ADDR,...
#                       [--window SECONDS]
#
# --conns: xlb-churn-client.py --out lines ("conn ID backend NAME start T
# end T bytes N RESULT [ERROR]"). --changes: the test's log of applied
# changes ("EPOCH KIND ADDR WEIGHT STATUS"; KIND remove for removals).
# --names maps the backends' names to their addresses. A broken connection
# is explained if its backend was removed after it opened and at most
# --window seconds (default 12: the client's 10 s timeout and some slack)
# before it ended. Prints "explained N", "unexplained N" and one
# "unexplained: ..." line per connection that is not; exit status 1 if any.
import argparse
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--conns", required=True)
    ap.add_argument("--changes", required=True)
    ap.add_argument("--names", required=True)
    ap.add_argument("--window", type=float, default=12.0)
    args = ap.parse_args()

    names = dict(kv.split("=", 1) for kv in args.names.split(",") if kv)
    removals = []
    with open(args.changes) as f:
        for line in f:
            w = line.split()
            if len(w) >= 3 and w[1] == "remove":
                removals.append((float(w[0]), w[2]))
    explained = 0
    unexplained = []
    with open(args.conns) as f:
        for line in f:
            w = line.split()
            if len(w) < 11 or w[0] != "conn" or w[10] == "ok":
                continue
            name, start, end = w[3], float(w[5]), float(w[7])
            addr = names.get(name)
            if any(a == addr and start <= t <= end and end - t <= args.window
                   for t, a in removals):
                explained += 1
            else:
                unexplained.append(line.rstrip())
    print("explained %d" % explained)
    print("unexplained %d" % len(unexplained))
    for line in unexplained:
        print("unexplained: " + line)
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
