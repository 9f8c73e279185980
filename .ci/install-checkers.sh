#!/usr/bin/env bash
# Installs the Debian packages whose binaries the render tests use as config checkers:
#   nginx -t, haproxy -c, promtool, amtool, cloud-init schema, redis-server, logrotate -d,
#   nft -c, systemd-analyze verify (systemd, already in the base image).
# Idempotent, and no daemon starts (.ci/apt-packages.sh).
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
  openssh-server                 # sshd -t (bastion drop-in, cloud-init's sshd drop-in)
  sudo                           # visudo -c -f (cloud-init's sudoers drop-in)
  wireguard-tools                # wg-quick strip (bastion wg0.conf)
  python3-yaml                   # /usr/bin/python3 yaml.safe_load (Solana validator.yml flags file)
  crowdsec                       # crowdsec -t -c (config.yaml; 1.4.6 in bookworm, the VM pins 1.5.0)
  ansible-core                   # ansible-playbook --syntax-check (deploy_websocket.yml; 2.14 in bookworm, the VM pins 2.17)
  chromium                       # headless screenshot of docs/topology.svg (test/offline/diagram.test.ts)
)

# crowdsec's postinst registers with the Central API unless this file is non-empty (README.Debian);
# the checker host is offline, so registration would fail the install.
if [ "$(id -u)" = 0 ] && ! dpkg-query -W -f='${Status}' crowdsec 2>/dev/null | grep -q "install ok installed" \
  && [ ! -s /etc/crowdsec/online_api_credentials.yaml ]; then
  mkdir -p /etc/crowdsec
  echo "# checker host: Central API registration disabled" > /etc/crowdsec/online_api_credentials.yaml
fi

# shellcheck source=.ci/apt-packages.sh
source "$(dirname "$0")/apt-packages.sh"
install_missing_packages install-checkers "${PACKAGES[@]}"

for bin in nginx haproxy promtool amtool cloud-init redis-server logrotate nft sshd visudo wg-quick crowdsec; do
  command -v "$bin" >/dev/null || command -v "/usr/sbin/$bin" >/dev/null || { echo "install-checkers: $bin missing after install" >&2; exit 1; }
done
echo "install-checkers: done"
