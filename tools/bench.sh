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
#   BENCH_RESULTS=DIR  keep the raw results there; with BENCH_REPORT_ONLY=1,
#                   write the report again from them without measuring
#   BENCH_KEEP=1    keep the campaigns (stores, requests, releases) too
set -eu
B=${B:-build}
export B BIN="$PWD/$B/bin" TOP="$PWD"
. tests/cli/lib.sh
TV=$TOP/$B/bench/tvbench
HLOAD=$TOP/$B/tests/http/load
SCALE=${BENCH_SCALE:-1}
REPS=${BENCH_REPS:-2}
NATIONAL=${BENCH_NATIONAL:-0}
R=${BENCH_RESULTS:-$T/results}
mkdir -p "$R"
ONLY=${BENCH_REPORT_ONLY:-0}
: >>"$R/quiet.log"
START=$(date +%s)
# The commit measured: the programs are built before the first run.
COMMIT0="$(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo '_(with_local_changes)')"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
SRV=""
trap '[ -z "$SRV" ] || kill "$SRV" 2>/dev/null || :; [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$T"' EXIT

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
	pcd_=$1 pck_=$2 pcp_=$3 pc1_=${4:-0}
	mkdir -p "$pcd_"
	# shellcheck disable=SC2046
	"$TV" plan -k "$pck_" $([ "$pcp_" = 1 ] && echo -p) \
		$([ "${PLAN_HISTORY:-0}" = 1 ] && echo -H) -s "${5:-7}" \
		-a "${6:-2021-10-25}" -b "${7:-2022-01-09}" -o "$pcd_/plan.json"
	if [ "$pc1_" = 1 ]; then
		campaign "$pcd_/k" "$pcd_/plan.json" 1 1
	else
		campaign "$pcd_/k" "$pcd_/plan.json" 2 3
	fi
}

# fresh_server DIR CAMPAIGN GEN: an aggregator with GEN's devices
# certified by the campaign's first t trustees (once per key) and enrolled
fresh_server() {
	rm -rf "$1"
	"$BIN/aggregator" init --dir "$1" --campaign "$2" >/dev/null
	for p_ in "$3"/dev/*.pub; do
		[ "${p_%.pub}.cert" -nt "$p_" ] ||	# a regenerated key: again
			certify "$(dirname "$2")" "$p_" "${p_%.pub}.cert"
		"$BIN/aggregator" enroll --dir "$1" "${p_%.pub}.cert" >/dev/null
	done
}

# quiet: before a 2-thread run, wait (at most 60 s, and BENCH_QUIET
# seconds over the whole run, default 300) for a moment when no other task
# is runnable.  Linux shares the CPU between sessions first (autogroup):
# while anyone else computes, our second thread mostly takes time from our
# first.  The runnable count of /proc/loadavg includes the awk reading it.
QUIET_LEFT=${BENCH_QUIET:-300}
running() { awk '{ split($4, a, "/"); print a[1] - 1 }' /proc/loadavg; }
quiet() {
	q_=0
	while [ $q_ -lt 120 ] && [ "$QUIET_LEFT" -gt 0 ]; do
		if [ "$(running)" -le 0 ]; then
			sleep 0.5
			[ "$(running)" -le 0 ] && { echo quiet >>"$R/quiet.log"; return 0; }
		fi
		sleep 0.5
		q_=$((q_ + 1))
		[ $((q_ % 2)) = 0 ] && QUIET_LEFT=$((QUIET_LEFT - 1))
	done
	echo busy >>"$R/quiet.log"
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
			[ $j_ = 1 ] || quiet
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
	until grep -qs 'listening on' "$R/$1.serve"; do
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
			--key "$cd_/k/t$t_.key" --first-release \
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

# limit_run K a|b: limit (c) replayed alone (best of 15 rounds, twice: before
# and after the ingest runs it is compared with; the best is kept).
limit_run() { "$TV" limit -k "$1" -n 200 -r 15 >"$R/limit-$1-$2.out"; }
limit_best() {
	a_=$(kv "$R/limit-$1-a.out" limit_us_per_record)
	b_=$(kv "$R/limit-$1-b.out" limit_us_per_record)
	calc "$a_ < $b_ ? $a_ : $b_" 2 >"$R/limit-$1.us"
	a_=$(kv "$R/limit-$1-a.out" floor_us_per_record)
	b_=$(kv "$R/limit-$1-b.out" floor_us_per_record)
	calc "$a_ < $b_ ? $a_ : $b_" 2 >"$R/floor-$1.us"
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
	# History conditions (issue 18): the same K = 32 plan with its last
	# four indicators history conditions, interleaved with the plain one,
	# 3 rounds of 200 visits of 400 people (so people come back).
	for r_ in 1 2 3; do
		for h_ in 0 1; do
			say "capture, K = 32, history conditions $h_, round $r_"
			d_=$T/caph-$h_
			PLAN_HISTORY=$h_ plan_campaign "$d_" 32 0 1
			device "$d_/dev" "$d_/k/campaign.json"
			"$TV" capture -d "$d_/dev" -p "$d_/dev.pass" -n 200 \
				>"$R/caph-$h_-$r_.out"
			rm -rf "$d_"
		done
	done
}

# The best (lowest) of the rounds' figure KEY for history setting $1.
caph_best() {
	for r_ in 1 2 3; do kv "$R/caph-$1-$r_.out" "$2"; done | sort -g | head -1
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
		--key "$d_/k/t1.key" --first-release \
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
	release_run "rel-$k_-2" "$d_" "$d_/g2" 2022-02-01 verify
	timed "sql-$k_-2" "$TV" sqlite -i "$d_/g2/plain.bin" -o "$T/sql.db" -b "$per_"
	timed "odk-$k_-2" "$TV" odk -i "$d_/g2/plain.bin" -j 2
	rm -rf "$d_"
}

# proof_runs K N: ingest and release with device proofs verified, then a
# release of 3N records of the same campaign: the difference between the
# two is what each record costs a release (section 4b).  Two sites over
# two weeks, so that every cell is released at both sizes (the per-value
# work is the same in both).
proof_runs() {
	d_=$T/p$1
	say "K = $1 with proofs: $2 records"
	plan_campaign "$d_" "$1" 1 0 2 2021-10-25 2021-11-07
	"$TV" gen -c "$d_/k/campaign.json" -o "$d_/g" -n "$2" -d 4 -j 2 \
		>"$R/genp-$1.out"
	ingest_runs "ingp-$1" "$d_" "$d_/g"
	release_run "relp-$1" "$d_" "$d_/g" 2022-02-01 verify
	rm -rf "$d_/g"
	say "K = $1 with proofs: $(($2 * 3)) records, release"
	"$TV" gen -c "$d_/k/campaign.json" -o "$d_/g3" -n "$(($2 * 3))" -d 4 \
		-j 2 -s 3 >"$R/genp3-$1.out"
	fresh_server "$d_/s" "$d_/k/campaign.json" "$d_/g3"
	timed "ingp3-$1" "$BIN/aggregator" ingest --jobs 2 --dir "$d_/s" \
		$(ls "$d_"/g3/batches/*/*.tvb)
	release_run "relp3-$1" "$d_" "$d_/g3" 2022-02-01 verify
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
	release_run nat-rel "$d_" "$d_/g" 2024-02-01 verify
	say "national: baselines"
	timed nat-sql "$TV" sqlite -i "$d_/g/plain.bin" -o "$T/sql.db" \
		-b "$(kv "$R/gen-nat.out" per_batch)"
	timed nat-odk "$TV" odk -i "$d_/g/plain.bin" -j 2
}

