#!/bin/sh
# SPDX-License-Identifier: MIT
# Benchmarks against baselines (issue 8): `make bench` runs this and
# writes docs/performance.md; `make bench-national` (BENCH_NATIONAL=1)
# runs the 10^6-record, 32-indicator campaign and writes
# docs/performance-national.md.
#
# Every figure is measured in this run next to its baseline: the machine
# is shared, so only ratios within one run mean anything.  Knobs:
#   BENCH_SCALE=N   multiply the default record counts (10^4, 10^5) by N
#   BENCH_REPS=N    repetitions of the ingest runs, best kept (default 2)
#   BENCH_OUT=FILE  where to write the report (default docs/...)
set -eu
B=${B:-build}
export B BIN="$PWD/$B/bin" TOP="$PWD"
. tests/cli/lib.sh
TV=$TOP/$B/bench/tvbench
HLOAD=$TOP/$B/tests/http/load
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-2}
NATIONAL=${BENCH_NATIONAL:-0}
R=$T/results
mkdir -p "$R"
START=$(date +%s)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
SRV=""
trap '[ -z "$SRV" ] || kill "$SRV" 2>/dev/null || :; rm -rf "$T"' EXIT

say() { echo "bench [$(($(date +%s) - START))s]: $*" >&2; }
# kv FILE KEY: the value of a `key value` line
kv() { awk -v k="$2" '$1 == k { print $2; exit }' "$1"; }
# calc EXPR: floating-point arithmetic
calc() { awk "BEGIN { printf \"%.${2:-2}f\", $1 }"; }
# timed NAME CMD...: run with /usr/bin/time; NAME.time holds
# "wall user sys maxrss_kB", NAME.out the output.
timed() {
	n_=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$R/$n_.time" "$@" >"$R/$n_.out" \
		2>"$R/$n_.err" || { cat "$R/$n_.err" >&2; fail "$n_ failed"; }
}
wall() { cut -d' ' -f1 "$R/$1.time"; }
cpu() { awk '{ printf "%.2f", $2 + $3 }' "$R/$1.time"; }
rss() { awk '{ printf "%.0f", $4 / 1024 }' "$R/$1.time"; }	# MiB
# best NAME REP...: copy the repetition with the smallest wall time
best() {
	n_=$1
	shift
	b_=""
	for r_ in "$@"; do
		if [ -z "$b_" ] || [ "$(awk -v a="$(wall "$r_")" -v b="$(wall "$b_")" 'BEGIN { print (a < b) }')" = 1 ]; then
			b_=$r_
		fi
	done
	cp "$R/$b_.time" "$R/$n_.time"
	cp "$R/$b_.out" "$R/$n_.out"
}
fsize() { stat -c %s "$1"; }

# ---- set-up ------------------------------------------------------------

# plan_campaign DIR K PROOFS [TRUSTEES [SITES START END]]: a plan with K
# indicators and its key ceremony (t-of-n: 2-of-3 by default).
plan_campaign() {
	pc_=$1
	mkdir -p "$pc_"
	set -- "$@" 3 7 2021-10-25 2022-01-09
	# shellcheck disable=SC2046
	"$TV" plan -k "$2" $([ "$3" = 1 ] && echo -p) -s "$5" -a "$6" -b "$7" \
		-o "$pc_/plan.json"
	if [ "$4" = 1 ]; then
		campaign "$pc_/k" "$pc_/plan.json" 1 1
	else
		campaign "$pc_/k" "$pc_/plan.json" 2 3
	fi
}

# fresh_server DIR CAMPAIGN GEN: an aggregator with GEN's devices enrolled
fresh_server() {
	rm -rf "$1"
	"$BIN/aggregator" init --dir "$1" --campaign "$2" >/dev/null
	for p_ in "$3"/dev/*.pub; do
		"$BIN/aggregator" enroll --dir "$1" "$p_" >/dev/null
	done
}

# ingest_runs NAME CAMPAIGNDIR GEN: file ingest on 1 and 2 threads,
# BENCH_REPS times each, interleaved; the best of each is NAME-j1/-j2,
# and the last 2-thread store is CAMPAIGNDIR/s.
ingest_runs() {
	ir_=$1
	l1_="" l2_=""
	i_=1
	while [ $i_ -le "$REPS" ]; do
		for j_ in 1 2; do
			fresh_server "$2/s" "$2/k/campaign.json" "$3"
			timed "$ir_-j$j_-r$i_" "$BIN/aggregator" ingest --jobs $j_ \
				--dir "$2/s" $(ls "$3"/batches/*/*.tvb)
			eval "l${j_}_=\"\$l${j_}_ $ir_-j$j_-r$i_\""
		done
		i_=$((i_ + 1))
	done
	# shellcheck disable=SC2086
	best "$ir_-j1" $l1_
	# shellcheck disable=SC2086
	best "$ir_-j2" $l2_
}

