#!/usr/bin/env bash
# Independent Data Matrix decoders for the INS Datamatrix integration tests:
# ZXingReader (zxing-cpp-tools) and dmtxread (dmtx-utils); dmtxwrite as a reference encoder.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
segur_apt_install zxing-cpp-tools dmtx-utils
zxing="$(command -v ZXingReader || true)"
[ -n "$zxing" ] || zxing="$(dpkg -L zxing-cpp-tools | grep -E '/bin/ZXingReader$' | head -n 1)"
dmtx="$(command -v dmtxread || true)"
dmtxw="$(command -v dmtxwrite || true)"
[ -n "$zxing" ] && [ -x "$zxing" ] || { echo "ZXingReader not found after installing zxing-cpp-tools" >&2; exit 1; }
[ -n "$dmtx" ] && [ -x "$dmtx" ] || { echo "dmtxread not found after installing dmtx-utils" >&2; exit 1; }
[ -n "$dmtxw" ] && [ -x "$dmtxw" ] || { echo "dmtxwrite not found after installing dmtx-utils" >&2; exit 1; }
segur_env SEGUR_TEST_ZXINGREADER "$zxing"
segur_env SEGUR_TEST_DMTXREAD "$dmtx"
# libdmtx encoder, used as an independent reference for codewords (all sizes, including 144x144).
segur_env SEGUR_TEST_DMTXWRITE "$dmtxw"
