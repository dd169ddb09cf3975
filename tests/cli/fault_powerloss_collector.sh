# SPDX-License-Identifier: MIT
# Power loss in the collector's store (TESTING.md R2), on the real
# `collector record`, `import` and `export` under the power-loss shim
# (tests/fault/plshim.c).  Each run, chosen at random, records one visit
# (70%), imports a CSV of three (10%, all or none) or seals and exports the
# pending records (20%), and loses power at a random I/O call of the
# store.  After every run the store is verified from outside (tvfault
# check-col): it opens and walks, outbox records unpack, every sealed
# batch verifies and decodes, batch states and sequence numbers agree,
# record ids are unique over outbox and batches, the record counter equals
# the records held, and the (site, day) multiset of the stored records
# contains every acknowledged visit ("recorded") and nothing that was
# never attempted.  Until CRASHES (1000) power losses, over two devices
# run side by side (two cores).  The devices' keystores are re-sealed with
# the smallest KDF parameters (tvfault fastkey) to keep a run short.
[ -w /dev/shm ] && TMPDIR=/dev/shm && export TMPDIR
. tests/cli/lib.sh

SHIM=$TOP/$B/fault/plshim.so
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
TOOL=$TOP/$B/fault/tvfault
# Under SAN=1 (a sanitized build) the loops are shorter: there the point
# is sanitizer-clean paths, the statistics come from the plain build.
san=0
ldd "$BIN/aggregator" 2>/dev/null | grep -q libasan && san=1
CRASHES=${CRASHES:-$([ $san = 1 ] && echo 250 || echo 1000)}
seed=${SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
echo "seed $seed (rerun with SEED=$seed)"

campaign "$T/c" "$TOP/tests/fault/plan.json"
i=0
while [ $i -lt 84 ]; do
	date -u -d "2021-10-04 + $i days" +%F
	i=$((i + 1))
done >"$T/dates"

# worker NAME SEED CRASHES: prints "crashes runs checks acked stored"
worker() {
	d=$T/$1
	device "$d" "$T/c/campaign.json"
	"$TOOL" fastkey "$d" "$d.pass"
	: >"$d.acked"
	: >"$d.attempted"
	rng=$2 crashes=0 runs=0 checks=0 n=0
	while [ "$crashes" -lt "$3" ]; do
		runs=$((runs + 1))
		[ "$runs" -le $(($3 * 4)) ] || { echo "too few crashes" >&2; return 1; }
		rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
		op=$(( rng / 65536 % 10 ))
		rng=$(( (rng * 1103515245 + 12345) % 2147483648 ))
		r=$(( rng / 65536 ))
		: >"$d.try"
		set +e
		if [ $op -lt 7 ]; then
			visit "$d" $((r % 8 + 1)) record
		elif [ $op -lt 8 ]; then
			visit "$d" $((r % 8 + 1)) import
		else
			PLC_DIR=$d/store PLC_CRASH_AT=$((r % 14 + 1)) PLC_SEED=$r \
				LD_PRELOAD=$SHIM "$BIN/collector" export --dir "$d" \
				--passphrase-file "$d.pass" --out "$d.usb" \
				>"$d.out" 2>"$d.err"
		fi
		rc=$?
		set -e
		case $rc in
		77) crashes=$((crashes + 1)) ;;
		0) [ $op -ge 8 ] || cat "$d.try" >>"$d.acked" ;;
		*) cat "$d.err" >&2; echo "exit $rc" >&2; return 1 ;;
		esac
		if ! "$TOOL" check-col "$d" "$d.acked" "$d.attempted" >"$d.chk" 2>&1; then
			cat "$d.chk" >&2
			echo "check after run $runs (op $op, exit $rc)" >&2
			return 1
		fi
		checks=$((checks + 1))
	done
	set -- $(head -1 "$d.chk")
	echo "$crashes $runs $checks $(wc -l <"$d.acked") $2"
}

# visit DIR CRASH_AT record|import: one visit, or a CSV of three; the
# visits attempted go to DIR.try and DIR.attempted.
visit() {
	set -- "$1" "$2" "$3" ""
	k=1
	[ "$3" = import ] && k=3 && echo 'date,site,name,gender,topics,first' >"$1.csv"
	while [ $k -gt 0 ]; do
		n=$((n + 1))
		site=s$((n % 3 + 1))
		date=$(sed -n "$((n * 7 % 84 + 1))p" "$T/dates")
		g=$( [ $((n % 2)) = 0 ] && echo f || echo m)
		echo "$site $date" >>"$1.try"
		if [ "$3" = import ]; then
			echo "$date,$site,P$((n % 40)),$g,jobs,yes" >>"$1.csv"
		fi
		k=$((k - 1))
	done
	cat "$1.try" >>"$1.attempted"
	if [ "$3" = import ]; then
		PLC_DIR=$1/store PLC_CRASH_AT=$2 PLC_SEED=$n LD_PRELOAD=$SHIM \
			"$BIN/collector" import --dir "$1" --passphrase-file "$1.pass" \
			"$1.csv" >"$1.out" 2>"$1.err"
	else
		printf 'name=P%d\n' $((n % 40)) | PLC_DIR=$1/store PLC_CRASH_AT=$2 \
			PLC_SEED=$n LD_PRELOAD=$SHIM "$BIN/collector" record --dir "$1" \
			--passphrase-file "$1.pass" --site "$site" --date "$date" \
			gender="$g" topics=jobs first=yes >"$1.out" 2>"$1.err"
	fi
}

half=$((CRASHES / 2))
( worker A "$seed" "$half" >"$T/A.res" ) &
pa=$!
( worker B $((seed + 1)) $((CRASHES - half)) >"$T/B.res" ) &
pb=$!
wait $pa || fail "device A: see above"
wait $pb || fail "device B: see above"
set -- $(cat "$T/A.res" "$T/B.res")
[ $# -eq 10 ] || fail "workers: $*"
mkdir -p "$TOP/$B/figures"
echo "power loss in the collector store: $(($1 + $6)) crashes in $(($2 + $7)) runs (record, import, export) on 2 devices; $(($3 + $8)) store checks; $(($4 + $9)) acknowledged visits and $(($5 + ${10})) stored records verified at the end, 0 lost, 0 duplicated" |
	tee "$TOP/$B/figures/fault_powerloss_collector.txt"
