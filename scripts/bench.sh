#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md. Pass a section name
# (foundation, secmaster, waf, events, dashboard, workspace, engine, proxy, webprotection, rules, inspect, candidates,
# peers, waf16, memory, bulk, fauth) to run one section only. The sections peers, waf16 and memory are in
# scripts/bench-peers.sh (DURATION, ROUNDS and MEMORY_SECONDS shorten them), fauth in
# scripts/bench-fauth.sh (DURATION and ROUNDS).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
section="${1:-all}"
tmp="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

# ensure_wrk and ensure_nginx install the load generator and nginx from
# Debian packages, best effort: a failed apt-get never stops the script, the
# sections that need a missing program say so and skip.
ensure_wrk() {
	./scripts/install-test-packages.sh wrk:wrk
}

ensure_nginx() {
	./scripts/install-test-packages.sh nginx:nginx-light
}

# have_nginx reports whether nginx can be started.
have_nginx() { [ -x /usr/sbin/nginx ]; }

# start_server PORT [flags...]: builds and starts rampart on 127.0.0.1:PORT
# with a fresh data dir and fixed credentials, waits until it is ready.
start_server() {
	local port="$1"; shift
	go build -o "$tmp/rampart" ./cmd/rampart
	RAMPART_ADMIN_PASSWORD=bench-password RAMPART_PROJECT_ID=0123456789abcdef0123456789abcdef \
		"$tmp/rampart" serve --listen "127.0.0.1:$port" --data-dir "$tmp/data-$port" --metrics-listen "" "$@" \
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
# nginx_head DIR [MODULE...] prints the start of an nginx.conf shared by
# every nginx here: one worker per core, no access log, pid, logs and
# temporary files in DIR, clients' keep-alive connections never closed for
# their number of requests (like the other proxies); each MODULE (a .so file)
# is loaded. It leaves the http block open.
nginx_head() {
	local dir=$1 m; shift
	echo "worker_processes auto;"
	for m in "$@"; do echo "load_module $m;"; done
	cat <<NGINX
pid $dir/nginx.pid;
error_log $dir/error.log crit;
events { worker_connections 4096; }
http {
	access_log off;
	keepalive_requests 1000000;
	client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
	uwsgi_temp_path $dir; scgi_temp_path $dir;
NGINX
}

# nginx_origin_conf DIR LISTEN_PORT writes DIR/nginx.conf: an origin that
# answers every request with 200 and a 5-byte body, over keep-alive.
nginx_origin_conf() {
	local dir=$1 listen=$2
	{
		nginx_head "$dir"
		cat <<NGINX
	server {
		listen 127.0.0.1:$listen;
		location / { default_type text/plain; return 200 "hello"; }
	}
}
NGINX
	} >"$dir/nginx.conf"
}

# nginx_proxy_conf DIR ORIGIN_PORT LISTEN_PORT [STATUS] writes DIR/nginx.conf:
# a keep-alive reverse proxy to the origin (an upstream pool of 256
# connections) that takes the client's address from X-Forwarded-For when the
# peer is loopback. When DIR/geo.conf exists (lines "PREFIX 1;"), the
# addresses in it get STATUS (418 unless given). When DIR/modsecurity.conf
# exists, ModSecurity (Debian's module) inspects every request with it.
nginx_proxy_conf() {
	local dir=$1 origin=$2 listen=$3 status=${4:-418} modules=() check=""
	if [ -f "$dir/modsecurity.conf" ]; then
		[ -f /usr/lib/nginx/modules/ndk_http_module.so ] && modules+=(/usr/lib/nginx/modules/ndk_http_module.so)
		modules+=(/usr/lib/nginx/modules/ngx_http_modsecurity_module.so)
		check="modsecurity on; modsecurity_rules_file $dir/modsecurity.conf;"
	fi
	{
		nginx_head "$dir" "${modules[@]}"
		[ -f "$dir/geo.conf" ] && printf '\tgeo $blocked { default 0; include %s/geo.conf; }\n' "$dir"
		cat <<NGINX
	set_real_ip_from 127.0.0.1/32;
	real_ip_header X-Forwarded-For;
	real_ip_recursive on;
	upstream origin { server 127.0.0.1:$origin; keepalive 256; keepalive_requests 1000000; }
	server {
		listen 127.0.0.1:$listen;
		$check
		location / {
			$([ -f "$dir/geo.conf" ] && echo "if (\$blocked) { return $status; }")
			proxy_pass http://origin;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host \$host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header X-Real-IP \$remote_addr;
		}
	}
}
NGINX
	} >"$dir/nginx.conf"
}

