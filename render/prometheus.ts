/**
 * Prometheus on EU-MON-01: one scrape job per (service, metrics path) over the plan's scrape
 * targets of all accounts, alert rules from the topology, and the Alertmanagers to notify.
 */
import type { ScrapeTarget, VmPlan } from "../plan/types";
import { MINIO_METRICS_TOKEN_SECRET } from "./backupCredentials";
import { capacityAlert } from "./capacityAlerts";
import { internalTlsFiles } from "./internalPki";
import { runbookUrl } from "./runbooks";
import { dependencyTargets, instancesOf, requirePort, vmLabel } from "./lookup";
import { vaultMetricsTokenPath } from "./vault";
import { secretPlaceholder } from "./secrets";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";
import { serviceDataDir } from "./volumes";

/** The bearer token of MinIO's metrics, read by Prometheus' MinIO job. */
export const MINIO_METRICS_TOKEN_FILE = "/etc/prometheus/minio-metrics.token";

/** Prometheus' Vault token (read by the Vault job; renewed daily by blitzhub-vault-token-renew). */
export const VAULT_METRICS_TOKEN_FILE = "/etc/prometheus/vault-metrics.token";

/** Prometheus' web configuration (`--web.config.file`): its HTTPS listener and who may use it. */
export const PROMETHEUS_WEB_CONFIG = "/etc/prometheus/web.yml";

/** Scrape jobs grouped by job name and metrics path, in the plan's order. */
export function scrapeJobs(targets: ScrapeTarget[]): { name: string; metricsPath: string; targets: ScrapeTarget[] }[] {
    const jobs = new Map<string, { name: string; metricsPath: string; targets: ScrapeTarget[] }>();
    const pathsPerJob = new Map<string, Set<string>>();
    for (const t of targets) pathsPerJob.set(t.job, (pathsPerJob.get(t.job) ?? new Set()).add(t.metricsPath));
    for (const t of targets) {
        // A job scraped on two paths becomes two jobs (`job` and `job-<path>`): job names are unique.
        const name = pathsPerJob.get(t.job)!.size > 1 ? `${t.job}${t.metricsPath.replace(/[^a-z0-9]+/gi, "-").replace(/-$/, "")}` : t.job;
        const job = jobs.get(name) ?? { name, metricsPath: t.metricsPath, targets: [] };
        job.targets.push(t);
        jobs.set(name, job);
    }
    return [...jobs.values()];
}

/**
 * Prometheus' TSDB on a VM: its own directory on the observability volume (the release install
 * makes it for user prometheus; the volume's root is root's). Its snapshot API writes under
 * `<tsdb>/snapshots`, which is what the backup timer copies.
 */
export function prometheusTsdbPath(vm: VmPlan): string {
    return serviceDataDir(vm, "prometheus", "/var/lib/prometheus");
}

export function renderPrometheus(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const web = requirePort(placement, `${label} prometheus`, "http", "web");
    if (!web.tls) throw new Error(`${label} prometheus: the catalogue's port ${web.name} must say tls: true (Prometheus serves it over mutual TLS, --web.config.file)`);
    // One leaf for both sides: the server certificate of its API, and the client certificate of
    // its scrapes (Loki and Prometheus itself require one; the other TLS targets ignore it).
    const tls = internalTlsFiles(account, vm, "prometheus", { dir: "/etc/prometheus/tls", owner: "root", group: "prometheus" });
    let alertmanagerPorts = dependencyTargets(ctx, "alertmanager").map((t) => ({ ip: t.ip, port: requirePort(t, `${label} prometheus → alertmanager`, "http", "api", "web") }));
    if (alertmanagerPorts.length === 0) {
        alertmanagerPorts = instancesOf(plan, "alertmanager").map((i) => ({ ip: i.vm.privateIp, port: requirePort(i.placement, `${label} prometheus → alertmanager`, "http", "api", "web") }));
    }
    if (alertmanagerPorts.length === 0) throw new Error(`${label} prometheus: no alertmanager in the plan`);
    const alertmanagers = alertmanagerPorts.map((a) => `${a.ip}:${a.port.port}`);
    // Alertmanager takes only clients with a certificate of the internal CA: Prometheus presents its leaf.
    const alertmanagersHttps = alertmanagerPorts.every((a) => a.port.tls);
    if (!alertmanagersHttps && alertmanagerPorts.some((a) => a.port.tls)) throw new Error(`${label} prometheus: some Alertmanagers serve TLS and some do not; one alerting scheme is needed`);
    const jobs = scrapeJobs(plan.scrapeTargets).map((j) => ({
        ...j,
        params: metricsParams(plan, j.targets[0]),
        https: j.targets[0].scheme === "https",
        tls: j.targets[0].scheme === "https" ? tls : undefined,
        targets: j.targets.map((t) => ({ ...t, host: t.vmResourceName })),
        // MinIO serves its metrics only with a bearer token (MINIO_PROMETHEUS_AUTH_TYPE=jwt); Vault
        // only with a token (unauthenticated_metrics_access = false), sent as a bearer token too.
        ...(j.targets.every((t) => t.service === "minio") ? { bearerTokenFile: MINIO_METRICS_TOKEN_FILE } : {}),
        ...(j.targets.every((t) => t.service === "vault") ? { bearerTokenFile: VAULT_METRICS_TOKEN_FILE } : {}),
    }));
    const vaultToken = vaultMetricsTokenPath(plan);
    const vaultJob = jobs.find((j) => j.bearerTokenFile === VAULT_METRICS_TOKEN_FILE);
    if (jobs.length === 0) throw new Error(`${label} prometheus: the plan has no scrape targets`);
    const files: FileSpec[] = [
        {
            path: "/etc/prometheus/prometheus.yml",
            content: renderTemplate("prometheus/prometheus.yml.hbs", {
                vmLabel: label,
                scrapeInterval: placement.def.env.SCRAPE_INTERVAL ?? "15s",
                replica: vm.resourceName,
                alertmanagers,
                alertmanagersTls: alertmanagersHttps ? tls : undefined,
                jobs,
            }),
        },
        {
            path: "/etc/default/prometheus",
            content: renderTemplate("prometheus/defaults.hbs", {
                vmLabel: label,
                dataDir: prometheusTsdbPath(vm),
                retention: placement.def.env.RETENTION ?? "15d",
                listen: `${vm.privateIp}:${web.port}`,
                webConfig: PROMETHEUS_WEB_CONFIG,
            }),
            reload: "systemctl restart prometheus",
        },
        {
            path: PROMETHEUS_WEB_CONFIG,
            content: renderTemplate("prometheus/web.yml.hbs", { vmLabel: label, tls }),
            mode: "0640",
            owner: "root",
            group: "prometheus",
        },
        ...tls.files,
        ...(jobs.some((j) => j.bearerTokenFile === MINIO_METRICS_TOKEN_FILE) ? [{ path: MINIO_METRICS_TOKEN_FILE, content: secretPlaceholder(MINIO_METRICS_TOKEN_SECRET), mode: "0640", owner: "root", group: "prometheus" }] : []),
        ...(vaultJob && vaultToken ? renderVaultTokenRenewal(vaultJob.targets.map((t) => t.address), vaultToken.path, tls.caPath) : []),
        ...renderAlertRules(ctx),
    ];
    return files.map((f) => ({
        ...f,
        validate: `promtool check config /etc/prometheus/prometheus.yml && promtool check rules /etc/prometheus/rules/*.rules.yml && promtool check web-config ${PROMETHEUS_WEB_CONFIG}`,
        reload: f.reload ?? "systemctl reload prometheus",
    }));
}

