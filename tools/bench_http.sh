#!/bin/sh
# SPDX-License-Identifier: MIT
# HTTP ingest benchmark (make bench-http; not part of make check).
#
# N simulated collectors each export their batches to files; the same batch
# files are then ingested twice into two fresh aggregators in this run:
#   file: aggregator ingest, one process per collector, all at once
#   http: aggregator serve + N concurrent uploaders (tests/http/load), each
#         POSTing its collector's batches in order over one connection
# and the records/s and per-batch latency (p50/p99 over HTTP) are printed.
#
# Knobs: BENCH_COLLECTORS (4), BENCH_VISITS per collector (500),
# BENCH_RECORDS per batch (10), BENCH_THREADS server threads (4),
# BENCH_PROOFS=0 to use the demo plan without per-record proofs.
set -eu
B=${B:-build}
export B BIN="$PWD/$B/bin" TOP="$PWD"
. tests/cli/lib.sh
. tests/http/lib.sh

N=${BENCH_COLLECTORS:-4}
VISITS=${BENCH_VISITS:-500}
PER=${BENCH_RECORDS:-10}
THREADS=${BENCH_THREADS:-4}
# tests/http/lib.sh switched to the plan without proofs; the benchmark
# measures the real one unless told otherwise.
[ "${BENCH_PROOFS:-1}" = 0 ] || PLAN=$TOP/docs/examples/demo-plan.json

echo "bench-http: $N collectors x $VISITS visits, $PER records per batch," \
	"$THREADS server threads, plan $(basename "$PLAN"), $(nproc) cores"
campaign "$T/k"
campaign_dates
devs=""
i=0
while [ $i -lt "$N" ]; do
	device "$T/c$i" "$T/k/campaign.json"
	visits_csv "$T/v$i.csv" $((i * VISITS)) "$VISITS"
	"$BIN/collector" import --dir "$T/c$i" --passphrase-file "$T/c$i.pass" \
		"$T/v$i.csv" >/dev/null
	"$BIN/collector" export --dir "$T/c$i" --passphrase-file "$T/c$i.pass" \
		--max-records "$PER" --out "$T/b$i" >/dev/null
	devs="$devs $T/c$i"
	i=$((i + 1))
done
# shellcheck disable=SC2086
server "$T/file" "$T/k/campaign.json" $devs
# shellcheck disable=SC2086
server "$T/http" "$T/k/campaign.json" $devs
nb=$(ls "$T"/b*/*.tvb | wc -l)
bytes=$(cat "$T"/b*/*.tvb | wc -c)
total=$((N * VISITS))
echo "batches: $nb files, $bytes bytes, $total records"

# File ingest: one process per collector, at once.
s=$(now_ms)
i=0
while [ $i -lt "$N" ]; do
	"$BIN/aggregator" ingest --dir "$T/file" "$T/b$i"/*.tvb >/dev/null &
	i=$((i + 1))
done
wait
ms=$(( $(now_ms) - s ))
[ "$(stat_of "$T/file" records)" = $total ] || fail "file ingest lost records"
awk -v n="$N" -v b="$nb" -v r="$total" -v ms="$ms" 'BEGIN {
	printf "file: %d processes, %d batches, %d records in %.3f s: %.0f records/s, %.0f batches/s, mean %.1f ms per batch per process\n",
	    n, b, r, ms / 1000, r * 1000 / ms, b * 1000 / ms, ms * n / b }'

serve "$T/http" --threads "$THREADS" --per-ip $((N + 8))
# shellcheck disable=SC2046
"$HTOOLS/load" --url "$URL" $(i=0; while [ $i -lt "$N" ]; do echo "$T/b$i"; i=$((i + 1)); done)
rss=$(vmhwm "$SRV_PID")
stop_server
[ "$(stat_of "$T/http" records)" = $total ] || fail "HTTP ingest lost records"
echo "server peak RSS (VmHWM) $rss kB; both stores hold $total records"
