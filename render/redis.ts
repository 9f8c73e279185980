/** Redis on the BE/SOL micros: `maxmemory 512mb`, `allkeys-lru`, `notify-keyspace-events Ex`, password from the secret. */
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { redisExporterFiles } from "./exporters";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Starts the file on a unix socket for a second: exit 124 (killed by timeout) means it parsed. Never touches the live data dir. */
export const REDIS_VALIDATE =
    "timeout 2 redis-server /etc/redis/redis.conf --port 0 --unixsocket /tmp/blitzhub-redis-check-$$.sock --daemonize no " +
    "--supervised no --dir /tmp --save '' --appendonly no --logfile '' --pidfile /tmp/blitzhub-redis-check-$$.pid --replicaof no one; test $? -eq 124";

export function renderRedis(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const port = requirePort(placement, `${label} redis`, "redis");
    const settings = placement.def.settings;
    const password = placement.def.secrets.find((s) => /redis/.test(s.path)) ?? placement.def.secrets[0];
    if (!password) throw new Error(`${label} redis: the catalogue declares no password secret`);
    let primary: { ip: string; port: number; label: string } | undefined;
    if (placement.mode === "replica") {
        // The primary is the account's redis that is not a replica (the dependency lists every peer).
        const local = instancesOf(plan, "redis", account.name).find((i) => i.placement.mode !== "replica" && i.vm.name !== vm.name);
        if (local) primary = { ip: local.vm.privateIp, port: requirePort(local.placement, label, "redis").port, label: vmLabel(local.account, local.vm) };
        else throw new Error(`${label} redis replica: no primary in ${account.name}`);
    }
    const content = renderTemplate("redis/redis.conf.hbs", {
        vmLabel: label,
        version: placement.def.version,
        mode: placement.mode ?? "primary",
        bind: `127.0.0.1 ${vm.privateIp}`,
        port: port.port,
        maxmemory: String(settings.maxmemory ?? "512mb"),
        maxmemoryPolicy: String(settings["maxmemory-policy"] ?? settings.maxmemoryPolicy ?? "allkeys-lru"),
        notifyKeyspaceEvents: String(settings["notify-keyspace-events"] ?? settings.notifyKeyspaceEvents ?? "Ex"),
        maxclients: placement.def.maxConnections ?? 10000,
        passwordSecret: password.path,
        primary,
    });
    return [
        {
            path: "/etc/redis/redis.conf",
            content,
            mode: "0640",
            owner: "redis",
            group: "redis",
            validate: REDIS_VALIDATE,
            reload: "systemctl restart redis-server",
        },
        ...redisExporterFiles(ctx, password.path, port.port),
    ];
}
