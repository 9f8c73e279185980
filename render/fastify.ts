/** Fastify's application config on the BE A1: `/app/config/fastify.js` and `websocket.js`, peers by IP, secrets as placeholders. */
import { INTERNAL_CA_BUNDLE_PATH, internalTlsFiles } from "./internalPki";
import { dependencyTargets, instancesOf, requirePort, vmLabel } from "./lookup";
import { RABBITMQ_APP_USER } from "./rabbitmq";
import { redisUsers } from "./redis";
import { pm2Reload } from "./pm2";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** `https`/`amqps` for a port that speaks TLS, the plain scheme otherwise. */
function scheme(port: { tls: boolean }, plain: "http" | "amqp"): string {
    return port.tls ? `${plain}s` : plain;
}

export function renderFastify(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const def = placement.def;
    const need = <T>(value: T | undefined, what: string): T => {
        if (value === undefined) throw new Error(`${label} fastify: ${what}`);
        return value;
    };
    const redisTargets = dependencyTargets(ctx, "redis");
    const replicaVms = new Set(instancesOf(ctx.plan, "redis").filter((i) => i.placement.mode === "replica").map((i) => `${i.account.name}/${i.vm.name}`));
    const primary = need(redisTargets.find((t) => !replicaVms.has(`${t.account}/${t.vm}`)), "no redis primary among its dependencies");
    const replicas = redisTargets.filter((t) => replicaVms.has(`${t.account}/${t.vm}`));
    const redisAccount = need(instancesOf(ctx.plan, "redis", primary.account)[0]?.account, "no redis account");
    const redisPassword = redisUsers(redisAccount).app;
    const rabbitPassword = need(
        instancesOf(ctx.plan, "rabbitmq")[0]?.placement.def.secrets.find((s) => /app_password/.test(s.path))?.path,
        "rabbitmq declares no app password secret",
    );
    const adbDep = need(placement.dependencies.find((d) => d.managed && d.managedTarget), "no Autonomous Database dependency");
    const settings = def.settings;
    const list = (v: unknown, fallback: string[]) => (typeof v === "string" ? v.split(",").map((s) => s.trim()).filter(Boolean) : fallback);
    const otel = dependencyTargets(ctx, "otel-collector")[0];
    const fluentd = need(dependencyTargets(ctx, "fluentd")[0], "no fluentd target");
    const common = {
        vmLabel: label,
        version: def.version,
        ip: vm.privateIp,
        pubSubChannel: String(settings.redisPubSubChannel ?? "transactions"),
    };
    const owner = { owner: "app", group: "app", mode: "0600" };
    // Fastify's own leaf: its client certificate toward the collector and Fluentd, which require one.
    const fluentdPort = requirePort(fluentd, label, "forward");
    const otelTlsPort = otel ? requirePort(otel, label, "otlp-grpc").tls : false;
    const clientTls = otelTlsPort || fluentdPort.tls ? internalTlsFiles(account, vm, "fastify", { dir: "/app/config/tls", owner: "app", group: "app" }) : undefined;
    const validate = "node --check /app/config/fastify.js && node --check /app/config/websocket.js";
    const runtime = def.install.runtime;
    if (!runtime) throw new Error(`${label} fastify: the catalogue gives it no Node.js runtime`);
    const reload = pm2Reload("fastify", runtime.user);
    return [
        {
            path: "/app/config/fastify.js",
            content: renderTemplate("fastify/fastify.js.hbs", {
                ...common,
                nodeEnv: def.env.NODE_ENV ?? "production",
                apiPort: requirePort(placement, label, "api").port,
                maxMemoryRestart: String(settings.pm2MaxMemoryRestart ?? "2G"),
                redis: {
                    primary: { ip: primary.ip, port: requirePort(primary, label, "redis").port },
                    replicas: replicas.map((t) => ({ ip: t.ip, port: requirePort(t, label, "redis").port })),
                    user: "app",
                    passwordSecret: redisPassword,
                },
                // Redis, RabbitMQ and Vault speak TLS with certificates of the internal CA.
                caFile: INTERNAL_CA_BUNDLE_PATH,
                apiCacheTtl: String(settings.apiCacheTtl ?? "1h"),
                rabbitmq: {
                    urls: dependencyTargets(ctx, "rabbitmq").map((t) => `${scheme(requirePort(t, label, "amqp"), "amqp")}://${RABBITMQ_APP_USER}:@@secret:${rabbitPassword}@@@${t.ip}:${requirePort(t, label, "amqp").port}`),
                },
                publishQueue: String(settings.publishQueue ?? "buy_queue"),
                consumeQueues: list(settings.consumeQueues, ["buy_queue", "transaction_notifications"]),
                adb: {
                    account: adbDep.managedTarget!.account,
                    passwordSecret: need(def.secrets.find((s) => /adb/.test(s.path))?.path, "no ADB password secret"),
                    connectString: `${adbDep.managedTarget!.dbName.toLowerCase()}_high`,
                },
                vault: dependencyTargets(ctx, "vault").map((t) => `${scheme(requirePort(t, label, "api"), "http")}://${t.ip}:${requirePort(t, label, "api").port}`),
                solanaRpc: dependencyTargets(ctx, "rpc-gateway").map((t) => `http://${t.ip}:${requirePort(t, label, "rpc").port}`),
                otel: otel
                    ? {
                          endpoint: `${scheme(requirePort(otel, label, "otlp-grpc"), "http")}://${otel.ip}:${requirePort(otel, label, "otlp-grpc").port}`,
                          // The collector requires a client certificate: Fastify's own leaf (gRPC exporter credentials).
                          tls: otelTlsPort ? clientTls : undefined,
                      }
                    : { endpoint: "" },
                // Fluentd's forward protocol over mutual TLS (its in_forward requires a client certificate).
                fluentd: { ip: fluentd.ip, port: fluentdPort.port, tls: fluentdPort.tls ? clientTls : undefined },
            }),
            ...owner,
            validate,
            reload,
        },
        {
            path: "/app/config/websocket.js",
            content: renderTemplate("fastify/websocket.js.hbs", {
                ...common,
                wsPort: requirePort(placement, label, "ws").port,
                maxConnections: Number(def.env.WS_MAX_CONNECTIONS ?? def.maxConnections ?? 1000),
                authMethod: String(settings.websocketAuth ?? "web3-signature"),
                tokenSecret: need(def.secrets.find((s) => /websocket_token/.test(s.path))?.path, "no WebSocket token secret"),
            }),
            ...owner,
            validate,
            reload,
        },
        ...(clientTls?.files ?? []).map((f) => ({ ...f, validate, reload })),
    ];
}
