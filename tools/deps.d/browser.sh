#!/bin/sh
# SPDX-License-Identifier: MIT
# playwright-core for the browser test, into tests/browser/node_modules
# (git-ignored), at the version pinned in tests/browser/package-lock.json.
# Run by tools/deps.sh after the Debian packages of browser.list.  It only
# drives /usr/bin/chromium: no browser is downloaded.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/tests/browser
want=$(sed -n 's/.*"playwright-core": "\([0-9.]*\)".*/\1/p' "$dir/package.json")
have=$(sed -n 's/^  "version": "\([0-9.]*\)".*/\1/p' \
	"$dir/node_modules/playwright-core/package.json" 2>/dev/null || true)
[ -n "$want" ] && [ "$have" = "$want" ] && exit 0
if ! command -v npm >/dev/null 2>&1; then
	# Debian's nodejs comes without npm; NodeSource's nodejs includes it.
	echo "tallyvan: installing npm"
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO=sudo; fi
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
		--no-install-recommends npm >/dev/null
fi
# The pinned release must run on Debian 12's Node.js 18 (1.61.1 is the
# last whose engines field allows it; later ones need 20).
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 18 ]; then
	echo "tallyvan: playwright-core $want needs Node.js 18 or later," \
		"found $(node --version 2>/dev/null || echo none)" >&2
	exit 2
fi
echo "tallyvan: installing playwright-core $want into tests/browser/node_modules"
cd "$dir"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
