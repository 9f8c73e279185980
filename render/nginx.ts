/**
 * Nginx on the frontend VMs: the React build, `/api/` to Fastify, `/ws/` to the Fastify
 * WebSocket server, rate limits and security headers (edge practice, docs/design.md §7), `/health`, and the
 * ModSecurity hook that delivery enables when the nginx module is installed.
 */
import { backendTlsFiles } from "./backendPki";
import { coLocated, dependencyTargets, portOf, requirePort, vmLabel } from "./lookup";
import { nginxExporterFiles } from "./exporters";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Client connections the spec allows per Nginx (HTTP + WebSocket). */
const DEFAULT_MAX_CONNECTIONS = 1000;

/**
 * Shell that links the ModSecurity hook when its rules are in place, then tests the config.
 * Nginx and ModSecurity are delivered separately; whichever lands first, the check passes and
 * the second delivery enables the hook. A VM where ModSecurity is placed (the hook is delivered)
 * but its nginx module is not installed fails validation: the WAF never switches itself off.
 */
export const NGINX_VALIDATE =
    "mkdir -p /etc/nginx/modsecurity.d && " +
    "if [ -e /etc/nginx/modsecurity/hook.conf ]; then " +
    "if ! ls /etc/nginx/modules-enabled/*modsecurity*.conf >/dev/null 2>&1; then " +
    "echo 'ModSecurity is placed on this VM but the nginx module (libnginx-mod-http-modsecurity) is not installed' >&2; exit 1; fi; " +
    "if [ -e /etc/modsecurity/modsecurity.conf ] && [ -e /etc/nginx/modsecurity/owasp.rules ]; " +
    "then ln -sfn /etc/nginx/modsecurity/hook.conf /etc/nginx/modsecurity.d/hook.conf; " +
    "else rm -f /etc/nginx/modsecurity.d/hook.conf; fi; " +
    "else rm -f /etc/nginx/modsecurity.d/hook.conf; fi && nginx -t -q";

/** ModSecurity's audit log (SecAuditLog); Promtail's ModSecurity job and its alerts read it. */
export const MODSECURITY_AUDIT_LOG = "/var/log/modsecurity/audit.log";

/** Where Nginx keeps the certificate and key it presents to the load balancer. */
const BACKEND_TLS_DIR = "/etc/nginx/tls";

/**
 * The TLS listener the load balancer re-encrypts to, when the service has a `loadBalancerTls`
 * port: that port, and this VM's backend-CA leaf (render/backendPki.ts) as two placeholder files.
 */
function loadBalancerTls(ctx: ServiceContext, service: string): { listen: { port: number; certPath: string; keyPath: string }; files: FileSpec[] } | undefined {
    const port = ctx.placement.def.ports.find((p) => p.loadBalancerTls);
    if (!port) return undefined;
    const tls = backendTlsFiles(ctx.account, ctx.vm, service, { dir: BACKEND_TLS_DIR });
    return { listen: { port: port.port, certPath: tls.certPath, keyPath: tls.keyPath }, files: tls.files };
}

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
    const lbTls = loadBalancerTls(ctx, "nginx");

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
                loadBalancerTls: lbTls?.listen,
                statusPort: portOf(placement, "status")?.port ?? 8081,
                maxConnections,
                root: "/app/frontend/dist",
                wsReadTimeout: String(settings.websocketReadTimeout ?? "3600s"),
            }),
        },
        { path: "/etc/nginx/snippets/blitzhub-proxy.conf", content: renderTemplate("nginx/blitzhub-proxy.conf.hbs", common) },
        { path: "/etc/nginx/snippets/security-headers.conf", content: renderTemplate("nginx/security-headers.conf.hbs", common) },
        ...(lbTls ? [{ path: "/etc/nginx/snippets/backend-tls.conf", content: renderTemplate("nginx/backend-tls.conf.hbs", { ...common, ...lbTls.listen }) }, ...lbTls.files] : []),
    ];
    if (modsecurity) {
        files.push(
            { path: "/etc/nginx/modsecurity/hook.conf", content: renderTemplate("nginx/modsecurity-hook.conf.hbs", common) },
            { path: "/etc/nginx/modsecurity/main.conf", content: renderTemplate("nginx/modsecurity-main.conf.hbs", common) },
        );
    }
    return [...files.map((f) => ({ ...f, validate: NGINX_VALIDATE, reload: "systemctl reload nginx" })), ...nginxExporterFiles(ctx)];
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
        auditLog: MODSECURITY_AUDIT_LOG,
    };
    // No package makes the audit log's directory: Nginx's workers (user nginx) write into it.
    const auditDir = MODSECURITY_AUDIT_LOG.replace(/\/[^/]+$/, "");
    const validate = `install -d -o nginx -g nginx -m 0750 ${auditDir} && ${NGINX_VALIDATE}`;
    return [
        { path: "/etc/modsecurity/modsecurity.conf", content: renderTemplate("modsecurity/modsecurity.conf.hbs", common) },
        { path: "/etc/nginx/modsecurity/owasp.rules", content: renderTemplate("modsecurity/owasp.rules.hbs", common) },
    ].map((f) => ({ ...f, validate, reload: "systemctl reload nginx" }));
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
    const lbTls = loadBalancerTls(ctx, "rpc-gateway");
    return [
        {
            path: "/etc/nginx/nginx.conf",
            content: renderTemplate("nginx/nginx.conf.hbs", { ...common, user: "nginx", workerConnections: 2048 }),
        },
        ...(lbTls ? [{ path: "/etc/nginx/snippets/backend-tls.conf", content: renderTemplate("nginx/backend-tls.conf.hbs", { ...common, ...lbTls.listen }) }, ...lbTls.files] : []),
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
                loadBalancerTls: lbTls?.listen,
                statusPort: portOf(placement, "status")?.port ?? 8081,
            }),
        },
    ]
        .map((f): FileSpec => ({ ...f, validate: NGINX_VALIDATE, reload: "systemctl reload nginx" }))
        .concat(nginxExporterFiles(ctx));
}
