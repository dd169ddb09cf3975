#!/bin/sh
# SPDX-License-Identifier: MIT
# Install the Debian packages tallyvan needs, if any is missing.
# Quiet and quick when everything is already there.
set -eu

pkgs="build-essential pkg-config libsodium-dev libzstd-dev libprotobuf-c-dev
protobuf-c-compiler liblmdb-dev lmdb-utils libjansson-dev libunistring-dev
libcsv-dev libmicrohttpd-dev libcurl4-openssl-dev zstd"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "tallyvan: installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "tallyvan: need root (or sudo) to install:$missing" >&2
	exit 2
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
