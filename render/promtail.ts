/** Promtail on every VM: system, journal and each service's log files to Loki, labelled with account and host. */
import { internalTlsFiles } from "./internalPki";
import { dependencyTargets, instancesOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderPromtail(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const http = requirePort(placement, `${label} promtail`, "http", "metrics");
    let loki = dependencyTargets(ctx, "loki").map((t) => ({ ip: t.ip, port: requirePort(t, `${label} promtail → loki`, "http", "api"), label: `${t.account}/${t.vm}` }));
    if (loki.length === 0) {
        loki = instancesOf(plan, "loki").map((i) => ({ ip: i.vm.privateIp, port: requirePort(i.placement, label, "http", "api"), label: vmLabel(i.account, i.vm) }));
    }
    if (loki.length === 0) throw new Error(`${label} promtail: no loki in the plan`);
    const services = vm.services
        .filter((s) => s.def.logrotate)
        .flatMap((s) =>
            s.def.logrotate!.paths.map((path, i) => ({
                job: s.def.logrotate!.paths.length > 1 ? `${s.service}-${i + 1}` : s.service,
                service: s.service,
                path,
                modsecurity: s.service === "modsecurity",
            })),
        );
    const reload = "systemctl restart promtail";
    // Loki takes pushes only over mutual TLS: this VM's own client certificate, Loki's checked against the CA.
    const tls = internalTlsFiles(account, vm, "promtail", { dir: "/etc/promtail/tls", owner: "promtail", reload });
    return [
        ...tls.files,
        {
            path: "/etc/promtail/config.yml",
            content: renderTemplate("promtail/config.yml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                lokiLabel: loki.map((l) => l.label).join(", "),
                lokiUrls: loki.map((l) => `${l.port.tls ? "https" : "http"}://${l.ip}:${l.port.port}/loki/api/v1/push`),
                tls,
                listenIp: vm.privateIp,
                port: http.port,
                account: account.name,
                host: vm.resourceName,
                services,
            }),
            validate: "promtail -config.file=/etc/promtail/config.yml -check-syntax",
            reload,
        },
    ];
}
