#!/usr/bin/env bash
# Stops the background services tests/env/setup.sh started (the test pcscd by its PID file, the oidc-provider by its
# working directory): a system pcscd or another checkout's services are left alone. Idempotent; run by tests/run.sh when it ends
# (SEGUR_ENV_KEEP=1 keeps them running for a following `dotnet test`).
set -uo pipefail
state="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.state"
if [ -f "$state/pcscd/stop.sh" ]; then bash "$state/pcscd/stop.sh"; fi
# The OpenID provider: every `node psc-provider.mjs` running in this checkout's tests/env/node (the PID file holds
# setsid's PID, which may not be node's).
node_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/node"
for pid in $(pgrep -f 'psc-provider.mjs' || true); do
  [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$node_dir" ] && kill "$pid" 2>/dev/null || true
done
rm -f "$state/oidc-provider.pid" "$state/oidc-provider.port"
exit 0
