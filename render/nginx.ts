/**
 * Nginx on the frontend VMs: the React build, `/api/` to Fastify, `/ws/` to the Fastify
 * WebSocket server, rate limits and security headers (seeds/002), `/health`, and the
 * ModSecurity hook that delivery enables when the nginx module is installed.
 */
import { coLocated, dependencyTargets, portOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Client connections the spec allows per Nginx (HTTP + WebSocket). */
const DEFAULT_MAX_CONNECTIONS = 1000;

/** Shell that links the ModSecurity hook when the nginx module is loaded, then tests the config. */
export const NGINX_VALIDATE =
    "mkdir -p /etc/nginx/modsecurity.d && " +
    "if [ -e /etc/nginx/modsecurity/hook.conf ] && ls /etc/nginx/modules-enabled/*modsecurity*.conf >/dev/null 2>&1; " +
    "then ln -sfn /etc/nginx/modsecurity/hook.conf /etc/nginx/modsecurity.d/hook.conf; " +
    "else rm -f /etc/nginx/modsecurity.d/hook.conf; fi && nginx -t -q";

export function renderNginx(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const http = requirePort(placement, `${label} nginx`, "http", "web");
    const fastify = dependencyTargets(ctx, "fastify");
    if (fastify.length === 0) throw new Error(`${label} nginx: the plan resolves no fastify target for /api/ and /ws/`);
    const api = fastify.map((t) => ({ ip: t.ip, port: requirePort(t, `${label} nginx → fastify`, "api", "http").port, label: `${t.account}/${t.vm}` }));
    const ws = fastify.map((t) => ({ ip: t.ip, port: requirePort(t, `${label} nginx → fastify`, "ws", "websocket").port, label: `${t.account}/${t.vm}` }));
    const lbSubnet = account.subnets.find((s) => s.name === "lb")?.cidr;
    if (!lbSubnet) throw new Error(`${label} nginx: account has no lb subnet`);
    const maxConnections = placement.def.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    const modsecurity = coLocated(vm, "modsecurity") !== undefined;

    const common = { vmLabel: label };
    const files: FileSpec[] = [
        {
            path: "/etc/nginx/nginx.conf",
            content: renderTemplate("nginx/nginx.conf.hbs", {
                ...common,
                user: "www-data",
                // Each client connection may hold an upstream one too.
                workerConnections: maxConnections * 2 + 48,
            }),
        },
        {
            path: "/etc/nginx/conf.d/frontend.conf",
            content: renderTemplate("nginx/frontend.conf.hbs", {
                ...common,
                lbSubnet,
                rates: { api: "10r/s", auth: "5r/s", ws: "5r/s" },
                cacheTtl: "10s",
                api,
                ws,
                listenPort: http.port,
                statusPort: portOf(placement, "status")?.port ?? 8081,
                maxConnections,
                root: "/app/frontend/dist",
                wsReadTimeout: "3600s",
            }),
        },
        { path: "/etc/nginx/snippets/blitzhub-proxy.conf", content: renderTemplate("nginx/blitzhub-proxy.conf.hbs", common) },
    ];
    if (modsecurity) {
        files.push(
            { path: "/etc/nginx/modsecurity/hook.conf", content: renderTemplate("nginx/modsecurity-hook.conf.hbs", common) },
            { path: "/etc/nginx/modsecurity/main.conf", content: renderTemplate("nginx/modsecurity-main.conf.hbs", common) },
        );
    }
    return files.map((f) => ({ ...f, validate: NGINX_VALIDATE, reload: "systemctl reload nginx" }));
}

/** ModSecurity's own files; it runs inside Nginx, so they validate and reload with it. */
export function renderModsecurity(ctx: ServiceContext): FileSpec[] {
    const label = vmLabel(ctx.account, ctx.vm);
    if (!coLocated(ctx.vm, "nginx")) throw new Error(`${label} modsecurity: runs inside Nginx, but Nginx is not on this VM`);
    const common = { vmLabel: label, version: ctx.placement.def.version, wsRateLimit: ctx.placement.def.env.SecWebSocketRateLimit ?? "100/s" };
    return [
        { path: "/etc/modsecurity/modsecurity.conf", content: renderTemplate("modsecurity/modsecurity.conf.hbs", common) },
        { path: "/etc/nginx/modsecurity/owasp.rules", content: renderTemplate("modsecurity/owasp.rules.hbs", common) },
    ].map((f) => ({ ...f, validate: NGINX_VALIDATE, reload: "systemctl reload nginx" }));
}
