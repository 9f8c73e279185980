/**
 * Nginx on the frontend VMs: the React build, `/api/` to Fastify, `/ws/` to the Fastify
 * WebSocket server, rate limits and security headers (edge practice, docs/design.md §7), `/health`, and the
 * ModSecurity hook that delivery enables when the nginx module is installed.
 */
import { coLocated, dependencyTargets, portOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Client connections the spec allows per Nginx (HTTP + WebSocket). */
const DEFAULT_MAX_CONNECTIONS = 1000;

/**
 * Shell that links the ModSecurity hook when the nginx module is loaded and the rules are in
 * place, then tests the config. Nginx and ModSecurity are delivered separately; whichever
 * lands first, the check passes and the second delivery enables the hook.
 */
export const NGINX_VALIDATE =
    "mkdir -p /etc/nginx/modsecurity.d && " +
    "if [ -e /etc/nginx/modsecurity/hook.conf ] && [ -e /etc/modsecurity/modsecurity.conf ] && [ -e /etc/nginx/modsecurity/owasp.rules ] " +
    "&& ls /etc/nginx/modules-enabled/*modsecurity*.conf >/dev/null 2>&1; " +
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
    const settings = placement.def.settings;
    const react = dependencyTargets(ctx, "react").map((t) => ({ ip: t.ip, port: requirePort(t, `${label} nginx → react`, "http").port, label: `${t.account}/${t.vm}` }));
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
                // nginx.org's package runs as `nginx` (the spec's permissions use nginx:nginx).
                user: "nginx",
                // Each client connection may hold an upstream one too.
                workerConnections: Number(settings.workerConnections ?? maxConnections) * 2 + 48,
            }),
        },
        {
            path: "/etc/nginx/conf.d/frontend.conf",
            content: renderTemplate("nginx/frontend.conf.hbs", {
                ...common,
                lbSubnet,
                rates: { api: "10r/s", auth: "5r/s", ws: "5r/s" },
                cacheTtl: String(settings.cacheTtl ?? "10s"),
                api,
                ws,
                react,
                listenPort: http.port,
                statusPort: portOf(placement, "status")?.port ?? 8081,
                maxConnections,
                root: "/app/frontend/dist",
                wsReadTimeout: String(settings.websocketReadTimeout ?? "3600s"),
            }),
        },
        { path: "/etc/nginx/snippets/blitzhub-proxy.conf", content: renderTemplate("nginx/blitzhub-proxy.conf.hbs", common) },
        { path: "/etc/nginx/snippets/security-headers.conf", content: renderTemplate("nginx/security-headers.conf.hbs", common) },
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
    const settings = ctx.placement.def.settings;
    const common = {
        vmLabel: label,
        version: ctx.placement.def.version,
        ruleEngine: String(settings.SecRuleEngine ?? "On"),
        wsRateLimit: String(settings.SecWebSocketRateLimit ?? "100/s"),
    };
    return [
        { path: "/etc/modsecurity/modsecurity.conf", content: renderTemplate("modsecurity/modsecurity.conf.hbs", common) },
        { path: "/etc/nginx/modsecurity/owasp.rules", content: renderTemplate("modsecurity/owasp.rules.hbs", common) },
    ].map((f) => ({ ...f, validate: NGINX_VALIDATE, reload: "systemctl reload nginx" }));
}

/** The Solana JSON-RPC gateway (Nginx on the SOL micro): rate-limited proxy to the account's validator. */
export function renderRpcGateway(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const validator = dependencyTargets(ctx, "solana-validator")[0];
    if (!validator) throw new Error(`${label} rpc-gateway: the plan resolves no solana-validator target`);
    const lbSubnet = account.subnets.find((s) => s.name === "lb")?.cidr;
    if (!lbSubnet) throw new Error(`${label} rpc-gateway: account has no lb subnet`);
    const common = { vmLabel: label };
    return [
        {
            path: "/etc/nginx/nginx.conf",
            content: renderTemplate("nginx/nginx.conf.hbs", { ...common, user: "nginx", workerConnections: 2048 }),
        },
        {
            path: "/etc/nginx/conf.d/rpc-gateway.conf",
            content: renderTemplate("nginx/rpc-gateway.conf.hbs", {
                ...common,
                rpcLabel: `${validator.account}/${validator.vm}`,
                lbSubnet,
                rpcRate: "50r/s",
                rpcBurst: 100,
                rpc: { ip: validator.ip, port: requirePort(validator, `${label} rpc-gateway → validator`, "rpc").port },
                pubsub: { ip: validator.ip, port: requirePort(validator, `${label} rpc-gateway → validator`, "rpc-ws").port },
                listenPort: requirePort(placement, `${label} rpc-gateway`, "rpc").port,
                statusPort: portOf(placement, "status")?.port ?? 8081,
            }),
        },
    ].map((f) => ({ ...f, validate: NGINX_VALIDATE, reload: "systemctl reload nginx" }));
}
