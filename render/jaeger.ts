/** Jaeger all-in-one on the MON A1: badger storage on the observability volume, OTLP from the collector, UI for Grafana. */
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderJaeger(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const volume = (vm.blockVolumes.find((b) => b.for.includes("jaeger"))?.mountPath ?? "/var/lib").replace(/\/$/, "");
    const dataDir = `${volume}/jaeger`;
    const configPath = placement.def.files.find((f) => f.endsWith(".yaml")) ?? "/etc/jaeger/config.yaml";
    const reload = "systemctl restart jaeger";
    return [
        {
            path: configPath,
            content: renderTemplate("jaeger/config.yaml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                otlpGrpc: `${vm.privateIp}:${requirePort(placement, label, "otlp-grpc").port}`,
                ui: `${vm.privateIp}:${requirePort(placement, label, "ui").port}`,
                admin: `${vm.privateIp}:${requirePort(placement, label, "admin").port}`,
                keyDir: `${dataDir}/key`,
                valueDir: `${dataDir}/data`,
                ttl: "168h0m0s",
            }),
            reload,
        },
        {
            path: "/etc/default/jaeger",
            content: renderTemplate("jaeger/defaults.hbs", {
                vmLabel: label,
                env: Object.entries({ SPAN_STORAGE_TYPE: "badger", ...placement.def.env }).map(([name, value]) => ({ name, value })),
            }),
            reload,
        },
    ];
}
