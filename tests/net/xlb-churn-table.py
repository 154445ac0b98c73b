#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# Reads one VIP's configuration and Maglev table straight from xdp-lb's
# pinned maps with bpftool, for the fault and churn tests
# (tests/net/test-faults.sh, tests/net/test-churn.sh). Run it where the
# balancer's state is in --pin-dir (xlb_state_dir in lib.sh). It takes no
# lock and changes nothing: no xdp-lb command may run at the same time, or
# the table it reads may be replaced under it.
#
#   xlb-churn-table.py --vip 10.0.0.10:8000 --pin-dir DIR [--proto tcp]
#                      [--status FILE] [--check] [--allow-dirty]
#
# Prints, one per line:
#   vip ADDR:PORT id N ring SIZE dirty D
#   backend ADDR id N weight W slots S          (configured for the VIP)
#   stray ID slots S                            (table slots whose backend
#                                                id is not configured for
#                                                the VIP)
#   empty-slots S                               (LB_BACKEND_NONE)
# With --check it also verifies, printing "ERROR: ..." and exiting 1 on any
# violation ("OK" otherwise):
#   - the VIP exists and has a table of ring_size slots;
#   - the table holds exactly the backends of weight > 0 (no stray or
#     draining id, no empty slot while one has weight > 0, every backend
#     of weight > 0 owns slots), and each owns a share of the slots close to
#     its share of the weights;
#   - the VIP is not marked dirty (unless --allow-dirty);
#   - with --status FILE (xdp-lb status --json output): its backends of the
#     VIP are exactly the configured ones with the same weights.
import argparse
import ipaddress
import json
import subprocess
import sys

LB_AF_INET = 2
LB_AF_INET6 = 10
LB_BACKEND_NONE = 0xFFFFFFFF
PROTOS = {"tcp": 6, "udp": 17}


def bpftool(*args):
    out = subprocess.run(["bpftool", "-j"] + list(args), check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return json.loads(out)


def le32(hexbytes):
    return int.from_bytes(bytes(int(x, 16) for x in hexbytes), "little")


def addr_of(family, addr):
    raw = bytes(addr["bytes"])
    if family == LB_AF_INET:
        return str(ipaddress.IPv4Address(raw[:4]))
    return str(ipaddress.IPv6Address(raw))


def parse_vip(text):
    if text.startswith("["):
        host, _, port = text[1:].partition("]:")
        return ipaddress.ip_address(host), int(port)
    if text.count(":") == 1:
        host, port = text.split(":")
        return ipaddress.ip_address(host), int(port)
    return ipaddress.ip_address(text), 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vip", required=True)
    ap.add_argument("--proto", default="tcp", choices=sorted(PROTOS))
    ap.add_argument("--pin-dir", required=True,
                    help="the balancer's state directory on bpffs")
    ap.add_argument("--status", help="xdp-lb status --json output to compare")
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--allow-dirty", action="store_true")
    ap.add_argument("--tolerance", type=float, default=0.1,
                    help="allowed relative error of a backend's share")
    args = ap.parse_args()

    want_addr, want_port = parse_vip(args.vip)
    errors = []

    vip = None
    for e in bpftool("map", "dump", "pinned", args.pin_dir + "/lb_vips"):
        k, v = e["formatted"]["key"], e["formatted"]["value"]
        port = int.from_bytes(k["port"].to_bytes(2, "little"), "big")
        if (addr_of(k["family"], k["addr"]) == str(want_addr) and
                port == want_port and k["proto"] == PROTOS[args.proto]):
            vip = v
    if vip is None:
        print("ERROR: VIP %s/%s is not in lb_vips" % (args.vip, args.proto))
        return 1
    vip_id, ring_size = vip["id"], vip["ring_size"]

    cfg = bpftool("map", "dump", "pinned", args.pin_dir + "/lb_config")
    dirty = cfg[0]["formatted"]["value"]["dirty_vip"]

    backends = {}    # id -> (addr, weight)
    for e in bpftool("map", "dump", "pinned", args.pin_dir + "/lb_backends"):
        v = e["formatted"]["value"]
        if v["gen"] and v["vip_id"] == vip_id:
            backends[e["formatted"]["key"]] = (addr_of(v["family"], v["addr"]),
                                               v["weight"])

    inner = None
    for e in bpftool("map", "dump", "pinned", args.pin_dir + "/lb_rings"):
        if le32(e["key"]) == vip_id:
            inner = le32(e["value"])
    slots = {}
    total = 0
    if inner is not None:
        for e in bpftool("map", "dump", "id", str(inner)):
            bid = le32(e["value"])
            slots[bid] = slots.get(bid, 0) + 1
            total += 1

    print("vip %s id %d ring %d dirty %d" % (args.vip, vip_id, ring_size, dirty))
    wsum = sum(w for _, w in backends.values())
    for bid, (addr, w) in sorted(backends.items(), key=lambda x: x[1][0]):
        print("backend %s id %d weight %d slots %d" %
              (addr, bid, w, slots.get(bid, 0)))
    for bid in sorted(slots):
        if bid != LB_BACKEND_NONE and bid not in backends:
            print("stray %d slots %d" % (bid, slots[bid]))
    if slots.get(LB_BACKEND_NONE):
        print("empty-slots %d" % slots[LB_BACKEND_NONE])

    if not args.check:
        return 0
    if inner is None:
        errors.append("VIP %s has no table in lb_rings" % args.vip)
    elif total != ring_size:
        errors.append("the table has %d slots, the VIP's ring size is %d" %
                      (total, ring_size))
    if dirty and not args.allow_dirty:
        errors.append("the VIP with id %d is marked dirty" % (dirty - 1))
    for bid in sorted(slots):
        if bid == LB_BACKEND_NONE:
            if wsum:
                errors.append("%d empty slots while backends of weight > 0 "
                              "are configured" % slots[bid])
        elif bid not in backends:
            errors.append("table slots point to backend id %d, which is not "
                          "a backend of the VIP (%d slots)" % (bid, slots[bid]))
        elif backends[bid][1] == 0:
            errors.append("draining backend %s (weight 0) owns %d slots" %
                          (backends[bid][0], slots[bid]))
    if inner is not None and total:
        for bid, (addr, w) in backends.items():
            if not w:
                continue
            got = slots.get(bid, 0) / total
            exp = w / wsum
            if not slots.get(bid):
                errors.append("backend %s (weight %d) owns no slot" % (addr, w))
            elif abs(got - exp) > args.tolerance * exp + 2.0 / total:
                errors.append("backend %s (weight %d of %d) owns %.2f%% of the "
                              "slots, expected %.2f%%" %
                              (addr, w, wsum, 100 * got, 100 * exp))
    if args.status:
        with open(args.status) as f:
            st = json.load(f)
        sv = [v for v in st.get("vips", []) if v.get("vip") == args.vip and
              v.get("proto") == args.proto]
        if len(sv) != 1:
            errors.append("status --json lists %d VIPs %s" % (len(sv), args.vip))
        else:
            got = sorted((b["address"], b["weight"]) for b in sv[0]["backends"])
            want = sorted(backends.values())
            if got != want:
                errors.append("status --json backends %s differ from the maps' "
                              "%s" % (got, want))
    for e in errors:
        print("ERROR: " + e)
    if not errors:
        print("OK")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
