#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Build one libFuzzer harness against the pure code and run it:
#   sh tests/fuzz/run-one.sh tests/fuzz/fuzz_X.c SECONDS
# fuzzes for SECONDS over the growing corpus build/fuzz/fuzz_X.corpus, the
# seeds (build/fuzz/fuzz_X.seeds, tests/fuzz/seeds.py) and every past crash
# (tests/fuzz/crashes/fuzz_X/), then prints "fuzz fuzz_X: N executions in S s".
#   sh tests/fuzz/run-one.sh tests/fuzz/fuzz_X.c replay
# runs every seed, corpus input and past crash once (no fuzzing).
set -e
cd "$(dirname "$0")/../.."
src=$1
secs=${2:-30}
name=$(basename "$src" .c)
out=build/fuzz/$name
mkdir -p build/fuzz "build/fuzz/$name.corpus"
# The pure code is compiled once for every harness (make's
# build/fuzz/libfwboot.a); a harness is linked again only when it or the
# library changed, so `replay` and the fuzz run share one build.
make -s build/fuzz/libfwboot.a >/dev/null
if [ ! -x "$out" ] || [ "$src" -nt "$out" ] || [ build/fuzz/libfwboot.a -nt "$out" ] ||
	[ -n "$(find tests/unit tests/fuzz -name '*.h' -newer "$out")" ]; then
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
		-I. -Itests/unit -DFWBOOT_HOST -DFWBOOT_FUZZ -DFWBOOT_VERSION='"fuzz"' \
		-o "$out" "$src" build/fuzz/libfwboot.a
fi
dirs="build/fuzz/$name.corpus"
for d in "build/fuzz/$name.seeds" "tests/fuzz/crashes/$name"; do
	[ -d "$d" ] && dirs="$dirs $d"
done
if [ "$secs" = replay ]; then
	# -runs=0: every input of the directories once, then stop
	ASAN_OPTIONS=detect_leaks=0 "$out" -runs=0 -rss_limit_mb=2048 $dirs
	n=0
	for d in $dirs; do n=$((n + $(ls "$d" | wc -l))); done
	echo "fuzz $name: replayed $n inputs"
	exit 0
fi
ASAN_OPTIONS=detect_leaks=0 "$out" -max_total_time="$secs" -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="build/fuzz/$name-" $dirs 2>&1 | tee "build/fuzz/$name.log" | tail -n 40
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "build/fuzz/$name.log")
grep -q '^Done ' "build/fuzz/$name.log" || { echo "fuzz $name: FAILED (see build/fuzz/$name.log)"; exit 1; }
echo "fuzz $name: ${runs:-?} executions in $secs s"
