# SPDX-License-Identifier: MIT
# Shared set-up for the shell tests: sourced, not run.
set -eu
: "${BIN:?run through tests/run.sh or set BIN}"
TOP=${TOP:-$PWD}
T=$(mktemp -d "${TMPDIR:-/tmp}/tallyvan-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
umask 077
PLAN=$TOP/docs/examples/demo-plan.json
TABLE=$TOP/${B:-build}/bsgs-16.tbl

fail() { echo "FAIL: $*" >&2; exit 1; }
# must_fail CODE cmd...: the command must exit with exactly CODE.
must_fail() {
	want=$1
	shift
	set +e
	"$@"
	got=$?
	set -e
	[ "$got" -eq "$want" ] || fail "expected exit $want, got $got: $*"
}
newpass() { head -c 24 /dev/urandom | base64 >"$1"; }

# campaign DIR [PLAN]: keys, bundle and passphrase in DIR.
campaign() {
	mkdir -p "$1"
	newpass "$1/pass"
	"$BIN/trustee" create-campaign --plan "${2:-$PLAN}" --kdf interactive \
		--bundle "$1/campaign.json" --key "$1/holder.key" \
		--passphrase-file "$1/pass" >/dev/null
}

# device DIR CAMPAIGN: a collector with passphrase DIR.pass
device() {
	newpass "$1.pass"
	"$BIN/collector" init --dir "$1" --campaign "$2" --kdf interactive \
		--passphrase-file "$1.pass" >/dev/null
}

# server DIR CAMPAIGN DEVICE...: an aggregator with the devices enrolled
server() {
	s=$1
	c=$2
	shift 2
	"$BIN/aggregator" init --dir "$s" --campaign "$c" >/dev/null
	for d in "$@"; do
		"$BIN/aggregator" enroll --dir "$s" "$d/device.pub" >/dev/null
	done
}

# release SERVER CAMPAIGNDIR OUT [AS_OF]: request + key holder release
release() {
	"$BIN/aggregator" release-request --dir "$1" --out "$3.tvr" \
		--as-of "${4:-2022-01-10}" >/dev/null
	"$BIN/trustee" release --campaign "$2/campaign.json" --key "$2/holder.key" \
		--passphrase-file "$2/pass" --request "$3.tvr" --out "$3" \
		--table "$TABLE"
}

# value CSV SITE PERIOD LABEL INDICATOR: a released value, or the status
value() {
	awk -F, -v s="$2" -v p="$3" -v l="$4" -v i="$5" \
		'$1 == s && $2 == p && $3 == l && $7 == i {
			print ($9 == "released" ? $8 : $9) }' "$1"
}
