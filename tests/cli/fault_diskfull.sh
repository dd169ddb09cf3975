# SPDX-License-Identifier: MIT
# Disk full (TESTING.md R5): the aggregator's and a collector's stores on a
# 4 MiB tmpfs, the rest of it taken by a ballast file.  Ingest batch by
# batch until the disk is full: the refusal is clean (exit 2, "storage
# full", or "input/output error" when LMDB saw a short write; no signal),
# the store verifies and holds every acknowledged batch.
# Then the ballast goes and ingest resumes at once: every batch stored,
# exactly once.  The collector likewise: `record` on a full disk fails
# cleanly, the store verifies, and recording works again after freeing.
# Needs root to mount the tmpfs: skipped with a message otherwise.
. tests/cli/lib.sh

TOOL=$TOP/$B/fault/tvfault
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
if [ "$(id -u)" -ne 0 ]; then
	echo "skipped: mounting a small tmpfs needs root"
	exit 0
fi
mkdir "$T/mnt"
if ! mount -t tmpfs -o size=4m,mode=0700 tmpfs "$T/mnt" 2>"$T/err"; then
	echo "skipped: cannot mount a tmpfs here: $(cat "$T/err")"
	exit 0
fi
trap 'umount "$T/mnt" 2>/dev/null; rm -rf "$T"' EXIT
NB=120

campaign "$T/c" "$TOP/tests/fault/plan.json"
device "$T/A" "$T/c/campaign.json"
"$TOOL" mkbatches "$T/A" "$T/A.pass" "$T/b" 1 $NB 4
S=$T/mnt/S
server "$S" "$T/c/campaign.json" "$T/A"
cp -a "$T/A" "$T/mnt/A"
# Leave about 600 KiB free.
free_kb() { df -k "$T/mnt" | awk 'NR == 2 { print $4 }'; }
head -c $(( ($(free_kb) - 600) * 1024 )) /dev/zero >"$T/mnt/ballast" 2>/dev/null || true

: >"$T/acked"
full=0 s=0
while [ $s -lt $NB ]; do
	s=$((s + 1))
	f=$(printf '%s/b/b-%06d.tvb' "$T" $s)
	set +e
	"$BIN/aggregator" ingest --dir "$S" "$f" >"$T/out" 2>"$T/err"
	rc=$?
	set -e
	sed -n 's|.* batch [0-9a-f]*/\([0-9]*\) .*|\1|p' "$T/out" >>"$T/acked"
	[ $rc -eq 0 ] && continue
	[ $rc -eq 2 ] || { cat "$T/err"; fail "batch $s on a full disk: exit $rc, want 2"; }
	# LMDB turns a short write (the disk filled mid-write) into EIO.
	grep -q 'storage full\|input/output error' "$T/err" ||
		fail "batch $s: $(cat "$T/err")"
	full=$s
	break
done
[ "$full" -gt 0 ] || fail "the disk never filled ($(free_kb) KiB free)"
echo "disk full at batch $full: $(cat "$T/err")"
"$TOOL" check-agg "$S" "$T/A/device.pub" "$T/acked" >"$T/chk" ||
	{ cat "$T/chk"; fail "store check on the full disk"; }
# A retry on the still full disk: stored (the failed attempt may have left
# room) or refused the same clean way.
set +e
"$BIN/aggregator" ingest --dir "$S" "$f" >"$T/out" 2>"$T/err"
rc=$?
set -e
[ $rc -eq 0 ] || [ $rc -eq 2 ] || { cat "$T/err"; fail "retry on a full disk: exit $rc"; }
sed -n 's|.* batch [0-9a-f]*/\([0-9]*\) .*|\1|p' "$T/out" >>"$T/acked"

# A collector on the same full disk.
set +e
printf 'name=Z\n' | "$BIN/collector" record --dir "$T/mnt/A" --passphrase-file "$T/A.pass" \
	--site s1 --date 2021-11-02 gender=f topics=jobs first=yes >"$T/out" 2>"$T/err"
crc=$?
set -e
if [ $crc -eq 0 ]; then
	echo "collector: still room for one visit"
else
	[ $crc -eq 2 ] || { cat "$T/err"; fail "collector record on a full disk: exit $crc"; }
	echo "collector on the full disk: $(cat "$T/err")"
fi
"$TOOL" check-col "$T/mnt/A" >"$T/chk" || { cat "$T/chk"; fail "collector store check"; }

# Free the space: ingest resumes at once, nothing lost.
rm -f "$T/mnt/ballast"
t0=$(date +%s%N)
"$BIN/aggregator" ingest --dir "$S" "$f" >"$T/out" || fail "ingest after freeing space"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 1000 ] || fail "resuming took $ms ms"
"$BIN/aggregator" ingest --dir "$S" "$T"/b/b-*.tvb >"$T/out" || fail "the rest"
"$TOOL" check-agg "$S" "$T/A/device.pub" "$T/acked" >"$T/chk" ||
	{ cat "$T/chk"; fail "store check after freeing space"; }
grep -q "^batches $NB records $((NB * 4)) " "$T/chk" || fail "final counts: $(cat "$T/chk")"
printf 'name=Z\n' | "$BIN/collector" record --dir "$T/mnt/A" --passphrase-file "$T/A.pass" \
	--site s1 --date 2021-11-02 gender=f topics=jobs first=yes >/dev/null ||
	fail "collector record after freeing space"
"$TOOL" check-col "$T/mnt/A" >"$T/chk" || { cat "$T/chk"; fail "collector store check"; }
mkdir -p "$TOP/$B/figures"
echo "disk full (4 MiB tmpfs): ingest refused cleanly at batch $full with $(($(wc -l <"$T/acked"))) acknowledged batches intact; collector record exit $crc; resumed $ms ms after freeing; $NB batches, $((NB * 4)) records, exactly once" |
	tee "$TOP/$B/figures/fault_diskfull.txt"
