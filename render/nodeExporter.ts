/** node_exporter on every VM, listening on the private IP only (Prometheus scrapes it from EU-MON-01). */
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderNodeExporter(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const port = requirePort(placement, `${label} node-exporter`, "metrics", "http");
    return [
        {
            path: "/etc/default/prometheus-node-exporter",
            content: renderTemplate("node-exporter/defaults.hbs", { vmLabel: label, listen: `${vm.privateIp}:${port.port}` }),
            reload: "systemctl restart prometheus-node-exporter",
        },
    ];
}