# ---- the report ----------------------------------------------------------

rps() { calc "$2 / $(wall "$1")" 0; }
rpscpu() { calc "$2 / $(cpu "$1")" 0; }
us() { kv "$R/micro.out" "$1_us"; }
# limit (c) without proofs, µs per record: (K+1) decodes and additions
limit_us() { calc "($1 + 1) * ($(us decode) + $(us add))" 1; }
# with proofs: per indicator 2 base + 6 variable mults + 5 subtractions
# (CDS 0/1 proof), and the one group of 3: 6 additions, 2 base, 3 var, 3 sub
# floor_us K: the decoded floor (issue 17), replayed in this run;
# floorp_us K: plus one 0/1 proof check (the current verifier) per
# indicator (the group's sum proof left out).
floor_us() { cat "$R/floor-$1.us"; }
floorp_us() { calc "$(floor_us "$1") + $1 * $(us proof01_new)" 1; }
limitp_us() {
	calc "$(limit_us "$1") + $1 * (2 * $(us mulbase) + 6 * $(us mul) + 5 * $(us sub)) + 6 * $(us add) + 2 * $(us mulbase) + 3 * $(us mul) + 3 * $(us sub)" 1
}
pass() { [ "$(awk "BEGIN { print ($1) }")" = 1 ] && echo "**met**" || echo "**missed**"; }
# key holders' release time (wall and CPU): request + 2 trustees + publish
keyholders() {
	awk -v f="${2:-wall}" '{ w += $1; c += $2 + $3 } END { printf "%.2f", f == "cpu" ? c : w }' \
		"$R/$1-req.time" "$R/$1-t1.time" "$R/$1-t2.time" "$R/$1-pub.time"
}
# ours: ingest + key holders
ours() {
	awk -v f="${3:-wall}" '{ w += $1; c += $2 + $3 } END { printf "%.2f", f == "cpu" ? c : w }' \
		"$R/$1.time" "$R/$2-req.time" "$R/$2-t1.time" "$R/$2-t2.time" \
		"$R/$2-pub.time"
}

# The run's circumstances, kept with its results (BENCH_REPORT_ONLY).
meta_save() {
	{
		echo "date $(date -u '+%Y-%m-%d_%H:%M_UTC')"
		echo "commit $COMMIT0"
		echo "load0 $LOAD0" | tr ' ' '_' | sed 's/_/ /'
		echo "load1 $(cut -d' ' -f1-3 /proc/loadavg)" | tr ' ' '_' | sed 's/_/ /'
		echo "minutes $(( ($(date +%s) - START) / 60 ))"
	} >"$R/meta"
}
meta() { kv "$R/meta" "$1" | tr '_' ' '; }

