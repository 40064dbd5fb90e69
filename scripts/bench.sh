#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md. Pass a section name
# (foundation, secmaster, waf, workspace, engine) to run one section only.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
section="${1:-all}"
tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

ensure_wrk() {
	command -v wrk >/dev/null 2>&1 && return
	echo "installing wrk (Debian package)"
	(apt-get update -qq && apt-get install -y -qq wrk) >/dev/null
}

# start_server PORT [flags...]: builds and starts rampart on 127.0.0.1:PORT
# with a fresh data dir and fixed credentials, waits until it is ready.
start_server() {
	local port="$1"; shift
	go build -o "$tmp/rampart" ./cmd/rampart
	RAMPART_ADMIN_PASSWORD=bench-password RAMPART_PROJECT_ID=0123456789abcdef0123456789abcdef \
		"$tmp/rampart" serve --listen "127.0.0.1:$port" --data-dir "$tmp/data-$port" "$@" \
		>"$tmp/server-$port.log" 2>&1 &
	for _ in $(seq 100); do
		curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && return
		sleep 0.1
	done
	echo "server did not start"; cat "$tmp/server-$port.log"; exit 1
}

# token PORT: a project-scoped token for the bootstrap admin.
token() {
	curl -si "http://127.0.0.1:$1/v3/auth/tokens" -H 'Content-Type: application/json' \
		-d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","password":"bench-password","domain":{"name":"rampart"}}}},"scope":{"project":{"name":"local"}}}}' |
		sed -n 's/^X-Subject-Token: \(.*\)\r$/\1/p'
}
want() { [ "$section" = all ] || [ "$section" = "$1" ]; }

if want foundation; then
	echo "== foundation"
	go test -run '^$' -bench 'BenchmarkAuthenticate' -benchtime 2s -count 3 ./internal/iam/
	go test -run '^$' -bench 'BenchmarkVerify' -benchtime 2s -count 3 ./internal/aksk/
	ensure_wrk
	start_server 18181 --rate-limit 0
	tok="$(token 18181)"
	echo "-- wrk: GET /v3/projects with X-Auth-Token, 1 thread, 32 keep-alive connections, 10 s"
	wrk -t1 -c32 -d10s -H "X-Auth-Token: $tok" http://127.0.0.1:18181/v3/projects
fi
if want secmaster; then
	echo "== secmaster"
fi
if want waf; then
	echo "== waf"
fi
if want workspace; then
	echo "== workspace"
	go test -run '^$' -bench . -count 3 ./internal/workspace/
fi
if want engine; then
	echo "== engine"
	go test -run '^$' -bench 'BenchmarkDecideWAF|BenchmarkEmergencyBaselines|BenchmarkIncremental' -count 5 ./internal/engine/
	go test -run '^$' -bench 'BenchmarkMemory' -benchtime 1x -count 3 ./internal/engine/
fi
