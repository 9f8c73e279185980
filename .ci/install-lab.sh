#!/usr/bin/env bash
# Installs the Debian packages the lab (`npm run lab`, lab/) runs as real daemons on top of the
# checkers (.ci/install-checkers.sh): the exporters Prometheus scrapes, RabbitMQ, node_exporter,
# rclone (the backup job's S3 client) and the network tools the namespaces need.
# Idempotent: installed packages are skipped. Nothing auto-starts: policy-rc.d answers 101 while
# apt runs, so the host never runs these daemons outside the lab's namespaces.
set -euo pipefail

PACKAGES=(
  iproute2                        # ip netns, veth, bridge
  util-linux                      # unshare, nsenter
  procps                          # pkill by pid file, ps
  prometheus-node-exporter        # node_exporter on every VM (the release binary's Debian build)
  prometheus-nginx-exporter       # nginx :9113 scrape target
  prometheus-redis-exporter       # redis :9121 scrape target
  rabbitmq-server                 # EU-DATA-01 broker
  rclone                          # blitzhub-backup's S3 client
  openssl                         # HAProxy's bootstrap certificate
  curl                            # the flows' HTTP client
)

if [ "$(id -u)" != 0 ]; then
  echo "install-lab: must run as root" >&2
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-lab: all ${#PACKAGES[@]} packages already installed"
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

export DEBIAN_FRONTEND=noninteractive
echo "install-lab: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-lab: done"
