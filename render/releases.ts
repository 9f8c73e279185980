/**
 * Upstream release archives of the services the bootstrap installs from a release (the
 * catalogue's `install.method: release`), pinned to the catalogue's version and the VM's
 * architecture. Services not listed here are installed by Ansible from the ops VM.
 */

export interface ReleaseArtifact {
    /** Download URL for `version` (no leading `v`) and `arch` (`arm64`/`amd64`). */
    url: (version: string, arch: string) => string;
    /** Executables copied from the archive to /usr/local/bin. */
    binaries: string[];
    /** systemd unit the bootstrap writes and enables (the every-VM agents only). */
    unit?: { name: string; description: string; execStart: string; environmentFile?: string; user: string };
}

export const RELEASE_ARTIFACTS: Readonly<Record<string, ReleaseArtifact>> = {
    "node-exporter": {
        url: (v, a) => `https://github.com/prometheus/node_exporter/releases/download/v${v}/node_exporter-${v}.linux-${a}.tar.gz`,
        binaries: ["node_exporter"],
        unit: {
            name: "prometheus-node-exporter",
            description: "Prometheus node_exporter",
            environmentFile: "/etc/default/prometheus-node-exporter",
            execStart: "/usr/local/bin/node_exporter $ARGS",
            user: "nobody",
        },
    },
    promtail: {
        url: (v, a) => `https://github.com/grafana/loki/releases/download/v${v}/promtail-linux-${a}.zip`,
        binaries: ["promtail"],
        unit: {
            name: "promtail",
            description: "Promtail log shipper (config delivered to /etc/promtail/config.yml)",
            execStart: "/usr/local/bin/promtail -config.file=/etc/promtail/config.yml",
            user: "root",
        },
    },
    loki: {
        url: (v, a) => `https://github.com/grafana/loki/releases/download/v${v}/loki-linux-${a}.zip`,
        binaries: ["loki"],
    },
    prometheus: {
        url: (v, a) => `https://github.com/prometheus/prometheus/releases/download/v${v}/prometheus-${v}.linux-${a}.tar.gz`,
        binaries: ["prometheus", "promtool"],
    },
    alertmanager: {
        url: (v, a) => `https://github.com/prometheus/alertmanager/releases/download/v${v}/alertmanager-${v}.linux-${a}.tar.gz`,
        binaries: ["alertmanager", "amtool"],
    },
    "otel-collector": {
        url: (v, a) => `https://github.com/open-telemetry/opentelemetry-collector-releases/releases/download/v${v}/otelcol-contrib_${v}_linux_${a}.tar.gz`,
        binaries: ["otelcol-contrib"],
    },
    jaeger: {
        url: (v, a) => `https://github.com/jaegertracing/jaeger/releases/download/v${v}/jaeger-${v}-linux-${a}.tar.gz`,
        binaries: ["jaeger-all-in-one"],
    },
};
