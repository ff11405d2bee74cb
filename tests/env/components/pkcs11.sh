#!/usr/bin/env bash
# PKCS#11 for TLS client authentication with a card key: OpenSSL's pkcs11 engine (libp11), OpenSC's PKCS#11 module
# (which reads PKCS#15 cards through pcscd) and SoftHSM2 (a software token the TLS tests load the virtual card's key
# into). libp11 loads p11-kit's proxy, which exposes every module registered under /usr/share/p11-kit/modules.
# Writes SEGUR_TEST_PKCS11=1, SEGUR_TEST_SOFTHSM2_CONF (a private token directory under the env state) and
# SEGUR_TEST_SOFTHSM2_UTIL, SEGUR_TEST_OPENSC_PKCS11, SEGUR_TEST_PKCS15_TOOL and SEGUR_TEST_PKCS11_TOOL (OpenSC: reads
# the virtual card via pcscd, logs in and signs with its key through its IAS-ECC "CPx" driver).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
segur_apt_install opensc libengine-pkcs11-openssl softhsm2 p11-kit-modules openssl

work="${SEGUR_ENV_STATE:-/tmp}/softhsm"
mkdir -p "$work/tokens"
chmod 700 "$work" "$work/tokens"
cat > "$work/softhsm2.conf" <<CONF
directories.tokendir = $work/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF

engine="$(openssl version -e | sed -E 's/^ENGINESDIR: "(.*)"$/\1/')/pkcs11.so"
[ -f "$engine" ] || { echo "libp11 engine not found at $engine" >&2; exit 1; }
module="$(dpkg -L opensc-pkcs11 2>/dev/null | grep -m1 '/opensc-pkcs11.so$' || true)"

segur_env SEGUR_TEST_PKCS11 1
segur_env SEGUR_TEST_SOFTHSM2_CONF "$work/softhsm2.conf"
segur_env SEGUR_TEST_SOFTHSM2_UTIL "$(command -v softhsm2-util)"
segur_env SEGUR_TEST_OPENSC_PKCS11 "$module"
segur_env SEGUR_TEST_PKCS15_TOOL "$(command -v pkcs15-tool)"
segur_env SEGUR_TEST_PKCS11_TOOL "$(command -v pkcs11-tool)"
