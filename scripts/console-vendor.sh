#!/usr/bin/env bash
# Fetches the web console's front-end library from the npm registry and
# copies the files the browser loads, with their licence, into
# internal/console/static/vendor/. The result is committed, so building
# Rampart needs neither Node.js nor the network.
#
#   scripts/console-vendor.sh
#
# Needs npm (for `npm pack`) and tar. Pinned versions: change them here and
# run the script again; `git diff` shows what changed.
set -euo pipefail

chartjs_version=4.6.2

root=$(cd "$(dirname "$0")/.." && pwd)
vendor="$root/internal/console/static/vendor"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm pack --silent "chart.js@$chartjs_version" >/dev/null
tar xzf "chart.js-$chartjs_version.tgz"
mkdir -p "$vendor/chartjs"
cp package/dist/chart.umd.min.js "$vendor/chartjs/chart.umd.min.js"
cp package/LICENSE.md "$vendor/chartjs/LICENSE.md"
echo "chart.js $chartjs_version -> $vendor/chartjs"
