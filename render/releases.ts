/**
 * Upstream release artifacts the bootstrap installs for services whose catalogue entry says
 * `install.method: release`, pinned to the catalogue's version and the VM's architecture,
 * with the systemd unit the delivered configs' reload commands expect.
 */
import type { VmPlan } from "../plan/types";
import { prometheusTsdbPath } from "./prometheus";

export interface ReleaseUnit {
    /** Unit name without `.service`; the renderers' `reload` commands use it. */
    name: string;
    description: string;
    execStart: string;
    environmentFile?: string;
    user: string;
    /** Supplementary groups of `user` (what it may read beyond its own files). */
    groups?: string[];
    /** Directories the service owns (created for `user`), or the VM's (where they follow its volumes). */
    stateDirs?: string[] | ((vm: VmPlan) => string[]);
    /** Reloads without a restart (SIGHUP). */
    reloadBySighup?: boolean;
}

export interface ReleaseArtifact {
    /** Download URL for `version` (no leading `v`) and `arch` (`arm64`/`amd64`). */
    url: (version: string, arch: string) => string;
    /** `archive` (tar.gz/zip holding the binaries) or a single `binary`. */
    kind: "archive" | "binary";
    /** Executables installed to /usr/local/bin. */
    binaries: string[];
    unit: ReleaseUnit;
}

const github = (repo: string, file: (v: string, a: string) => string) => (v: string, a: string) => `https://github.com/${repo}/releases/download/v${v}/${file(v, a)}`;

export const RELEASE_ARTIFACTS: Readonly<Record<string, ReleaseArtifact>> = {
    "node-exporter": {
        url: github("prometheus/node_exporter", (v, a) => `node_exporter-${v}.linux-${a}.tar.gz`),
        kind: "archive",
        binaries: ["node_exporter"],
        unit: {
            name: "prometheus-node-exporter",
            description: "Prometheus node_exporter",
            environmentFile: "/etc/default/prometheus-node-exporter",
            execStart: "/usr/local/bin/node_exporter $ARGS",
            user: "node-exporter",
        },
    },
    promtail: {
        url: github("grafana/loki", (_v, a) => `promtail-linux-${a}.zip`),
        kind: "archive",
        binaries: ["promtail"],
        unit: {
            name: "promtail",
            description: "Promtail log shipper (config delivered to /etc/promtail/config.yml)",
            execStart: "/usr/local/bin/promtail -config.file=/etc/promtail/config.yml",
            // Not root: Grafana's own packages run Promtail as `promtail` in `adm` (which reads
            // /var/log) and `systemd-journal`; a log only root can read is not shipped.
            user: "promtail",
            groups: ["adm", "systemd-journal"],
            stateDirs: ["/var/lib/promtail"],
        },
    },
    loki: {
        url: github("grafana/loki", (_v, a) => `loki-linux-${a}.zip`),
        kind: "archive",
        binaries: ["loki"],
        unit: { name: "loki", description: "Grafana Loki", execStart: "/usr/local/bin/loki -config.file=/etc/loki/config.yml", user: "loki", stateDirs: ["/var/lib/loki"] },
    },
    prometheus: {
        url: github("prometheus/prometheus", (v, a) => `prometheus-${v}.linux-${a}.tar.gz`),
        kind: "archive",
        binaries: ["prometheus", "promtool"],
        unit: {
            name: "prometheus",
            description: "Prometheus",
            environmentFile: "/etc/default/prometheus",
            execStart: "/usr/local/bin/prometheus $ARGS",
            user: "prometheus",
            stateDirs: (vm) => [prometheusTsdbPath(vm)],
            reloadBySighup: true,
        },
    },
    alertmanager: {
        url: github("prometheus/alertmanager", (v, a) => `alertmanager-${v}.linux-${a}.tar.gz`),
        kind: "archive",
        binaries: ["alertmanager", "amtool"],
        unit: {
            name: "alertmanager",
            description: "Prometheus Alertmanager",
            execStart: "/usr/local/bin/alertmanager --config.file=/etc/alertmanager/alertmanager.yml --storage.path=/var/lib/alertmanager",
            user: "prometheus",
            stateDirs: ["/var/lib/alertmanager"],
            reloadBySighup: true,
        },
    },
    "otel-collector": {
        url: (v, a) => `https://github.com/open-telemetry/opentelemetry-collector-releases/releases/download/v${v}/otelcol-contrib_${v}_linux_${a}.tar.gz`,
        kind: "archive",
        binaries: ["otelcol-contrib"],
        unit: { name: "otelcol-contrib", description: "OpenTelemetry Collector", execStart: "/usr/local/bin/otelcol-contrib --config=/etc/otelcol-contrib/config.yaml", user: "otel" },
    },
    jaeger: {
        url: github("jaegertracing/jaeger", (v, a) => `jaeger-${v}-linux-${a}.tar.gz`),
        kind: "archive",
        binaries: ["jaeger-all-in-one"],
        unit: {
            name: "jaeger",
            description: "Jaeger all-in-one (badger storage)",
            environmentFile: "/etc/default/jaeger",
            execStart: "/usr/local/bin/jaeger-all-in-one $JAEGER_ARGS",
            user: "jaeger",
            stateDirs: ["/var/lib/observability/jaeger"],
        },
    },
    minio: {
        url: (v, a) => `https://dl.min.io/server/minio/release/linux-${a}/archive/minio.${v}`,
        kind: "binary",
        binaries: ["minio"],
        unit: {
            name: "minio",
            description: "MinIO (backup store)",
            environmentFile: "/etc/default/minio",
            execStart: "/usr/local/bin/minio server $MINIO_OPTS $MINIO_VOLUMES",
            user: "minio",
            stateDirs: ["/var/lib/minio/data"],
        },
    },
};

/**
 * MinIO client for the backup timers and MinIO provisioning, pinned (not a catalogue service,
 * so its pin and checksums live here). A platform without a recorded checksum gets no `mc`.
 */
export const MINIO_CLIENT = {
    version: "RELEASE.2024-11-21T17-21-54Z",
    url: (arch: string) => `https://dl.min.io/client/mc/release/linux-${arch}/archive/mc.${MINIO_CLIENT.version}`,
    sha256: {
        "linux-amd64": "0312010a9d0aa7a52b4dfb14330f289ee4e295def80b3a3f530d4f38c1b71da0",
        "linux-arm64": "a6b0b36ccd4674524674a032d10b1a474ffe4187e93d83f53560092c86c57ac4",
    } as Partial<Record<string, string>>,
    checksumSource:
        "MinIO's own Homebrew tap, github.com/minio/homebrew-stable mc.rb at commit 80f1aa3f1005a19fb607f07c49dc6bd45c810b5f " +
        "(\"Release version RELEASE.2024-11-21T17-21-54Z\"), which records the archive URL and sha256 of linux-arm64 and linux-amd64; " +
        "the amd64 value also matches a public provisioning script that checks it with sha256sum -c",
} as const;

/**
 * Release-installed services the bootstrap does not install (no pinned artifact URL known
 * here): their configs are still delivered, but installing them is an operator step.
 */
export const NOT_BOOTSTRAPPED = ["fluentd", "solana-validator", "argocd"];
