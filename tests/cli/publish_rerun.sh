# SPDX-License-Identifier: MIT
# `aggregator publish` killed at every step, then run again, completes:
# the release directory is either absent or whole, and in the end it is
# byte for byte the release of an uninterrupted run, with exactly one
# "publish" entry in the audit log.  The crash is a simulated power loss
# at the k-th write or sync of the store or the release files
# (tests/fault/plshim.c PLC_CRASH_AT), for every k.  It used to refuse the
# rerun ("the release was not written") once release.csv existed, and to
# leave a release without its audit entry.
. tests/cli/lib.sh

SHIM=$TOP/$B/fault/plshim.so
# Under SAN=1 the shim is preloaded before libasan: let ASan accept it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
server "$T/srv0" "$T/k/campaign.json" "$T/A"
spread_visits "$T/A" 30
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/out" >/dev/null
"$BIN/aggregator" ingest --dir "$T/srv0" "$T"/out/*.tvb >/dev/null
"$BIN/aggregator" release-request --dir "$T/srv0" --out "$T/req.tvr" --as-of 2022-01-10 >/dev/null
partial "$T/k" "$T/req.tvr" 1 "$T/p1.json"

publish() {	# SRV OUT
	"$BIN/aggregator" publish --dir "$1" --request "$T/req.tvr" \
		--partial "$T/p1.json" --out "$2" --table "$TABLE"
}
entries() {	# SRV: "publish" entries in its audit log
	"$BIN/aggregator" audit show --dir "$1" --event publish --json |
		grep -c '"event":"publish"' || :
}
fresh() {
	rm -rf "$T/w"
	mkdir "$T/w"
	cp -a "$T/srv0" "$T/w/srv"
}

# The uninterrupted run, and how many I/O calls it makes.
fresh
PLC_DIR=$T/w PLC_COUNT=$T/count LD_PRELOAD=$SHIM publish "$T/w/srv" "$T/w/rel" 2>/dev/null
mv "$T/w/rel" "$T/ref"
n=$(cat "$T/count")
[ "$n" -gt 4 ] || fail "only $n I/O calls counted"

k=0 crashed=0
while [ $k -lt "$n" ]; do
	k=$((k + 1))
	fresh
	rc=0
	PLC_DIR=$T/w PLC_CRASH_AT=$k PLC_SEED=$k LD_PRELOAD=$SHIM \
		publish "$T/w/srv" "$T/w/rel" 2>"$T/err.crash" || rc=$?
	[ $rc = 77 ] || fail "k=$k: expected the simulated crash (77), got $rc: $(cat "$T/err.crash")"
	crashed=$((crashed + 1))
	# Absent or whole, never partial.
	if [ -e "$T/w/rel" ]; then
		diff -r "$T/ref" "$T/w/rel" >/dev/null ||
			fail "k=$k: a partial release directory after the crash"
	fi
	publish "$T/w/srv" "$T/w/rel" 2>"$T/err" ||
		fail "k=$k: the rerun after a crash failed: $(cat "$T/err")"
	diff -r "$T/ref" "$T/w/rel" >"$T/diff" ||
		fail "k=$k: the rerun's release differs: $(head -5 "$T/diff")"
	[ ! -e "$T/w/rel.tmp" ] || fail "k=$k: the temporary directory is left"
	[ "$(entries "$T/w/srv")" = 1 ] ||
		fail "k=$k: $(entries "$T/w/srv") publish entries in the audit log"
	"$BIN/aggregator" audit verify --dir "$T/w/srv" >/dev/null || fail "k=$k: audit log"
done

# Once more on a complete release: nothing changes.
publish "$T/w/srv" "$T/w/rel" 2>"$T/err" || fail "third run: $(cat "$T/err")"
grep -q 'already published' "$T/err" || fail "third run: $(cat "$T/err")"
[ "$(entries "$T/w/srv")" = 1 ] || fail "third run: a second audit entry"
# "rel/" names the same directory (OUT.tmp is a sibling, not inside).
publish "$T/w/srv" "$T/w/rel/" 2>"$T/err" || fail "trailing slash: $(cat "$T/err")"
grep -q 'already published' "$T/err" || fail "trailing slash: $(cat "$T/err")"
# Another release is never written over it.
echo "tampered" >>"$T/w/rel/release.csv"
must_fail 2 publish "$T/w/srv" "$T/w/rel" 2>"$T/err"
grep -q 'holds another release' "$T/err" || fail "overwrite: $(cat "$T/err")"
echo "publish crashed at each of its $n I/O calls ($crashed crashes): every rerun completed, the release identical to an uninterrupted one, one audit entry each"
