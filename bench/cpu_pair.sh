#!/bin/sh
# cpu_pair.sh compares the CPU time per operation of one Go benchmark in two
# test binaries (a baseline and a candidate) on a shared, loaded machine.
# Both binaries run at the same time on the same CPU (taskset -c 0), so
# they see the same load; each is run for N iterations and for 1, and the
# difference of their user+system CPU time, divided by N-1, is printed in
# nanoseconds per operation. Wall-clock ns/op swings by 2-3x when other
# work shares the cores; this pairing keeps the ratio within a few percent.
#
# usage: bench/cpu_pair.sh BASE.test NEW.test 'BenchmarkRegexp$' N ROUNDS
# Run it from the package directory of the benchmarks (for testdata).
# Build the binaries with go test -c, e.g. for the detector:
#   go test -c -o new.test ./internal/inspect/
#   git checkout <base> -- internal/inspect   (and move away files <base> lacks)
#   go test -c -o base.test ./internal/inspect/
#   git checkout HEAD -- internal/inspect
set -eu
base=$1 new=$2 bench=$3 n=$4 rounds=$5
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cpu() { # binary iterations -> seconds of CPU
	taskset -c 0 /usr/bin/time -f "%U %S" "$1" -test.run '^$' -test.bench "$bench" -test.benchtime "$2x" \
		-test.count 1 -test.cpu 1 2>&1 >/dev/null | tail -1 | awk '{print $1+$2}'
}
r=0
while [ "$r" -lt "$rounds" ]; do
	(cpu "$base" "$n" >"$tmp/base_n") & (cpu "$new" "$n" >"$tmp/new_n") & wait
	(cpu "$base" 1 >"$tmp/base_1") & (cpu "$new" 1 >"$tmp/new_1") & wait
	b=$(echo "($(cat "$tmp/base_n") - $(cat "$tmp/base_1")) / ($n - 1) * 1000000000" | bc -l)
	c=$(echo "($(cat "$tmp/new_n") - $(cat "$tmp/new_1")) / ($n - 1) * 1000000000" | bc -l)
	printf '%s round %d: base %.0f ns, new %.0f ns, new/base %.3f\n' "$bench" $((r + 1)) "$b" "$c" "$(echo "$c / $b" | bc -l)"
	r=$((r + 1))
done
