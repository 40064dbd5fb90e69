#!/usr/bin/env bash
# Installs, best effort, the Debian packages some tests need beyond Go.
#
#   scripts/install-test-packages.sh COMMAND:PACKAGE ...
#
# For each COMMAND not found (on PATH or in /usr/sbin, /sbin), installs its
# PACKAGE with apt-get when run as root (a COMMAND that starts with / is a
# file the package installs, such as a module or a rule set, looked for at
# that path): a few attempts, each with a time
# limit, waiting for a dpkg lock held by another process. It never fails
# its caller: what is still missing is printed, and the tests that need it
# skip and say so. Not root, or no apt-get: it only prints what to install.
#
# Tunables (environment): INSTALL_ATTEMPTS (3), INSTALL_TIMEOUT seconds per
# apt-get call (300), INSTALL_RETRY_DELAY seconds before the second attempt,
# doubled after each (5).
set -uo pipefail

attempts=${INSTALL_ATTEMPTS:-3}
limit=${INSTALL_TIMEOUT:-300}
delay=${INSTALL_RETRY_DELAY:-5}

have() {
	case "$1" in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ;;
	esac
}

# missing prints the PACKAGE of every COMMAND:PACKAGE whose command is absent.
missing() {
	local pair
	for pair in "$@"; do
		have "${pair%%:*}" || printf '%s\n' "${pair#*:}"
	done
}

# bounded runs a command under timeout(1) when it exists.
bounded() {
	if command -v timeout >/dev/null 2>&1; then
		timeout --kill-after=10 "$limit" "$@"
	else
		"$@"
	fi
}

[ $# -gt 0 ] || exit 0
mapfile -t packages < <(missing "$@")
[ ${#packages[@]} -gt 0 ] || exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "note: missing ${packages[*]} (Debian packages); the tests that need them skip. Install them with: apt-get install ${packages[*]}"
	exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
for ((try = 1; try <= attempts; try++)); do
	echo "== installing ${packages[*]} (Debian packages for the tests), attempt $try of $attempts"
	if bounded apt-get update -qq >"$log" 2>&1 &&
		DEBIAN_FRONTEND=noninteractive bounded apt-get install -y -qq --no-install-recommends \
			-o DPkg::Lock::Timeout=60 "${packages[@]}" >>"$log" 2>&1; then
		break
	else
		rc=$?
	fi
	echo "   apt-get failed (exit $rc); its last lines:"
	tail -n 5 "$log" | sed 's/^/   | /'
	if [ "$try" -lt "$attempts" ]; then
		sleep "$delay"
		delay=$((delay * 2))
	fi
done

mapfile -t still < <(missing "$@")
if [ ${#still[@]} -gt 0 ]; then
	echo "note: could not install ${still[*]}; the tests that need them skip, the others run"
fi
exit 0
