#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo ('make demo'): the tutorial's topology in network namespaces this
# script creates (client 10.0.0.1, a second client 10.0.0.4, balancer
# 10.0.0.10, backends 10.0.0.2 and 10.0.0.3 on one bridge), an HTTP server on
# each backend, xdp-lb on the balancer with VIP 10.0.0.10:8000 and both
# backends, and REQUESTS_PER_CLIENT requests from each client. Prints the
# distribution and 'xdp-lb status', removes everything, and exits 0 only if
# every request succeeded.


TOP_DIR=$(cd "$(dirname "$0")/.." && pwd)
XDP_LB=${XDP_LB:-$TOP_DIR/xdp-lb/xdp-lb}
REQUESTS_PER_CLIENT=${REQUESTS_PER_CLIENT:-60}

# shellcheck source=tests/net/lib.sh
. "$TOP_DIR/tests/net/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "demo: must be run as root (it creates network namespaces)" >&2
	exit 1
fi
if [ ! -x "$XDP_LB" ]; then
	echo "demo: $XDP_LB is missing: run 'make' first" >&2
	exit 1
fi

# xdp-lb in the balancer's namespace (its state is that namespace's own)
lb()
{
	echo "balancer# xdp-lb $*"
	in_ns "$NS_LB" "$XDP_LB" "$@"
}

step()
{
	echo
	echo "== $*"
}

step "Creating the tutorial topology"
topo_create || exit 1
echo "client $IP4_CLIENT, client2 $IP4_CLIENT2, balancer $IP4_LB," \
	"backends $IP4_BE1 and $IP4_BE2 on bridge $BRIDGE"

step "Starting an HTTP server on each backend (port 8000)"
start_http "$NS_BE1" "$IP4_BE1" 8000 backend1 || exit 1
start_http "$NS_BE2" "$IP4_BE2" 8000 backend2 || exit 1

step "Loading xdp-lb on the balancer and configuring VIP $IP4_LB:8000"
topo_on_cleanup "in_ns $NS_LB $XDP_LB unload --all"
lb load "$HOST_IF" || exit 1
lb vip "$IP4_LB:8000" || exit 1
lb backend "$IP4_LB:8000" "$IP4_BE1" || exit 1
lb backend "$IP4_LB:8000" "$IP4_BE2" || exit 1

total=0 ok=0
declare -A per_backend=()
for ns in "$NS_CLIENT" "$NS_CLIENT2"; do
	step "$REQUESTS_PER_CLIENT requests from $(_xlb_ns_name "$ns"): curl http://$IP4_LB:8000/"
	while read -r body; do
		total=$((total + 1))
		case $body in
		backend1|backend2)
			ok=$((ok + 1))
			per_backend[$body]=$((${per_backend[$body]:-0} + 1)) ;;
		esac
	done < <(http_burst "$ns" "http://$IP4_LB:8000/" "$REQUESTS_PER_CLIENT")
done

step "Distribution"
for b in backend1 backend2; do
	printf '  %-10s %4d requests\n' "$b" "${per_backend[$b]:-0}"
done
printf '  %-10s %4d of %d requests succeeded\n' total "$ok" "$total"

step "xdp-lb status"
lb status

step "Tearing down"
topo_destroy
echo
if [ "$total" -eq $((2 * REQUESTS_PER_CLIENT)) ] && [ "$ok" -eq "$total" ]; then
	echo "demo: OK, all $total requests were balanced by xdp-lb"
	exit 0
fi
echo "demo: FAILED, $ok of $total requests succeeded" >&2
exit 1
