#!/usr/bin/env bash
# panva oidc-provider (npm, pinned in tests/env/node/package-lock.json) configured like Pro Santé Connect by
# tests/env/node/psc-provider.mjs, started in the background on 127.0.0.1 (random port, recorded in the state
# directory). Exports SEGUR_TEST_OIDC_PROVIDER = its discovery URL (PSC's wallet-openid-configuration path).
# Idempotent: reuses a running instance.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
env_dir="$(cd "$(dirname "$0")/.." && pwd)"
node_dir="$env_dir/node"
state="${SEGUR_ENV_STATE:?}"
port_file="$state/oidc-provider.port"
pid_file="$state/oidc-provider.pid"

command -v node >/dev/null 2>&1 || segur_apt_install nodejs npm
if [ ! -f "$node_dir/node_modules/oidc-provider/package.json" ]; then
  # The registry sometimes times out: three tries, with a pause, before failing.
  for attempt in 1 2 3; do
    if (cd "$node_dir" && npm ci --no-audit --no-fund --loglevel=error --fetch-retries=4 >/dev/null); then break; fi
    [ "$attempt" = 3 ] && exit 1
    sleep $((attempt * 10))
  done
fi

discovery() { echo "http://127.0.0.1:$1/auth/realms/esante-wallet/.well-known/wallet-openid-configuration"; }
running() {
  [ -s "$port_file" ] && [ -s "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
    && (exec 3<>"/dev/tcp/127.0.0.1/$(cat "$port_file")") 2>/dev/null
}

if ! running; then
  if [ -s "$pid_file" ]; then kill "$(cat "$pid_file")" 2>/dev/null || true; fi
  rm -f "$port_file" "$pid_file"
  (cd "$node_dir" && PSC_OP_PORT=0 PSC_OP_PORT_FILE="$port_file" setsid nohup node psc-provider.mjs \
    >"$state/oidc-provider.out" 2>&1 </dev/null & echo $! >"$pid_file")
  for _ in $(seq 1 200); do [ -s "$port_file" ] && break; sleep 0.1; done
  if [ ! -s "$port_file" ]; then
    echo "psc-provider.mjs did not start:" >&2
    cat "$state/oidc-provider.out" >&2
    exit 1
  fi
  segur_wait_port "$(cat "$port_file")"
fi
segur_env SEGUR_TEST_OIDC_PROVIDER "$(discovery "$(cat "$port_file")")"
