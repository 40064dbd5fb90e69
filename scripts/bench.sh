#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md. Pass a section name
# (foundation, secmaster, waf, events, workspace, engine) to run one section only.
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
	echo "-- wrk: GET /v1/{project_id}/waf/policy (empty collection) with X-Auth-Token, 1 thread, 32 connections, 10 s"
	wrk -t1 -c32 -d10s -H "X-Auth-Token: $tok" http://127.0.0.1:18181/v1/0123456789abcdef0123456789abcdef/waf/policy
fi
if want secmaster; then
	echo "== secmaster"
	# Create through HTTP, 16 concurrent AK/SK-signed clients, worker running; baseline: signed search.
	go test -run '^$' -bench 'BenchmarkSecMaster(Create|Search)HTTP' -benchtime 5s -count 3 ./internal/httpapi/
	# The same creates without HTTP (storage ceiling).
	go test -run '^$' -bench 'BenchmarkSecMasterCreateStore' -benchtime 5s -count 3 ./internal/sqlite/
	# One-condition searches over 100,000 policies.
	go test -run '^$' -bench 'BenchmarkSecMasterSearch100k' -benchtime 2s -count 1 ./internal/sqlite/
	# 100,000 policies aging at the same instant.
	go test -run '^$' -bench 'BenchmarkSecMasterExpire100k' -benchtime 1x -count 1 -timeout 30m ./internal/sqlite/
fi
if want waf; then
	echo "== waf"
	go test -run '^$' -bench 'BenchmarkWAFWhiteBlackIP' -benchtime 2s -count 3 ./internal/httpapi/
	go test -run '^$' -bench 'BenchmarkWAFCreateWhiteBlackIPRule' -benchtime 2s -count 3 ./internal/sqlite/
	ensure_wrk
	start_server 18182 --rate-limit 0
	tok="$(token 18182)"
	base=http://127.0.0.1:18182/v1/0123456789abcdef0123456789abcdef/waf
	pid="$(curl -fs "$base/policy" -H "X-Auth-Token: $tok" -H 'Content-Type: application/json' -d '{"name":"bench"}' |
		sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p')"
	cat >"$tmp/wb.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json;charset=utf8"
wrk.body = '{"name":"bench","addr":"192.0.2.0/24","white":0}'
LUA
	post() { wrk -t1 -c"$1" -d"$2" -H "X-Auth-Token: $tok" -s "$tmp/wb.lua" "$base/policy/$pid/whiteblackip"; }
	total() { curl -fs "$base/policy/$pid/whiteblackip?pagesize=1" -H "X-Auth-Token: $tok" | sed -n 's/.*"total":\([0-9]*\).*/\1/p'; }
	echo "-- wrk: POST …/policy/{policy_id}/whiteblackip with X-Auth-Token, 1 thread, 8 connections, 60 s (fills the policy)"
	post 8 60s
	n="$(total)"
	echo "-- rules in the policy: $n"
	echo "-- wrk: the same, 8 connections, 10 s, on the filled policy"
	post 8 10s
	echo "-- wrk: the same, 1 connection, 10 s"
	post 1 10s
	n="$(total)"
	echo "-- rules in the policy: $n"
	echo "-- wrk: GET …/whiteblackip?page=1&pagesize=10, 1 thread, 8 connections, 10 s"
	wrk -t1 -c8 -d10s -H "X-Auth-Token: $tok" "$base/policy/$pid/whiteblackip?page=1&pagesize=10"
	mid=$(( n / 20 ))
	echo "-- wrk: GET …/whiteblackip?page=$mid&pagesize=10 (the middle: the worst case), 1 thread, 8 connections, 10 s"
	wrk -t1 -c8 -d10s -H "X-Auth-Token: $tok" "$base/policy/$pid/whiteblackip?page=$mid&pagesize=10"
fi
if want events; then
	echo "== events"
	# The cost a request pays to record a protection event, with a bare channel send as the floor.
	go test -run '^$' -bench 'BenchmarkRecord' -benchtime 1s -count 3 ./internal/waf/
	# The store: batched writes against one event per transaction; ListEvent pages over 100,000 events.
	go test -run '^$' -bench 'BenchmarkWAFInsertEvents|BenchmarkWAFFindEvents100k' -benchtime 1s -count 3 ./internal/sqlite/
fi
if want workspace; then
	echo "== workspace"
	go test -run '^$' -bench . -count 3 ./internal/workspace/
fi
if want engine; then
	echo "== engine"
	go test -run '^$' -bench 'BenchmarkDecideWAFMedian' -benchtime 1s -count 2 ./internal/engine/
	go test -run '^$' -bench 'BenchmarkDecideWAF$|BenchmarkEmergencyBaselines|BenchmarkIncremental' -benchtime 1s -count 3 ./internal/engine/
	go test -run '^$' -bench 'BenchmarkMemory' -benchtime 1x -count 3 ./internal/engine/
	go test -run '^$' -bench 'BenchmarkWriteToDecision' -benchtime 20x -count 3 ./internal/enforce/
	go test -run '^$' -bench 'BenchmarkSecMasterWriteToDecision' -benchtime 20x -count 3 ./internal/enforce/
	go test -run '^$' -bench 'BenchmarkAPIWriteToDecision' -benchtime 40x ./internal/httpapi/
fi
