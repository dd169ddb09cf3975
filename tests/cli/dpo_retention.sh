# SPDX-License-Identifier: MIT
# Retention on both sides, with a clock far in the future (--today).
# Collector: exactly the expired pseudonym-index tags go; acknowledged
# batches go once all their records are past retention, exported ones only
# with --exported, a batch never delivered never.  Aggregator: only the
# batches of the final release whose records are all older than the
# cut-off go (envelope, record ids, R values), cell sums and dedupe marks
# stay (a purged batch sent again is still a duplicate), every purge is in
# the audit log, a release that is not final is refused, and the trustees
# refuse a request over purged batches.
. tests/cli/lib.sh
. tests/http/lib.sh

visit() {	# DIR NAME DATE
	printf 'first_name=%s\nlast_name=Keep\nbirth_date=1985-05-05\n' "$2" |
		"$BIN/collector" record --dir "$1" --passphrase-file "$1.pass" \
		--site b-moulins --date "$3" gender=x age_band=18-25 first_contact=yes \
		topics=digital outcomes=immediate_advice >/dev/null
}
tags() { mdb_stat -s pindex "$1/store" | awk '$1 == "Entries:" { print $2 }'; }
cpurge() { "$BIN/collector" purge --dir "$T/A" "$@"; }
records() { stat_of "$T/srv" records; }

campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
device "$T/B" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A" "$T/B"
serve "$T/srv"

# Batch 1 acknowledged over HTTP, batch 2 exported to a file, batch 3
# sealed but never delivered (the server is unreachable).
visit "$T/A" P2 2021-12-20
"$BIN/collector" ship --dir "$T/A" --passphrase-file "$T/A.pass" --url "$URL" >/dev/null
visit "$T/A" P1 2021-11-02
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/usb" >/dev/null
visit "$T/A" P3 2021-11-10
"$BIN/collector" ship --dir "$T/A" --passphrase-file "$T/A.pass" \
	--url "http://127.0.0.1:1" --retries 0 --timeout 2 >/dev/null 2>&1 || :
"$BIN/collector" status --dir "$T/A" | grep -q '^batches sealed 1 exported 1 acknowledged 1$' ||
	fail "set-up: $("$BIN/collector" status --dir "$T/A")"
[ "$(tags "$T/A")" = 9 ] || fail "3 people x 3 distinct-person indicators: $(tags "$T/A") tags"

# Month tags of November expire at the end of November 2022 (+365 days),
# December's early in January 2023, campaign tags on 2023-01-09 + 365.
cpurge --today 2022-12-15 --dry-run >"$T/out"
grep -q '^index tags: would remove 2 expired, kept 7$' "$T/out" || fail "dry run: $(cat "$T/out")"
[ "$(tags "$T/A")" = 9 ] || fail "a dry run removed tags"
cpurge --today 2022-12-15 >"$T/out"
cat "$T/out"
grep -q '^index tags: removed 2 expired, kept 7$' "$T/out" || fail "November's month tags"
grep -q '^batches: removed 0 acknowledged and 0 exported' "$T/out" || fail "a batch within retention went"
grep -q '^batches kept: 2 not delivered, 1 with records from 2021-12-15 on$' "$T/out" || fail "kept"
[ "$(tags "$T/A")" = 7 ] || fail "tags after the first purge"
cpurge --today 2023-01-05 >"$T/out"
grep -q '^index tags: removed 1 expired, kept 6$' "$T/out" || fail "December's month tag"
grep -q '^batches: removed 1 acknowledged and 0 exported' "$T/out" || fail "acknowledged batch"
"$BIN/collector" status --dir "$T/A" | grep -q '^batches sealed 1 exported 1 acknowledged 0$' ||
	fail "after purging the acknowledged batch"
cpurge --today 2023-01-05 --exported | grep -q '^batches: removed 0 acknowledged and 1 exported' ||
	fail "exported batch with --exported"
cpurge --today 2099-01-01 --exported >"$T/out"
grep -q '^index tags: removed 6 expired, kept 0$' "$T/out" || fail "campaign tags"
grep -q '^batches kept: 1 not delivered' "$T/out" || fail "the undelivered batch"
[ "$(tags "$T/A")" = 0 ] || fail "tags left"
"$BIN/collector" status --dir "$T/A" | grep -q '^batches sealed 1 exported 0 acknowledged 0$' ||
	fail "a batch never delivered was deleted"
