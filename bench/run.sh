#!/bin/sh
# All benchmarks (not tests): make bench.
set -e
cd "$(dirname "$0")/.."
make -s all kernels
python3 bench/boot_demo.py
python3 bench/sha256.py
for b in bench/*.sh; do
	[ "$b" = bench/run.sh ] && continue
	sh "$b"
done
