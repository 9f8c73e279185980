#!/usr/bin/env bash
# Installs the Debian packages the lab (`npm run lab`, lab/) runs as real daemons on top of the
# checkers (.ci/install-checkers.sh): the exporters Prometheus scrapes, RabbitMQ, node_exporter,
# rclone (the backup job's S3 client) and the network tools the namespaces need.
# Idempotent, and nothing auto-starts (.ci/apt-packages.sh): the host never runs these daemons
# outside the lab's namespaces.
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

# shellcheck source=.ci/apt-packages.sh
source "$(dirname "$0")/apt-packages.sh"
install_missing_packages install-lab "${PACKAGES[@]}"
echo "install-lab: done"
