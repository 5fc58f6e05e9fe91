#!/usr/bin/env bash
# End-to-end test of the web app: builds web/dist, starts the platform with
# tests/e2e/e2e.json (its own ports and run/e2e/), waits for the gateway,
# runs the browser scenario and always stops the platform. The exit code is
# the scenario's.
#
#   tests/e2e/run.sh build        # from the repository root
set -uo pipefail

build=${1:?usage: tests/e2e/run.sh BUILD_DIR}
petrade="$(cd "$build" 2>/dev/null && pwd)/petrade"
cd "$(dirname "$0")/../.." || exit 2
url=http://127.0.0.1:8680
log=run/e2e/petrade.log

[ -x "$petrade" ] || { echo "e2e: no petrade binary in $build" >&2; exit 2; }
[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium is missing (apt-get install chromium)" >&2; exit 2; }
if curl -fsS -m 2 "$url/api/health" >/dev/null 2>&1; then
  echo "e2e: something already answers on $url; stop it first" >&2
  exit 2
fi

echo "e2e: building the web app"
(cd web && { [ -d node_modules ] || npm install --no-audit --no-fund; } && npm run build --silent) || exit 2

mkdir -p run/e2e
# The scenario starts from e2e.json's nodes, not from node changes an
# earlier run left in the cluster file (it cordons and uncordons a node).
rm -f run/e2e/devnet/cluster.json
echo "e2e: starting the platform (log: $log)"
"$petrade" up --config tests/e2e/e2e.json >"$log" 2>&1 &
pid=$!

stop() {
  kill -0 "$pid" 2>/dev/null || return 0
  echo "e2e: stopping the platform (pid $pid)"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "e2e: the platform ignored SIGTERM for 30 s; killing it" >&2
    kill -KILL "$pid"
  fi
  wait "$pid" 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT TERM

ready=
for _ in $(seq 1 240); do
  if curl -fsS -m 2 "$url/api/health" >/dev/null 2>&1; then ready=1; break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "e2e: petrade up exited before the gateway answered; the end of its log:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "e2e: $url/api/health did not answer within 120 s; the end of the log:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi

echo "e2e: gateway up; running the scenario"
rm -f run/e2e/secrets.json
PETRADE_URL=$url PETRADE_ADMIN_PASSWORD_FILE=run/e2e/admin.password PETRADE_SECRETS_FILE=run/e2e/secrets.json \
  node tests/e2e/scenario.mjs
rc=$?
if [ "$rc" -ne 0 ]; then
  echo "e2e: the end of the platform log:" >&2
  tail -n 40 "$log" >&2
fi
# The whole log, shutdown included, must hold no password, token or key.
stop
python3 tests/e2e/scan_secrets.py run/e2e/secrets.json run/e2e/custody.secret "$log" || rc=1
exit "$rc"
