#!/usr/bin/env bash
# Optout Guard: build, test and demo in one place.
#   ./build.sh [build]   install what is missing, build dist/chromium, dist/firefox and the store zips
#   ./build.sh test      everything CI checks: fmt, clippy, cargo test, build, browser tests
#   ./build.sh demo      build, serve the LinkedIn fixtures and open Chromium with the extension
#   ./build.sh bench     build, then print the size and speed figures the budgets are held to
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
ROOT="$PWD"

WASM_TARGET=wasm32-unknown-unknown
# Kept outside the repo so a fresh clone (CI) reuses the wasm-bindgen it installed last time.
TOOLS="${OPTOUT_GUARD_TOOLS:-$HOME/.cache/optout-guard/tools}"
# wasm-bindgen's output is post-processed here before it is copied into both dist trees.
WASM_PKG="$ROOT/target/optout-guard-wasm"
DIST="$ROOT/dist"
CHROMIUM_BIN=/usr/bin/chromium
FIREFOX_BIN=/usr/bin/firefox-esr

# The features rustc 1.95 enables by default for wasm32-unknown-unknown
# (`rustc --print cfg --target wasm32-unknown-unknown`); wasm-opt must accept all of them or it
# rejects the module. Chromium and Firefox support every one.
WASM_OPT_FEATURES=(
  --enable-bulk-memory
  --enable-multivalue
  --enable-mutable-globals
  --enable-nontrapping-float-to-int
  --enable-reference-types
  --enable-sign-ext
)

CURRENT_STEP=""
step() {
  CURRENT_STEP="$*"
  printf '\n==> %s\n' "$*"
}
die() {
  printf '\nerror: %s\n' "$*" >&2
  exit 1
}
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 && -n "$CURRENT_STEP" ]]; then
    printf '\n==> FAILED (exit %d) during: %s\n' "$rc" "$CURRENT_STEP" >&2
  fi
}
trap on_exit EXIT

