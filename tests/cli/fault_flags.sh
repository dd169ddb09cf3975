# SPDX-License-Identifier: MIT
# No configuration may weaken LMDB durability.  Every program runs here
# under the shim's durability guard (tests/fault/plshim.c), which refuses
# any mdb_env_open()/mdb_env_set_flags() with MDB_NOSYNC, MDB_NOMETASYNC,
# MDB_WRITEMAP or MDB_MAPASYNC (exit 98) and logs every environment
# opened: a whole campaign (key ceremony, two collectors recording,
# importing and exporting, the aggregator ingesting and answering a
# release) must open its stores with none of them.  A control shows the
# guard refuses MDB_NOSYNC.  (Also: `make lint` greps the sources,
# tests/unit/t_store.c checks the flags of an open store.)
. tests/cli/lib.sh

SHIM=$TOP/$B/fault/plshim.so
TOOL=$TOP/$B/fault/tvfault
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# The control: the guard refuses MDB_NOSYNC.
set +e
PLC_ENVLOG=$T/control LD_PRELOAD=$SHIM "$TOOL" lmdb-write "$T/nosync" 1 nosync \
	>/dev/null 2>"$T/err"
rc=$?
set -e
[ $rc -eq 98 ] && grep -q 'refused: mdb_env_open' "$T/err" ||
	fail "the guard let MDB_NOSYNC through (exit $rc)"
echo "control: $(cat "$T/err")"

export LD_PRELOAD="$SHIM" PLC_ENVLOG="$T/envlog"
campaign "$T/c" "$TOP/tests/fault/plan.json"
device "$T/A" "$T/c/campaign.json"
device "$T/B" "$T/c/campaign.json"
n=0
for d in A B; do
	for s in s1 s2 s3; do
		n=$((n + 1))
		printf 'name=P%d\n' $n | "$BIN/collector" record --dir "$T/$d" \
			--passphrase-file "$T/$d.pass" --site $s --date 2021-11-02 \
			gender=f topics=jobs first=yes >/dev/null
	done
done
printf 'date,site,name,gender,topics,first\n2021-11-03,s1,Q,m,housing,no\n' >"$T/v.csv"
"$BIN/collector" import --dir "$T/A" --passphrase-file "$T/A.pass" "$T/v.csv" >/dev/null
"$BIN/collector" status --dir "$T/A" >/dev/null
server "$T/S" "$T/c/campaign.json" "$T/A" "$T/B"
for d in A B; do
	"$BIN/collector" export --dir "$T/$d" --passphrase-file "$T/$d.pass" \
		--out "$T/usb" >/dev/null
done
"$BIN/aggregator" ingest --dir "$T/S" "$T"/usb/*.tvb >/dev/null
"$BIN/aggregator" status --dir "$T/S" >/dev/null
"$BIN/aggregator" release-request --dir "$T/S" --out "$T/req.tvr" \
	--as-of 2022-01-10 >/dev/null
unset LD_PRELOAD
n=$(grep -c '^mdb_env_open' "$T/envlog")
[ "$n" -ge 12 ] || fail "only $n environments opened under the guard"
! grep -v 'flags 0x0$\|flags 0x20000$' "$T/envlog" ||
	fail "an environment was opened with unexpected flags"
mkdir -p "$TOP/$B/figures"
echo "durability flags: $n LMDB environments opened by collector and aggregator commands, all with default flags (0 or MDB_RDONLY); the guard refuses MDB_NOSYNC (control)" |
	tee "$TOP/$B/figures/fault_flags.txt"
