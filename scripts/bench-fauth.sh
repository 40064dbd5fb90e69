# shellcheck shell=bash
# The section of scripts/bench.sh that measures issue 17's forward-auth bar.
# Sourced by scripts/bench.sh after scripts/bench-peers.sh (its helpers,
# $tmp, want); run it as
#
#	./scripts/bench.sh fauth    the forward-auth endpoint alone (wrk asking it as
#	                            Traefik and Caddy do, with a bouncer key);
#	                            nginx alone, nginx with auth_request to that
#	                            endpoint, and Rampart's data plane, all in front
#	                            of one nginx origin, interleaved; then the Go
#	                            benchmark of the decision (allocations)
#
# Environment: DURATION (wrk's -d of each run, 10s) and ROUNDS (interleaved
# rounds, 3), as for peers. Rampart holds the same 100,000 blocked prefixes
# as in peers; the client (8.8.8.8) is in none of them.

# nginx_fauth_conf DIR ORIGIN_PORT LISTEN_PORT FAUTH_PORT KEY writes
# DIR/nginx.conf: nginx_proxy_conf's reverse proxy, every request first
# asked of Rampart's forward-auth endpoint with auth_request (keep-alive
# connections to it), with README's configuration lines.
nginx_fauth_conf() {
	local dir=$1 origin=$2 listen=$3 fauth=$4 key=$5
	{
		nginx_head "$dir"
		cat <<NGINX
	set_real_ip_from 127.0.0.1/32;
	real_ip_header X-Forwarded-For;
	real_ip_recursive on;
	upstream origin { server 127.0.0.1:$origin; keepalive 256; keepalive_requests 1000000; }
	upstream rampart { server 127.0.0.1:$fauth; keepalive 256; keepalive_requests 1000000; }
	server {
		listen 127.0.0.1:$listen;
		location / {
			auth_request /.rampart;
			auth_request_set \$rampart_event \$upstream_http_x_rampart_event_id;
			add_header X-Rampart-Event-Id \$rampart_event always;
			proxy_pass http://origin;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host \$host;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
		}
		location = /.rampart {
			internal;
			proxy_pass http://rampart;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_pass_request_body off;
			proxy_set_header Content-Length "";
			proxy_set_header X-Api-Key "$key";
			proxy_set_header X-Forwarded-Method \$request_method;
			proxy_set_header X-Forwarded-Uri \$request_uri;
			proxy_set_header X-Forwarded-Host \$host;
			proxy_set_header X-Forwarded-Proto \$scheme;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
		}
	}
}
NGINX
	} >"$dir/nginx.conf"
}