report_head() {
	cat <<EOT
# tallyvan performance

Written by \`$1\` (\`tools/bench.sh\`, program \`tests/bench/\`) on
$(meta date), commit \`$(meta commit)\` (the programs measured).
Do not edit by hand: run it again.

**Machine**: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'),
$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), kernel $(uname -r),
libsodium $(pkg-config --modversion libsodium), LMDB default durability
(every commit synced).  **Shared machine**: load average $(meta load0) at the
start and $(meta load1) at the end (1, 5, 15 min), with
other people's builds and tests running.  Every figure is therefore shown
next to its baseline measured in the same run, as a ratio; times are wall
clock unless marked CPU (user + system, which waiting for a core does not
inflate).  Ingest runs were repeated $REPS times, interleaved, best kept;
micro-benchmarks are the best of 25 short interleaved rounds.  Run time: $(meta minutes) min.

**Commands**: \`$1\` (= \`B=$B sh tools/bench.sh\`$( [ "$SCALE" = 1 ] || echo ", BENCH_SCALE=$SCALE")).  Synthetic
records come from \`tvbench gen\` (real campaign bundles from a real 2-of-3
key ceremony, real signed batches at the collector's own batch size; see
\`tests/bench/gen.c\`: each device a van serving two sites on alternate
days, its records in day order); the plans from \`tvbench plan\` (K
indicators, one one-hot group of 3, 7 sites, 77 days, like the demo plan).
EOT
}

report_limit() {
	cat <<EOT

## 1. The limit (c): libsodium group operations, measured in this run

| operation | µs per call |
|---|---|
| \`crypto_core_ristretto255_is_valid_point\` (decode) | $(us decode) |
| \`crypto_core_ristretto255_add\` | $(us add) |
| \`crypto_core_ristretto255_sub\` | $(us sub) |
| \`crypto_scalarmult_ristretto255_base\` | $(us mulbase) |
| \`crypto_scalarmult_ristretto255\` (variable base) | $(us mul) |
| \`crypto_sign_verify_detached\` (Ed25519, 64 B) | $(us ed25519_verify) |

Ingest must, per record, decode (validate) each of its K+1 points and add
each into a sum: **(K+1) x (decode + add)**.  With proofs it must also
check one CDS 0/1 proof per indicator (2 base + 6 variable
multiplications + 5 subtractions) and the gender group's sum proof (6
additions, 2 base, 3 variable, 3 subtractions).  That count times the
costs above is the limit (c); it is also replayed as one loop over 200
records (\`tvbench limit\`, best of 15 rounds, before and after the ingest
runs).

| K | limit (c) from the costs, µs/record | replayed loop, µs/record | limit with proofs, µs/record |
|---|---|---|---|
| 8 | $(limit_us 8) | $(cat "$R/limit-8.us") | $(limitp_us 8) |
| 32 | $(limit_us 32) | $(cat "$R/limit-32.us") | $(limitp_us 32) |

### The floor: points decoded once (issue 17, decisions 40 and 41)

The same operations through \`crypto/gpoint.h\` (libdecaf's decaf_255,
which is ristretto255): a point decoded once, added decoded, a sum
encoded once; proofs checked with one double multiplication per
commitment.  Thread CPU time, same rounds as above.

| operation | µs per call |
|---|---|
| \`tv_gpoint_decode\` (libdecaf decode + our bit-255 rule) | $(us gdecode) |
| \`tv_gpoint_add\` (decoded) | $(us gadd) |
| \`tv_gpoint_encode\` | $(us gencode) |
| \`tv_gpoint_double_mul_vt\` (a·G + b·P, variable time) | $(us dmul_vt) |
| 0/1 proof check, one indicator, previous verifier (libsodium, separate multiplications) | $(us proof01_old) |
| 0/1 proof check, one indicator, current verifier (decoded, double multiplications) | $(us proof01_new) |

Proof checking per indicator: **$(kv "$R/micro.out" proof01_ratio)x** faster
than the previous verifier, side by side in this run (target >= 1.5x).

| K | floor, replayed: (K+1) x (decode + decoded add) per record, (K+1) encodings per 200 records, µs/record | limit (c) replayed / floor | floor with proofs (+ K x current 0/1 check), µs/record |
|---|---|---|---|
| 8 | $(floor_us 8) | $(calc "$(cat "$R/limit-8.us") / $(floor_us 8)" 2)x | $(floorp_us 8) |
| 32 | $(floor_us 32) | $(calc "$(cat "$R/limit-32.us") / $(floor_us 32)" 2)x | $(floorp_us 32) |
EOT
}

report_capture() {
	cat <<EOT

## 2. Capture: from a submitted form to a durable encrypted record

\`tvbench capture\` on a real collector (\`collector init\`): the form's
fields set and checked, then one LMDB write transaction (pseudonym,
indicators with the distinct-person index, ElGamal, proofs if asked,
outbox), committed and synced; 200 visits (100 with proofs) per row.

| K | proofs | p50 ms | p95 ms | max ms | collector store, bytes/record | peak MiB |
|---|---|---|---|---|---|---|
EOT
	for k_ in 8 32 64; do
		for p_ in 0 1; do
			f_=$R/cap-$k_-$p_.out
			echo "| $k_ | $([ $p_ = 1 ] && echo yes || echo no) | $(kv "$f_" p50_ms) | $(kv "$f_" p95_ms) | $(kv "$f_" max_ms) | $(calc "$(cat "$R/cap-$k_-$p_.bytes") / $(kv "$f_" visits)" 0) | $(calc "$(kv "$f_" vmhwm_kb) / 1024" 0) |"
		done
	done
	cat <<EOT

ODK-style encryption at source (baseline (b), one RSA-2048-OAEP wrap and
AES-256-CFB per record) costs $(calc "$(kv "$R/odk-8-1.out" enc_s) / $(kv "$R/odk-8-1.out" records) * 1e6" 0) µs per record (K = 8) on the
same machine: capture time is dominated by the synced LMDB commit and,
with proofs, by the proofs (about $(calc "$(kv "$R/cap-64-1.out" p50_ms) / 64" 2) ms per indicator).

**With history conditions** (issue 18, target: within 10%).  The same
K = 32 plan (no proofs) with its last four indicators history conditions
(an earlier visit's answer within 30 days, visit_number, seen in the
month at the site, days since first contact: so a collector and a site
history are read, updated and sealed per visit), side by side with the
plain plan, 3 interleaved rounds of 200 visits by 400 people, best round
kept.  The wall time is mostly the synced commit, which the shared
machine's disk and load make vary by 2x from round to round; the CPU time
of the capturing thread is the stable figure:

| plan | CPU p50 ms | wall p50 ms | wall mean ms |
|---|---|---|---|
| no history conditions | $(caph_best 0 cpu_p50_ms) | $(caph_best 0 p50_ms) | $(caph_best 0 mean_ms) |
| four history conditions | $(caph_best 1 cpu_p50_ms) | $(caph_best 1 p50_ms) | $(caph_best 1 mean_ms) |

Capture with history conditions takes **$(calc "$(caph_best 1 cpu_p50_ms) / $(caph_best 0 cpu_p50_ms)" 2)x** the CPU time of
the plain plan ($(calc "$(caph_best 1 p50_ms) / $(caph_best 0 p50_ms)" 2)x its wall time at the median).
EOT
}

ingest_row() {	# NAME K PROOFS N GENOUT LIMIT_US FLOOR_US
	r1_=$(rps "$1-j1" "$4")
	r2_=$(rps "$1-j2" "$4")
	c1_=$(rpscpu "$1-j1" "$4")
	lim_=$(calc "1e6 / $6" 0)
	flo_=$(calc "1e6 / $7" 0)
	echo "| $2 | $3 | $(kv "$5" per_batch) | $4 | $r1_ | $c1_ | $r2_ | $(calc "$r2_ / $r1_" 2)x | $(calc "$(cpu "$1-j2") / $(wall "$1-j2")" 2) | $lim_ | $(calc "100 * $r1_ / $lim_" 0)% | $(calc "100 * $c1_ / $lim_" 0)% | $flo_ | $(calc "100 * $r1_ / $flo_" 0)% | $(rss "$1-j1") / $(rss "$1-j2") |"
}

report_ingest() {
	cat <<EOT

## 3. Ingest: records per second

\`aggregator ingest --jobs N\` of the batch files (N = 1, 2), into a fresh
store; records/s = records / wall time of the whole process (CPU: /
user+system time).  Target (issue 8): 1 thread without proofs at >= 70% of
the limit (c), and >= 1.7x on 2 threads.

| K | proofs | records/batch | records | 1 thread rec/s | 1 thread rec/CPU-s | 2 threads rec/s | 2 vs 1 | cores used by the 2 threads | limit (c) rec/s | 1 thread / (c) | CPU / (c) | floor rec/s | 1 thread / floor | peak MiB 1 / 2 |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOT
	ingest_row ing-8 8 no "$N1" "$R/gen-8-1.out" "$(limit_us 8)" "$(floor_us 8)"
	ingest_row ing-32 32 no "$N1" "$R/gen-32-1.out" "$(limit_us 32)" "$(floor_us 32)"
	ingest_row ings 8 no 2000 "$R/gen-small.out" "$(limit_us 8)" "$(floor_us 8)"
	ingest_row ingp-8 8 yes "$NP8" "$R/genp-8.out" "$(limitp_us 8)" "$(floorp_us 8)"
	ingest_row ingp-32 32 yes "$NP32" "$R/genp-32.out" "$(limitp_us 32)" "$(floorp_us 32)"
	k8_=$(calc "100 * $N1 / $(wall ing-8-j1) / (1e6 / $(limit_us 8))" 0)
	k32_=$(calc "100 * $N1 / $(wall ing-32-j1) / (1e6 / $(limit_us 32))" 0)
	c8_=$(calc "100 * $N1 / $(cpu ing-8-j1) / (1e6 / $(floor_us 8))" 0)
	c32_=$(calc "100 * $N1 / $(cpu ing-32-j1) / (1e6 / $(floor_us 32))" 0)
	f8_=$(calc "100 * $N1 / $(wall ing-8-j1) / (1e6 / $(floor_us 8))" 0)
	f32_=$(calc "100 * $N1 / $(wall ing-32-j1) / (1e6 / $(floor_us 32))" 0)
	s8_=$(calc "$(wall ing-8-j1) / $(wall ing-8-j2)" 2)
	s32_=$(calc "$(wall ing-32-j1) / $(wall ing-32-j2)" 2)
	cat <<EOT

"Cores used" is the 2-thread run's CPU time over its wall time: what the
shared machine gave it (2.00 on two free cores).  A 2-thread run that got
about one core cannot be faster than the 1-thread run, whatever the code;
one that got two shows what the code does.  Each 2-thread run first
waited (up to 60 s) for a moment when no other task on the machine was
runnable: $(grep -c quiet "$R/quiet.log" || :) of $(wc -l <"$R/quiet.log") found one.

Targets in this run: issue 8, 1 thread at $k8_% (K = 8) and $k32_% (K = 32) of the
limit (c): $(pass "$k8_ >= 70 && $k32_ >= 70"); issue 17, 1 thread at $c8_% and $c32_% of the floor per
CPU-second (the floor is thread CPU time: decision 55): $(pass "$c8_ >= 70 && $c32_ >= 70"), and at $f8_% and $f32_%
by wall clock (which also waits for the synced commits); 2 threads ${s8_}x and ${s32_}x
(both issues): $(pass "$s8_ >= 1.7 && $s32_ >= 1.7").

Over HTTP (\`aggregator serve --threads N\`, the HTTP engineer's
\`tests/http/load\` with one uploader per device, the same $N1-record batch
files, fresh store):

| K | server threads | result | server peak MiB |
|---|---|---|---|
| 8 | 1 | $(cat "$R/http-8-1.out") | $(cat "$R/http-8-1.rss") |
| 8 | 2 | $(cat "$R/http-8-2.out") | $(cat "$R/http-8-2.rss") |
| 32 | 1 | $(cat "$R/http-32-1.out") | $(cat "$R/http-32-1.rss") |
| 32 | 2 | $(cat "$R/http-32-2.out") | $(cat "$R/http-32-2.rss") |
EOT
}

release_row() {	# NAME K N [verify]
	echo "| $2 | $3 | $(wall "$1-req") | $(wall "$1-t1") | $(wall "$1-t2") | $(wall "$1-pub") | $(keyholders "$1") | $(keyholders "$1" cpu) | $( [ -f "$R/$1-ver.time" ] && wall "$1-ver" || echo '-') | $(cat "$R/$1.values") | $(rss "$1-t1") / $(rss "$1-pub") |"
}

report_release() {
	cat <<EOT

## 4. Release: rebuild, decrypt, publish

Times in seconds: \`aggregator release-request\`, each of two trustees'
\`trustee release\` (verify every signature and proof, rebuild every sum,
policy, partial decryptions with DLEQ proofs), \`aggregator publish\`
(rebuild, check every partial, combine, discrete logs with the cached
table), and \`trustee verify\` (anyone).  Every run's campaign totals equal
the generator's ground truth (checked).  Cells: each site and all sites x
week, month, quarter, campaign.

| K | records | request | trustee 1 | trustee 2 | publish | key holders, wall | key holders, CPU | verify | values released | peak MiB trustee / publish |
|---|---|---|---|---|---|---|---|---|---|---|
$(release_row rel-8-1 8 "$N1")
$(release_row rel-8-2 8 "$N2")
$(release_row rel-32-1 32 "$N1")
$(release_row rel-32-2 32 "$N2")
$(release_row relp-8 "8 (proofs)" "$NP8")
$(release_row relp3-8 "8 (proofs)" "$((NP8 * 3))")
$(release_row relp-32 "32 (proofs)" "$NP32")
$(release_row relp3-32 "32 (proofs)" "$((NP32 * 3))")

The recount on 1 thread (\`TV_REBUILD_JOBS=1\`) against the default (all
cores), trustee 1, $N1 records: K = 8 $(wall rel-8-1-t1j1) s against $(wall rel-8-1-t1) s
($(calc "$(wall rel-8-1-t1j1) / $(wall rel-8-1-t1)" 2)x), K = 32 $(wall rel-32-1-t1j1) s against $(wall rel-32-1-t1) s ($(calc "$(wall rel-32-1-t1j1) / $(wall rel-32-1-t1)" 2)x).

The runs with proofs use two sites over two weeks (every cell released
at both sizes); the others 7 sites over 77 days.

Discrete-log table (m = 2^16, \`crypto/bsgs.c\`, as \`publish\` uses it):
built in $(kv "$R/bsgs.out" build_s) s, loaded from its cache file (digest and
spot checks) in $(kv "$R/bsgs.out" load_ms) ms; a solve costs $(kv "$R/bsgs.out" solve_small_us) µs below 2^16 (no
giant step) and $(kv "$R/bsgs.out" solve_1e6_us) µs near 10^6 (15 giant steps).
EOT
}

# pass_row STEP K PROOFS A B NA NB FLOOR_US LIMIT_US [VALUES]: what each
# further record costs STEP, from its runs A (NA records) and B (NB) of
# the same campaign shape: the difference of their CPU times over NB - NA,
# against the floor and the limit (c); what A cost beyond that per value
# released (VALUES: the release run whose values count).
pass_row() {
	pm_=$(calc "($(cpu "$5") - $(cpu "$4")) * 1e6 / ($7 - $6)" 1)
	if [ -n "${10:-}" ]; then
		pv_=$(calc "($(cpu "$4") - $6 * $pm_ / 1e6) * 1e6 / $(cat "$R/${10}.values")" 0)
		pn_="$(cat "$R/${10}.values") / $(cat "$R/${11}.values")"
	else
		pv_=- pn_=-
	fi
	echo "| $2 | $3 | $1 | $6 → $7 | $(cpu "$4") → $(cpu "$5") | $pm_ | $8 | **$(calc "$pm_ / $8" 2)x** | $9 | $(calc "$pm_ / $9" 2)x | $pn_ | $pv_ |"
}

# pass_rows K PROOFS RELA RELB NA NB FLOOR LIMIT: a release's three
# passes over the records (a trustee, publish, verify).
pass_rows() {
	pass_row "\`trustee release\` (recount)" "$1" "$2" "$3-t1" "$4-t1" "$5" "$6" "$7" "$8" "$3" "$4"
	pass_row "\`aggregator publish\`" "$1" "$2" "$3-pub" "$4-pub" "$5" "$6" "$7" "$8" "$3" "$4"
	pass_row "\`trustee verify\`" "$1" "$2" "$3-ver" "$4-ver" "$5" "$6" "$7" "$8" "$3" "$4"
}

# The highest ratio to the floor among the recount and verify rows.
pass_worst() {
	for k_ in 8 32; do
		for st_ in t1 ver; do
			calc "($(cpu "rel-$k_-2-$st_") - $(cpu "rel-$k_-1-$st_")) * 1e6 / ($N2 - $N1) / $(floor_us $k_)" 2
			echo
			calc "($(cpu "relp3-$k_-$st_") - $(cpu "relp-$k_-$st_")) * 1e6 / ($(np_ $k_) * 2) / $(floorp_us $k_)" 2
			echo
		done
	done | sort -g | tail -1
}
np_() { if [ "$1" = 8 ]; then echo "$NP8"; else echo "$NP32"; fi; }

report_passes() {
	w_=$(pass_worst)
	cat <<EOT

## 4b. Every pass over the records, against the floor (issue 17)

Each command's cost has a part that grows with the records (read, check
signatures and proofs, decode and add every point: the pass over the
records) and a part that grows with the cells and indicators (policy,
partial decryptions and their proofs, discrete logs), plus a fixed part
(loading, a trustee's Argon2id).  Two runs of the same campaign shape at
two sizes, same cells, separate the first: **per record** = (CPU at the
larger size - CPU at the smaller) / (records added), set against the
floor (section 1: decode + decoded add per point; with proofs, plus one
0/1 proof check per indicator) and, for comparison, the limit (c) of
libsodium's byte interface.  CPU = user + system of the whole process,
all its threads.  "Per value" is what the smaller run cost beyond its
records, per value released: for \`publish\` and \`verify\` mostly the
2-of-3 partial decryptions' DLEQ checks (one costs $(us dleq) µs in
this run, so 2 x $(us dleq) = $(calc "2 * $(us dleq)" 0) µs per value is their floor), for a
trustee its own partial decryption and DLEQ proof, made in constant time.

| K | proofs | pass | records | CPU s | per record, µs | floor, µs | / floor | limit (c), µs | / limit (c) | values released | per value, µs |
|---|---|---|---|---|---|---|---|---|---|---|---|
$(pass_row "\`aggregator ingest\`, 2 threads" 8 no ing-8-j2 ing2-8 "$N1" "$N2" "$(floor_us 8)" "$(limit_us 8)")
$(pass_rows 8 no rel-8-1 rel-8-2 "$N1" "$N2" "$(floor_us 8)" "$(limit_us 8)")
$(pass_row "\`aggregator ingest\`, 2 threads" 32 no ing-32-j2 ing2-32 "$N1" "$N2" "$(floor_us 32)" "$(limit_us 32)")
$(pass_rows 32 no rel-32-1 rel-32-2 "$N1" "$N2" "$(floor_us 32)" "$(limit_us 32)")
$(pass_row "\`aggregator ingest\`, 2 threads" 8 yes ingp-8-j2 ingp3-8 "$NP8" "$((NP8 * 3))" "$(floorp_us 8)" "$(limitp_us 8)")
$(pass_rows 8 yes relp-8 relp3-8 "$NP8" "$((NP8 * 3))" "$(floorp_us 8)" "$(limitp_us 8)")
$(pass_row "\`aggregator ingest\`, 2 threads" 32 yes ingp-32-j2 ingp3-32 "$NP32" "$((NP32 * 3))" "$(floorp_us 32)" "$(limitp_us 32)")
$(pass_rows 32 yes relp-32 relp3-32 "$NP32" "$((NP32 * 3))" "$(floorp_us 32)" "$(limitp_us 32)")

Target (issue 17): a trustee's recount and \`trustee verify\` within
1.5x of the floor per record.  In this run the worst of those rows is
**${w_}x**: $(pass "$w_ <= 1.5").  Ingest with proofs checks one more
proof per record (the one-hot group's sum proof), which the floor with
proofs leaves out.
EOT
}

baseline_row() {	# K N ING REL SQL ODK
	ow_=$(ours "$3" "$4")
	oc_=$(ours "$3" "$4" cpu)
	sq_=$(calc "$(kv "$R/$5.out" load_s) + $(kv "$R/$5.out" agg_s)" 2)
	echo "| $1 | $2 | $ow_ | $oc_ | $(kv "$R/$6.out" dec_s) | $(kv "$R/$6.out" dec_cpu_s) | **$(calc "$ow_ / $(kv "$R/$6.out" dec_s)" 1)x** / $(calc "$oc_ / $(kv "$R/$6.out" dec_cpu_s)" 1)x | $sq_ | $(kv "$R/$5.out" cpu_s) | **$(calc "$ow_ / $sq_" 0)x** / $(calc "$oc_ / $(kv "$R/$5.out" cpu_s)" 0)x |"
}

report_baselines() {
	cat <<EOT

## 5. Against the baselines, on the same records

Ours = aggregator ingest (2 threads) + release request + two trustees +
publish, in seconds (the trustees would run on their own machines, at the
same time: the sum is the cost, not the delay).  (b) ODK-style: the server
unwraps (RSA-2048-OAEP, OpenSSL) and decrypts (AES-256-CFB) every record
to count, on 2 threads.  (a) plaintext: the records in clear loaded into
SQLite, one transaction per batch, then one GROUP BY site, day.
Ratios: wall / CPU.

| K | records | ours, s | ours, CPU s | (b) ODK, s | (b) CPU s | ours / (b) | (a) SQLite, s | (a) CPU s | ours / (a) |
|---|---|---|---|---|---|---|---|---|---|
$(baseline_row 8 "$N1" ing-8-j2 rel-8-1 sql-8-1 odk-8-1)
$(baseline_row 8 "$N2" ing2-8 rel-8-2 sql-8-2 odk-8-2)
$(baseline_row 32 "$N1" ing-32-j2 rel-32-1 sql-32-1 odk-32-1)
$(baseline_row 32 "$N2" ing2-32 rel-32-2 sql-32-2 odk-32-2)
EOT
}

bytes_row() {	# K GEN N RELNAME SQL ODK
	w_=$(kv "$2" wire_bytes)
	echo "| $1 | $(calc "$w_ / $3" 0) | $(calc "$(kv "$2" raw_bytes) / $w_" 3) | $(calc "$(cat "$R/$4.storebytes") / $3" 0) | $(calc "$(cat "$R/$4.reqbytes") / $3" 0) | $(calc "32 * ($1 + 1) + 16" 0) | $(calc "$(kv "$R/$5.out" db_bytes) / $3" 0) | $(kv "$R/$6.out" bytes_per_record) |"
}

report_bytes() {
	cat <<EOT

## 6. Bytes per record

| K | on the wire (signed batch) | zstd: protobuf bytes / wire bytes | aggregator store at rest | release request | ciphertext + id alone | (a) SQLite plaintext | (b) ODK record |
|---|---|---|---|---|---|---|---|
$(bytes_row 8 "$R/gen-8-2.out" "$N2" rel-8-2 sql-8-2 odk-8-2)
$(bytes_row 32 "$R/gen-32-2.out" "$N2" rel-32-2 sql-32-2 odk-32-2)

The "zstd ratio" is the protobuf size before compression over the signed
envelope's size: ciphertexts are uniformly random, so zstd gains nothing
and the envelope's framing and signature make the wire a little bigger
than the raw protobuf (a ratio just under 1).  The store keeps each
signed envelope as received (the key holders rebuild from it), plus the
record-id and R indexes and the cell sums: $(calc "$(cat "$R/rel-32-2.storebytes") / $(kv "$R/gen-32-2.out" wire_bytes)" 2)x the wire bytes at K = 32.
On the collector, a record waiting in the outbox costs the bytes shown in
section 2 (with the pseudonym index).
EOT
}

percpu() { calc "$(cpu "$1") / $2 * 1e6" 0; }	# CPU µs per record

where_rows() {	# K N ING REL SQL ODK
	echo "| $1 | $(limit_us "$1") | $(percpu "$3" "$2") | $(percpu "$4-t1" "$2") | $(percpu "$4-t2" "$2") | $(percpu "$4-pub" "$2") | $(calc "$(ours "$3" "$4" cpu) / $2 * 1e6" 0) | $(calc "$(kv "$R/$6.out" dec_cpu_s) / $2 * 1e6" 0) | $(calc "$(kv "$R/$5.out" cpu_s) / $2 * 1e6" 1) |"
}

report_where() {
	cat <<EOT

## 7. Where the difference goes

CPU µs per record, $N2 records (whole processes, so fixed costs --
passphrase KDF, campaign load, discrete-log table, per-cell proofs -- are
spread over the records):

| K | limit (c) per pass | ingest | trustee 1 | trustee 2 | publish | ours, total | (b) ODK decrypt | (a) SQLite |
|---|---|---|---|---|---|---|---|---|
$(where_rows 8 "$N2" ing2-8 rel-8-2 sql-8-2 odk-8-2)
$(where_rows 32 "$N2" ing2-32 rel-32-2 sql-32-2 odk-32-2)

- **Four passes over every record.**  The aggregator checks each batch
  once at ingest, and each key holder -- two trustees and the publisher --
  recounts every record from the signed batches before anything is
  decrypted (a trustee never decrypts a sum it did not rebuild: the
  design's defence against a decryption oracle).  Each pass is one
  validation and one addition per point, (K+1) x (decode + add), which is
  the limit (c): each pass runs at about that cost (table above), so ours
  is about 4 x (K+1) x $(calc "$(us decode) + $(us add)" 1) µs per record, plus per-cell work (partial
  decryptions with DLEQ proofs, their checks, discrete logs) that does not
  grow with the records.
- **ODK-style pays one RSA-2048 private-key operation per record**
  (about $(calc "$(kv "$R/odk-8-2.out" dec_cpu_s) / $N2 * 1e6" 0) µs here), whatever the number of indicators, and
  then holds every record in clear.  Ours grows with K: at K = 8 a pass
  costs about $(calc "$(limit_us 8) / ($(kv "$R/odk-8-2.out" dec_cpu_s) / $N2 * 1e6)" 1) RSA decryptions, at K = 32 about $(calc "$(limit_us 32) / ($(kv "$R/odk-8-2.out" dec_cpu_s) / $N2 * 1e6)" 1).  What the ratio
  buys: nobody, not even the key holders, ever sees a record; only sums
  over cells that pass the policy are decrypted, and anyone can verify
  the release.
- **The plaintext pipeline** costs a few µs per record (a B-tree insert
  and a sum): the privacy cost is the ratio in section 5, two to three
  orders of magnitude, all of it in elliptic-curve arithmetic.
- **With proofs**, each pass also verifies one 0/1 proof per indicator
  (about 8 scalar multiplications): $(calc "$(limitp_us 8) / $(limit_us 8)" 0)x the cost of a pass without
  (section 3).  Proofs stop a malicious device from adding 2 or -1 to a
  count; they are where most of the CPU of a proven campaign goes.
EOT
}

report_memory() {
	cat <<EOT

## 8. Peak memory (VmHWM, MiB) of each process, K = 32, $N2 records

| process | MiB |
|---|---|
| collector capture (K = 32, proofs) | $(calc "$(kv "$R/cap-32-1.out" vmhwm_kb) / 1024" 0) |
| aggregator ingest, 2 threads | $(rss ing2-32) |
| aggregator serve, 2 threads ($N1 records) | $(cat "$R/http-32-2.rss") |
| aggregator release-request | $(rss rel-32-2-req) |
| trustee release (each) | $(rss rel-32-2-t1) / $(rss rel-32-2-t2) |
| aggregator publish | $(rss rel-32-2-pub) |
| trustee verify ($N1 records) | $(rss rel-32-1-ver) |
| (a) SQLite baseline | $(rss sql-32-2) |
| (b) ODK-style baseline (all ciphertexts in memory) | $(rss odk-32-2) |

The trustee's figure includes its Argon2id key derivation (64 MiB at
\`--kdf interactive\`, 256 MiB at the default MODERATE) when it opens its
share; the recount keeps the per-(site, day) sums and every record id and
R (for the duplicate checks), so it grows with the records (section 9 of
docs/performance-national.md gives it at 10^6).
EOT
}

report_http_script() {
	cat <<EOT

## 9. The HTTP engineer's scenario (\`tools/bench_http.sh\`)

4 collectors x 250 visits captured by \`collector import\`, exported in
batches of 10 records; the same files ingested by one \`aggregator ingest\`
process per collector, and over HTTP by \`aggregator serve\` (4 threads):

Without proofs:

\`\`\`
$(grep -E '^(bench-http|batches|file|http|server)' "$R/bhttp-0.out" || cat "$R/bhttp-0.out")
\`\`\`

With proofs (the demo plan):

\`\`\`
$(grep -E '^(bench-http|batches|file|http|server)' "$R/bhttp-1.out" || cat "$R/bhttp-1.out")
\`\`\`
EOT
}

report_design() {
	cat docs/performance-notes.md
}

report_national() {
	nn_=$NN
	cat <<EOT

## A national programme on one machine: $nn_ records, K = 32

$(kv "$R/gen-nat.out" records) records from $ND devices ($(kv "$R/gen-nat.out" batches) signed batches of up to $(kv "$R/gen-nat.out" per_batch) records, $(calc "$(kv "$R/gen-nat.out" wire_bytes) / 1048576" 0) MiB on the wire),
100 sites, every day of 2023, 32 indicators, 2-of-3 trustees; cells: each
site and all sites x 53 weeks, 12 months, 4 quarters and the year.

| step | wall | CPU | peak MiB |
|---|---|---|---|
| generate (synthetic devices, 2 threads) | $(wall nat-gen) s | $(cpu nat-gen) s | $(rss nat-gen) |
| aggregator ingest, 2 threads | $(wall nat-ing) s ($(rps nat-ing "$nn_") rec/s) | $(cpu nat-ing) s | $(rss nat-ing) |
| aggregator release-request | $(wall nat-rel-req) s | $(cpu nat-rel-req) s | $(rss nat-rel-req) |
| trustee 1 release | $(wall nat-rel-t1) s | $(cpu nat-rel-t1) s | $(rss nat-rel-t1) |
| trustee 2 release | $(wall nat-rel-t2) s | $(cpu nat-rel-t2) s | $(rss nat-rel-t2) |
| aggregator publish | $(wall nat-rel-pub) s | $(cpu nat-rel-pub) s | $(rss nat-rel-pub) |
| trustee verify (anyone) | $(wall nat-rel-ver) s | $(cpu nat-rel-ver) s | $(rss nat-rel-ver) |
| **ingest + key holders** | **$(ours nat-ing nat-rel) s ($(calc "$(ours nat-ing nat-rel) / 60" 0) min)** | $(ours nat-ing nat-rel cpu) s | |
| (b) ODK-style decrypt, 2 threads | $(kv "$R/nat-odk.out" dec_s) s | $(kv "$R/nat-odk.out" dec_cpu_s) s | $(rss nat-odk) |
| (a) SQLite load + GROUP BY | $(calc "$(kv "$R/nat-sql.out" load_s) + $(kv "$R/nat-sql.out" agg_s)" 1) s | $(kv "$R/nat-sql.out" cpu_s) s | $(rss nat-sql) |

Ours / (b): $(calc "$(ours nat-ing nat-rel) / $(kv "$R/nat-odk.out" dec_s)" 1)x wall, $(calc "$(ours nat-ing nat-rel cpu) / $(kv "$R/nat-odk.out" dec_cpu_s)" 1)x CPU; ours / (a): $(calc "$(ours nat-ing nat-rel) / ($(kv "$R/nat-sql.out" load_s) + $(kv "$R/nat-sql.out" agg_s))" 0)x wall.
Ingest ran at $(calc "100 * $nn_ / $(cpu nat-ing) / (1e6 / $(limit_us 32))" 0)% of the limit (c) per CPU-second
(limit replayed in this run: $(cat "$R/limit-32.us") µs/record) and at $(calc "100 * $nn_ * $(floor_us 32) / 1e6 / $(cpu nat-ing)" 0)% of the
floor (issue 17: $(floor_us 32) µs/record, replayed in this run).  Peak memory of
\`aggregator publish\`: $(rss nat-rel-pub) MiB ($( [ "$(rss nat-rel-pub)" -lt 512 ] && echo "under" || echo "**over**") issue 17's 512 MiB).  $(cat "$R/nat-rel.values") values released
(the rest suppressed by the policy); the year's totals equal the ground
truth.  Aggregator store: $(calc "$(cat "$R/nat-rel.storebytes") / 1048576" 0) MiB; release request: $(calc "$(cat "$R/nat-rel.reqbytes") / 1048576" 0) MiB.
EOT
}

# ---- main ----------------------------------------------------------------

if [ "$NATIONAL" = 1 ]; then
	OUT=${BENCH_OUT:-docs/performance-national.md}
	NN=${BENCH_NATIONAL_RECORDS:-1000000}
	ND=${BENCH_NATIONAL_DEVICES:-1000}
	[ "$ONLY" = 1 ] || { micro_runs; national_runs; meta_save; }
	{
		report_head "make bench-national"
		report_national
		cat <<EOT

Per-call costs measured in this run: decode $(us decode) µs, add $(us add) µs, base
multiplication $(us mulbase) µs, variable-base $(us mul) µs.  The rest of the
figures (capture, baselines at 10^4 and 10^5, the design notes) are in
[performance.md](performance.md).
EOT
	} >"$T/report.md"
else
	OUT=${BENCH_OUT:-docs/performance.md}
	N1=${BENCH_N1:-$((10000 * SCALE))}
	N2=${BENCH_N2:-$((100000 * SCALE))}
	NP8=${BENCH_NP8:-$((800 * SCALE))}
	NP32=${BENCH_NP32:-$((200 * SCALE))}
	if [ "$ONLY" != 1 ]; then
		micro_runs
		capture_runs
		small_runs
		proof_runs 8 "$NP8"
		proof_runs 32 "$NP32"
		campaign_runs 8
		campaign_runs 32
		http_script_runs
		meta_save
	fi
	{
		report_head "make bench"
		report_limit
		report_capture
		report_ingest
		report_release
		report_passes
		report_baselines
		report_bytes
		report_where
		report_memory
		report_http_script
		report_design
	} >"$T/report.md"
fi
cp "$T/report.md" "$OUT"
say "wrote $OUT"
sed -n '/^## 3/,/^## 4/p' "$OUT" | head -20
