# Sourced by scripts/up and scripts/test: installs what is missing and builds.
# A second run with nothing changed installs nothing and rebuilds nothing.
set -euo pipefail

PETRADE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${BUILD_DIR:-$PETRADE_ROOT/build}"
JOBS="${JOBS:-2}"

DEBIAN_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config git
  libcaf-dev libboost-dev nlohmann-json3-dev librocksdb-dev libssl-dev
  libsecp256k1-dev libcrypto++-dev libgtest-dev libgmock-dev
  chromium openssl nginx prometheus python3-yaml docker-compose
  clang libclang-rt-14-dev llvm   # build-asan/: ASan, UBSan, libFuzzer, llvm-symbolizer
)

log() { printf '[setup] %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_debian_packages() {
  local missing=()
  for p in "${DEBIAN_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$p")
  done
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    missing+=(nodejs npm)
  fi
  # kubectl for the deploy/k8s check; any kubectl will do, Debian's only if none.
  command -v kubectl >/dev/null || missing+=(kubernetes-client)
  if [ ${#missing[@]} -eq 0 ]; then
    return
  fi
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

# anvil, cast and solc are pinned in tools/package-lock.json.
ensure_npm_tools() {
  local stamp="$PETRADE_ROOT/tools/node_modules/.petrade-stamp"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$PETRADE_ROOT/tools/package-lock.json" ] \
     && [ -x "$PETRADE_ROOT/tools/node_modules/.bin/anvil" ]; then
    return
  fi
  log "installing pinned anvil, cast and solc with npm"
  (cd "$PETRADE_ROOT/tools" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  touch "$stamp"
}

# The web app: vite and playwright-core pinned in web/package-lock.json,
# built into web/dist (served by the gateway) when a source is newer.
ensure_web_app() {
  local web="$PETRADE_ROOT/web"
  local stamp="$web/node_modules/.petrade-stamp"
  if [ ! -f "$stamp" ] || [ "$web/package-lock.json" -nt "$stamp" ]; then
    log "installing the web app's pinned packages with npm"
    # Not `npm ci`: this registry's lock files leave out the optional
    # platform packages (rollup's), which `npm ci` then calls out of sync;
    # `npm install` keeps to the lock file's versions and leaves it as is.
    (cd "$web" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
    touch "$stamp"
  fi
  local built="$web/dist/index.html"
  if [ ! -f "$built" ] || [ -n "$(find "$web/src" "$web/index.html" "$web/vite.config.js" \
                                   "$web/package-lock.json" -newer "$built" -print -quit)" ]; then
    log "building the web app into web/dist"
    (cd "$web" && npm run --silent build >/dev/null)
  fi
}

build_petrade() {
  if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    log "configuring $BUILD_DIR"
    cmake -S "$PETRADE_ROOT" -B "$BUILD_DIR" -G Ninja "$@" >/dev/null
  fi
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

setup_all() {
  ensure_debian_packages
  ensure_npm_tools
  ensure_web_app
  build_petrade "$@"
}
