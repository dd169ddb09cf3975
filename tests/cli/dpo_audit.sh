# SPDX-License-Identifier: MIT
# The audit log: every enrolment, revocation and ingest (stored, duplicate,
# refused for each reason) is there once, with the right device, counts
# and actor, and nothing of the records' content; show filters work; the
# verifier accepts the log and its export and finds a modified, removed or
# reordered entry -- in the store and in the exported file -- at the right
# entry; a chain rewritten whole passes the chain check but not the anchor.
. tests/cli/lib.sh

n=0
visit() {	# DIR DATE
	n=$((n + 1))
	printf 'first_name=Audit %s\nlast_name=Person\nbirth_date=1970-03-04\n' "$n" |
		"$BIN/collector" record --dir "$1" --passphrase-file "$1.pass" \
		--site a-gare --date "$2" gender=m age_band=45-64 first_contact=no \
		topics=training outcomes=referral >/dev/null
}
show() { "$BIN/aggregator" audit show --dir "$T/srv" "$@"; }
count() { show --event "$1" | wc -l; }
devid() { tr -d '\n' <"$1/device.pub"; }
broken_at() {	# SEQ CMD...: the verifier must exit 1 naming entry SEQ
	s_=$1
	shift
	must_fail 1 "$@" >"$T/v.out"
	grep -q "^audit log BROKEN at entry $s_:" "$T/v.out" ||
		fail "expected a break at entry $s_: $(cat "$T/v.out")"
}

campaign "$T/k"
for d in A B C; do device "$T/$d" "$T/k/campaign.json"; done
"$BIN/aggregator" init --dir "$T/srv" --campaign "$T/k/campaign.json" >/dev/null
for d in A B C; do certify "$T/k" "$T/$d/device.pub" "$T/$d.cert"; done
revocation "$T/k" "$T/C/device.pub" 0 "$T/C.rev"
"$BIN/aggregator" enroll --dir "$T/srv" --name van-a --actor "Alice Martin (DPO)" \
	"$T/A.cert" >/dev/null
"$BIN/aggregator" enroll --dir "$T/srv" --name van-c "$T/C.cert" >/dev/null
"$BIN/aggregator" revoke --dir "$T/srv" --actor operator "$T/C.rev" >/dev/null
must_fail 1 "$BIN/aggregator" enroll --dir "$T/srv" "$T/C.cert" 2>/dev/null
must_fail 2 "$BIN/aggregator" enroll --dir "$T/srv" --actor "$(printf 'a\033b')" \
	"$T/B.cert" 2>/dev/null

