#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Fuzz the inflater against the host zlib for a bounded time:
#   sh tests/fuzz/run.sh [SECONDS]      (default 30)
# Builds tests/fuzz/fuzz_inflate.c with clang -fsanitize=fuzzer,address,undefined
# and -DFUZZ_INFLATE_ZLIB (run-one.sh, which run-all.sh uses, builds it without
# zlib), seeds the corpus with gzip files of the sources when it is empty, and
# exits non-zero on a crash, a sanitizer report or a disagreement.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-30}
out=build/fuzz/fuzz_inflate
corpus=build/fuzz/fuzz_inflate.corpus
mkdir -p build/fuzz "$corpus"

clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-I. -DFWBOOT_HOST -DFUZZ_INFLATE_ZLIB \
	-o "$out" tests/fuzz/fuzz_inflate.c lib/inflate.c lib/fmt.c lib/str.c lib/diag.c -lz

# Seeds: a two-byte output capacity (0xffff: the largest) and a gzip member,
# at several levels, with and without a file name.
if [ -z "$(ls -A "$corpus")" ]; then
	i=0
	for f in lib/inflate.c lib/inflate.h tests/unit/test.h; do
		for opt in -1 -6 -9 "-9 -n"; do
			i=$((i + 1))
			{ printf '\377\377'; head -c 3000 "$f" | gzip $opt -c; } >"$corpus/seed$i"
		done
	done
	printf '\377\377' >"$corpus/seed-empty"
fi

ASAN_OPTIONS=detect_leaks=0 "$out" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=8192 "$corpus"
