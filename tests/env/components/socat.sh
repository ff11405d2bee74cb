#!/usr/bin/env bash
# socat: the serial scanner tests create linked pseudo-terminal pairs with it
#   socat -d -d pty,raw,echo=0,link=APP pty,raw,echo=0,link=DEVICE
# (the SDK opens APP as the scanner's serial port, the test writes frames into DEVICE), and stop and restart it to
# unplug and replug the "device". No daemon: each test starts and stops its own socat. Exports SEGUR_TEST_SOCAT.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
segur_apt_install socat
socat -V >/dev/null
segur_env SEGUR_TEST_SOCAT "$(command -v socat)"