bench_fauth() {
	echo "== fauth (issue 17: the forward-auth endpoint alone; nginx alone, nginx + auth_request to Rampart, Rampart's data plane, in front of one nginx origin)"
	echo "-- Go benchmark of the decision (the question parsed; key, address, precise, CC and basic web protection):"
	go test -run '^$' -bench 'BenchmarkForwardAuth' -benchmem -benchtime 2s -count 3 ./internal/proxy | grep -E '^Benchmark|^ok'
	prepare fauth || return 0
	local d="$tmp/fauth" port key blocked
	local -A pid name hdrs
	mkdir -p "$d/nginx" "$d/auth" "$d/rampart"
	start_origin "$d/origin" 18360
	echo "-- seeding the 100,000 blocked prefixes of peers"
	"$tmp/proxybench" seed -db "$d/rampart/rampart.db" -upstream 127.0.0.1:18360 -prefixes 100000 -nginx-geo "$d/blocked.conf"
	RAMPART_ADMIN_PASSWORD=bench-password RAMPART_PROJECT_ID=0123456789abcdef0123456789abcdef \
		"$tmp/rampart" serve --listen 127.0.0.1:18199 --data-dir "$d/rampart" --proxy-listen 127.0.0.1:18361 \
		--forward-auth-listen 127.0.0.1:18364 --trusted-proxies 127.0.0.1/32 --metrics-listen "" >"$d/rampart/rampart.log" 2>&1 &
	pid[18361]=$! pid[18364]=$!
	wait_code "http://127.0.0.1:18361/" 200
	key="$("$tmp/rampart" admin --data-dir "$d/rampart" bouncer add bench-fauth --project 0123456789abcdef0123456789abcdef --layer waf | tail -1)"
	nginx_proxy_conf "$d/nginx" 18360 18362
	start_nginx "$d/nginx"
	pid[18362]=$started
	nginx_fauth_conf "$d/auth" 18360 18363 18364 "$key"
	start_nginx "$d/auth"
	pid[18363]=$started
	name[18364]="forward-auth endpoint alone" name[18362]="nginx alone" name[18363]="nginx + auth_request to Rampart"
	name[18361]="Rampart's data plane"
	local fauth_hdrs=(-H "X-Api-Key: $key" -H 'X-Forwarded-Host: www.example.com' -H 'X-Forwarded-Method: GET'
		-H 'X-Forwarded-Uri: /' -H 'X-Forwarded-For: 8.8.8.8')
	# args PORT: the headers of a request to PORT.
	args() { if [ "$1" = 18364 ]; then printf '%s\n' "${fauth_hdrs[@]}"; else printf '%s\n' "${client[@]}"; fi; }
	blocked="$(head -1 "$d/blocked.conf" | cut -d' ' -f1 | cut -d/ -f1)"
	local ports=(18364 18362 18363 18361)
	for port in "${ports[@]}"; do
		mapfile -t h < <(args "$port")
		wait_code "http://127.0.0.1:$port/" 200 "${h[@]}"
		mapfile -t hb < <(args "$port" | sed "s/^X-Forwarded-For: .*/X-Forwarded-For: $blocked/")
		echo "-- ${name[$port]} on $port: a clean request gets 200, a blocked prefix's address ($blocked) gets $(curl -s -o /dev/null -w '%{http_code}' "${hb[@]}" "http://127.0.0.1:$port/")"
	done
	# fauth_round ROUND PORT: one loaded run. The CPU is that of the process
	# on PORT (for nginx + auth_request: nginx's, not Rampart's).
	fauth_round() {
		local h
		mapfile -t h < <(args "$2")
		echo "-- round $1: ${name[$2]}: wrk -t2 -c64 -d$duration"
		measure "fauth-$2" "${pid[$2]}" "$d/wrk-$2-$1.txt" -t2 -c64 -d"$duration" "${h[@]}" "http://127.0.0.1:$2/"
	}
	interleaved fauth_round "${ports[@]}"
	echo "-- medians of $rounds rounds (wrk -t2 -c64 -d$duration):"
	printf -- '-- %-34s %11s %15s   %s\n' "" requests/s "CPU µs/request" "rounds (requests/s; CPU µs)"
	for port in "${ports[@]}"; do
		printf -- '-- %-34s %11s %15s   %s; %s\n' "${name[$port]}" "$(median "$tmp/fauth-$port.rps")" \
			"$(median "$tmp/fauth-$port.cpu")" "$(rounds_of "$tmp/fauth-$port.rps")" "$(rounds_of "$tmp/fauth-$port.cpu")"
	done
	local f
	f="$(median "$tmp/fauth-18364.rps")"
	echo "-- issue 17's bar: the forward-auth endpoint alone: $f decisions/s: $(verdict "$f" '>=' 20000)"
	echo "--   nginx + auth_request / nginx alone: $(ratio "$(median "$tmp/fauth-18363.rps")" "$(median "$tmp/fauth-18362.rps")");" \
		"Rampart's data plane / nginx alone: $(ratio "$(median "$tmp/fauth-18361.rps")" "$(median "$tmp/fauth-18362.rps")")"
	for port in 18362 18363 18361; do kill "${pid[$port]}" 2>/dev/null || true; done
}

if want fauth; then bench_fauth; fi
