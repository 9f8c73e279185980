/**
 * Argo CD's `argocd-cm` ConfigMap on the MGMT A1: its URL on the VM's plan IP and catalogue port,
 * the applications it deploys and the fastify-websocket targets (Fastify WebSocket ports by plan IP).
 */
import { dependencyTargets, instancesOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** The applications the spec names (§6). */
export const ARGOCD_APPLICATIONS = ["react", "fastify-websocket", "solana"];

/**
 * A ConfigMap Kubernetes accepts: kind, name `argocd-cm`, every data value a string
 * (python3-yaml, present on every VM and on the checker host).
 */
export const ARGOCD_VALIDATE =
    "/usr/bin/python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); " +
    "ok = isinstance(d, dict) and d.get(\"apiVersion\") == \"v1\" and d.get(\"kind\") == \"ConfigMap\" and (d.get(\"metadata\") or {}).get(\"name\") == \"argocd-cm\" " +
    "and isinstance(d.get(\"data\"), dict) and all(isinstance(v, str) for v in d[\"data\"].values()); " +
    "sys.exit(0 if ok else \"not an argocd-cm ConfigMap with string data\")' /etc/argocd/argocd-cm.yaml";

export function renderArgocd(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const http = requirePort(placement, `${label} argocd`, "http");
    const websocketTargets = instancesOf(plan, "fastify").map((i) => `${i.vm.privateIp}:${requirePort(i.placement, vmLabel(i.account, i.vm), "ws").port}`);
    if (websocketTargets.length === 0) throw new Error(`${label} argocd: no Fastify in the plan for fastify-websocket`);
    const vaultAddrs = dependencyTargets(ctx, "vault").map((t) => {
        const api = t.ports.find((p) => p.name === "api") ?? t.ports[0];
        return `${api.tls ? "https" : "http"}://${t.ip}:${api.port}`;
    });
    if (vaultAddrs.length === 0) throw new Error(`${label} argocd: no Vault dependency target`);
    return [
        {
            path: "/etc/argocd/argocd-cm.yaml",
            content: renderTemplate("argocd/argocd-cm.yaml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                url: `http://${vm.privateIp}:${http.port}`,
                applications: ARGOCD_APPLICATIONS,
                websocketTargets,
                vaultAddrs,
            }),
            mode: "0644",
            owner: "argocd",
            group: "argocd",
            validate: ARGOCD_VALIDATE,
        },
    ];
}
