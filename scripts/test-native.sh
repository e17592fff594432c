#!/usr/bin/env bash
# Runs floe's Arraylake, data and end-to-end tests plus the seed job on Icechunk's NATIVE build, which needs
# glibc >= 2.38: inside a Debian 13 (trixie) root built with debootstrap from Debian's packages (Node 20.19 is
# Debian's own nodejs). The project is installed there from scratch (npm ci from a copy of the tree).
#
#   sudo scripts/test-native.sh            # exit 0: all passed natively; 1: a test failed; 2: cannot run here
#   sudo scripts/test-native.sh --bench remote [--rounds 3]   # a benchmark on the native build instead of the tests
#
# Needs: root (debootstrap, chroot, bind mounts), debootstrap, and network to Debian's mirror and the npm
# registry. better-sqlite3 is compiled there against Debian's Node headers (libnode-dev, npm_config_nodedir=/usr),
# so neither GitHub (prebuilt binaries) nor nodejs.org (headers) needs to be reachable. The root is cached in $FLOE_NATIVE_CACHE (default /var/cache/floe-native) and reused while valid.
# Bind mounts are undone on every exit; a root that failed to build is deleted, never left half-built.
set -euo pipefail

REPO=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${FLOE_SHARED_DIR:-$(cd "$REPO/.." && pwd)/shared}
CACHE=${FLOE_NATIVE_CACHE:-/var/cache/floe-native}
MIRROR=${FLOE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=trixie
PACKAGES=nodejs,libnode-dev,ca-certificates,python3,make,g++
STAMP="floe-native v1 $SUITE $PACKAGES"
ROOT=$CACHE/$SUITE
START=$(date +%s)

say() { echo "test-native: $*" >&2; }
cannot() { say "cannot run: $*"; exit 2; }

BENCH=
if [ $# -gt 0 ]; then
  [ "$1" = "--bench" ] && [ $# -ge 2 ] || { say "usage: $0 [--bench NAME [ARGS...]]"; exit 2; }
  shift
  BENCH="$*"
  [[ "$BENCH" =~ ^[A-Za-z0-9\ =._-]+$ ]] || { say "usage: benchmark name and arguments may hold letters, digits, spaces and = . _ - only"; exit 2; }
fi

[ "$(id -u)" = 0 ] || cannot "needs root (debootstrap, chroot and bind mounts); run it as root or with sudo"
command -v debootstrap >/dev/null || cannot "needs debootstrap (apt-get install debootstrap)"
command -v chroot >/dev/null || cannot "needs chroot (coreutils)"
NPM_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")") || cannot "needs npm on this machine (it is copied into the root: Debian 13's npm package does not configure there)"
[ -f "$NPM_DIR/bin/npm-cli.js" ] || cannot "npm found at $NPM_DIR but not its bin/npm-cli.js"
CA=/etc/ssl/certs/ca-certificates.crt
[ -f "$CA" ] || cannot "needs this machine's CA bundle at $CA"
[ -d "$SHARED/fixtures" ] || cannot "needs the shared fixtures at $SHARED/fixtures (set FLOE_SHARED_DIR)"

# A retry loop for anything that talks to the network.
retry() {
  local attempt
  for attempt in 1 2 3; do
    "$@" && return 0
    say "attempt $attempt of 3 failed: $*"
    sleep $((attempt * 5))
  done
  return 1
}

# Processes still running inside the root (a server whose test crashed): they would keep the mounts busy.
strays() {
  local p
  for p in /proc/[0-9]*; do [ "$(readlink "$p/root" 2>/dev/null)" = "$ROOT" ] && echo "${p#/proc/}"; done
  return 0
}

MOUNTS=()
cleanup() {
  local status=$? m pids
  pids=$(strays)
  if [ -n "$pids" ]; then
    say "stopping processes left in the root: $(echo $pids)"
    kill $pids 2>/dev/null || true
    sleep 2
    pids=$(strays)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
  fi
  for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
    m=${MOUNTS[$i]}
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "could not unmount $m"
  done
  [ -n "${BUILDING:-}" ] && rm -rf --one-file-system "$BUILDING"
  say "finished in $(($(date +%s) - START)) s (exit $status)"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bind() {
  mkdir -p "$2"
  mount --bind "$1" "$2"
  MOUNTS+=("$2")
}

if [ "$(cat "$ROOT/.floe-native" 2>/dev/null)" != "$STAMP" ]; then
  retry curl -fsSI --max-time 20 "$MIRROR/dists/$SUITE/Release" >/dev/null \
    || cannot "no network to Debian's packages ($MIRROR/dists/$SUITE/Release); set FLOE_DEBIAN_MIRROR to a reachable mirror"
  say "building a Debian $SUITE root in $ROOT (once; reused while valid)"
  mkdir -p "$CACHE"
  BUILDING=$ROOT.building
  built=
  for attempt in 1 2 3; do
    rm -rf --one-file-system "$BUILDING"
    if debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$BUILDING" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1; then
      built=1
      break
    fi
    say "debootstrap attempt $attempt of 3 failed (log: $CACHE/debootstrap.log): $(tail -1 "$CACHE/debootstrap.log")"
    sleep $((attempt * 10))
  done
  [ -n "$built" ] || { say "could not build the root from $MIRROR"; exit 2; }
  echo "$STAMP" >"$BUILDING/.floe-native"
  rm -rf --one-file-system "$ROOT"
  mv "$BUILDING" "$ROOT"
  BUILDING=
fi

# This machine's npm and CA bundle (refreshed each run: cheap, and they follow the host).
rm -rf "$ROOT/opt/npm" && mkdir -p "$ROOT/opt" && cp -a "$NPM_DIR" "$ROOT/opt/npm"
cp "$CA" "$ROOT/etc/floe-ca.crt"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

# A fresh copy of the tree (tracked and new files, no node_modules, no state), shared fixtures beside it.
WORK=$ROOT/work
# A benchmark keeps the last run's install when package-lock.json is unchanged; the tests always install from scratch.
KEEP=
if [ -n "$BENCH" ] && [ -d "$WORK/floe/node_modules" ] && cmp -s "$REPO/package-lock.json" "$WORK/floe/package-lock.json"; then
  KEEP=$ROOT/node_modules.kept
  rm -rf --one-file-system "$KEEP" && mv "$WORK/floe/node_modules" "$KEEP"
fi
rm -rf --one-file-system "$WORK" && mkdir -p "$WORK/floe" "$WORK/shared"
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done | tar --null --no-recursion -T - -cf -) | tar -xf - -C "$WORK/floe"
cp -a "$SHARED/fixtures" "$WORK/shared/fixtures"
[ -z "$KEEP" ] || mv "$KEEP" "$WORK/floe/node_modules"

bind /proc "$ROOT/proc"
bind /dev "$ROOT/dev"

in_root() {
  chroot "$ROOT" /usr/bin/env -i HOME=/root PATH=/opt/npm/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    NODE_EXTRA_CA_CERTS=/etc/floe-ca.crt npm_config_cafile=/etc/floe-ca.crt npm_config_nodedir=/usr TMPDIR=/tmp \
    /bin/sh -c "cd /work/floe && $1"
}

say "$(in_root 'node --version; ldd --version | head -1' | tr '\n' ' ')"
CI_START=$(date +%s)
if [ -n "$KEEP" ]; then
  say "reusing the last install (package-lock.json unchanged)"
else
  say "npm ci (from scratch, in the root)"
  retry in_root "node /opt/npm/bin/npm-cli.js ci --no-audit --no-fund >/tmp/npm-ci.log 2>&1 || { tail -20 /tmp/npm-ci.log; exit 1; }" \
    || { say "npm ci failed in the root"; exit 2; }
fi

in_root "node -e 'const { Storage } = require(\"@earthmover/icechunk\"); if (typeof Storage.newLocalFilesystem !== \"function\") { console.error(\"the WASM build loaded, not the native binary\"); process.exit(1) }'" \
  || { say "the native Icechunk binary did not load in the root"; exit 1; }
say "native Icechunk binary loaded (npm ci took $(($(date +%s) - CI_START)) s)"

if [ -n "$BENCH" ]; then
  say "npm run bench -- $BENCH (native build)"
  in_root "node /opt/npm/bin/npm-cli.js run --silent bench -- $BENCH" || { say "the benchmark failed on the native build"; exit 1; }
  exit 0
fi

failed=
TESTS='$(find test/arraylake test/data test/run test/testing test/cli -name "*.test.ts" | sort)'
TESTS_START=$(date +%s)
in_root "node --import tsx --test --test-concurrency=2 --test-reporter=dot $TESTS" || failed="tests"
say "tests took $(($(date +%s) - TESTS_START)) s"
in_root "export FLOE_STATE_DIR=/tmp/floe-native-state; rm -rf \$FLOE_STATE_DIR; node bin/floe.js demo seed && node bin/floe.js run seasonal-averages --local" \
  || failed="${failed:+$failed, }seed job"
if [ -n "$failed" ]; then
  say "FAILED on the native build: $failed"
  exit 1
fi
say "passed on the native build: Arraylake, data, run, testing and CLI tests; demo seed + seasonal-averages"
