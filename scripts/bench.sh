#!/usr/bin/env bash
# Reproduces every figure in docs/benchmarks.md. Pass a section name
# (foundation, secmaster, waf, workspace) to run one section only.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
	export PATH="/usr/local/go/bin:$PATH"
fi
section="${1:-all}"
want() { [ "$section" = all ] || [ "$section" = "$1" ]; }

if want foundation; then
	echo "== foundation"
fi
if want secmaster; then
	echo "== secmaster"
fi
if want waf; then
	echo "== waf"
fi
if want workspace; then
	echo "== workspace"
fi
