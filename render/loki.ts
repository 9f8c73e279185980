/**
 * Loki on EU-LOG-01: filesystem storage on the logs block volume, retention from the spec; its
 * HTTP API (push and query) only over mutual TLS: a client without a certificate of the
 * deployment's internal CA is refused in the handshake.
 */
import { internalTlsFiles } from "./internalPki";
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** `30d` → `720h` (Loki wants hours in `retention_period`). */
function toHours(duration: string): string {
    const m = /^(\d+)([dhw])$/.exec(duration);
    if (!m) return duration;
    const n = Number(m[1]);
    return `${m[2] === "d" ? n * 24 : m[2] === "w" ? n * 168 : n}h`;
}

export function renderLoki(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const http = requirePort(placement, `${label} loki`, "http", "api");
    const dataDir = (vm.blockVolumes.find((b) => b.for.includes("loki"))?.mountPath ?? "/var/lib/loki").replace(/\/$/, "");
    const configPath = placement.def.files.find((f) => f.startsWith("/etc/loki/")) ?? "/etc/loki/config.yml";
    if (!http.tls) throw new Error(`${label} loki: the catalogue's port ${http.name} must say tls: true (Loki serves it over mutual TLS; clients use https:// with their own certificate)`);
    const reload = "systemctl restart loki";
    const tls = internalTlsFiles(account, vm, "loki", { dir: "/etc/loki/tls", owner: "loki", reload });
    return [
        ...tls.files,
        {
            path: configPath,
            content: renderTemplate("loki/config.yml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                listenIp: vm.privateIp,
                httpPort: http.port,
                grpcPort: 9096,
                dataDir,
                chunksDir: `${dataDir}/chunks`,
                rulesDir: `${dataDir}/rules`,
                compactorDir: `${dataDir}/compactor`,
                indexDir: `${dataDir}/index`,
                indexCacheDir: `${dataDir}/index-cache`,
                retention: toHours(placement.def.env.RETENTION ?? "30d"),
                tls,
            }),
            validate: `loki -config.file=${configPath} -verify-config`,
            reload,
        },
    ];
}