visit "$T/A" 2021-11-02
visit "$T/A" 2021-11-03
visit "$T/B" 2021-11-02
visit "$T/C" 2021-11-02
for d in A B C; do export_to "$T/$d" "$T/out-$d"; done
a=$(ls "$T"/out-A/*.tvb)
cp "$a" "$T/tampered.tvb"
size=$(wc -c <"$a")
printf '\377' | dd of="$T/tampered.tvb" bs=1 seek=$((size - 10)) conv=notrunc 2>/dev/null
head -c 100 /dev/zero | tr '\000' '\377' >"$T/garbage.tvb"

"$BIN/aggregator" ingest --dir "$T/srv" "$a" >/dev/null
"$BIN/aggregator" ingest --dir "$T/srv" "$a" >/dev/null
for f in "$T"/out-B/*.tvb "$T"/out-C/*.tvb "$T/tampered.tvb" "$T/garbage.tvb"; do
	must_fail 1 "$BIN/aggregator" ingest --dir "$T/srv" "$f" 2>/dev/null
done
mkdir "$T/forge"
"$TOOLS/forge_batch" "$T/k/campaign.json" "$T/forge"
certify "$T/k" "$T/forge/device.pub" "$T/forge.cert"
"$BIN/aggregator" enroll --dir "$T/srv" --name forger "$T/forge.cert" >/dev/null
"$BIN/aggregator" ingest --dir "$T/srv" "$T/forge/forged.tvb" >/dev/null

# Every event once, with its counts.
show >"$T/all"
cat "$T/all"
[ "$(count audit_start)" = 1 ] || fail "audit_start"
head -1 "$T/all" | grep -q '^1 .* audit_start {"campaign":"bus-emploi-qpv-2021"' ||
	fail "entry 1 does not name the campaign"
[ "$(count enroll)" = 3 ] && [ "$(count revoke)" = 1 ] && [ "$(count enroll_refused)" = 1 ] ||
	fail "enrolments / revocations"
A=$(devid "$T/A")
C=$(devid "$T/C")
show --event enroll | grep -q "Alice Martin (DPO) enroll {\"device\":\"$A\",\"name\":\"van-a\",\"previous\":\"none\"}" ||
	fail "enrolment of A with its actor and name"
show --event revoke | grep -q " operator revoke {\"device\":\"$C\",\"name\":\"van-c\",\"previous\":\"enrolled\",\"last_seq\":0}" ||
	fail "revocation of C"
show --event enroll_refused | grep -q "\"device\":\"$C\",\"reason\":\"revoked\"" ||
	fail "refused re-enrolment of a revoked device"
hash=$(b2sum -l 256 "$a" | cut -d' ' -f1)
[ "$(count ingest)" = 2 ] || fail "stored batches"
show --event ingest | grep -q "\"device\":\"$A\",\"name\":\"van-a\",\"seq\":1,\"hash\":\"$hash\",\"bytes\":$size,\"records\":2,\"quarantined\":0}" ||
	fail "ingest of A's batch"
show --event ingest | grep -q '"name":"forger","seq":1,.*"records":7,"quarantined":4}' ||
	fail "ingest with quarantined records"
[ "$(count ingest_duplicate)" = 1 ] || fail "duplicate"
show --event ingest_duplicate | grep -q "\"hash\":\"$hash\",.*\"records\":2}" || fail "duplicate details"
[ "$(count ingest_refused)" = 4 ] || fail "refusals"
show --event ingest_refused | grep -q "\"device\":\"$(devid "$T/B")\",.*\"reason\":\"device not enrolled\"" ||
	fail "unknown device"
show --event ingest_refused | grep -q "\"device\":\"$C\",.*\"reason\":\"device revoked after batch 0 (this is batch" ||
	fail "revoked device"
show --event ingest_refused | grep -q "\"device\":\"$A\",.*\"error\":\"signature verification failed\"" ||
	fail "bad signature"
show --event ingest_refused | grep -q '{"hash":"[0-9a-f]\{64\}","bytes":100,"error":"malformed input"' ||
	fail "unparsable envelope"
# Stored batches and their entries agree; refusals stored nothing.
"$BIN/aggregator" status --dir "$T/srv" | grep -q '^batches 2$' || fail "batches stored"
"$BIN/aggregator" status --dir "$T/srv" | grep -q '^records 5$' || fail "records stored"
# No record content, no identity.
! grep -qi 'audit [0-9]\|person\|first_name\|training\|referral' "$T/all" ||
	fail "content in the audit log"

# Filters.
[ "$(show --device "$(echo "$A" | cut -c1-12)" | wc -l)" = 4 ] || fail "--device"
[ "$(show --event ingest,ingest_duplicate | wc -l)" = 3 ] || fail "--event list"
[ "$(show --since 2000-01-01 | wc -l)" = "$(wc -l <"$T/all")" ] || fail "--since past"
[ "$(show --since 2999-01-01 | wc -l)" = 0 ] || fail "--since future"
must_fail 2 "$BIN/aggregator" audit show --dir "$T/srv" --since yesterday 2>/dev/null
show --json >"$T/raw.jsonl"
[ "$(wc -l <"$T/raw.jsonl")" = "$(wc -l <"$T/all")" ] || fail "--json"

# Verify, anchor, export.
"$BIN/aggregator" audit verify --dir "$T/srv" >"$T/v"
cat "$T/v"
N=$(wc -l <"$T/all")
grep -q "^audit log: $N entries, chain intact$" "$T/v" || fail "verify"
head=$(awk '$1 == "head" { print $2 ":" $3 }' "$T/v")
[ -n "$head" ] || fail "no head printed"
"$BIN/aggregator" audit verify --dir "$T/srv" --anchor "$head" | grep -q matches || fail "anchor"
"$BIN/aggregator" audit export --dir "$T/srv" "$T/log.jsonl" >/dev/null
cmp -s "$T/log.jsonl" "$T/raw.jsonl" || fail "export differs from the store"
must_fail 2 "$BIN/aggregator" audit export --dir "$T/srv" "$T/log.jsonl" 2>/dev/null
"$BIN/aggregator" audit verify --file "$T/log.jsonl" --anchor "$head" >/dev/null

# The exported copy: modified, removed, reordered.
sed '3s/"previous":"none"/"previous":"revoked"/' "$T/log.jsonl" >"$T/mod.jsonl"
cmp -s "$T/log.jsonl" "$T/mod.jsonl" && fail "sed did not modify entry 3"
broken_at 3 "$BIN/aggregator" audit verify --file "$T/mod.jsonl"
sed '5d' "$T/log.jsonl" >"$T/del.jsonl"
broken_at 5 "$BIN/aggregator" audit verify --file "$T/del.jsonl"
for l in 1,5 7 6 '8,$'; do sed -n "${l}p" "$T/log.jsonl"; done >"$T/swap.jsonl"
broken_at 6 "$BIN/aggregator" audit verify --file "$T/swap.jsonl"
head -n $((N - 1)) "$T/log.jsonl" >"$T/cut.jsonl"
"$BIN/aggregator" audit verify --file "$T/cut.jsonl" >/dev/null || fail "a prefix is a valid log"
broken_at "$N" "$BIN/aggregator" audit verify --file "$T/cut.jsonl" --anchor "$head"

# The store: an intruder's edits, each on a copy.
tamper() {	# NAME OP ARGS...: a copy of the server in $T/NAME, tampered
	cp -a "$T/srv" "$T/$1"
	t_=$1
	shift
	"$TOOLS/audit_tamper" "$T/$t_/store" "$@"
}
tamper s-mod modify 7 '"records":2' '"records":1'
broken_at 7 "$BIN/aggregator" audit verify --dir "$T/s-mod"
tamper s-del remove 3
must_fail 1 "$BIN/aggregator" audit verify --dir "$T/s-del" >"$T/v.out"
grep -q '^audit log BROKEN at entry 3: entry 3 is missing' "$T/v.out" || fail "removal: $(cat "$T/v.out")"
tamper s-swap swap 6 8
must_fail 1 "$BIN/aggregator" audit verify --dir "$T/s-swap" >"$T/v.out"
grep -q '^audit log BROKEN at entry 6: position 6 holds entry 8' "$T/v.out" || fail "swap: $(cat "$T/v.out")"
tamper s-last modify "$N" '"records":7' '"records":3'
broken_at "$N" "$BIN/aggregator" audit verify --dir "$T/s-last"
tamper s-tail remove "$N"
broken_at "$N" "$BIN/aggregator" audit verify --dir "$T/s-tail"
# Rewritten whole from entry 7 on: the chain holds, the anchor does not.
tamper s-rw rewrite 7 '"records":2' '"records":1'
"$BIN/aggregator" audit verify --dir "$T/s-rw" >/dev/null || fail "rewritten chain"
broken_at "$N" "$BIN/aggregator" audit verify --dir "$T/s-rw" --anchor "$head"
# A damaged head: the aggregator refuses to ingest rather than not log.
tamper s-head remove 0
must_fail 1 "$BIN/aggregator" audit verify --dir "$T/s-head" >"$T/v.out"
grep -q 'the head record is missing' "$T/v.out" || fail "missing head: $(cat "$T/v.out")"
must_fail 2 "$BIN/aggregator" ingest --dir "$T/s-head" "$a" 2>/dev/null
must_fail 2 "$BIN/aggregator" enroll --dir "$T/s-head" "$T/B.cert" 2>/dev/null
"$BIN/aggregator" devices --dir "$T/s-head" | grep -q "$(devid "$T/B" | cut -c1-16)" &&
	fail "enrolled without an audit entry"
# The log still grows after a check, and the untouched store still verifies.
revocation "$T/k" "$T/A/device.pub" 1 "$T/A.rev"
"$BIN/aggregator" revoke --dir "$T/srv" "$T/A.rev" >/dev/null
"$BIN/aggregator" audit verify --dir "$T/srv" --anchor "$head" >/dev/null || fail "after growth"
echo "audit log: $N entries with the right counts; modified, removed, reordered entries found (store and export); rewrite caught by the anchor"

# A flood of unsigned bytes writes at most 60 entries a minute, and the
# count of the others: nothing is lost, the log does not grow with it.
mkdir "$T/flood"
for i in $(seq 150); do
	printf 'junk %s' "$i" >"$T/flood/$i.tvb"
done
before=$(count ingest_refused)
must_fail 1 "$BIN/aggregator" ingest --dir "$T/srv" "$T"/flood/*.tvb 2>/dev/null
written=$(( $(count ingest_refused) - before ))
unlogged=$(show --event ingest_refused_unlogged |
	sed -n 's/.*"count":\([0-9]*\).*/\1/p' | awk '{ n += $1 } END { print n + 0 }')
echo "150 unsigned refusals: $written entries, $unlogged counted in $(count ingest_refused_unlogged) summary entries"
[ "$written" -ge 60 ] && [ "$written" -le 120 ] && [ $((written + unlogged)) = 150 ] ||
	fail "flood of unsigned batches in the audit log"