# http_run NAME CAMPAIGNDIR GEN THREADS: the same batches over HTTP
# (aggregator serve + tests/http/load, one uploader per device).
http_run() {
	fresh_server "$2/h" "$2/k/campaign.json" "$3"
	port_=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 12000))
	"$BIN/aggregator" serve --dir "$2/h" --listen "127.0.0.1:$port_" \
		--threads "$4" --per-ip 4096 2>"$R/$1.serve" &
	SRV=$!
	i_=0
	until grep -q 'listening on' "$R/$1.serve"; do
		i_=$((i_ + 1))
		[ $i_ -lt 500 ] || fail "aggregator serve did not start"
		sleep 0.02
	done
	"$HLOAD" --url "http://127.0.0.1:$port_" "$3"/batches/* >"$R/$1.out"
	awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SRV/status" \
		>"$R/$1.rss"
	kill "$SRV"
	wait "$SRV" 2>/dev/null || :
	SRV=""
}

# release_run NAME CAMPAIGNDIR GEN AS_OF [verify]: request, two trustees,
# publish (and verify), each timed; the values checked against the truth.
release_run() {
	rr_=$1 cd_=$2
	rm -rf "$cd_/rel" "$cd_"/led* "$cd_"/p*.json
	timed "$rr_-req" "$BIN/aggregator" release-request --dir "$cd_/s" \
		--out "$cd_/req.tvr" --as-of "$4"
	for t_ in 1 2; do
		timed "$rr_-t$t_" "$BIN/trustee" release --campaign \
			"$cd_/k/campaign.json" --share "$cd_/k/t$t_.share" \
			--request "$cd_/req.tvr" --ledger "$cd_/led$t_" \
			--out "$cd_/p$t_.json" --passphrase-file "$cd_/k/pass" \
			--today "$4"
	done
	timed "$rr_-pub" "$BIN/aggregator" publish --dir "$cd_/s" --request \
		"$cd_/req.tvr" --partial "$cd_/p1.json" --partial "$cd_/p2.json" \
		--out "$cd_/rel" --table "$TABLE"
	if [ "${5:-}" = verify ]; then
		timed "$rr_-ver" "$BIN/trustee" verify "$cd_/rel"
	fi
	# The whole campaign, all sites, equals the generator's truth.
	awk -F, 'FNR == NR { t[$1] = $2; next }
		$1 == "all" && $2 == "campaign" && $9 == "released" {
			n++; if (t[$7] != $8) { bad++; print "differs: " $0 } }
		END { exit !(n > 0 && bad == 0) }' FS=' ' "$3/truth.txt" FS=, \
		"$cd_/rel/release.csv" || fail "$rr_: release differs from the truth"
	fsize "$cd_/req.tvr" >"$R/$rr_.reqbytes"
	fsize "$cd_/s/store/data.mdb" >"$R/$rr_.storebytes"
	grep -c ',released,' "$cd_/rel/release.csv" >"$R/$rr_.values" || :
}

# ---- the measurements ----------------------------------------------------

# limit_runs K: limit (c) replayed alone (best of 3 rounds, twice: before
# and after the ingest runs it is compared with; the best is kept).
limit_run() { "$TV" limit -k "$1" -n 1000 -r 3 >"$R/limit-$1-$2.out"; }
limit_best() {
	a_=$(kv "$R/limit-$1-a.out" limit_us_per_record)
	b_=$(kv "$R/limit-$1-b.out" limit_us_per_record)
	calc "$a_ < $b_ ? $a_ : $b_" 2 >"$R/limit-$1.us"
}

micro_runs() {
	say "group micro-benchmarks and the discrete-log table"
	"$TV" micro -t 0.5 >"$R/micro.out"
	"$TV" bsgs -t "$T/bsgs-16.tbl" >"$R/bsgs.out"
	TABLE=$T/bsgs-16.tbl
}

capture_runs() {
	for k_ in 8 32 64; do
		for p_ in 0 1; do
			say "capture, K = $k_, proofs $p_"
			d_=$T/cap-$k_-$p_
			plan_campaign "$d_" "$k_" "$p_" 1
			device "$d_/dev" "$d_/k/campaign.json"
			n_=$([ "$p_" = 1 ] && echo 100 || echo 200)
			"$TV" capture -d "$d_/dev" -p "$d_/dev.pass" -n "$n_" \
				>"$R/cap-$k_-$p_.out"
			fsize "$d_/dev/store/data.mdb" >"$R/cap-$k_-$p_.bytes"
			rm -rf "$d_"
		done
	done
}

# campaign_runs K: ingest (files, HTTP; 1 and 2 threads), limit (c),
# releases of N1 and N2 records, baselines (a) and (b) on the same records
campaign_runs() {
	k_=$1
	d_=$T/c$k_
	say "K = $k_: key ceremony, $N1 records"
	plan_campaign "$d_" "$k_" 0 0
	"$TV" gen -c "$d_/k/campaign.json" -o "$d_/g1" -n "$N1" -d 20 -j 2 \
		>"$R/gen-$k_-1.out"
	say "K = $k_: ingest of $N1 records, 1 and 2 threads, x$REPS"
	limit_run "$k_" a
	ingest_runs "ing-$k_" "$d_" "$d_/g1"
	limit_run "$k_" b
	limit_best "$k_"
	say "K = $k_: HTTP ingest, 1 and 2 server threads"
	http_run "http-$k_-1" "$d_" "$d_/g1" 1
	http_run "http-$k_-2" "$d_" "$d_/g1" 2
	say "K = $k_: release of $N1 records"
	release_run "rel-$k_-1" "$d_" "$d_/g1" 2022-02-01 verify
	timed "rel-$k_-1-t1j1" env TV_REBUILD_JOBS=1 "$BIN/trustee" release \
		--campaign "$d_/k/campaign.json" --share "$d_/k/t1.share" \
		--request "$d_/req.tvr" --ledger "$d_/ledj1" --out "$d_/pj1.json" \
		--passphrase-file "$d_/k/pass" --today 2022-02-01
	say "K = $k_: baselines on the same $N1 records"
	per_=$(kv "$R/gen-$k_-1.out" per_batch)
	timed "sql-$k_-1" "$TV" sqlite -i "$d_/g1/plain.bin" -o "$T/sql.db" -b "$per_"
	timed "odk-$k_-1" "$TV" odk -i "$d_/g1/plain.bin" -j 2
	rm -rf "$d_/g1/batches" "$d_/h"
	say "K = $k_: $N2 records: generate, ingest, release, baselines"
	"$TV" gen -c "$d_/k/campaign.json" -o "$d_/g2" -n "$N2" -d 50 -j 2 \
		-s 2 >"$R/gen-$k_-2.out"
	fresh_server "$d_/s" "$d_/k/campaign.json" "$d_/g2"
	timed "ing2-$k_" "$BIN/aggregator" ingest --jobs 2 --dir "$d_/s" \
		$(ls "$d_"/g2/batches/*/*.tvb)
	release_run "rel-$k_-2" "$d_" "$d_/g2" 2022-02-01
	timed "sql-$k_-2" "$TV" sqlite -i "$d_/g2/plain.bin" -o "$T/sql.db" -b "$per_"
	timed "odk-$k_-2" "$TV" odk -i "$d_/g2/plain.bin" -j 2
	rm -rf "$d_"
}

