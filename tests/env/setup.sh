#!/usr/bin/env bash
# Installs and starts every real component the integration tests need, by running each
# tests/env/components/*.sh. Idempotent and quiet. Each component appends its SEGUR_TEST_* variables to
# tests/env/.state/env. Under CI=true a component that cannot be provisioned fails the run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state="$here/.state"
mkdir -p "$state"
: > "$state/env"
rm -f "$state/.apt-updated"
export SEGUR_ENV_STATE="$state" SEGUR_ENV_FILE="$state/env"
# shellcheck source=lib.sh
. "$here/lib.sh"
for component in "$here"/components/*.sh; do
  [ -e "$component" ] || continue
  name="$(basename "$component" .sh)"
  if ! bash "$component" >"$state/$name.log" 2>&1; then
    echo "tests/env: component '$name' failed (log: $state/$name.log):" >&2
    tail -n 20 "$state/$name.log" >&2
    if [ "${CI:-}" = "true" ]; then exit 1; fi
  else
    echo "tests/env: $name ready"
  fi
done
