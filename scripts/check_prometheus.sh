#!/usr/bin/env bash
# Checks the Prometheus configuration and alert rules in deploy/prometheus:
# the scrape config, the rules' syntax, and the rules' unit tests.
# Exits non-zero on the first failure.
#
#   scripts/check_prometheus.sh [DIR]
#
# DIR defaults to deploy/prometheus; passing another lets a copy be checked
# without touching the tree.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-$ROOT/deploy/prometheus}"

if ! command -v promtool >/dev/null 2>&1; then
  echo "check_prometheus: promtool not found; install it with" >&2
  echo "  sudo apt-get install -y prometheus   (Debian 12: /usr/bin/promtool)" >&2
  exit 127
fi

step() {
  echo "==> promtool $*"
  if ! promtool "$@"; then
    echo "check_prometheus: FAILED: promtool $*" >&2
    exit 1
  fi
}

step check config "$DIR/prometheus.yml"
step check rules "$DIR/rules.yml"
# promtool resolves rule_files relative to the test file, so the tests run
# against the rules.yml beside them.
step test rules "$DIR/rules_test.yml"

echo "check_prometheus: all checks passed"
