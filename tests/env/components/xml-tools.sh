#!/usr/bin/env bash
# xmlsec1 (independent XML-DSig verifier) and xmllint (XSD validation).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
segur_apt_install xmlsec1 libxml2-utils
segur_env SEGUR_TEST_XMLSEC1 "$(command -v xmlsec1)"
segur_env SEGUR_TEST_XMLLINT "$(command -v xmllint)"
