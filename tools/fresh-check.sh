#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# The fresh-machine check: the README's commands on a clean Debian 12 machine.
#
#   tools/fresh-check.sh [--commit REV] [--package] [CMD ...]
#
# Builds (once, then cached) a Debian 12 root with debootstrap: minbase plus
# only what a new machine of this kind has (make, gcc, python3, git). Each run
# takes a copy of it, clones the commit under test (default HEAD; what is
# committed, not the work tree) into /root/fwboot and runs each CMD there in
# order, as root with an empty environment, exactly as a user would type it.
# Default CMDs: "make run" "make check".
#
# --package then builds the Debian package in that root (make deb), installs
# it with apt into a second clean copy of the base and boots the demo from
# the installed paths (tools/installed-check.sh).
#
# apt uses this machine's own configuration (its sources and apt.conf.d): the
# same mirror a new machine of this kind gets. Downloaded .debs are kept
# between runs (only the download: every package is still installed by the
# project's own steps). Each run works in a private mount namespace, so its
# /proc, /sys and /dev mounts end with it whatever happens, and its root is
# removed at exit.
#
# Environment: FWBOOT_FRESH_CACHE (default /var/tmp/fwboot-fresh) holds the
# base root and the .deb cache, outside any work tree. Needs root.
# Exit status: 0 all passed; 1 a command failed; 2 the check itself could not
# run (not root, debootstrap failed).
set -u

die() { echo "fresh-check: $*" >&2; exit 2; }
log() { echo "fresh-check: $*"; }

here=$(cd "$(dirname "$0")/.." && pwd)
rev=HEAD
package=0
cmds=()
while [ $# -gt 0 ]; do
	case $1 in
	--commit) rev=${2:?--commit needs a revision}; shift 2 ;;
	--package) package=1; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	-*) die "unknown option $1" ;;
	*) cmds+=("$1"); shift ;;
	esac
done
[ ${#cmds[@]} -gt 0 ] || cmds=("make run" "make check")
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, mounts)"
commit=$(git -C "$here" rev-parse --verify "$rev^{commit}") || die "no commit $rev in $here"

cache=${FWBOOT_FRESH_CACHE:-/var/tmp/fwboot-fresh}
suite=bookworm
# What a new machine of this kind has besides minbase (and what that needs
# to reach the mirror: ca-certificates).
include=make,gcc,libc6-dev,python3,git,ca-certificates
mkdir -p "$cache/debs/partial" || die "cannot create $cache"

# The machine's first Debian mirror, from its deb822 or one-line sources.
mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(sed -n 's/^URIs: *\(\S*\)/\1/p' "$f" | grep -v -- '-security' | head -n 1)
		[ -n "$u" ] && { echo "$u"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /=/ && $i !~ /\]$/) { print $i; exit } }' "$f" |
			grep -v -- '-security' | head -n 1)
		[ -n "$u" ] && { echo "$u"; return; }
	done
}

