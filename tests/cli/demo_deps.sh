# SPDX-License-Identifier: MIT
# `make demo` needs only tools/deps.d/demo.list.  The demo's four programs
# are built (make demo-build, in a directory of the test's) and tools/demo.sh
# is run with an empty environment and a PATH that holds only the commands
# of the packages a fresh Debian 12 would have after `tools/deps.sh demo`:
# Debian's required packages, demo.list, and what they depend on (on this
# machine's installed packages).  Node.js, npm, Chromium, clang, python3,
# curl and the other test tools are not on that PATH, so a demo or a build
# that reached for one of them fails here.  The real proof, a debootstrap
# chroot, is tools/debian12-proof.sh (docs/testing.md); this is its cheap
# stand-in in `make check` (about 30 s).
. tests/cli/lib.sh

list=$(sh tools/deps.sh demo --print)
[ -n "$list" ] || fail "tools/deps.sh demo --print gave no package"
# The demo's list names none of the tests' tools.
for p in nodejs npm chromium clang llvm-14 libclang-rt-14-dev python3 \
    sqlite3 libsqlite3-dev libssl-dev fiu-utils curl lmdb-utils zstd \
    build-essential fonts-dejavu-core; do
	echo "$list" | grep -qx "$p" && fail "demo.list names $p, a test-only package"
done

# Debian's required packages (what debootstrap --variant=minbase installs
# besides apt), the demo's list, and the closure of their dependencies.
req=$(dpkg-query -W -f='${Package} ${Priority} ${Essential}\n' |
	awk '$2 == "required" || $3 == "yes" { print $1 }')
# shellcheck disable=SC2086
apt-cache depends --recurse --installed --no-recommends --no-suggests \
	--no-conflicts --no-breaks --no-replaces --no-enhances \
	$req apt $list 2>/dev/null | grep -v '^ ' | grep -v '^<' | sort -u >"$T/pkgs"
for p in $list; do
	grep -qx "$p" "$T/pkgs" || fail "$p (demo.list) is not installed here: run tools/deps.sh demo"
done
# Every file those packages install, with /bin and /sbin read as /usr/...
# (Debian 12 is merged-/usr).
xargs dpkg-query -L <"$T/pkgs" 2>/dev/null |
	sed -e 's|^/bin/|/usr/bin/|' -e 's|^/sbin/|/usr/sbin/|' | sort -u >"$T/files"
# The commands in /usr/bin and /usr/sbin that those files are, or that
# resolve to one of them (alternatives: cc, awk).
find /usr/bin /usr/sbin -maxdepth 1 ! -type d | sort >"$T/cands"
xargs realpath -m -- <"$T/cands" >"$T/resolved"
mkdir "$T/path"
paste -d ' ' "$T/cands" "$T/resolved" | awk 'NR == FNR { f[$0] = 1; next } {
	r = $2; sub(/^\/bin\//, "/usr/bin/", r); sub(/^\/sbin\//, "/usr/sbin/", r)
	if (($1 in f) || (r in f)) print $1 }' "$T/files" - |
while read -r f; do
	n=${f##*/}
	if [ -x "$f" ] && [ ! -e "$T/path/$n" ]; then ln -s "$f" "$T/path/$n"; fi
done
for c in node nodejs npm chromium clang python3 curl sqlite3 fiu-run mdb_dump; do
	[ ! -e "$T/path/$c" ] || fail "$c is on the demo's PATH: the package list pulls in a test tool"
done
for c in sh make cc ar pkg-config protoc-c awk base64 head grep; do
	[ -e "$T/path/$c" ] || fail "$c is not on the demo's PATH (is its package in demo.list?)"
done

# Build the demo's programs and run the demo with only that PATH.  The
# build is a plain one whatever SAN says: this test is about packages.
run_bare() {
	env -i HOME="$T" PATH="$T/path" LANG=C.UTF-8 TMPDIR="$T" "$@"
}
run_bare make --no-print-directory B="$T/build" demo-build >"$T/build.log" 2>&1 ||
	fail "the demo's programs do not build with only demo.list: $(tail -20 "$T/build.log")"
[ ! -e "$T/build/tests" ] || fail "make demo-build built tests"
n=$(grep -c '^  CC ' "$T/build.log" || true)
run_bare B="$T/build" DEMO_OUT="$T/demo-out" sh tools/demo.sh >"$T/demo.log" 2>&1 ||
	fail "the demo fails with only demo.list: $(tail -20 "$T/demo.log")"
grep -q '^OK: the decrypted sums give' "$T/demo.log" || fail "the demo did not reach its check"
echo "demo built ($n C files) and run with only demo.list's $(echo "$list" | wc -l) packages" \
	"and Debian's required ones on PATH ($(ls "$T/path" | wc -l) commands; no node, chromium, clang, python3)"
