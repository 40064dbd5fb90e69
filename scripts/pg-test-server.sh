#!/usr/bin/env bash
# Runs a throwaway PostgreSQL server for the tests of the PostgreSQL backend.
#
#   scripts/pg-test-server.sh start      starts a new cluster in a new temporary
#                                        directory and prints, as shell
#                                        assignments, RAMPART_TEST_POSTGRES (the
#                                        DSN the tests read) and RAMPART_PG_DIR
#   scripts/pg-test-server.sh stop DIR   stops the cluster of DIR and removes DIR
#   scripts/pg-test-server.sh env DIR    prints the assignments again
#
# The server comes from the Debian postgresql package (its binaries live under
# /usr/lib/postgresql/NN/bin; the newest is used). It listens on a unix socket
# inside DIR only (no TCP port), trusts local connections to that socket
# (DIR is readable by its owner only), and runs as the unprivileged user
# nobody when the script runs as root, as PostgreSQL refuses to run as root.
# Durability settings are relaxed (fsync off): the cluster is thrown away.
#
# start fails (exit 1, reason on stderr) when PostgreSQL is not installed or
# does not start; its callers print a note and run the other tests.
set -euo pipefail

# bindir prints the newest PostgreSQL server binary directory.
bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$d" ] || [ ! -x "$d/initdb" ] || [ ! -x "$d/pg_ctl" ]; then
		echo "pg-test-server: no PostgreSQL server under /usr/lib/postgresql (Debian package postgresql)" >&2
		return 1
	fi
	printf '%s\n' "$d"
}

# as runs a command as the cluster's owner: nobody when we are root.
as() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}

# assignments prints the shell assignments for the cluster in DIR.
assignments() {
	local dir=$1
	printf 'RAMPART_PG_DIR=%q\n' "$dir"
	printf 'RAMPART_TEST_POSTGRES=%q\n' "postgres://rampart@/rampart?host=$dir&sslmode=disable"
}

start() {
	local bin dir
	bin=$(bindir)
	dir=$(mktemp -d -t rampart-pg.XXXXXX)
	if [ "$(id -u)" = 0 ]; then
		chown nobody:nogroup "$dir"
	fi
	if ! as "$bin/initdb" -D "$dir/data" -U rampart --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
		>"$dir/initdb.log" 2>&1; then
		echo "pg-test-server: initdb failed; its last lines:" >&2
		tail -n 5 "$dir/initdb.log" >&2
		rm -rf "$dir"
		return 1
	fi
	if ! as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses= -c unix_socket_directories=$dir -c max_connections=300 -c fsync=off -c full_page_writes=off" \
		start >/dev/null 2>&1; then
		echo "pg-test-server: the server did not start; its last lines:" >&2
		tail -n 5 "$dir/server.log" >&2
		rm -rf "$dir"
		return 1
	fi
	if ! as "$bin/psql" -h "$dir" -U rampart -d postgres -qAt -c 'CREATE DATABASE rampart' >/dev/null 2>"$dir/psql.log"; then
		echo "pg-test-server: creating the database failed: $(cat "$dir/psql.log")" >&2
		stop "$dir"
		return 1
	fi
	assignments "$dir"
}

stop() {
	local dir=${1:?usage: pg-test-server.sh stop DIR} bin
	case "$(basename "$dir")" in
	rampart-pg.*) ;;
	*)
		echo "pg-test-server: $dir is not a directory this script made" >&2
		return 1
		;;
	esac
	if bin=$(bindir 2>/dev/null) && [ -d "$dir/data" ]; then
		as "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
}

case "${1:-}" in
start) start ;;
stop) stop "${2:-}" ;;
env) assignments "${2:?usage: pg-test-server.sh env DIR}" ;;
*)
	echo "usage: pg-test-server.sh start | stop DIR | env DIR" >&2
	exit 2
	;;
esac
