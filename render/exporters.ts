/**
 * Settings of the distribution's exporters that serve a service's `metrics` port when the
 * service has no /metrics of its own (`install.exporter` in the catalogue): Nginx's reads
 * stub_status, Redis's logs in with the Redis password. Each listens on the VM's private IP, where
 * Prometheus scrapes it; the unit (from the package) reads `/etc/default/<package>`.
 */
import { PKI_CA_CERT_SECRET } from "./internalPki";
import { secretPlaceholder } from "./secrets";
import { portOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

function exporterPackage(ctx: ServiceContext): string | undefined {
    return ctx.placement.def.install.exporter;
}

/** `/etc/default/prometheus-nginx-exporter` for an Nginx with a `status` (stub_status) and a `metrics` port. */
export function nginxExporterFiles(ctx: ServiceContext): FileSpec[] {
    const pkg = exporterPackage(ctx);
    if (!pkg) return [];
    const label = vmLabel(ctx.account, ctx.vm);
    const metrics = requirePort(ctx.placement, `${label} ${pkg}`, "metrics");
    const status = portOf(ctx.placement, "status")?.port ?? 8081;
    return [
        {
            path: `/etc/default/${pkg}`,
            content: renderTemplate("exporters/defaults.hbs", {
                vmLabel: label,
                args: `-nginx.scrape-uri http://127.0.0.1:${status}/stub_status -web.listen-address ${ctx.vm.privateIp}:${metrics.port}`,
                env: [],
            }),
            reload: `systemctl restart ${pkg}`,
        },
    ];
}

/** The internal CA as the Redis exporter reads it. */
export const REDIS_EXPORTER_CA_PATH = "/etc/blitzhub/tls/redis-exporter-ca.crt";

/**
 * `/etc/default/prometheus-redis-exporter`: Redis over TLS (verified against its own copy of the
 * internal CA) as the ACL user `exporter`; the password only in the environment, never in argv.
 */
export function redisExporterFiles(ctx: ServiceContext, passwordSecret: string, redisPort: number): FileSpec[] {
    const pkg = exporterPackage(ctx);
    if (!pkg) return [];
    const label = vmLabel(ctx.account, ctx.vm);
    const metrics = requirePort(ctx.placement, `${label} ${pkg}`, "metrics");
    return [
        {
            path: `/etc/default/${pkg}`,
            content: renderTemplate("exporters/defaults.hbs", {
                vmLabel: label,
                args: `-redis.addr rediss://127.0.0.1:${redisPort} -redis.user exporter -tls-ca-cert-file ${REDIS_EXPORTER_CA_PATH} -web.listen-address ${ctx.vm.privateIp}:${metrics.port}`,
                env: [{ name: "REDIS_PASSWORD", value: `@@secret:${passwordSecret}@@` }],
            }),
            mode: "0640",
            owner: "root",
            group: "prometheus",
            reload: `systemctl restart ${pkg}`,
        },
        // Its own copy of the CA, delivered with it: the exporter exits when the file is missing, and
        // the system store's copy may arrive later (another delivery) on a VM that booted before the CA.
        {
            path: REDIS_EXPORTER_CA_PATH,
            content: secretPlaceholder(PKI_CA_CERT_SECRET),
            mode: "0644",
            owner: "root",
            group: "root",
            reload: `systemctl restart ${pkg}`,
        },
    ];
}
