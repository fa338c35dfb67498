#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The size budget: fail when the loadable part of fwboot.elf (text, rodata,
# data: what a loader copies) exceeds BUDGET bytes; print the sections.
#   tools/check-size.sh ELF BUDGET SIZE_TOOL
set -e
elf=$1 budget=$2 size=${3:-size}
$size -A "$elf" | awk -v budget="$budget" -v elf="$elf" '
	$1 == ".text" || $1 == ".rodata" || $1 == ".data" { load += $2; part = part sprintf(" %s %d", $1, $2) }
	$1 == ".bss" { bss = $2 }
	END {
		if (load > budget) {
			printf "check-size: %s: %d loadable bytes (%s), over the budget of %d (SIZE_BUDGET in the Makefile)\n", elf, load, substr(part, 2), budget > "/dev/stderr"
			exit 1
		}
		printf "check-size: %s: %d of %d loadable bytes (%s; .bss %d)\n", elf, load, budget, substr(part, 2), bss
	}'
