# SPDX-License-Identifier: MIT
# Cells of fewer than min_cohort (11) records are never decrypted: they are
# published as suppressed, without value or decryption share, and when no
# cell qualifies the trustee does not even open its share.  A cell that
# differs from a released one by fewer than 11 records is suppressed too.  A release
# request that does not match its signed batches is refused whole.
. tests/cli/lib.sh

n=0
visits() {	# DIR SITE DATE COUNT
	i=0
	while [ "$i" -lt "$4" ]; do
		i=$((i + 1))
		n=$((n + 1))
		printf 'first_name=P%s\nlast_name=Cohort\nbirth_date=1980-02-02\n' "$n" |
			"$BIN/collector" record --dir "$1" --passphrase-file "$1.pass" \
			--site "$2" --date "$3" gender=m age_band=45-64 first_contact=yes \
			topics=housing outcomes=referral >/dev/null
	done
}

campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
device "$T/B" "$T/k/campaign.json"
visits "$T/A" a-gare 2021-11-02 12
visits "$T/A" c-rives 2021-11-04 3
visits "$T/B" c-rives 2021-11-04 3
for d in A B; do
	"$BIN/collector" export --dir "$T/$d" --passphrase-file "$T/$d.pass" --out "$T/usb-$d" >/dev/null
done
server "$T/srv" "$T/k/campaign.json" "$T/A"
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/usb-A/*.tvb >/dev/null
release "$T/srv" "$T/k" "$T/rel"

csv=$T/rel/release.csv
[ "$(value "$csv" all campaign campaign visits)" = 15 ] || fail "all-sites total"
# a-gare (12) is all sites (15) minus c-rives' 3: releasing both would
# give c-rives away by subtraction, so the finer cell is suppressed.
grep -q '^a-gare,campaign,campaign,.*,referrals,,suppressed,differencing$' "$csv" ||
	fail "a-gare total not suppressed for differencing"
[ "$(value "$csv" c-rives campaign campaign visits)" = suppressed ] || fail "c-rives not suppressed"
[ "$(value "$csv" c-rives month 2021-11 people_received)" = suppressed ] || fail "c-rives month"
grep '^c-rives,' "$csv" | grep -v ',,[a-z0-9_]*,,suppressed,min_cohort$' && fail "a suppressed row carries a value"
grep -q ',released,' "$T/rel/release.csv" || fail "nothing released"
# In the JSON, suppressed cells have neither values nor decryption shares.
awk '/"site": "c-rives"/ { c = 1 } c && /"d"|"value"|"partials"/ { bad = 1 } /^  }/ { c = 0 } END { exit bad }' \
	"$T/rel/release.json" || fail "a suppressed cell carries a share or value"

# Only small cells: the trustee answers without ever opening its share
# (no passphrase is given and the share file does not exist).
server "$T/srv2" "$T/k/campaign.json" "$T/B"
"$BIN/aggregator" ingest --dir "$T/srv2" "$T"/usb-B/*.tvb >/dev/null
"$BIN/aggregator" release-request --dir "$T/srv2" --out "$T/small.tvr" --as-of 2022-01-10 >/dev/null
"$BIN/trustee" release --campaign "$T/k/campaign.json" --share "$T/no-such.share" \
	--key "$T/k/t1.key" --passphrase-file "$T/k/pass" --first-release \
	--request "$T/small.tvr" --ledger "$T/ledger-small" --out "$T/small.p1.json" </dev/null
grep -q '"status": "released"' "$T/small.p1.json" && fail "a small cell was decrypted"
grep -q '"d"' "$T/small.p1.json" && fail "a partial decryption of a small cell"

# A request whose envelopes do not match its head: refused, nothing written.
cp "$T/rel.tvr" "$T/bad.tvr"
printf '\000\000\000\005junk!' >>"$T/bad.tvr"
must_fail 1 "$BIN/trustee" release --campaign "$T/k/campaign.json" --share "$T/k/t1.share" \
	--key "$T/k/t1.key" --first-release \
	--passphrase-file "$T/k/pass" --request "$T/bad.tvr" --ledger "$T/l3" --out "$T/p3.json"
[ ! -e "$T/p3.json" ] || fail "a refused request produced output"
# A request of another campaign: refused.
campaign "$T/k2"
must_fail 1 "$BIN/trustee" release --campaign "$T/k2/campaign.json" --share "$T/k2/t1.share" \
	--key "$T/k2/t1.key" --first-release \
	--passphrase-file "$T/k2/pass" --request "$T/rel.tvr" --ledger "$T/l4" --out "$T/p4.json"
echo "small cells suppressed and never decrypted; mismatching requests refused"