# ticks PID: utime+stime of PID and of its children (nginx's workers), in
# clock ticks.
ticks() {
	local sum=0 p t
	for p in "$1" $(pgrep -P "$1" || true); do
		t="$(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')"
		sum=$((sum + t))
	done
	echo "$sum"
}

# form_body prints a 1 KiB urlencoded form (a profile with a name, a city and
# a short text, repeated).
form_body() {
	awk 'BEGIN { s = ""; while (length(s) < 1024) s = s "name=Jane+O%27Neil&city=Lyon&bio=I+like+hiking%2C+books+and+coffee&"; printf "%s", substr(s, 1, 1024) }'
}

# form_lua FILE writes a wrk script that sends form_body as a POST.
form_lua() {
	printf 'wrk.method = "POST"\nwrk.body = "%s"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n' "$(form_body)" >"$1"
}

# The headers of a browser's request, for the workloads that inspection reads.
browser=(-H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'
	-H 'Cookie: sessionid=8f14e45fceea167a5a36dedd4bea2543; theme=dark; consent=yes')

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
	# Fairness: another project's writes and blocks while one project delivers six 25,000-row policies.
	go test -run '^$' -bench 'BenchmarkSecMasterFairness' -benchtime 1x -count 2 -timeout 20m ./internal/httpapi/
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
if want dashboard; then
	echo "== dashboard"
	# The WAF dashboard's reads over 1,000,000 events of the last day and a day of traffic rows (10 hosts).
	go test -run '^$' -bench 'BenchmarkWAFDashboard1M' -benchtime 3x -count 1 ./internal/sqlite/