# Copy this machine's apt configuration into a root: sources and settings.
apt_config() {
	local root=$1
	rm -f "$root/etc/apt/sources.list" "$root"/etc/apt/sources.list.d/*
	cp -a /etc/apt/sources.list.d/. "$root/etc/apt/sources.list.d/"
	[ -f /etc/apt/sources.list ] && cp -a /etc/apt/sources.list "$root/etc/apt/"
	cp -a /etc/apt/apt.conf.d/. "$root/etc/apt/apt.conf.d/"
	# keep downloaded .debs: the cache directory is shared between runs
	rm -f "$root/etc/apt/apt.conf.d/docker-clean"
	echo 'APT::Keep-Downloaded-Packages "true";' >"$root/etc/apt/apt.conf.d/99fresh-check-keep"
}

base=$cache/base-$suite
key="$suite $include $(mirror)"
if [ ! -f "$base/.done" ] || [ "$(cat "$base/.done")" != "$key" ]; then
	command -v debootstrap >/dev/null || {
		log "installing debootstrap on the host"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null ||
			die "cannot install debootstrap"
	}
	m=$(mirror)
	[ -n "$m" ] || die "no Debian mirror in /etc/apt/sources*"
	log "building the base root in $base (debootstrap --variant=minbase $suite, mirror $m)"
	SECONDS=0
	rm -rf "$base"
	debootstrap --variant=minbase --include="$include" --cache-dir="$cache/debs" "$suite" "$base" "$m" \
		>"$cache/debootstrap.log" 2>&1 || die "debootstrap failed: $(tail -n 3 "$cache/debootstrap.log")"
	apt_config "$base"
	rm -rf "$base/var/cache/apt/archives"/*.deb
	echo "$key" >"$base/.done"
	log "base root built in ${SECONDS}s"
else
	log "base root cached: $base ($key)"
fi

work=$(mktemp -d "$cache/run.XXXXXX") || die "mktemp failed"
# end what still runs in a namespace (when this script is stopped), then the roots
trap '[ -f "$work/ns.pids" ] && kill -KILL $(cat "$work/ns.pids") 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# A copy of the base with the commit cloned into /root/fwboot.
new_root() {
	local root=$1
	cp -a "$base/." "$root/" || die "cannot copy the base root"
	apt_config "$root"
	rm -f "$root/.done"
}

# Run a shell command line inside a root, as a fresh login would: private
# mounts and process namespace (whatever it started dies with it, and its
# mounts go with the namespace), the .deb cache, an empty environment.
# Output goes to stdout.
in_root() {
	local root=$1 cmd=$2
	unshare --mount --pid --fork --kill-child --propagation private /bin/bash -c '
		set -e
		r=$1
		# the root a mount point of its own, as / is on a machine (libvirt
		# makes / a slave mount for each QEMU it starts, and that fails
		# on a plain directory)
		mount --bind "$r" "$r"
		mount -t proc proc "$r/proc"
		mount -t sysfs sys "$r/sys"
		mount --rbind /dev "$r/dev"
		mount -t tmpfs tmpfs "$r/dev/shm"
		mount --bind "$2" "$r/var/cache/apt/archives"
		# this shell stays the namespace'"'"'s PID 1 (no exec: it must reap
		# the orphans that daemons leave, as init does; libvirtd waits for
		# the QEMU probes it started with -daemonize to vanish)
		chroot "$r" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			/bin/bash -lc "$3"
		rc=$?
		exit $rc' fresh "$root" "$cache/debs" "$cmd" </dev/null 2>&1 &
	# killing unshare ends the whole namespace (--kill-child): the exit trap does
	echo $! >>"$work/ns.pids"
	wait $!
}

root=$work/root
mkdir -p "$root"
new_root "$root"
git clone -q --no-checkout "$here" "$root/root/fwboot" && git -C "$root/root/fwboot" checkout -q "$commit" ||
	die "cannot clone $commit"
log "commit $(git -C "$here" log -1 --format='%h %s' "$commit")"

status=0
total=0
passed=0	# the tests' own tally (make check's closing line) plus one per step
failed=0
steps=()
# A step's tally: its closing "N passed, M failed" line, or 1 passed / failed.
tally() {
	local rc=$1 line
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/step.log" | tail -n 1)
	if [ -n "$line" ]; then
		set -- $line
		passed=$((passed + $1))
		failed=$((failed + $3))
		[ "$rc" -ne 0 ] && [ "$3" = 0 ] && failed=$((failed + 1))
	elif [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
}
# Run one step (a shell command line) in a root, its output shown indented.
step() {
	local root=$1 what=$2 cmd=$3 rc
	log "running in a fresh Debian 12 root: $what"
	SECONDS=0
	in_root "$root" "$cmd" | tee "$work/step.log" | sed -u 's/^/  | /'
	rc=${PIPESTATUS[0]}
	total=$((total + SECONDS))
	log "'$what' exited $rc after ${SECONDS}s"
	steps+=("$what: exit $rc, ${SECONDS}s")
	tally "$rc"
	return "$rc"
}

for cmd in "${cmds[@]}"; do
	step "$root" "$cmd" "cd /root/fwboot && $cmd" || { status=1; break; }
done

if [ "$status" = 0 ] && [ "$package" = 1 ]; then
	step "$root" "make deb" "cd /root/fwboot && make deb"
	rc=$?
	debs=$(ls "$root"/root/fwboot/build/deb/fwboot_*_all.deb 2>/dev/null)
	if [ "$rc" -ne 0 ] || [ -z "$debs" ]; then
		status=1
	else
		# A second clean root: the package must bring what it needs.
		root2=$work/root2
		mkdir -p "$root2"
		new_root "$root2"
		cp "$debs" "$root2/root/"
		cp "$here/tools/installed-check.sh" "$root2/root/installed-check.sh"
		deb=$(basename "$debs")
		step "$root2" "apt install ./$deb, boot the installed demo" \
			"cd /root && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ./$deb >/dev/null && sh /root/installed-check.sh" ||
			status=1
	fi
fi

log "summary (commit $(git -C "$here" log -1 --format=%h "$commit"), ${total}s in the fresh roots):"
for s in "${steps[@]}"; do
	log "  $s"
done
[ "$status" = 0 ] && log "passed" || log "FAILED"
echo "$passed passed, $failed failed"
exit $status
