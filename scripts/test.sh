#!/usr/bin/env bash
# Runs every test of both modules with the race detector: the main module and
# the sdktest module, which drives a real `rampart serve` process through the
# official Huawei Cloud Go SDK.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

# The nftables feed's tests check the ruleset with `nft -c` (Debian package
# nftables). As root (CI) install it when missing; elsewhere say how.
if ! command -v nft >/dev/null 2>&1 && [ ! -x /usr/sbin/nft ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "== installing nftables (Debian package, for nft -c)"
		(apt-get update -qq && apt-get install -y -qq nftables) >/dev/null
	else
		echo "note: nft not found; install the Debian package nftables (the nftables tests skip without it, and fail in CI)"
	fi
fi

echo "== go vet (main module)"
go vet ./...
echo "== go test -race (main module)"
go test -race -count=1 -timeout 10m ./...

if [ -f sdktest/go.mod ]; then
	echo "== go vet (sdktest module)"
	(cd sdktest && go vet ./...)
	echo "== go test -race (sdktest module, official Huawei Cloud Go SDK)"
	(cd sdktest && go test -race -count=1 -timeout 10m ./...)
fi
echo "== all tests passed"