as_root() {
  if [[ $EUID -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

# --- install steps (each one is quick when the tool is already there) -----------------------

wasm_bindgen_version() {
  # The single source of truth is the `wasm-bindgen = "=X.Y.Z"` pin in Cargo.toml: the CLI must
  # be the same version as the library, or it refuses to process the module.
  local v
  v="$(sed -nE 's/^[[:space:]]*wasm-bindgen[[:space:]]*=[[:space:]]*"=([0-9]+\.[0-9]+\.[0-9]+)".*/\1/p' Cargo.toml | head -n1)"
  [[ -n "$v" ]] || die 'Cargo.toml must pin wasm-bindgen exactly, e.g. wasm-bindgen = "=0.2.130"'
  printf '%s\n' "$v"
}

ensure_rust_target() {
  command -v cargo >/dev/null || die "cargo not found: install Rust with rustup first"
  command -v rustup >/dev/null || die "rustup not found: it is needed to add the $WASM_TARGET target"
  if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
    step "rustup target add $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi
}

ensure_rust_components() {
  local installed missing=()
  installed="$(rustup component list --installed)"
  grep -q '^rustfmt' <<<"$installed" || missing+=(rustfmt)
  grep -q '^clippy' <<<"$installed" || missing+=(clippy)
  if [[ ${#missing[@]} -gt 0 ]]; then
    step "rustup component add ${missing[*]}"
    rustup component add "${missing[@]}"
  fi
}

ensure_wasm_bindgen() {
  local v
  v="$(wasm_bindgen_version)"
  WASM_BINDGEN="$TOOLS/wasm-bindgen-$v/bin/wasm-bindgen"
  if [[ ! -x "$WASM_BINDGEN" ]] || [[ "$("$WASM_BINDGEN" --version 2>/dev/null)" != "wasm-bindgen $v" ]]; then
    step "cargo install wasm-bindgen-cli $v (first time only, takes a few minutes)"
    # No --locked: wasm-bindgen-cli's own lockfile does not build with this toolchain.
    cargo install wasm-bindgen-cli --version "$v" --root "$TOOLS/wasm-bindgen-$v" --force
    [[ "$("$WASM_BINDGEN" --version)" == "wasm-bindgen $v" ]] || die "installed wasm-bindgen is not $v"
  fi
}

ensure_node() {
  command -v node >/dev/null || die "node not found: Node.js 20 or newer is needed"
  command -v npm >/dev/null || die "npm not found"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  [[ "$major" -ge 20 ]] || die "Node.js $(node --version) is too old: 20 or newer is needed"
}

ensure_npm_deps() {
  ensure_node
  # npm writes node_modules/.package-lock.json on every install: if it is older than the
  # committed lockfile, the tree is stale.
  if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]] \
    || [[ ! -x node_modules/.bin/wasm-opt ]]; then
    step "npm ci"
    npm ci --no-audit --no-fund
  fi
}

# The browser tests need Debian's Chromium (never a downloaded one) and the openssl CLI, with
# which the fixture server makes a throwaway certificate.
ensure_test_packages() {
  local missing=()
  [[ -x "$CHROMIUM_BIN" ]] || missing+=(chromium)
  command -v openssl >/dev/null || missing+=(openssl)
  if [[ ${#missing[@]} -gt 0 ]]; then
    step "apt-get install ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  fi
  [[ -x "$CHROMIUM_BIN" ]] || die "$CHROMIUM_BIN is still missing after apt-get install chromium"
  command -v openssl >/dev/null || die "openssl is still missing after apt-get install openssl"
}

# The Firefox tests load dist/firefox into Debian's Firefox ESR (never a downloaded one); they
# check its version against the manifest's strict_min_version themselves.
ensure_firefox() {
  if [[ ! -x "$FIREFOX_BIN" ]]; then
    step "apt-get install firefox-esr"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y firefox-esr
  fi
  [[ -x "$FIREFOX_BIN" ]] || die "$FIREFOX_BIN is still missing after apt-get install firefox-esr"
}

ensure_build_tools() {
  ensure_rust_target
  ensure_wasm_bindgen
  ensure_npm_deps
}

# --- build ----------------------------------------------------------------------------------

build_wasm() {
  step "cargo build --release --target $WASM_TARGET -p optout-wasm"
  cargo build --release --target "$WASM_TARGET" -p optout-wasm

  step "wasm-bindgen --target web"
  rm -rf "$WASM_PKG"
  mkdir -p "$WASM_PKG"
  "$WASM_BINDGEN" --target web --no-typescript --out-dir "$WASM_PKG" \
    "target/$WASM_TARGET/release/optout_wasm.wasm"

  step "wasm-opt -Oz"
  # npm's binaryen, never Debian's: binaryen 108 mangles wasm-bindgen's output.
  # Stripping here too keeps the shipped module free of names and tool metadata whatever the
  # release profile's `strip` says.
  node_modules/.bin/wasm-opt -Oz "${WASM_OPT_FEATURES[@]}" --strip-debug --strip-producers --strip-target-features \
    "$WASM_PKG/optout_wasm_bg.wasm" -o "$WASM_PKG/optout_wasm_bg.opt.wasm"
  mv "$WASM_PKG/optout_wasm_bg.opt.wasm" "$WASM_PKG/optout_wasm_bg.wasm"

  step "check the optimised module instantiates with its glue"
  node scripts/check-wasm.mjs "$WASM_PKG"
}

assemble() {
  step "assemble dist/chromium and dist/firefox"
  node scripts/assemble.mjs --root "$ROOT" --wasm "$WASM_PKG" --dist "$DIST"

  local version
  version="$(node -p 'require("./dist/chromium/manifest.json").version')"
  step "store zips (version $version)"
  rm -f "$DIST"/optout-guard-*.zip
  python3 scripts/zipdir.py "$DIST/chromium" "$DIST/optout-guard-chromium-$version.zip"
  python3 scripts/zipdir.py "$DIST/firefox" "$DIST/optout-guard-firefox-$version.zip"
}

report_sizes() {
  local wasm="$DIST/chromium/wasm/optout_wasm_bg.wasm" raw gz
  raw="$(wc -c <"$wasm")"
  gz="$(gzip -9 -c "$wasm" | wc -c)"
  step "done"
  printf 'dist/chromium/  dist/firefox/\n'
  (cd "$DIST" && ls -1 optout-guard-*.zip)
  printf 'shipped wasm: %d bytes raw, %d bytes gzip -9 (%s)\n' "$raw" "$gz" "${wasm#"$ROOT"/}"
}

cmd_build() {
  ensure_build_tools
  build_wasm
  assemble
  report_sizes
}

# --- test -----------------------------------------------------------------------------------

# Runs every DIR/*.test.mjs with node's test runner, one file at a time (each starts a browser).
run_node_tests() {
  local dir="$1" what="$2" files
  shopt -s nullglob
  files=("$dir"/*.test.mjs)
  shopt -u nullglob
  [[ ${#files[@]} -gt 0 ]] || die "no $what found ($dir/*.test.mjs): refusing to report success without them"
  node --test --test-concurrency=1 "${files[@]}"
}

cmd_test() {
  export CHROMIUM="${CHROMIUM:-$CHROMIUM_BIN}"
  export FIREFOX="${FIREFOX:-$FIREFOX_BIN}"
  ensure_test_packages
  ensure_firefox
  ensure_rust_target
  ensure_rust_components
  ensure_build_tools

  step "cargo fmt --all --check"
  cargo fmt --all --check

  step "cargo clippy --workspace --all-targets -- -D warnings"
  cargo clippy --workspace --all-targets -- -D warnings

  step "cargo test --workspace"
  cargo test --workspace

  cmd_build

  step "browser tests (node --test tests/e2e/*.test.mjs, CHROMIUM=$CHROMIUM)"
  run_node_tests tests/e2e "browser tests"

  step "Firefox tests: addons-linter and a real load in Firefox ESR (node --test tests/firefox/*.test.mjs, FIREFOX=$FIREFOX)"
  run_node_tests tests/firefox "Firefox tests"

  CURRENT_STEP=""
  printf '\n==> all tests passed\n'
}

# --- demo -----------------------------------------------------------------------------------

DEMO_SERVER_PID=""
DEMO_PROFILE=""
DEMO_LOG=""
demo_cleanup() {
  if [[ -n "$DEMO_SERVER_PID" ]] && kill -0 "$DEMO_SERVER_PID" 2>/dev/null; then
    kill "$DEMO_SERVER_PID" 2>/dev/null || true
    wait "$DEMO_SERVER_PID" 2>/dev/null || true
  fi
  [[ -z "$DEMO_PROFILE" ]] || rm -rf "$DEMO_PROFILE"
  [[ -z "$DEMO_LOG" ]] || rm -f "$DEMO_LOG"
}

cmd_demo() {
  local url='https://www.linkedin.com/mypreferences/d/settings/data-for-ai-improvement'
  [[ -f tests/server/serve.mjs ]] || die "tests/server/serve.mjs (the fixture server) is missing"
  ensure_test_packages
  cmd_build

  step "start the fixture server"
  trap 'rc=$?; demo_cleanup; (exit "$rc"); on_exit' EXIT
  local log port="" i
  DEMO_LOG="$(mktemp)"
  log="$DEMO_LOG"
  node tests/server/serve.mjs --port "${OPTOUT_GUARD_DEMO_PORT:-0}" >"$log" 2>&1 &
  DEMO_SERVER_PID=$!
  # Wait for the server to say where it listens, not for a fixed time.
  for ((i = 0; i < 300; i++)); do
    port="$(sed -nE 's#.*listening on https://127\.0\.0\.1:([0-9]+).*#\1#p' "$log" | head -n1)"
    [[ -z "$port" ]] || break
    kill -0 "$DEMO_SERVER_PID" 2>/dev/null || { cat "$log" >&2; die "the fixture server exited"; }
    sleep 0.1
  done
  [[ -n "$port" ]] || { cat "$log" >&2; die "the fixture server did not report its port within 30 s"; }
  printf 'fixture server on https://127.0.0.1:%s (serving www.linkedin.com)\n' "$port"

  if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]]; then
    step "open Chromium with dist/chromium loaded (close the window to stop; its log: dist/demo-chromium.log)"
    DEMO_PROFILE="$(mktemp -d)"
    local sandbox=()
    [[ $EUID -ne 0 ]] || sandbox=(--no-sandbox)
    "$CHROMIUM_BIN" "${sandbox[@]}" --no-first-run --disable-quic --disable-background-networking \
      --disable-component-update --disable-sync --user-data-dir="$DEMO_PROFILE" \
      --host-resolver-rules="MAP www.linkedin.com 127.0.0.1:$port, MAP * ~NOTFOUND" \
      --ignore-certificate-errors \
      --disable-extensions-except="$DIST/chromium" --load-extension="$DIST/chromium" "$url" \
      2>"$DIST/demo-chromium.log"
  else
    step "no \$DISPLAY: running headless and saving screenshots to dist/demo/"
    rm -rf "$DIST/demo"
    node scripts/demo.mjs --port "$port" --ext "$DIST/chromium" --out "$DIST/demo" --chromium "$CHROMIUM_BIN" \
      "$url" 'https://www.linkedin.com/mypreferences/d/categories/privacy'
  fi
  CURRENT_STEP=""
}

# --- bench ----------------------------------------------------------------------------------

# Figures, not pass/fail: timed assertions would flake on 2 noisy cores.
cmd_bench() {
  export CHROMIUM="${CHROMIUM:-$CHROMIUM_BIN}"
  ensure_test_packages
  cmd_build

  step "core, natively (cargo run --release --example bench)"
  cargo run --release -q -p optout-core --example bench

  step "in Chromium: wasm size, scan round trip, first paint (tests/bench/scan.mjs)"
  node tests/bench/scan.mjs
  CURRENT_STEP=""
}

# --- dispatch -------------------------------------------------------------------------------

usage() {
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
}

case "${1:-build}" in
  build) cmd_build ;;
  test) cmd_test ;;
  demo) cmd_demo ;;
  bench) cmd_bench ;;
  -h | --help | help) usage ;;
  *)
    usage >&2
    die "unknown command: $1"
    ;;
esac
