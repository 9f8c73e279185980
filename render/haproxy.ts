/**
 * HAProxy on EU-NET-01 and its replicas: HTTP frontends on 80/443 to the Fastify APIs, the
 * HTTP-mode WebSocket frontend on 3001 (upgrade passed through, X-Forwarded-For added) with `httpchk GET /ws/health`, servers by static IP.
 */
import type { DependencyTarget } from "../plan/types";
import { dependencyTargets, portOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderHaproxy(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const fastify = dependencyTargets(ctx, "fastify");
    if (fastify.length === 0) throw new Error(`${label} haproxy: the plan resolves no fastify target`);
    // Servers in another region than this HAProxy are `backup`: used only when every local one is down.
    const regionOf = (accountName: string) => ctx.plan.accounts.find((a) => a.name === accountName)?.region;
    const servers = (targets: DependencyTarget[], service: string, portNames: string[]) =>
        targets.map((t) => ({
            name: t.vmResourceName,
            ip: t.ip,
            port: requirePort(t, `${label} haproxy → ${service}`, ...portNames).port,
            backup: regionOf(t.account) !== account.region,
        }));
    const server = (portNames: string[]) => servers(fastify, "fastify", portNames);
    const rpc = dependencyTargets(ctx, "rpc-gateway");
    const metrics = placement.ports.find((p) => p.metrics);
    const maxconn = Number(placement.def.env.MAXCONN ?? placement.def.maxConnections ?? 50000);
    const content = renderTemplate("haproxy/haproxy.cfg.hbs", {
        vmLabel: label,
        maxconn,
        httpPort: requirePort(placement, `${label} haproxy`, "http").port,
        httpsPort: portOf(placement, "https")?.port ?? 443,
        wsPort: requirePort(placement, `${label} haproxy`, "ws", "websocket").port,
        statsPort: metrics?.port,
        statsPath: metrics?.metricsPath ?? "/metrics",
        apiBackend: { name: "fastify_api", servers: server(["api", "http"]) },
        wsBackend: { servers: server(["ws", "websocket"]) },
        rpcBackend: rpc.length > 0 ? { prefix: "/solana-rpc", servers: servers(rpc, "rpc-gateway", ["rpc"]) } : undefined,
    });
    return [
        {
            path: "/etc/haproxy/haproxy.cfg",
            content,
            validate: "mkdir -p /etc/haproxy/certs && haproxy -c -q -f /etc/haproxy/haproxy.cfg",
            reload: "systemctl reload haproxy",
        },
    ];
}