stop_server

# Aggregator.  Batches 1 (file) and 2 (HTTP) are in; the final release;
# then a late batch from B.
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb/*.tvb >/dev/null
[ "$("$BIN/aggregator" audit show --dir "$T/srv" --event ingest --device "$(cut -c1-16 "$T/A/device.pub")" | wc -l)" = 2 ] ||
	fail "the HTTP and file ingests are not both in the audit log"
release "$T/srv" "$T/k" "$T/rel" >/dev/null 2>&1
visit "$T/B" Q1 2021-11-05
"$BIN/collector" export --dir "$T/B" --passphrase-file "$T/B.pass" --out "$T/usb-B" >/dev/null
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb-B/*.tvb >/dev/null
[ "$(records)" = 3 ] && [ "$(stat_of "$T/srv" batches)" = 3 ] || fail "aggregator set-up"
cells=$(stat_of "$T/srv" cells)

apurge() { "$BIN/aggregator" purge --dir "$T/srv" --release "$T/rel" --actor dpo "$@"; }
apurge --before 2021-12-01 --dry-run | grep -q '^would purge 1 batches (1 records' || fail "dry run"
[ "$(records)" = 3 ] || fail "a dry run purged"
apurge --before 2021-12-01 >"$T/out"
cat "$T/out"
grep -q '^purged 1 batches (1 records, 0 quarantined) whose records are all from before 2021-12-01$' "$T/out" ||
	fail "purge before 2021-12-01"
grep -q '^kept 2 batches: 1 not in the final release, 1 with records from 2021-12-01 on$' "$T/out" ||
	fail "kept batches"
[ "$(records)" = 2 ] || fail "records after the purge"
[ "$(stat_of "$T/srv" batches)" = 3 ] && [ "$(stat_of "$T/srv" cells)" = "$cells" ] ||
	fail "dedupe marks or cell sums were purged"
[ "$(mdb_stat -s envelopes "$T/srv/store" | awk '$1 == "Entries:" { print $2 }')" = 2 ] ||
	fail "envelope not deleted"
[ "$(mdb_stat -s rvals "$T/srv/store" | awk '$1 == "Entries:" { print $2 }')" = 2 ] ||
	fail "R value not deleted"
"$BIN/aggregator" audit show --dir "$T/srv" --event purge >"$T/p"
[ "$(wc -l <"$T/p")" = 1 ] && grep -q ' dpo purge {"side":"aggregator","before":"2021-12-01",.*"batches":1,"records":1,"quarantined":0}' "$T/p" ||
	fail "purge not in the audit log: $(cat "$T/p")"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb/*.tvb | grep -q 'already stored' ||
	fail "a purged batch sent again was not a duplicate"
[ "$(records)" = 2 ] || fail "a purged batch was stored again"
apurge --retention --today 2023-01-05 | grep -q '^purged 1 batches' || fail "purge by retention"
[ "$(records)" = 1 ] || fail "records after the retention purge"
"$BIN/aggregator" audit verify --dir "$T/srv" >/dev/null || fail "audit log"

# A release that is not the final one is refused.
cp -a "$T/rel" "$T/early"
rm "$T/early/request.tvr"
"$BIN/aggregator" release-request --dir "$T/srv" --as-of 2021-12-01 --out "$T/early/request.tvr" >/dev/null
must_fail 2 "$BIN/aggregator" purge --dir "$T/srv" --release "$T/early" \
	--before 2021-12-01 2>"$T/err"
grep -q 'not the final release' "$T/err" || fail "$(cat "$T/err")"
# After a purge the trustees refuse a request: its sums hold purged records.
"$BIN/aggregator" release-request --dir "$T/srv" --out "$T/after.tvr" --as-of 2022-01-10 >/dev/null
must_fail 1 partial "$T/k" "$T/after.tvr" 1 "$T/after.p1.json" 2>/dev/null
echo "collector: expired tags and delivered old batches purged, undelivered kept;" \
	"aggregator: final-release batches past the cut-off purged and logged, sums kept"