# proof_runs K N: ingest and release with device proofs verified
proof_runs() {
	d_=$T/p$1
	say "K = $1 with proofs: $2 records"
	plan_campaign "$d_" "$1" 1 0
	"$TV" gen -c "$d_/k/campaign.json" -o "$d_/g" -n "$2" -d 4 -j 2 \
		>"$R/genp-$1.out"
	ingest_runs "ingp-$1" "$d_" "$d_/g"
	release_run "relp-$1" "$d_" "$d_/g" 2022-02-01
	rm -rf "$d_"
}

# small_runs: many small batches (10 records, as a collector shipping
# every few visits over HTTP): the per-batch costs.
small_runs() {
	d_=$T/small
	say "K = 8, batches of 10 records"
	plan_campaign "$d_" 8 0 1
	"$TV" gen -c "$d_/k/campaign.json" -o "$d_/g" -n 2000 -d 20 -b 10 \
		-j 2 >"$R/gen-small.out"
	ingest_runs "ings" "$d_" "$d_/g"
	rm -rf "$d_"
}

http_script_runs() {
	for p_ in 0 1; do
		say "tools/bench_http.sh (HTTP engineer's scenario), proofs $p_"
		BENCH_PROOFS=$p_ BENCH_VISITS=250 TMPDIR=$T sh tools/bench_http.sh \
			>"$R/bhttp-$p_.out" 2>&1 || echo "(failed)" >>"$R/bhttp-$p_.out"
	done
}

national_runs() {
	d_=$T/nat
	NN=${BENCH_NATIONAL_RECORDS:-1000000}
	ND=${BENCH_NATIONAL_DEVICES:-1000}
	say "national: K = 32, 100 sites, 2023, $NN records from $ND devices"
	plan_campaign "$d_" 32 0 0 100 2023-01-01 2023-12-31
	timed nat-gen "$TV" gen -c "$d_/k/campaign.json" -o "$d_/g" -n "$NN" \
		-d "$ND" -j 2
	cp "$R/nat-gen.out" "$R/gen-nat.out"
	say "national: enrol $ND devices"
	fresh_server "$d_/s" "$d_/k/campaign.json" "$d_/g"
	limit_run 32 a
	say "national: ingest"
	timed nat-ing "$BIN/aggregator" ingest --jobs 2 --dir "$d_/s" \
		$(ls "$d_"/g/batches/*/*.tvb)
	limit_run 32 b
	limit_best 32
	say "national: release"
	release_run nat-rel "$d_" "$d_/g" 2024-02-01
	say "national: baselines"
	timed nat-sql "$TV" sqlite -i "$d_/g/plain.bin" -o "$T/sql.db" \
		-b "$(kv "$R/gen-nat.out" per_batch)"
	timed nat-odk "$TV" odk -i "$d_/g/plain.bin" -j 2
}
