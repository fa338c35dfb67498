#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Every test: host unit tests (ASan/UBSan), short fuzz runs, QEMU boot tests.
# Ends with one line "N passed, M failed"; exits non-zero if anything failed.
# FWBOOT_KVM=1 runs the boot tests under KVM instead of TCG.
# FWBOOT_FUZZ_SECONDS sets each fuzz target's budget (default 10, 0 skips).
set -u
cd "$(dirname "$0")/.."
log=build/test-logs
mkdir -p "$log"
passed=0
failed=0

count() {	# parse "...: P passed, F failed" from a log
	line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
	p=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\1/')
	f=$(echo "$line" | sed -E 's/.* ([0-9]+) passed, ([0-9]+) failed.*/\2/')
	[ -n "$line" ] || { p=0; f=1; }
	passed=$((passed + p))
	failed=$((failed + f))
}

if ! make -s -j"${FWBOOT_JOBS:-2}" all unit kernels >"$log/build.txt" 2>&1; then
	cat "$log/build.txt"
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

# The layers keep to their order; every source file names its licence.
for c in check-layers spdx; do
	if sh tools/$c.sh >"$log/$c.txt" 2>&1; then
		echo "$c: 1 passed, 0 failed"
		passed=$((passed + 1))
	else
		head -n 20 "$log/$c.txt"
		echo "$c: 0 passed, 1 failed"
		failed=$((failed + 1))
	fi
done

for t in build/host/test_*; do
	name=$(basename "$t")
	if "$t" >"$log/$name.txt" 2>&1; then :; else
		echo "--- $name failed:"
		tail -n 30 "$log/$name.txt"
		# a crash prints no tally: count it as a failure
		grep -qE '[0-9]+ passed, [0-9]+ failed' "$log/$name.txt" || echo "unit $name: 0 passed, 1 failed" >>"$log/$name.txt"
	fi
	grep -E '^unit ' "$log/$name.txt"
	count "$log/$name.txt"
done

# fwboot's own instructions for the reference boots, within their budget
# (tests/budget/check.py: a TCG plugin counts them exactly; seconds).
python3 tests/budget/check.py >"$log/budget.txt" 2>&1
grep -E '^(PASS|FAIL|SKIP)' "$log/budget.txt"
grep -q '^FAIL' "$log/budget.txt" && sed -n '/^FAIL/,$p' "$log/budget.txt" | head -n 40
count "$log/budget.txt"

# Every seed corpus (made from build/kernels) and every past crash
# (tests/fuzz/crashes/) runs once through its harness, fuzzing or not.
if [ -d tests/fuzz ] && command -v clang >/dev/null; then
	python3 tests/fuzz/seeds.py >"$log/fuzz-seeds.txt" 2>&1
	make -s -j"${FWBOOT_JOBS:-2}" build/fuzz/libfwboot.a >"$log/fuzz-build.txt" 2>&1
	for f in tests/fuzz/fuzz_*.c; do
		name=$(basename "$f" .c)
		if sh tests/fuzz/run-one.sh "$f" replay >"$log/$name-replay.txt" 2>&1; then
			echo "replay $name: 1 passed, 0 failed ($(tail -n 1 "$log/$name-replay.txt" | sed 's/.*: //'))"
			passed=$((passed + 1))
		else
			tail -n 40 "$log/$name-replay.txt"
			echo "replay $name: 0 passed, 1 failed"
			failed=$((failed + 1))
		fi
	done
fi

secs=${FWBOOT_FUZZ_SECONDS:-10}
if [ "$secs" -gt 0 ] && [ -d tests/fuzz ] && command -v clang >/dev/null; then
	for f in tests/fuzz/fuzz_*.c; do
		[ -e "$f" ] || continue
		name=$(basename "$f" .c)
		if sh tests/fuzz/run-one.sh "$f" "$secs" >"$log/$name.txt" 2>&1; then
			echo "fuzz $name: 1 passed, 0 failed ($(tail -n 1 "$log/$name.txt" | sed 's/^fuzz [^:]*: //'))"
			passed=$((passed + 1))
		else
			tail -n 40 "$log/$name.txt"
			echo "fuzz $name: 0 passed, 1 failed"
			failed=$((failed + 1))
		fi
	done
fi

python3 tests/boot/run.py -j "${FWBOOT_JOBS:-2}" >"$log/boot.txt" 2>&1
grep -E '^(PASS|FAIL|SKIP)' "$log/boot.txt" | cut -c1-200
if grep -q '^FAIL' "$log/boot.txt"; then
	echo "--- boot test failures in detail:"
	sed -n '/^FAIL/,/^\(PASS\|SKIP\)/p' "$log/boot.txt" | head -n 200
fi
count "$log/boot.txt"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
