#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's two commands on a plain Debian 12, proved in a chroot:
# debootstrap (minbase: Debian's required packages and apt, nothing else),
# the committed HEAD of this repository cloned in, `apt-get install make`,
# then `make demo` and `make check` as the README says, as root.  Only
# Debian 12's archive (bookworm, bookworm-updates, bookworm-security) and,
# for the browser test, the npm registry; no NodeSource.
#
#   sh tools/debian12-proof.sh [DIR]      (or: make debian12-proof)
#
#   DIR               where the chroot goes (default /var/tmp/tallyvan-debian12);
#                     emptied first, removed at the end unless DEBIAN12_KEEP=1
#   DEBIAN12_CHECK=0  run make demo only (make check takes > 15 min on 2 cores)
#   DEBIAN12_MIRROR   Debian mirror (default http://deb.debian.org/debian)
#
# Needs root (debootstrap, chroot, mounts in a private mount namespace:
# nothing stays mounted when it ends) and debootstrap (installed with
# apt-get if missing).  CA certificates the host added under
# /usr/local/share/ca-certificates (a TLS-inspecting proxy's) are copied in
# so that npm reaches its registry from behind such a proxy.
# Prints one line per command with its exit status and time; the whole log
# is DIR.log.  Exit 0 only if every command passed.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-/var/tmp/tallyvan-debian12}
mirror=${DEBIAN12_MIRROR:-http://deb.debian.org/debian}
check=${DEBIAN12_CHECK:-1}
log=$dir.log
root=$dir/root

[ "$(id -u)" -eq 0 ] || { echo "debian12-proof: run as root" >&2; exit 2; }
if ! command -v debootstrap >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi
rev=$(git -C "$top" rev-parse HEAD)
git -C "$top" diff --quiet HEAD ||
	echo "debian12-proof: note: uncommitted changes are not in the proof (HEAD $rev)" >&2

mounted() { grep -q " ${root}[/ ]" /proc/self/mounts; }
if [ -e "$dir" ]; then
	# Only ever a directory this script made (its marker), or an empty one.
	[ -e "$dir/.debian12-proof" ] || [ -z "$(ls -A "$dir")" ] ||
		{ echo "debian12-proof: $dir exists and is not a previous proof's" >&2; exit 2; }
	mounted && { echo "debian12-proof: something is mounted under $root" >&2; exit 2; }
	rm -rf "$dir"
fi
mkdir -p "$dir"
: >"$dir/.debian12-proof"
: >"$log"
say() { echo "$*" | tee -a "$log"; }
t0=$(date +%s)

say "== debootstrap --variant=minbase bookworm ($mirror)"
debootstrap --variant=minbase bookworm "$root" "$mirror" >>"$log" 2>&1 ||
	{ say "debootstrap failed: see $log"; exit 1; }
cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb ${mirror%/debian}/debian-security bookworm-security main
EOF
# Picked up when make check installs ca-certificates (its postinst).
mkdir -p "$root/usr/local/share/ca-certificates"
for c in /usr/local/share/ca-certificates/*.crt; do
	if [ -f "$c" ]; then cp "$c" "$root/usr/local/share/ca-certificates/"; fi
done
git clone -q "$top" "$root/root/tallyvan"
git -C "$root/root/tallyvan" checkout -q "$rev"
say "== tallyvan $rev cloned into the chroot ($(($(date +%s) - t0)) s)"

# Everything below runs in a private mount namespace.
cat >"$dir/inside.sh" <<'EOF'
set -u
root=$1 check=$2
mount -t proc proc "$root/proc"
mount -t sysfs sys "$root/sys"
mount --rbind /dev "$root/dev"
in_root() {
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		sh -c "$1"
}
step() {	# NAME COMMAND
	s=$(date +%s)
	in_root "$2"
	rc=$?
	echo "RESULT $1: exit $rc in $(($(date +%s) - s)) s"
	return $rc
}
step "apt-get install make" \
	'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make >/dev/null' ||
	exit 1
step "make demo" 'cd /root/tallyvan && make demo' || exit 1
# What the demo installed: none of the tests' tools.
in_root 'for p in nodejs npm chromium clang python3 sqlite3 fiu-utils curl; do
	dpkg-query -W -f="\${Status}" $p 2>/dev/null | grep -q "install ok installed" &&
		echo "RESULT demo installed $p" && exit 1
	done; echo "RESULT make demo left out nodejs, npm, chromium, clang, python3, sqlite3, fiu-utils, curl"' ||
	exit 1
[ "$check" = 0 ] && exit 0
step "make check" 'cd /root/tallyvan && make check' || exit 1
in_root 'echo "RESULT node $(node --version), npm $(npm --version), $(chromium --version 2>/dev/null), playwright-core $(sed -n "s/^  \"version\": \"\(.*\)\",/\1/p" /root/tallyvan/tests/browser/node_modules/playwright-core/package.json)"'
EOF
set +e
unshare --mount --propagation private sh "$dir/inside.sh" "$root" "$check" >>"$log" 2>&1
rc=$?
set -e
grep '^RESULT ' "$log" | sed 's/^RESULT //'
grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1
if mounted; then
	echo "debian12-proof: something is still mounted under $root; not removed" >&2
	exit 2
fi
[ "${DEBIAN12_KEEP:-0}" = 1 ] || rm -rf "$root"
echo "debian12-proof: exit $rc after $(($(date +%s) - t0)) s (log: $log)"
exit "$rc"
