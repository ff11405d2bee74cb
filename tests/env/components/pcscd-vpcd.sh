#!/usr/bin/env bash
# pcscd with vsmartcard's vpcd reader driver: the SDK -> libpcsclite -> pcscd -> vpcd -> VirtualCpsCard path.
# pcscd is started in the background from an isolated reader.conf.d (only the vpcd reader). The tests get
#   SEGUR_TEST_PCSCD=1, SEGUR_TEST_VPCD_PORT (35963), SEGUR_TEST_PCSCD_START / SEGUR_TEST_PCSCD_STOP (scripts that
#   start/stop this pcscd, for the "service not running" and "service restarted" tests).
# pcscd's socket is fixed (/run/pcscd/pcscd.comm): one pcscd per machine, so a pcscd we did not start is an error.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
segur_apt_install pcscd vsmartcard-vpcd libpcsclite1 socat

work="${SEGUR_ENV_STATE:-/tmp}/pcscd"
mkdir -p "$work/readers" /run/pcscd
# Note: in this mode (DEVICENAME /dev/null:port) the vpcd driver listens on every interface, port 35963/35964;
# it has no bind-address setting. It only exchanges APDUs with a test card; run it in a CI container or firewall it.
cat > "$work/readers/vpcd" <<CONF
FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      /usr/lib/pcsc/drivers/serial/libifdvpcd.so
CHANNELID    0x8C7B
CONF

cat > "$work/start.sh" <<SCRIPT
#!/usr/bin/env bash
# Starts the test pcscd (idempotent) and waits until vpcd listens on 35963.
set -euo pipefail
if [ -f "$work/pcscd.pid" ] && kill -0 "\$(cat "$work/pcscd.pid")" 2>/dev/null; then exit 0; fi
mkdir -p /run/pcscd
setsid nohup pcscd -f -a -d -c "$work/readers" > "$work/pcscd.log" 2>&1 < /dev/null &
echo \$! > "$work/pcscd.pid"
for i in \$(seq 1 100); do
  (exec 3<>/dev/tcp/127.0.0.1/35963) 2>/dev/null && exit 0
  sleep 0.1
done
echo "pcscd/vpcd did not listen on 35963 (log: $work/pcscd.log)" >&2
exit 1
SCRIPT

cat > "$work/stop.sh" <<SCRIPT
#!/usr/bin/env bash
# Stops the test pcscd started by start.sh (by its PID only) and waits until it exited.
set -uo pipefail
[ -f "$work/pcscd.pid" ] || exit 0
pid="\$(cat "$work/pcscd.pid")"
kill "\$pid" 2>/dev/null || true
for i in \$(seq 1 100); do
  kill -0 "\$pid" 2>/dev/null || { rm -f "$work/pcscd.pid"; exit 0; }
  sleep 0.1
done
kill -9 "\$pid" 2>/dev/null || true
rm -f "$work/pcscd.pid"
SCRIPT
chmod +x "$work/start.sh" "$work/stop.sh"

# A pcscd we did not start (system service) would own /run/pcscd/pcscd.comm: refuse to kill it blindly.
if pgrep -x pcscd >/dev/null && ! { [ -f "$work/pcscd.pid" ] && kill -0 "$(cat "$work/pcscd.pid")" 2>/dev/null; }; then
  echo "another pcscd is running (not started by tests/env); stop it first (systemctl stop pcscd.socket pcscd)" >&2
  exit 1
fi

"$work/start.sh"
segur_wait_port 35963 10
segur_env SEGUR_TEST_PCSCD 1
segur_env SEGUR_TEST_VPCD_PORT 35963
segur_env SEGUR_TEST_PCSCD_START "$work/start.sh"
segur_env SEGUR_TEST_PCSCD_STOP "$work/stop.sh"
segur_env SEGUR_TEST_SOCAT "$(command -v socat)"
