#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Checks that the build and the tests use only what a fresh Debian machine
gets from lib/install-deps.sh.

    check-packages.py build DIR...   every file that a compile or link read,
                                     from the dependency files (*.d) under DIR
    check-packages.py execs LOG...   every program that ran, from logs of
                                     exec-record

A file outside the source tree must belong to a Debian package that apt
installs when lib/install-deps.sh runs: one it names, one of their
dependencies (Depends and Pre-Depends, first alternative: what apt picks on a
fresh machine; install-deps passes --no-install-recommends), or one that
Debian installs everywhere (Essential: yes or Priority: required). Anything
else, from another package or from none, is named with its package and what
used it. BPF objects must not read C library headers at all: with
-target bpf, glibc's headers select 32-bit stubs that a fresh amd64 machine
does not have.

Exit status: 0 all used files are accounted for, 1 some are not, 2 usage or
environment error, 3 (execs) nothing was recorded.
"""

import argparse
import os
import re
import subprocess
import sys

TOP = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
# Where tests create their own programs and scripts: never packaged.
SCRATCH = ("/tmp/", "/var/tmp/", "/run/", "/dev/shm/", "/proc/")
LIBC_DEV = re.compile(r"^libc6-dev(-.*)?$")


def run(args):
    return subprocess.run(args, check=False, capture_output=True, text=True)


def installed_packages():
    """name -> dict(essential, priority, deps, provides) for installed ones."""
    fmt = ("${Package}\t${db:Status-Status}\t${Essential}\t${Priority}\t"
           "${Pre-Depends}\t${Depends}\t${Provides}\n")
    out = run(["dpkg-query", "-W", "-f", fmt])
    if out.returncode != 0:
        sys.exit("check-packages: dpkg-query failed: " + out.stderr.strip())
    pkgs = {}
    for line in out.stdout.splitlines():
        f = line.split("\t")
        if len(f) != 7 or f[1] != "installed":
            continue
        p = pkgs.setdefault(f[0], {"essential": False, "priority": "",
                                   "deps": [], "provides": []})
        p["essential"] |= f[2] == "yes"
        p["priority"] = p["priority"] or f[3]
        p["deps"] += [g for g in (f[4] + "," + f[5]).split(",") if g.strip()]
        p["provides"] += [bare(x) for x in f[6].split(",") if x.strip()]
    return pkgs


def bare(name):
    """'libc6-dev:amd64 (>= 2.36)' -> 'libc6-dev'"""
    return name.strip().split(" ")[0].split(":")[0]


def install_list(path):
    if path:
        with open(path) as f:
            names = f.read().split()
    else:
        out = run(["sh", os.path.join(TOP, "lib", "install-deps.sh"), "--list"])
        if out.returncode != 0 or not out.stdout.strip():
            sys.exit("check-packages: 'lib/install-deps.sh --list' failed: " +
                     out.stderr.strip())
        names = out.stdout.split()
    return names


def allowed_packages(names, pkgs):
    """What apt installs for names on a fresh machine, plus the base system."""
    providers = {}
    for name, p in pkgs.items():
        for v in p["provides"]:
            providers.setdefault(v, []).append(name)
    why = {}
    todo = []
    for n in names:
        why[n] = "named in lib/install-deps.sh"
        todo.append(n)
    while todo:
        n = todo.pop()
        for group in pkgs.get(n, {}).get("deps", []):
            first = bare(group.split("|")[0])
            for dep in [first] if first in pkgs else providers.get(first, []):
                if dep not in why:
                    why[dep] = "needed by " + n
                    todo.append(dep)
    for name, p in pkgs.items():
        if name not in why and (p["essential"] or p["priority"] == "required"):
            why[name] = "essential" if p["essential"] else "priority required"
    return why


def candidates(path):
    """Names dpkg may know the file by (merged /usr, symbolic links), the
    name as used first."""
    out = []
    for p in (os.path.normpath(path), os.path.realpath(path)):
        out.append(p)
        m = re.match(r"^/usr(/(bin|sbin|lib[^/]*)/.*)$", p)
        if m:
            out.append(m.group(1))
        elif re.match(r"^/(bin|sbin|lib[^/]*)/", p):
            out.append("/usr" + p)
    return list(dict.fromkeys(out))


def owners(paths):
    """path -> set of packages owning it (empty set: no package)."""
    cand = {p: candidates(p) for p in paths}
    every = sorted({c for cs in cand.values() for c in cs})
    owned = {}
    for i in range(0, len(every), 500):
        out = run(["dpkg-query", "-S"] + every[i:i + 500])
        for line in out.stdout.splitlines():
            if line.startswith("diversion by"):
                continue
            pk, sep, f = line.partition(": ")
            if sep:
                owned.setdefault(f.strip(), set()).update(
                    bare(x) for x in pk.split(","))
    # the name as used comes first: a library's .so link belongs to its -dev
    # package even though its target belongs to the runtime package
    return {p: next((owned[c] for c in cs if c in owned), set())
            for p, cs in cand.items()}


def outside_tree(path):
    real = os.path.realpath(path)
    if real == TOP or real.startswith(TOP + "/"):
        return False
    return not any(real.startswith(s) or path.startswith(s) for s in SCRATCH)


def parse_depfile(path):
    """Absolute prerequisites of the targets in a make dependency file."""
    with open(path) as f:
        text = f.read().replace("\\\n", " ")
    files = []
    for line in text.splitlines():
        target, sep, prereq = line.partition(": ")
        if not sep:
            continue
        files += [w for w in prereq.split() if w.startswith("/")]
    return files


def check(used, names, label):
    """used: file -> list of users. Prints problems; returns their count."""
    pkgs = installed_packages()
    why = allowed_packages(names, pkgs)
    own = owners(sorted(used))
    bad = 0
    for f in sorted(used):
        users = used[f]
        by = ", ".join(sorted(users)[:3])
        if len(users) > 3:
            by += f" and {len(users) - 3} more"
        ok = [p for p in own[f] if p in why]
        if not own[f]:
            print(f"{f}: belongs to no Debian package ({label} {by})")
            bad += 1
        elif not ok:
            print(f"{f}: from package {', '.join(sorted(own[f]))}, which "
                  f"lib/install-deps.sh does not install ({label} {by})")
            bad += 1
        elif any(u.endswith(".bpf.o") for u in users) and \
                any(LIBC_DEV.match(p) for p in own[f]):
            print(f"{f}: a C library header in a BPF object ({by}); BPF code "
                  "may use only kernel UAPI (linux-libc-dev), libbpf and "
                  "libxdp headers")
            bad += 1
    return bad


def cmd_build(args):
    used = {}
    ndeps = 0
    for d in args.dirs:
        for root, _, files in os.walk(d):
            for name in files:
                if not name.endswith(".d"):
                    continue
                ndeps += 1
                depfile = os.path.join(root, name)
                # x.o.d and x.ld.d describe x.o and x
                user = os.path.relpath(depfile, TOP)
                user = re.sub(r"(\.ld)?\.d$", "", user)
                for f in parse_depfile(depfile):
                    if outside_tree(f):
                        used.setdefault(f, set()).add(user)
    if ndeps == 0:
        print("no dependency files (*.d) under " + " ".join(args.dirs) +
              ": build first")
        return 2
    bad = check(used, install_list(args.install_list), "read by")
    print(f"{len(used)} files outside the tree read by {ndeps} compile and "
          f"link steps; {bad} not installed by lib/install-deps.sh")
    return 1 if bad else 0


def cmd_execs(args):
    used = {}
    why_not = []
    for log in args.logs:
        try:
            with open(log) as f:
                for line in f:
                    line = line.rstrip("\n")
                    if line.startswith("# not recorded:"):
                        why_not.append(line[2:])
                    elif line.startswith("/") and outside_tree(line):
                        used.setdefault(line, set()).add(
                            os.path.basename(log))
        except FileNotFoundError:
            why_not.append(f"not recorded: no {log}")
    if why_not and not used:
        print("; ".join(sorted(set(why_not))))
        return 3
    bad = check(used, install_list(args.install_list), "run during")
    print(f"{len(used)} programs run outside the tree; {bad} not installed "
          "by lib/install-deps.sh")
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--install-list", metavar="FILE",
                    help="package names, instead of 'install-deps.sh --list'")
    sub = ap.add_subparsers(dest="what", required=True)
    b = sub.add_parser("build")
    b.add_argument("dirs", nargs="+")
    b.set_defaults(func=cmd_build)
    e = sub.add_parser("execs")
    e.add_argument("logs", nargs="+")
    e.set_defaults(func=cmd_execs)
    args = ap.parse_args()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
