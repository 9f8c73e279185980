/** Grafana on EU-MON-01: anonymous access off, admin password from the secret, datasources Prometheus/Loki/Jaeger by IP. */
import { DASHBOARDS_DIR, renderDashboards } from "./grafanaDashboards";
import { internalTlsFiles } from "./internalPki";
import { dependencyTargets, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

const DATASOURCES = [
    { service: "prometheus", name: "Prometheus", uid: "prometheus", type: "prometheus", ports: ["http", "web", "api"], isDefault: true },
    { service: "loki", name: "Loki", uid: "loki", type: "loki", ports: ["http", "api"], isDefault: false },
    { service: "jaeger", name: "Jaeger", uid: "jaeger", type: "jaeger", ports: ["ui", "query", "http"], isDefault: false },
];

export function renderGrafana(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const port = requirePort(placement, `${label} grafana`, "http", "web", "ui");
    const admin = placement.def.secrets.find((s) => /admin_password/.test(s.path));
    if (!admin) throw new Error(`${label} grafana: the catalogue declares no admin password secret (a path with admin_password)`);
    const secretKey = placement.def.secrets.find((s) => /secret_key/.test(s.path));
    if (!secretKey) throw new Error(`${label} grafana: the catalogue declares no secret key (a path with secret_key) to sign cookies and encrypt datasource secrets`);
    const reload = "systemctl restart grafana-server";
    // Grafana's own leaf: its client certificate toward the mutual-TLS datasources (Prometheus, Loki).
    const tls = internalTlsFiles(account, vm, "grafana", { dir: "/etc/grafana/tls", owner: "root", group: "grafana", reload });
    const datasources = DATASOURCES.map((d) => {
        const target = dependencyTargets(ctx, d.service)[0];
        if (!target) throw new Error(`${label} grafana: the plan resolves no ${d.service} target for its datasource`);
        const port = requirePort(target, `${label} grafana → ${d.service}`, ...d.ports);
        return { ...d, url: `${port.tls ? "https" : "http"}://${target.ip}:${port.port}`, tls: port.tls ? tls : undefined };
    });
    const grafanaOwned = { mode: "0640", owner: "root", group: "grafana", reload };
    const dashboards = Object.entries(renderDashboards(ctx.plan)).map(([name, content]) => ({ path: `${DASHBOARDS_DIR}/${name}`, content, ...grafanaOwned }));
    return [
        ...tls.files,
        {
            path: "/etc/grafana/grafana.ini",
            content: renderTemplate("grafana/grafana.ini.hbs", {
                vmLabel: label,
                version: placement.def.version,
                listenIp: vm.privateIp,
                port: port.port,
                rootUrl: `http://${vm.privateIp}:${port.port}/`,
                adminPasswordSecret: admin.path,
                secretKeySecret: secretKey.path,
            }),
            mode: "0640",
            owner: "root",
            group: "grafana",
            reload,
        },
        {
            path: "/etc/grafana/provisioning/datasources/blitzhub.yaml",
            content: renderTemplate("grafana/datasources.yml.hbs", { vmLabel: label, datasources }),
            mode: "0640",
            owner: "root",
            group: "grafana",
            reload,
        },
        {
            path: "/etc/grafana/provisioning/dashboards/blitzhub.yaml",
            content: renderTemplate("grafana/dashboards-provider.yml.hbs", { vmLabel: label, dir: DASHBOARDS_DIR }),
            ...grafanaOwned,
        },
        ...dashboards,
    ];
}
