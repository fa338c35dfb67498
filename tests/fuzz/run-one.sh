#!/bin/sh
# Build one libFuzzer harness with the pure sources and run it for a bounded
# time: sh tests/fuzz/run-one.sh tests/fuzz/fuzz_X.c SECONDS
set -e
cd "$(dirname "$0")/../.."
src=$1
secs=${2:-30}
name=$(basename "$src" .c)
out=build/fuzz/$name
mkdir -p build/fuzz "build/fuzz/$name.corpus"
pure=${PURE:-$(make -s -f Makefile print-pure)}
clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Iinclude -Ikernel -Itests/unit -DFWBOOT_HOST -DFWBOOT_FUZZ -DFWBOOT_VERSION='"fuzz"' \
	-o "$out" "$src" $pure tests/unit/host.c
ASAN_OPTIONS=detect_leaks=0 "$out" -max_total_time="$secs" -rss_limit_mb=2048 -artifact_prefix="build/fuzz/$name-" "build/fuzz/$name.corpus"
