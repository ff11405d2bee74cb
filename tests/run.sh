#!/usr/bin/env bash
# The Segur SDK test command: provisions the real components the integration tests use (Debian packages,
# npm), builds, packs, then runs every test of SegurSdk.sln and prints the summary line.
# Usage: bash tests/run.sh            (CI=true makes missing components a failure)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# 1. Real components (idempotent; quiet). Each writes SEGUR_TEST_* variables to tests/env/.state/env. The background
# services are stopped when this script ends (SEGUR_ENV_KEEP=1 keeps them).
if [ "${SEGUR_ENV_KEEP:-}" != "1" ]; then trap 'bash tests/env/teardown.sh' EXIT; fi
bash tests/env/setup.sh
set -a
# shellcheck disable=SC1091
[ -f tests/env/.state/env ] && . tests/env/.state/env
set +a

# 2. Build warning-free, and pack (package-content tests read nuget/packages/).
dotnet build SegurSdk.sln -c Release -nologo -clp:ErrorsOnly -warnaserror
rm -rf nuget/packages
dotnet pack SegurSdk.sln -c Release --no-build -nologo -v quiet

# 3. Every test.
log="$(mktemp)"
set +e
dotnet test SegurSdk.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Sum the per-assembly lines ("Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12") into one line.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
