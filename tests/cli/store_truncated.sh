# SPDX-License-Identifier: MIT
# A store file cut short (a bad restore, a full disk copied, a crash of the
# file system) is found before LMDB maps it: every command that opens it
# exits 2 with a message naming the damage, never a SIGBUS (exit 135, no
# message).  Both programs, one check in the store layer (proto/store.c).
# Then the operator's way back: a backup taken while serving (mdb_copy -c)
# restores, and the restored store answers.
. tests/cli/lib.sh

campaign "$T/k"
device "$T/A" "$T/k/campaign.json"
server "$T/srv" "$T/k/campaign.json" "$T/A"
spread_visits "$T/A" 40
"$BIN/collector" export --dir "$T/A" --passphrase-file "$T/A.pass" --out "$T/out" >/dev/null
"$BIN/aggregator" ingest --dir "$T/srv" "$T"/out/*.tvb >/dev/null
"$BIN/aggregator" status --dir "$T/srv" >"$T/status.good"
mkdir -m 700 "$T/backup"
mdb_copy -c "$T/srv/store" "$T/backup"	# the documented backup

# damaged WHAT CMD...: CMD must exit 2 and say the store is damaged.
checked=0
damaged() {
	what_=$1
	shift
	set +e
	"$@" >"$T/out.txt" 2>"$T/err"
	rc_=$?
	set -e
	[ $rc_ -eq 2 ] || fail "$what_ on a truncated store: exit $rc_ ($(cat "$T/err"))"
	grep -q 'damaged' "$T/err" || fail "$what_: no clear message: $(cat "$T/err")"
	[ $checked -gt 0 ] || sed "s/^/    /" "$T/err"
	checked=$((checked + 1))
}
cut() {	# STOREDIR BYTES
	sz_=$(stat -c %s "$1/data.mdb")
	truncate -s "$2" "$1/data.mdb"
	echo "$(basename "$(dirname "$1")"): data.mdb cut from $sz_ to $2 bytes"
}

# Three pages: the two meta pages and one more; the B-trees' pages are
# gone, and the first read of one is a SIGBUS unless checked.
cut "$T/srv/store" 12288
damaged "aggregator status" "$BIN/aggregator" status --dir "$T/srv"
damaged "aggregator audit verify" "$BIN/aggregator" audit verify --dir "$T/srv"
damaged "aggregator release-request" "$BIN/aggregator" release-request \
	--dir "$T/srv" --out "$T/req.tvr" --as-of 2022-01-10
[ ! -e "$T/req.tvr" ] || fail "a request was written from a damaged store"
damaged "aggregator ingest" "$BIN/aggregator" ingest --dir "$T/srv" "$T"/out/*.tvb
# Half the file: LMDB would open it and answer from the pages left.
cp "$T/backup/data.mdb" "$T/srv/store/data.mdb"
cut "$T/srv/store" $(($(stat -c %s "$T/backup/data.mdb") / 2))
damaged "aggregator status (half)" "$BIN/aggregator" status --dir "$T/srv"
sz=$(stat -c %s "$T/srv/store/data.mdb")
truncate -s 0 "$T/srv/store/data.mdb"
damaged "aggregator status (empty data.mdb)" "$BIN/aggregator" status --dir "$T/srv"
truncate -s "$sz" "$T/srv/store/data.mdb"	# zeros: no valid meta page
damaged "aggregator status (zeroed data.mdb)" "$BIN/aggregator" status --dir "$T/srv"

cut "$T/A/store" 12288
damaged "collector status" "$BIN/collector" status --dir "$T/A"
damaged "collector record" spread_visits "$T/A" 1

# The restore: the backup in place of the damaged file.
rm -rf "$T/srv/store"
mkdir -m 700 "$T/srv/store"
cp "$T/backup/data.mdb" "$T/srv/store/data.mdb"
"$BIN/aggregator" status --dir "$T/srv" >"$T/status.restored" ||
	fail "the restored store does not open"
cmp -s "$T/status.good" "$T/status.restored" ||
	fail "restored status differs: $(diff "$T/status.good" "$T/status.restored")"
"$BIN/aggregator" audit verify --dir "$T/srv" >/dev/null || fail "restored audit log"
echo "truncated stores: $checked commands refused with exit 2 and a message; a mdb_copy -c backup restored"
