/**
 * Redis on the BE/SOL micros: `maxmemory 512mb`, `allkeys-lru`, `notify-keyspace-events Ex`; TLS
 * only, with a certificate of the internal CA; ACL users per cluster (account) with their own
 * derived passwords (`app`, `replication`, `exporter`), the default user off.
 */
import type { AccountPlan } from "../plan/types";
import { derivedPasswordPath, internalTlsFiles } from "./internalPki";
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { redisExporterFiles } from "./exporters";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Starts the file on a unix socket for a second: exit 124 (killed by timeout) means it parsed. Never touches the live data dir. */
export const REDIS_VALIDATE =
    "timeout 2 redis-server /etc/redis/redis.conf --port 0 --tls-port 0 --unixsocket /tmp/blitzhub-redis-check-$$.sock --daemonize no " +
    "--supervised no --dir /tmp --save '' --appendonly no --logfile '' --pidfile /tmp/blitzhub-redis-check-$$.pid --replicaof no one; test $? -eq 124";

/** The ACL users of an account's Redis cluster and the placeholder paths of their passwords. */
export function redisUsers(account: AccountPlan): { app: string; replication: string; exporter: string } {
    return {
        app: derivedPasswordPath(account, "redis", "app"),
        replication: derivedPasswordPath(account, "redis", "replication"),
        exporter: derivedPasswordPath(account, "redis", "exporter"),
    };
}

/** Where a Redis client finds the CA that signed every Redis's certificate (the system trust store). */
export { INTERNAL_CA_BUNDLE_PATH as REDIS_CLIENT_CA_PATH } from "./internalPki";

export function renderRedis(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const port = requirePort(placement, `${label} redis`, "redis");
    const settings = placement.def.settings;
    const users = redisUsers(account);
    const reload = "systemctl restart redis-server";
    const tls = internalTlsFiles(account, vm, "redis", { dir: "/etc/redis/tls", owner: "redis", reload });
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
        cluster: account.name,
        users,
        tls,
        primary,
    });
    return [
        ...tls.files,
        {
            path: "/etc/redis/redis.conf",
            content,
            mode: "0640",
            owner: "redis",
            group: "redis",
            validate: REDIS_VALIDATE,
            reload,
        },
        ...redisExporterFiles(ctx, users.exporter, port.port),
    ];
}
