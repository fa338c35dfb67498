#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# The Multiboot 1 header must start within the first 8 KiB of the file
# (the linker script can only check addresses, not file offsets).
set -e
f=$1
off=$(od -A d -t x4 -v -N 8192 "$f" | awk '{ for (i = 2; i <= NF; i++) if ($i == "1badb002") { print $1 + (i - 2) * 4; exit } }')
if [ -z "$off" ]; then
	echo "check-header: no Multiboot 1 header in the first 8 KiB of $f" >&2
	exit 1
fi
