#!/bin/sh
# lowmem.sh LIMIT_MIB COMMAND [ARGS...]
#
# Runs COMMAND in a memory cgroup of LIMIT_MIB MiB, after writing dirty pages
# back and dropping the OS page cache. The limit counts the process's own
# memory and the page cache it fills, so a store that fits in this machine's
# memory can be read as if it did not: with a 10M-key store, a small block
# cache and a limit a little above the process's size, most block reads miss
# both caches, as they do at 100M keys on 24 GiB. Prints the cgroup's peak
# usage and how often it hit the limit when COMMAND ends.
#
# Needs root and the cgroup memory controller (written for cgroup v1 and v2;
# tried only on v1). Example:
#   bench/storebench/lowmem.sh 1200 ./storebench -keys 10000000 -cache-mib 100 \
#       -reads 200000 -proofs 40000 -read /tmp/st
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 LIMIT_MIB COMMAND [ARGS...]" >&2
	exit 2
fi
case $1 in
'' | *[!0-9]*)
	echo "lowmem: LIMIT_MIB must be a whole number of MiB, got '$1'" >&2
	exit 2
	;;
esac
limit=$(($1 * 1048576))
shift
if [ "$(id -u)" != 0 ]; then
	echo "lowmem: needs root, to make a cgroup and drop the page cache" >&2
	exit 1
fi

# The cgroup this shell is in, and a new child of it.
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
	parent=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
	usage=memory.peak
	events=memory.events
	max=memory.max
else
	parent=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
	usage=memory.max_usage_in_bytes
	events=memory.failcnt
	max=memory.limit_in_bytes
fi
cg=$parent/corridor-lowmem-$$
if ! mkdir "$cg" 2>/dev/null; then
	echo "lowmem: cannot make a memory cgroup under $parent" >&2
	exit 1
fi
trap 'rmdir "$cg" 2>/dev/null || true' EXIT
if [ ! -f "$cg/$max" ]; then
	echo "lowmem: $cg has no $max: the memory controller is not enabled there" >&2
	exit 1
fi
echo "$limit" >"$cg/$max"

sync
echo 1 >/proc/sys/vm/drop_caches

status=0
sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' lowmem "$cg" "$@" || status=$?
peak=$(cat "$cg/$usage" 2>/dev/null || echo 0)
echo "lowmem: limit $((limit / 1048576)) MiB, peak $((peak / 1048576)) MiB, limit hit: $(tr '\n' ' ' <"$cg/$events")" >&2
exit $status