/**
 * Prometheus' Vault token (its ID derived from the seed; created in Vault by
 * blitzhub-vault-metrics-token) and the daily renewal that keeps the periodic token alive.
 */
function renderVaultTokenRenewal(vaultAddresses: string[], tokenPath: string, caPath: string): FileSpec[] {
    const unit = "blitzhub-vault-token-renew";
    const validate = `sh -n /usr/local/bin/${unit} && systemd-analyze verify --man=no /etc/systemd/system/${unit}.timer`;
    const reload = `systemctl daemon-reload && systemctl enable --now ${unit}.timer`;
    return [
        { path: VAULT_METRICS_TOKEN_FILE, content: secretPlaceholder(tokenPath), mode: "0640", owner: "root", group: "prometheus" },
        ...[
            { path: `/usr/local/bin/${unit}`, content: renderTemplate("prometheus/vault-token-renew.sh.hbs", { tokenFile: VAULT_METRICS_TOKEN_FILE, caPath, addresses: vaultAddresses }), mode: "0755" },
            { path: `/etc/systemd/system/${unit}.service`, content: renderTemplate("prometheus/vault-token-renew.service.hbs", { unit }) },
            { path: `/etc/systemd/system/${unit}.timer`, content: renderTemplate("prometheus/vault-token-renew.timer.hbs", { unit }) },
        ].map((f) => ({ ...f, validate, reload })),
    ];
}

/** Query parameters of a target's metrics port (Vault wants `format=prometheus`). */
function metricsParams(plan: ServiceContext["plan"], target: ScrapeTarget): { name: string; values: string[] }[] {
    const instance = instancesOf(plan, target.service, target.account).find((i) => i.vm.name === target.vm);
    const port = instance?.placement.def.ports.find((p) => p.port === target.port);
    return Object.entries(port?.metricsParams ?? {}).map(([name, values]) => ({ name, values }));
}

/**
 * The alert rules of every service placed in the plan, one group per service, in the rule file
 * the catalogue names (`/etc/prometheus/rules/blitzhub.rules.yml`). Where the topology corrected
 * the spec's expression, the spec's one and the reason are kept as comments.
 */
export function renderAlertRules(ctx: ServiceContext): FileSpec[] {
    const label = vmLabel(ctx.account, ctx.vm);
    const seen = new Map<string, ServiceContext["placement"]["def"]>();
    for (const account of ctx.plan.accounts) {
        for (const vm of account.vms) for (const p of vm.services) if (!seen.has(p.service)) seen.set(p.service, p.def);
    }
    const groups = [];
    for (const [service, def] of [...seen.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        const rules: Record<string, unknown>[] = def.alerts.map((a) => ({
            alert: a.alert,
            expr: a.expr,
            for: a.for,
            severity: a.severity,
            summary: a.summary ?? `${a.alert} on {{ $labels.account }}/{{ $labels.vm }}`,
            specExpr: a.specExpr?.replace(/\s+/g, " "),
            fix: (a.fix ?? "").replace(/\s+/g, " "),
            runbookUrl: runbookUrl(ctx.plan, service, a.alert.toLowerCase()),
        }));
        // The spec's auto-scaling rule, as a capacity alert routed to the operators.
        const capacity = capacityAlert(ctx.plan, service, def);
        if (capacity) rules.push({ ...capacity, category: "capacity", runbookUrl: runbookUrl(ctx.plan, service, "capacity") });
        if (rules.length === 0) continue;
        groups.push({ service, rules });
    }
    const path = ctx.placement.def.files.find((f) => f.startsWith("/etc/prometheus/rules/")) ?? "/etc/prometheus/rules/blitzhub.rules.yml";
    return [{ path, content: renderTemplate("prometheus/rules.yml.hbs", { vmLabel: label, groups }) }];
}