fi
if want inspect; then
	echo "== inspect (basic web protection detector, not yet called by the data plane)"
	go test -run TestCorpusRates -count=1 -v ./internal/inspect/ | grep -E 'level [0-9]: detected|^(ok|FAIL)'
	go test -run '^$' -bench . -count 3 ./internal/inspect/
	# Side by side with Coraza and the Core Rule Set, in a module of its own.
	(cd bench && go test -count=1 -run TestCorpusRatesSideBySide -v . | grep -E 'attacks|^(ok|FAIL)' && go test -run '^$' -bench . -count 3 .)
	# The Core Rule Set's own regression requests, per family and level, Rampart and Coraza in one run.
	(cd bench && go test -count=1 -run TestCRSRegression -v . | grep -E 'parsed|on the cases|caught|^(ok|FAIL)')
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
if want proxy; then
	echo "== proxy"
	# The handler against a bare httputil.ReverseProxy (stub and loopback upstreams).
	go test -run '^$' -bench 'BenchmarkHandler' -benchtime 2s -count 3 ./internal/proxy/
	ensure_wrk
	ensure_nginx
	go build -o "$tmp/proxybench" ./scripts/proxybench
	go build -o "$tmp/rampart" ./cmd/rampart
	"$tmp/proxybench" origin -listen 127.0.0.1:18300 &
	"$tmp/proxybench" bare -listen 127.0.0.1:18301 -upstream http://127.0.0.1:18300 &
	"$tmp/proxybench" bare -listen 127.0.0.1:18304 -upstream http://127.0.0.1:18300 -bufferpool &
	mkdir -p "$tmp/pdata" "$tmp/nginx"
	echo "-- seeding 1,000,000 blocked prefixes, a geolocation and an IP-reputation rule"
	"$tmp/proxybench" seed -db "$tmp/pdata/rampart.db" -upstream 127.0.0.1:18300 -nginx-geo "$tmp/nginx/geo.conf"
	RAMPART_ADMIN_PASSWORD=bench-password RAMPART_PROJECT_ID=0123456789abcdef0123456789abcdef \
		"$tmp/rampart" serve --listen 127.0.0.1:18183 --data-dir "$tmp/pdata" \
		--proxy-listen 127.0.0.1:18302 --trusted-proxies 127.0.0.1/32 --metrics-listen "" >"$tmp/rampart-proxy.log" 2>&1 &
	nginx_proxy_conf "$tmp/nginx" 18300 18303
	# nginx warns about the duplicate networks among the random prefixes while loading.
	/usr/sbin/nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' 2>"$tmp/nginx/stderr.log" &
	blocked="$(head -1 "$tmp/nginx/geo.conf" | cut -d' ' -f1 | cut -d/ -f1)"
	for port in 18301 18304 18302 18303; do
		for _ in $(seq 600); do
			[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "http://127.0.0.1:$port/")" = 200 ] && break
			sleep 0.5
		done
	done
	for port in 18302 18303; do
		code="$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: www.example.com' -H "X-Forwarded-For: $blocked" "http://127.0.0.1:$port/")"
		echo "-- port $port: a blocked prefix's address ($blocked) gets $code"
	done
	names=([18301]="bare httputil.ReverseProxy" [18304]="bare httputil.ReverseProxy with a buffer pool"
		[18302]="Rampart (1M prefixes, geoip, ip_reputation)" [18303]="nginx (geo, 1M prefixes)")
	# The client address is 8.8.8.8 (by X-Forwarded-For from a trusted
	# peer): in no blocked prefix, so every request passes every stage.
	load() { wrk -t1 -c"$1" -d"$2" --latency -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "${@:4}" "http://127.0.0.1:$3/"; }
	# Three rounds, the targets interleaved; the median of each is kept.
	declare -A rps
	for round in 1 2 3; do
		for port in 18301 18304 18302 18303; do
			echo "-- wrk, maximum load, round $round: ${names[$port]}: 1 thread, 64 connections, 10 s"
			load 64 10s "$port" | tee "$tmp/max-$port-$round.txt"
			awk '/Requests\/sec/ {print $2}' "$tmp/max-$port-$round.txt" >>"$tmp/rps-$port.txt"
		done
	done
	for port in 18301 18304 18302 18303; do
		rps[$port]="$(sort -n "$tmp/rps-$port.txt" | sed -n 2p)"
		echo "-- median requests/s, ${names[$port]}: ${rps[$port]} (rounds: $(tr '\n' ' ' <"$tmp/rps-$port.txt"))"
	done
	echo "-- throughput ratio Rampart / bare: $(awk -v a="${rps[18302]}" -v b="${rps[18301]}" 'BEGIN {printf "%.3f", a/b}')"
	echo "-- throughput ratio Rampart / bare with a buffer pool: $(awk -v a="${rps[18302]}" -v b="${rps[18304]}" 'BEGIN {printf "%.3f", a/b}')"
	echo "-- throughput ratio nginx / bare: $(awk -v a="${rps[18303]}" -v b="${rps[18301]}" 'BEGIN {printf "%.3f", a/b}')"
	# Half load: half the bare proxy's maximum, paced by wrk's delay()
	# (each connection waits 10 ms between requests).
	cat >"$tmp/paced.lua" <<'LUA'
