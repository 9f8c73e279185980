/**
 * Jaeger all-in-one on the MON A1: badger storage on the observability volume, OTLP from the
 * collector over mutual TLS (gRPC and HTTP alike), UI for Grafana.
 */
import { internalTlsFiles } from "./internalPki";
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderJaeger(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const volume = (vm.blockVolumes.find((b) => b.for.includes("jaeger"))?.mountPath ?? "/var/lib").replace(/\/$/, "");
    const dataDir = `${volume}/jaeger`;
    const configPath = placement.def.files.find((f) => f.endsWith(".yaml")) ?? "/etc/jaeger/config.yaml";
    const otlp = requirePort(placement, label, "otlp-grpc");
    const otlpHttp = requirePort(placement, label, "otlp-http");
    for (const port of [otlp, otlpHttp]) {
        if (!port.tls) throw new Error(`${label} jaeger: the catalogue's port ${port.name} must say tls: true (Jaeger takes OTLP over mutual TLS)`);
    }
    const tls = internalTlsFiles(account, vm, "jaeger", { dir: `${configPath.replace(/\/[^/]+$/, "")}/tls`, owner: "jaeger", group: "jaeger" });
    const reload = "systemctl restart jaeger";
    const files: FileSpec[] = [
        {
            path: configPath,
            content: renderTemplate("jaeger/config.yaml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                otlpGrpc: `${vm.privateIp}:${otlp.port}`,
                // Jaeger opens an OTLP/HTTP receiver too (by default on every address): same TLS, on the VM's address.
                otlpHttp: `${vm.privateIp}:${otlpHttp.port}`,
                ui: `${vm.privateIp}:${requirePort(placement, label, "ui").port}`,
                admin: `${vm.privateIp}:${requirePort(placement, label, "admin").port}`,
                keyDir: `${dataDir}/key`,
                valueDir: `${dataDir}/data`,
                ttl: "168h0m0s",
                tls,
            }),
        },
        {
            path: "/etc/default/jaeger",
            content: renderTemplate("jaeger/defaults.hbs", {
                vmLabel: label,
                env: Object.entries({ SPAN_STORAGE_TYPE: "badger", ...placement.def.env }).map(([name, value]) => ({ name, value })),
            }),
        },
        ...tls.files,
    ];
    return files.map((f) => ({ ...f, reload }));
}
