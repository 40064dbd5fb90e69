#!/usr/bin/env bash
# Runs every test of both modules with the race detector: the main module and
# the sdktest module, which drives a real `rampart serve` process through the
# official Huawei Cloud Go SDK.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi

# Debian packages some tests need beyond Go: nft, for the nftables feed's
# `nft -c` checks; nginx, the real origin of the data plane's end-to-end
# test; CrowdSec's custom and firewall bouncers, which pull from a real
# `rampart serve` (cmd/rampart/bouncer_test.go); chromium, the browser the
# web console's tests drive (cmd/rampart/console_test.go); Caddy and HAProxy,
# which ask the forward-auth endpoint (cmd/rampart/forwardauth_test.go);
# postgresql, the server the PostgreSQL backend's tests run against.
# Installed best effort (as root, with retries); a failure never stops the
# run: the tests that need a missing package skip.
./scripts/install-test-packages.sh nft:nftables nginx:nginx crowdsec-custom-bouncer:crowdsec-custom-bouncer \
	crowdsec-firewall-bouncer:crowdsec-firewall-bouncer chromium:chromium caddy:caddy haproxy:haproxy \
	pg_ctlcluster:postgresql || echo "note: installing the test packages failed; continuing"

# A throwaway PostgreSQL cluster for internal/postgres (RAMPART_TEST_POSTGRES),
# stopped and removed when the run ends; without it those tests skip.
if pg_env=$(./scripts/pg-test-server.sh start); then
	eval "$pg_env"
	export RAMPART_TEST_POSTGRES
	trap './scripts/pg-test-server.sh stop "$RAMPART_PG_DIR"' EXIT
else
	echo "note: PostgreSQL could not be started: the PostgreSQL backend's tests skip"
fi

echo "== go vet (main module)"
go vet ./...
echo "== go test -race (main module)"
# cmd/rampart runs real servers and a browser one after another: on a shared
# 2-core machine, with every package testing at once, it needs more than 10m.
go test -race -count=1 -timeout 20m ./...

if [ -f sdktest/go.mod ]; then
	echo "== go vet (sdktest module)"
	(cd sdktest && go vet ./...)
	echo "== go test -race (sdktest module, official Huawei Cloud Go SDK)"
	(cd sdktest && go test -race -count=1 -timeout 10m ./...)
fi
if ! command -v nft >/dev/null 2>&1 && [ ! -x /usr/sbin/nft ]; then
	echo "note: nft is not installed: the nftables rulesets were not checked with nft -c (those tests skipped)"
fi
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
	echo "note: nginx is not installed: the data plane's nginx-origin test (TestNginxOrigin) skipped"
fi
if ! command -v chromium >/dev/null 2>&1; then
	echo "note: chromium is not installed: the web console's browser test (TestConsoleInBrowser) skipped"
fi
if [ -z "${RAMPART_TEST_POSTGRES:-}" ]; then
	echo "note: no PostgreSQL server: the PostgreSQL backend's tests (internal/postgres) skipped"
fi
echo "== all tests passed"