function delay() return 10 end
LUA
	half="$(awk -v b="${rps[18301]}" 'BEGIN {printf "%d", b/2}')"
	conns="$(awk -v r="$half" 'BEGIN {c = int(r/100 + 0.5); if (c < 1) c = 1; print c}')"
	for port in 18301 18304 18302 18303; do
		echo "-- wrk, half load (~$half requests/s): ${names[$port]}: 1 thread, $conns connections pacing 10 ms, 20 s"
		load "$conns" 20s "$port" -s "$tmp/paced.lua" | tee "$tmp/half-$port.txt"
	done
	for port in 18301 18304 18302 18303; do
		echo "-- p99 at half load, ${names[$port]}: $(awk '$1 == "99%" {print $2}' "$tmp/half-$port.txt")"
	done
	# Where the data plane's CPU goes under maximum load: the data plane alone
	# (as serve wires it, without the API) over the same store, profiled.
	"$tmp/proxybench" rampart -db "$tmp/pdata/rampart.db" -listen 127.0.0.1:18305 -pprof 127.0.0.1:18399 &
	for _ in $(seq 600); do
		[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' http://127.0.0.1:18305/)" = 200 ] && break
		sleep 0.5
	done
	echo "-- CPU profile of the data plane alone under maximum load (wrk 1 thread, 64 connections; 10 s profile)"
	load 64 12s 18305 | grep Requests/sec &
	wrkpid=$!
	sleep 1
	go tool pprof -top -cum -nodecount 400 "$tmp/proxybench" 'http://127.0.0.1:18399/debug/pprof/profile?seconds=10' 2>/dev/null |
		grep -E 'Total samples|proxy\.\(\*Proxy\)\.(ServeHTTP|decide|setForwarded|clientIP)$|proxy\.\(\*retryTransport\)\.RoundTrip$|engine\.\(\*Engine\)\.DecideWAF$|ReverseProxy\)\.ServeHTTP$|gcBgMarkWorker$|syscall/linux\.Syscall6$|runtime\.mallocgc$'
	wait "$wrkpid"
fi
if want webprotection; then
	echo "== webprotection"
	# A clean GET and a 1 KB form POST through the handler with the policy's
	# basic web protection on and off (stub upstream).
	go test -run '^$' -bench 'BenchmarkWebProtection' -benchtime 2s -count 3 ./internal/proxy/
	ensure_wrk
	go build -o "$tmp/proxybench" ./scripts/proxybench
	go build -o "$tmp/rampart" ./cmd/rampart
	"$tmp/proxybench" origin -listen 127.0.0.1:18310 &
	mkdir -p "$tmp/wdata"
	"$tmp/proxybench" seed -db "$tmp/wdata/rampart.db" -upstream 127.0.0.1:18310 -prefixes 0
	RAMPART_ADMIN_PASSWORD=bench-password RAMPART_PROJECT_ID=0123456789abcdef0123456789abcdef \
		"$tmp/rampart" serve --listen 127.0.0.1:18193 --data-dir "$tmp/wdata" \
		--proxy-listen 127.0.0.1:18312 --trusted-proxies 127.0.0.1/32 --metrics-listen "" >"$tmp/rampart-web.log" 2>&1 &
	wurl="http://127.0.0.1:18312/search?q=blue+running+shoes&size=42&sort=price_asc&page=2"
	probe() { curl -s -o /dev/null -w '%{http_code}' -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "$1"; }
	for _ in $(seq 600); do [ "$(probe "$wurl")" = 200 ] && break; sleep 0.5; done
	# Switches the host's policy and waits until an SQL injection gets 418
	# (on, block mode) or 200 (off).
	protect() {
		"$tmp/proxybench" protect -db "$tmp/wdata/rampart.db" -webattack "$1"
		want=200; [ "$1" = on ] && want=418
		for _ in $(seq 600); do [ "$(probe "http://127.0.0.1:18312/search?id=1'+OR+1=1--")" = "$want" ] && return; sleep 0.1; done
		echo "basic web protection did not switch $1" >&2; exit 1
	}
	form_lua "$tmp/form.lua"
	wload() {
		wrk -t1 -c64 -d10s -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "${browser[@]}" "$@"
	}
	# Three rounds, the two states interleaved (order alternating by round).
	for round in 1 2 3; do
		order="off on"; [ "$round" = 2 ] && order="on off"
		for state in $order; do
			protect "$state"
			echo "-- wrk round $round, basic web protection $state: clean GET, 1 thread, 64 connections, 10 s"
			wload "$wurl" | tee "$tmp/wget-$state-$round.txt"
			awk '/Requests\/sec/ {print $2}' "$tmp/wget-$state-$round.txt" >>"$tmp/wrps-get-$state.txt"
			echo "-- wrk round $round, basic web protection $state: 1 KB form POST"
			wload -s "$tmp/form.lua" "http://127.0.0.1:18312/account/profile" | tee "$tmp/wpost-$state-$round.txt"
			awk '/Requests\/sec/ {print $2}' "$tmp/wpost-$state-$round.txt" >>"$tmp/wrps-post-$state.txt"
		done
	done
	for req in get post; do
		on="$(sort -n "$tmp/wrps-$req-on.txt" | sed -n 2p)"
		off="$(sort -n "$tmp/wrps-$req-off.txt" | sed -n 2p)"
		echo "-- $req: median requests/s on $on (rounds: $(tr '\n' ' ' <"$tmp/wrps-$req-on.txt")), off $off (rounds: $(tr '\n' ' ' <"$tmp/wrps-$req-off.txt")); on/off $(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.3f", a/b}')"
	done
fi
if want rules; then
	echo "== rules"
	# Throughput of a clean GET through a host whose policy has 1,000 precise-
	# protection rules and 10 CC rules (none deciding the request; basic web
	# protection off), with the two modules switched on and off, interleaved.
	ensure_wrk
	go build -o "$tmp/proxybench" ./scripts/proxybench
	go build -o "$tmp/rampart" ./cmd/rampart
	"$tmp/proxybench" origin -listen 127.0.0.1:18320 &
	mkdir -p "$tmp/rdata"
	"$tmp/proxybench" seed -db "$tmp/rdata/rampart.db" -upstream 127.0.0.1:18320 -prefixes 0
	"$tmp/proxybench" protect -db "$tmp/rdata/rampart.db" -webattack off
	RAMPART_ADMIN_PASSWORD=bench-password RAMPART_PROJECT_ID=0123456789abcdef0123456789abcdef \
		"$tmp/rampart" serve --listen 127.0.0.1:18194 --data-dir "$tmp/rdata" \
		--proxy-listen 127.0.0.1:18322 --trusted-proxies 127.0.0.1/32 --metrics-listen "" >"$tmp/rampart-rules.log" 2>&1 &
	rurl="http://127.0.0.1:18322/app/7/profile?tab=orders&page=2"
	rprobe() { curl -s -o /dev/null -w '%{http_code}' -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "$1"; }
	for _ in $(seq 600); do [ "$(rprobe "$rurl")" = 200 ] && break; sleep 0.5; done
	# Switches the modules and waits until the path that precise rule 0
	# blocks gets 418 (on) or 200 (off).
	rules() {
		"$tmp/proxybench" rules -db "$tmp/rdata/rampart.db" -state "$1"
		want=200; [ "$1" = on ] && want=418
		for _ in $(seq 600); do [ "$(rprobe "http://127.0.0.1:18322/app/0/settings")" = "$want" ] && return; sleep 0.1; done
		echo "precise and CC rules did not switch $1" >&2; exit 1
	}
	for round in 1 2 3; do
		order="off on"; [ "$round" = 2 ] && order="on off"
		for state in $order; do
			rules "$state"
			echo "-- wrk round $round, 1,000 precise and 10 CC rules $state: clean GET, 1 thread, 64 connections, 10 s"
			wrk -t1 -c64 -d10s -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "${browser[@]}" \
				-H 'Referer: https://www.example.com/app/7/' "$rurl" | tee "$tmp/rget-$state-$round.txt"
			awk '/Requests\/sec/ {print $2}' "$tmp/rget-$state-$round.txt" >>"$tmp/rrps-$state.txt"
		done
	done
	on="$(sort -n "$tmp/rrps-on.txt" | sed -n 2p)"
	off="$(sort -n "$tmp/rrps-off.txt" | sed -n 2p)"
	echo "-- median requests/s with the rules $on (rounds: $(tr '\n' ' ' <"$tmp/rrps-on.txt")), without $off (rounds: $(tr '\n' ' ' <"$tmp/rrps-off.txt")); with/without $(awk -v a="$on" -v b="$off" 'BEGIN {printf "%.3f", a/b}')"
fi
if want candidates; then
	echo "== candidates (issue 16: the forwarding path's own CPU per request)"
	# One origin for all; every proxy forwards the same GET to it. The CPU a
	# proxy spends is read from /proc/PID/stat (utime+stime of the process,
	# for nginx of its master and workers) around each wrk run and divided by
	# the requests wrk reports.
	ensure_wrk
	ensure_nginx
	go build -o "$tmp/proxybench" ./scripts/proxybench
	go build -o "$tmp/rampart" ./cmd/rampart
	declare -A cpid cname
	"$tmp/proxybench" origin -listen 127.0.0.1:18330 &
	"$tmp/proxybench" bare -listen 127.0.0.1:18331 -upstream http://127.0.0.1:18330 &
	cpid[18331]=$!; cname[18331]="bare httputil.ReverseProxy"
	"$tmp/proxybench" tuned -listen 127.0.0.1:18336 -upstream http://127.0.0.1:18330 &
	cpid[18336]=$!; cname[18336]="tuned net/http"
	"$tmp/proxybench" fast -listen 127.0.0.1:18337 -upstream http://127.0.0.1:18330 &
	cpid[18337]=$!; cname[18337]="fasthttp Server + HostClient"
	mkdir -p "$tmp/cdata" "$tmp/cnginx"
	echo "-- seeding 100,000 blocked prefixes, a geolocation and an IP-reputation rule"
	"$tmp/proxybench" seed -db "$tmp/cdata/rampart.db" -upstream 127.0.0.1:18330 -prefixes 100000 -nginx-geo "$tmp/cnginx/geo.conf"
	RAMPART_ADMIN_PASSWORD=bench-password RAMPART_PROJECT_ID=0123456789abcdef0123456789abcdef \
		"$tmp/rampart" serve --listen 127.0.0.1:18185 --data-dir "$tmp/cdata" \
		--proxy-listen 127.0.0.1:18332 --trusted-proxies 127.0.0.1/32 --metrics-listen "" >"$tmp/rampart-candidates.log" 2>&1 &
	cpid[18332]=$!; cname[18332]="Rampart (100k prefixes, geoip, ip_reputation)"
	nginx_proxy_conf "$tmp/cnginx" 18330 18333
	/usr/sbin/nginx -p "$tmp/cnginx" -c "$tmp/cnginx/nginx.conf" -g 'daemon off;' 2>"$tmp/cnginx/stderr.log" &
	cpid[18333]=$!; cname[18333]="nginx (geo, 100k prefixes)"
	ports="18331 18336 18337 18332 18333"
	for port in $ports; do
		for _ in $(seq 600); do
			[ "$(curl -s -o /dev/null -w '%{http_code}' -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "http://127.0.0.1:$port/")" = 200 ] && break
			sleep 0.5
		done
	done
	blocked="$(head -1 "$tmp/cnginx/geo.conf" | cut -d' ' -f1 | cut -d/ -f1)"
	for port in 18332 18333; do
		echo "-- port $port: a blocked prefix's address ($blocked) gets $(curl -s -o /dev/null -w '%{http_code}' -H 'Host: www.example.com' -H "X-Forwarded-For: $blocked" "http://127.0.0.1:$port/")"
	done
	hz="$(getconf CLK_TCK)"
	cload() { wrk -t1 -c"$1" -d"$2" --latency -H 'Host: www.example.com' -H 'X-Forwarded-For: 8.8.8.8' "http://127.0.0.1:$3/"; }
	for round in 1 2 3; do
		for port in $ports; do
			echo "-- wrk, round $round: ${cname[$port]}: 1 thread, 64 connections, 10 s"
			before="$(ticks "${cpid[$port]}")"
			cload 64 10s "$port" | tee "$tmp/c-$port-$round.txt"
			after="$(ticks "${cpid[$port]}")"
			n="$(awk '/requests in/ {print $1}' "$tmp/c-$port-$round.txt")"
			awk '/Requests\/sec/ {print $2}' "$tmp/c-$port-$round.txt" >>"$tmp/crps-$port.txt"
			awk -v t=$((after - before)) -v hz="$hz" -v n="$n" 'BEGIN {printf "%.1f\n", t / hz * 1e6 / n}' >>"$tmp/ccpu-$port.txt"
			echo "-- proxy CPU: $((after - before)) ticks for $n requests: $(tail -1 "$tmp/ccpu-$port.txt") µs per request"
		done
	done
	for port in $ports; do
		echo "-- wrk, one connection: ${cname[$port]}: 1 thread, 1 connection, 5 s"
		cload 1 5s "$port" | tee "$tmp/c1-$port.txt"
	done
	printf -- '-- %-48s %12s %14s %16s\n' "candidate" "requests/s" "CPU µs/request" "median latency"
	for port in $ports; do
		printf -- '-- %-48s %12s %14s %16s   (rounds: %s; %s)\n' "${cname[$port]}" \
			"$(sort -n "$tmp/crps-$port.txt" | sed -n 2p)" "$(sort -n "$tmp/ccpu-$port.txt" | sed -n 2p)" \
			"$(awk '$1 == "50%" {print $2}' "$tmp/c1-$port.txt")" \
			"$(tr '\n' ' ' <"$tmp/crps-$port.txt")" "$(tr '\n' ' ' <"$tmp/ccpu-$port.txt")"
	done
fi
if want bulk; then
	echo "== Bulk import (issue 17): 1,000,000 lines into a running serve, then until the last line is enforced"
	go test -run '^$' -bench BenchmarkImport1M -benchtime 1x -count "${ROUNDS:-3}" ./cmd/rampart/
fi
if want peers || want waf16 || want memory || want fauth; then
	# shellcheck source=scripts/bench-peers.sh
	. ./scripts/bench-peers.sh
fi
if want fauth; then
	# shellcheck source=scripts/bench-fauth.sh
	. ./scripts/bench-fauth.sh
fi
