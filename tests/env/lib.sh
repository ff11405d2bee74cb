#!/usr/bin/env bash
# Helpers for tests/env/components/*.sh.
segur_apt_updated_marker="${SEGUR_ENV_STATE:-/tmp}/.apt-updated"

# Installs Debian packages that are missing (quietly; apt-get update at most once per run).
segur_apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else echo "need root to install: ${missing[*]}" >&2; return 1; fi
  fi
  if [ ! -f "$segur_apt_updated_marker" ]; then
    ${SUDO:-} apt-get -o DPkg::Lock::Timeout=600 update -qq >/dev/null && touch "$segur_apt_updated_marker"
  fi
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Records a variable for the tests: segur_env NAME VALUE
segur_env() { echo "$1=$2" >> "${SEGUR_ENV_FILE:?}"; }

# Waits until a TCP port on 127.0.0.1 accepts connections: segur_wait_port PORT [SECONDS]
segur_wait_port() {
  local port=$1 seconds=${2:-20} i
  for ((i = 0; i < seconds * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $port did not open within ${seconds}s" >&2
  return 1
}
