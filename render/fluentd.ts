/**
 * Fluentd on EU-LOG-01: the aggregator sends to Loki (with the spec's `websocket.**` match);
 * the forwarders on the LOG micros forward to the aggregator. Every forward hop (24224) is
 * mutual TLS with leaves of the internal CA, like the Loki push.
 */
import { internalTlsFiles, type InternalTlsFiles } from "./internalPki";
import { dependencyTargets, instancesOf, portOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderFluentd(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const forward = requirePort(placement, `${label} fluentd`, "forward", "fluentd");
    const forwarder = placement.mode === "forwarder";
    if (!forward.tls) throw new Error(`${label} fluentd: the catalogue's port ${forward.name} must say tls: true (in_forward takes logs over mutual TLS)`);
    let upstreams: { name: string; ip: string; port: number }[] = [];
    let lokiUrl = "";
    const reload = "systemctl reload fluentd";
    // One leaf: in_forward's server certificate, and the client certificate of what this instance
    // sends (the forwarders' out_forward, the aggregator's Loki pushes).
    const tls: InternalTlsFiles = internalTlsFiles(account, vm, "fluentd", { dir: "/etc/fluentd/tls", owner: "fluentd", reload });
    if (forwarder) {
        const aggregators = instancesOf(plan, "fluentd", account.name).filter((i) => i.placement.mode !== "forwarder");
        if (aggregators.length === 0) throw new Error(`${label} fluentd forwarder: no aggregator in ${account.name}`);
        upstreams = aggregators.map((a) => ({ name: a.vm.resourceName, ip: a.vm.privateIp, port: requirePort(a.placement, label, "forward", "fluentd").port }));
    } else {
        const loki = dependencyTargets(ctx, "loki")[0];
        if (!loki) throw new Error(`${label} fluentd: the plan resolves no loki target`);
        const port = requirePort(loki, `${label} fluentd → loki`, "http", "api");
        lokiUrl = `${port.tls ? "https" : "http"}://${loki.ip}:${port.port}`;
    }
    const configPath = placement.def.files.find((f) => f.endsWith("fluent.conf")) ?? "/etc/fluentd/fluent.conf";
    return [
        ...tls.files,
        {
            path: configPath,
            content: renderTemplate("fluentd/fluent.conf.hbs", {
                vmLabel: label,
                version: placement.def.version,
                mode: placement.mode ?? "aggregator",
                bind: vm.privateIp,
                port: forward.port,
                monitorPort: portOf(placement, "metrics")?.port,
                upstreams: forwarder ? upstreams : undefined,
                lokiUrl,
                tls,
                // Loki takes pushes only over mutual TLS: the aggregator presents its leaf.
                lokiTls: !forwarder,
            }),
            validate: `fluentd --dry-run -c ${configPath}`,
            reload,
        },
    ];
}
