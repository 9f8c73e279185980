#!/usr/bin/env bash
# Installs the Debian packages whose binaries the render tests use as config checkers:
#   nginx -t, haproxy -c, promtool, amtool, cloud-init schema, redis-server, logrotate -d,
#   nft -c, systemd-analyze verify (systemd, already in the base image).
# Idempotent: packages already installed are skipped; apt-get update runs at most once per call.
# Daemons are not started (policy-rc.d answers 101 while we install).
set -euo pipefail

PACKAGES=(
  nginx                          # nginx -t (1.22, bookworm)
  libnginx-mod-http-modsecurity  # ModSecurity hook (load_module) is validated when present
  libnginx-mod-stream            # stream {} blocks
  haproxy                        # haproxy -c -f
  prometheus                     # promtool check config / check rules / test rules
  prometheus-alertmanager        # amtool check-config
  cloud-init                     # cloud-init schema --config-file
  redis-server                   # redis-server <conf> under timeout
  logrotate                      # logrotate -d
  nftables                       # nft -c -f (host firewall ruleset)
  openssh-server                 # sshd -t (bastion drop-in)
  wireguard-tools                # wg-quick strip (bastion wg0.conf)
  python3-yaml                   # /usr/bin/python3 yaml.safe_load (Solana validator.yml flags file)
  crowdsec                       # crowdsec -t -c (config.yaml; 1.4.6 in bookworm, the VM pins 1.5.0)
  ansible-core                   # ansible-playbook --syntax-check (deploy_websocket.yml; 2.14 in bookworm, the VM pins 2.17)
  chromium                       # headless screenshot of docs/topology.svg (test/offline/diagram.test.ts)
)

if [ "$(id -u)" != 0 ]; then
  echo "install-checkers: must run as root" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-checkers: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  created_policy=1
fi
cleanup() { if [ "$created_policy" = 1 ]; then rm -f /usr/sbin/policy-rc.d; fi; }
trap cleanup EXIT

# crowdsec's postinst registers with the Central API unless this file is non-empty (README.Debian);
# the checker host is offline, so registration would fail the install.
if [[ " ${missing[*]} " == *" crowdsec "* ]] && [ ! -s /etc/crowdsec/online_api_credentials.yaml ]; then
  mkdir -p /etc/crowdsec
  echo "# checker host: Central API registration disabled" > /etc/crowdsec/online_api_credentials.yaml
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-checkers: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"

for bin in nginx haproxy promtool amtool cloud-init redis-server logrotate nft sshd wg-quick crowdsec; do
  command -v "$bin" >/dev/null || command -v "/usr/sbin/$bin" >/dev/null || { echo "install-checkers: $bin missing after install" >&2; exit 1; }
done
echo "install-checkers: done"
