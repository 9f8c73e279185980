# Sourced by .ci/install-checkers.sh and .ci/install-lab.sh: installs the Debian packages given
# that are not installed yet, without starting any daemon they ship.
#
#   install_missing_packages <name> <package>...
#
# Idempotent: when every package is installed it says so and runs no apt at all. Daemons do not
# start: policy-rc.d answers 101 while apt runs (and is removed afterwards if this made it), so a
# checker or lab host never runs nginx, redis, rabbitmq … outside the tests that start them.

install_missing_packages() {
  local name="$1"; shift
  if [ "$(id -u)" != 0 ]; then
    echo "$name: must run as root" >&2
    return 1
  fi
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "$name: all $# packages already installed"
    return 0
  fi
  local created_policy=0 status=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    created_policy=1
  fi
  echo "$name: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || status=$?
  if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi
  return "$status"
}
