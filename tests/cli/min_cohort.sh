# SPDX-License-Identifier: MIT
# Cells of fewer than min_cohort (11) records are never decrypted: they are
# published as suppressed, without value or decryption share, and when no
# cell qualifies the key holder does not even open its key.  A release
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
[ "$(value "$csv" a-gare campaign campaign referrals)" = 12 ] || fail "a-gare total"
[ "$(value "$csv" c-rives campaign campaign visits)" = suppressed ] || fail "c-rives not suppressed"
[ "$(value "$csv" c-rives month 2021-11 people_received)" = suppressed ] || fail "c-rives month"
grep '^c-rives,' "$csv" | grep -v ',,[a-z_]*,,suppressed,min_cohort$' && fail "a suppressed row carries a value"
# In the JSON, suppressed cells have neither values nor decryption shares.
awk '/"site": "c-rives"/ { c = 1 } c && /"share"|"value"/ { bad = 1 } /^  }/ { c = 0 } END { exit bad }' \
	"$T/rel/release.json" || fail "a suppressed cell carries a share or value"

# Only small cells: the key holder releases without ever opening its key
# (no passphrase is given and the key file does not exist).
server "$T/srv2" "$T/k/campaign.json" "$T/B"
"$BIN/aggregator" ingest --dir "$T/srv2" "$T"/usb-B/*.tvb >/dev/null
"$BIN/aggregator" release-request --dir "$T/srv2" --out "$T/small.tvr" --as-of 2022-01-10 >/dev/null
"$BIN/trustee" release --campaign "$T/k/campaign.json" --key "$T/no-such.key" \
	--request "$T/small.tvr" --out "$T/rel2" </dev/null
grep -q ',released,' "$T/rel2/release.csv" && fail "a small cell was released"

# A request whose envelopes do not match its head: refused, nothing written.
cp "$T/rel.tvr" "$T/bad.tvr"
printf '\000\000\000\005junk!' >>"$T/bad.tvr"
must_fail 1 "$BIN/trustee" release --campaign "$T/k/campaign.json" --key "$T/k/holder.key" \
	--passphrase-file "$T/k/pass" --request "$T/bad.tvr" --out "$T/rel3"
[ ! -e "$T/rel3" ] || fail "a refused request produced output"
# A request of another campaign: refused.
campaign "$T/k2"
must_fail 1 "$BIN/trustee" release --campaign "$T/k2/campaign.json" --key "$T/k2/holder.key" \
	--passphrase-file "$T/k2/pass" --request "$T/rel.tvr" --out "$T/rel4"
echo "small cells suppressed and never decrypted; mismatching requests refused"
