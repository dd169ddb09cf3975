# SPDX-License-Identifier: MIT
# One exit-code convention for every command of the three programs
# (docs/operations.md, "Exit status"): 0 success; 1 a check failed or an
# input was refused (a tampered file, a refused batch, a key file that
# does not open with the passphrase given); 2 a usage or system error (a
# missing file, I/O, out of memory).  Each command is run on a wrong
# path, with a wrong passphrase where it takes one, and on a tampered
# input where it reads a signed or sealed one; the exact code is checked.
# It used to be 1 for 'aggregator ingest /nonexistent.tvb', 2 for
# 'trustee verify' of a release whose campaign bundle was tampered with,
# and 2 for a wrong passphrase.
. tests/cli/lib.sh

# A campaign, a device with visits, a server that holds its batches, and
# one release: every input the commands below take, good ones first.
small_release
K=$T/k
tvb=$(ls "$T"/out/*.tvb | head -1)
NO=$T/nonexistent

# Wrong and tampered inputs.
newpass "$T/wrong.pass"
flip() {	# IN OUT: a copy of IN with one byte of its middle changed
	python3 - "$1" "$2" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 0x01
open(sys.argv[2], "wb").write(b)
EOF
}
# A campaign bundle whose plan was edited after the trustees signed it.
python3 - "$K/campaign.json" "$T/bad-campaign.json" <<'EOF2'
import json, sys
d = json.load(open(sys.argv[1]))
d["plan"]["campaign"] += "x"
json.dump(d, open(sys.argv[2], "w"))
EOF2
flip "$tvb" "$T/bad.tvb"
flip "$T/A.cert" "$T/bad.cert"
flip "$T/rel.tvr" "$T/bad.tvr"
flip "$K/t1.sig" "$T/bad.sig"
flip "$K/boxes/share-1-t1.box" "$T/bad.box"
python3 - "$T/rel.p1.json" "$T/bad-partial.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
def spoil(x):
    if isinstance(x, dict):
        for k, v in x.items():
            if k == "d" and isinstance(v, str):
                x[k] = ("0" if v[0] != "0" else "1") + v[1:]
                return True
            if spoil(v):
                return True
    if isinstance(x, list):
        return any(spoil(v) for v in x)
    return False
assert spoil(d)
json.dump(d, open(sys.argv[2], "w"))
EOF
cp -r "$T/rel" "$T/rel-badcampaign"
cp "$T/bad-campaign.json" "$T/rel-badcampaign/campaign.json"
cp -r "$T/rel" "$T/rel-badvalue"
sed 's/"records": \([0-9]*\)/"records": 1\1/' "$T/rel/release.json" \
	>"$T/rel-badvalue/release.json"
cp -r "$T/rel" "$T/rel-badrequest"
cp "$T/bad.tvr" "$T/rel-badrequest/request.tvr"

bad=0 n=0
code() {	# WANT WHAT CMD...: CMD exits exactly WANT
	want_=$1
	what_=$2
	shift 2
	n=$((n + 1))
	got_=0
	timeout 30 "$@" </dev/null >"$T/stdout" 2>"$T/stderr" || got_=$?
	if [ "$got_" != "$want_" ]; then
		bad=$((bad + 1))
		echo "exit $got_, want $want_: $what_: $*" | sed "s|$T|\$T|g"
		sed 's/^/    /' "$T/stderr" | head -3
	fi
}
C=$BIN/collector
A=$BIN/aggregator
R=$BIN/trustee
P="--passphrase-file $T/A.pass"
W="--passphrase-file $T/wrong.pass"
KP="--passphrase-file $K/pass"

# collector
code 2 "wrong path" "$C" init --dir "$T/c-new" --campaign "$NO" $P
code 1 "tampered" "$C" init --dir "$T/c-new" --campaign "$T/bad-campaign.json" $P
code 2 "wrong path" "$C" record --dir "$NO" $P --site a-gare
code 2 "wrong path" "$C" import --dir "$NO" $P "$T/x.csv"
code 2 "wrong path" "$C" export --dir "$NO" $P --out "$T/o1"
code 2 "wrong path" "$C" ship --dir "$NO" $P --url http://127.0.0.1:9/
code 2 "wrong path" "$C" serve --dir "$NO" $P --listen 127.0.0.1:0
code 2 "wrong path" "$C" erase --dir "$NO" $P --list
code 2 "wrong path" "$C" status --dir "$NO"
code 2 "wrong path" "$C" purge --dir "$NO"
code 2 "wrong path" "$C" import --dir "$T/A" $P "$NO.csv"
code 1 "wrong passphrase" "$C" record --dir "$T/A" $W --site a-gare
code 1 "wrong passphrase" "$C" import --dir "$T/A" $W "$NO.csv"
code 1 "wrong passphrase" "$C" export --dir "$T/A" $W --out "$T/o2"
code 1 "wrong passphrase" "$C" ship --dir "$T/A" $W --url http://127.0.0.1:9/
code 1 "wrong passphrase" "$C" serve --dir "$T/A" $W --listen 127.0.0.1:0
code 1 "wrong passphrase" "$C" erase --dir "$T/A" $W --list

# aggregator
code 2 "wrong path" "$A" init --dir "$T/a-new" --campaign "$NO"
code 1 "tampered" "$A" init --dir "$T/a-new" --campaign "$T/bad-campaign.json"
for cmd in devices status quarantine; do
	code 2 "wrong path" "$A" $cmd --dir "$NO"
done
code 2 "wrong path" "$A" release-request --dir "$NO" --out "$T/x.tvr"
code 2 "wrong path" "$A" serve --dir "$NO" --listen 127.0.0.1:0
code 2 "wrong path" "$A" enroll --dir "$T/S" "$NO.cert"
code 2 "wrong path" "$A" enroll --dir "$NO" "$T/A.cert"
code 1 "tampered" "$A" enroll --dir "$T/S" "$T/bad.cert"
code 2 "wrong path" "$A" revoke --dir "$T/S" "$NO.rev"
code 1 "tampered" "$A" revoke --dir "$T/S" "$T/bad.cert"
code 2 "wrong path" "$A" ingest --dir "$T/S" "$NO.tvb"
code 2 "wrong path" "$A" ingest --dir "$NO" "$tvb"
code 1 "tampered" "$A" ingest --dir "$T/S" "$T/bad.tvb"
code 2 "wrong path" "$A" publish --dir "$T/S" --request "$NO.tvr" \
	--partial "$T/rel.p1.json" --out "$T/p1" --table "$TABLE"
code 2 "wrong path" "$A" publish --dir "$T/S" --request "$T/rel.tvr" \
	--partial "$NO.json" --out "$T/p2" --table "$TABLE"
code 1 "tampered" "$A" publish --dir "$T/S" --request "$T/rel.tvr" \
	--partial "$T/bad-partial.json" --out "$T/p3" --table "$TABLE"
code 1 "tampered" "$A" publish --dir "$T/S" --request "$T/bad.tvr" \
	--partial "$T/rel.p1.json" --out "$T/p4" --table "$TABLE"
code 2 "wrong path" "$A" report "$NO.json"
code 2 "wrong path" "$A" audit show --dir "$NO"
code 2 "wrong path" "$A" audit verify --dir "$NO"
code 2 "wrong path" "$A" register --plan "$NO.json" "$T/reg.md"
code 1 "tampered" "$A" register --campaign "$T/bad-campaign.json" "$T/reg.md"
code 2 "wrong path" "$A" purge --dir "$NO" --release "$T/rel" --before 2021-12-01
code 2 "wrong path" "$A" purge --dir "$T/S" --release "$NO" --before 2021-12-01

# trustee
code 2 "wrong path" "$R" keygen --name x --key "$NO/x.key" --pub "$NO/x.pub" $KP
code 2 "wrong path" "$R" deal --plan "$NO.json" --threshold 1 \
	--trustee "$K/t1.pub" --bundle "$T/d.json" --shares "$T/d"
code 2 "wrong path" "$R" accept --bundle "$NO.json" --share "$K/boxes/share-1-t1.box" \
	--key "$K/t1.key" --out "$T/x.share" --sig "$T/x.sig" $KP
code 1 "wrong passphrase" "$R" accept --bundle "$K/unsigned.json" \
	--share "$K/boxes/share-1-t1.box" --key "$K/t1.key" --out "$T/x.share" \
	--sig "$T/x.sig" $W
code 1 "tampered" "$R" accept --bundle "$K/unsigned.json" --share "$T/bad.box" \
	--key "$K/t1.key" --out "$T/x.share" --sig "$T/x.sig" $KP
code 2 "wrong path" "$R" finalize --bundle "$K/unsigned.json" --sig "$NO.sig" \
	--out "$T/f.json"
code 1 "tampered" "$R" finalize --bundle "$K/unsigned.json" --sig "$T/bad.sig" \
	--out "$T/f.json"
code 2 "wrong path" "$R" certify --campaign "$NO.json" --key "$K/t1.key" $KP \
	--cert "$T/c.cert" --device "$T/A/device.pub" --name x --sites all
code 1 "wrong passphrase" "$R" certify --campaign "$K/campaign.json" \
	--key "$K/t1.key" $W --cert "$T/c.cert" --device "$T/A/device.pub" \
	--name x --sites all
code 1 "tampered" "$R" certify --campaign "$T/bad-campaign.json" \
	--key "$K/t1.key" $KP --cert "$T/c.cert" --device "$T/A/device.pub" \
	--name x --sites all
code 2 "wrong path" "$R" revoke --campaign "$NO.json" --key "$K/t1.key" $KP \
	--rev "$T/r.rev" --device "$T/A/device.pub" --last-seq 1
code 1 "wrong passphrase" "$R" revoke --campaign "$K/campaign.json" \
	--key "$K/t1.key" $W --rev "$T/r.rev" --device "$T/A/device.pub" --last-seq 1
code 2 "wrong path" "$R" noise --campaign "$K/campaign.json" --request "$NO.tvr" \
	--key "$K/t1.key" --out "$T/n.json" $KP
code 2 "wrong path" "$R" release --campaign "$K/campaign.json" --key "$K/t1.key" \
	--share "$K/t1.share" --request "$NO.tvr" --ledger "$K/ledger-t1" \
	--out "$T/x.json" $KP
code 1 "wrong passphrase" "$R" release --campaign "$K/campaign.json" \
	--key "$K/t1.key" --share "$K/t1.share" --request "$T/rel.tvr" \
	--ledger "$K/ledger-t1" --out "$T/x.json" $W
code 1 "tampered" "$R" release --campaign "$K/campaign.json" --key "$K/t1.key" \
	--share "$K/t1.share" --request "$T/bad.tvr" --ledger "$K/ledger-t1" \
	--out "$T/x.json" $KP
code 2 "wrong path" "$R" budget --ledger "$NO"
code 2 "wrong path" "$R" ledger --ledger "$NO"
code 2 "wrong path" "$R" verify "$NO"
code 1 "tampered" "$R" verify "$T/rel-badcampaign"
code 1 "tampered" "$R" verify "$T/rel-badvalue"
code 1 "tampered" "$R" verify "$T/rel-badrequest"

# Usage errors are 2 as well; help and version are 0.
code 2 "usage" "$C" nosuchcommand
code 2 "usage" "$A" ingest --no-such-option
code 2 "usage" "$R" verify
code 0 "help" "$A" --help
code 0 "help" "$R" release --help
code 0 "version" "$C" --version

# The good inputs still pass (the set-up was right).
code 0 "good" "$R" verify "$T/rel"
code 0 "good" "$R" budget --ledger "$K/ledger-t1"
code 0 "good" "$C" status --dir "$T/A"

[ "$bad" -eq 0 ] || fail "$bad of $n commands broke the exit-code convention"
echo "$n commands: exit codes as documented (wrong path 2, wrong passphrase 1, tampered input 1)"
