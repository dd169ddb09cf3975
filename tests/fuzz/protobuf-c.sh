#!/bin/sh
# SPDX-License-Identifier: MIT
# Fetch Debian's protobuf-c source package into DEST (the fuzz build dir),
# for a sanitizer-built protobuf-c: `apt-get source protobuf-c` with a
# private apt configuration (a deb-src line for this system's release and
# mirror, lists and cache under DEST), so the system's apt setup is left
# alone and nothing third-party is committed.  Needs dpkg-dev and network
# access to the Debian mirror.
# Usage: sh tests/fuzz/protobuf-c.sh DEST
set -eu
dest=${1:?usage: protobuf-c.sh DEST}
case $dest in /*) ;; *) dest=$PWD/$dest ;; esac
[ -f "$dest/protobuf-c/protobuf-c.c" ] && exit 0
. /etc/os-release
suite=${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}
mirror=$(sed -n 's/^URIs:[[:space:]]*\(http[^ ]*debian\/*\)$/\1/p' \
	/etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb \(http[^ ]*\) '"$suite"' .*/\1/p' \
	/etc/apt/sources.list 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
apt=$dest.apt
rm -rf "$apt" "$dest"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/parts" \
	"$apt/src"
kr=/usr/share/keyrings/debian-archive-keyring.gpg
echo "deb-src [signed-by=$kr] $mirror $suite main" >"$apt/sources.list"
set -- -q -o Dir::Etc::SourceList="$apt/sources.list" \
	-o Dir::Etc::SourceParts="$apt/parts" \
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache"
[ "$(id -u)" -eq 0 ] && set -- "$@" -o APT::Sandbox::User=root
echo "protobuf-c: fetching Debian's source package ($suite, $mirror)"
apt-get "$@" update >"$apt/update.log" 2>&1 ||
	{ cat "$apt/update.log" >&2; exit 1; }
(cd "$apt/src" && apt-get "$@" source protobuf-c) >"$apt/source.log" 2>&1 ||
	{ cat "$apt/source.log" >&2; exit 1; }
src=$(find "$apt/src" -maxdepth 1 -type d -name 'protobuf-c-*' | head -1)
[ -f "$src/protobuf-c/protobuf-c.c" ] || { echo "protobuf-c: no source" >&2; exit 1; }
mv "$src" "$dest"
grep -h '^Version:' "$apt"/src/*.dsc | head -1 | sed 's/^/protobuf-c: /'
rm -rf "$apt"
