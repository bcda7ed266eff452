# Latency distribution per contender, as cumulative curves on a log axis.
#   gnuplot -e "cdf='DIR'; out='latency.png'; names='floor jaildaemon ...'" latency.gp
# DIR/NAME.cdf holds "milliseconds<TAB>fraction" lines, sorted (jdbench stats -c).
set terminal pngcairo size 1300,900 font "DejaVu Sans,12" noenhanced
set output out
set title "Trigger -> host command started: cumulative distribution per contender (left is faster; medians in the key)" font ",14"
set xlabel "milliseconds from trigger sent to command running (log scale)"
set ylabel "share of triggers at or below"
set logscale x 10
set format x "%g"
set xrange [0.3:2000]
set yrange [0:1.02]
set ytics ("0%%" 0, "10%%" 0.1, "20%%" 0.2, "30%%" 0.3, "40%%" 0.4, "50%%" 0.5, "60%%" 0.6, "70%%" 0.7, "80%%" 0.8, "90%%" 0.9, "100%%" 1.0)
set grid xtics mxtics ytics lc rgb "#dddddd"
set key below center horizontal maxcols 2 box spacing 1.2
set bmargin 11
set border 3
set tics nomirror
set arrow from graph 0, first 0.5 to graph 1, first 0.5 nohead dt 3 lc rgb "#888888"
set arrow from graph 0, first 0.9 to graph 1, first 0.9 nohead dt 3 lc rgb "#888888"

color(n) = n eq "floor" ? "#000000" : \
           n eq "jaildaemon" ? "#d62728" : \
           n eq "jaildaemon-sh" ? "#ff9896" : \
           n eq "webhook" ? "#1f77b4" : \
           n eq "ssh-mux" ? "#2ca02c" : \
           n eq "ssh" ? "#98df8a" : \
           n eq "floor-10k" ? "#7f7f7f" : \
           n eq "jaildaemon-10k" ? "#9467bd" : "#8c564b"
dash(n) = (n eq "floor-10k" || n eq "jaildaemon-10k" || n eq "jaildaemon-sh") ? 2 : 1
label(n) = n eq "floor" ? "floor (bare C)" : \
           n eq "jaildaemon" ? "jaildaemon (SIGHUP to probe in namespace jail)" : \
           n eq "jaildaemon-sh" ? "jaildaemon, command via /bin/sh -c" : \
           n eq "webhook" ? "webhook (HTTP POST, kept-alive)" : \
           n eq "ssh-mux" ? "ssh forced command, multiplexed" : \
           n eq "ssh" ? "ssh forced command, new connection" : \
           n eq "floor-10k" ? "floor, in the 10,000-probe run" : \
           n eq "jaildaemon-10k" ? "jaildaemon, 10,000 probes registered" : n

file(n) = sprintf("%s/%s.cdf", cdf, n)
# Nearest-rank median, as jdbench stats computes it.
median(n) = system(sprintf("awk '{v[NR]=$1} END{print v[int((NR+1)/2)]}' %s", file(n))) + 0
plot for [n in names] file(n) using 1:2 with steps lw 2.5 dt dash(n) lc rgb color(n) \
     title sprintf("%s: %.2f ms", label(n), median(n))
