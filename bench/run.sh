#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# All benchmarks (not tests): make bench. bench/report.py runs them and
# writes build/bench/report.md with its plots (bench/linux.py is one part).
set -e
cd "$(dirname "$0")/.."
sh tools/deps.sh bench
make -s all kernels
python3 bench/report.py
