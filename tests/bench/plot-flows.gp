# SPDX-License-Identifier: GPL-2.0
# Net cost per packet of an established flow by the number of tracked flows.
# gnuplot -e "data='FILE'; out='FILE.png'" plot-flows.gp (from bench-pkt.sh)
# data: block 0 "flows net_median net_from_mins raw_median", block 1 the
# net cost the 12x parse-only target allows.

set terminal png size 900,560 font ",11"
set output out
set title "xdp-lb: established TCP/IPv4 flows, cost per packet by tracked flows\n(BPF\\_PROG\\_TEST\\_RUN; restore wrapper subtracted)"
set xlabel "tracked flows, cycled over (1000 backends)"
set ylabel "net ns per packet"
set logscale x 10
set xrange [0.5:3e6]
set yrange [0:*]
# headroom for the value labels above the points
set offsets 0, 0, graph 0.08, 0
set xtics ("1" 1, "10" 10, "100" 100, "1K" 1000, "10K" 1e4, "100K" 1e5, "1M" 1e6)
set grid ytics xtics
set key top left box opaque

stats data index 1 using 1 name "T" nooutput
allowed = T_max

plot data index 0 using 1:2 with linespoints lw 2 pt 7 ps 1.3 title "median of runs", \
     data index 0 using 1:3 with linespoints lw 1 dt 2 pt 6 title "from the min of runs", \
     data index 0 using 1:2:(sprintf("%.0f ns", $2)) with labels offset 0,1.2 notitle, \
     allowed with lines lw 1 dt 3 lc rgb "red" \
	title sprintf("1M-flow target, 12x parse-only (%.0f ns net)", allowed)
