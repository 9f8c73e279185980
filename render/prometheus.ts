/**
 * Prometheus on EU-MON-01: one scrape job per (service, metrics path) over the plan's scrape
 * targets of all accounts, alert rules from the topology, and the Alertmanagers to notify.
 */
import type { ScrapeTarget } from "../plan/types";
import { dependencyTargets, instancesOf, portOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

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

export function renderPrometheus(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const web = requirePort(placement, `${label} prometheus`, "http", "web", "api");
    let alertmanagers = dependencyTargets(ctx, "alertmanager").map((t) => `${t.ip}:${requirePort(t, `${label} prometheus → alertmanager`, "http", "api", "web").port}`);
    if (alertmanagers.length === 0) {
        alertmanagers = instancesOf(plan, "alertmanager").map((i) => `${i.vm.privateIp}:${requirePort(i.placement, `${label} prometheus → alertmanager`, "http", "api", "web").port}`);
    }
    if (alertmanagers.length === 0) throw new Error(`${label} prometheus: no alertmanager in the plan`);
    const jobs = scrapeJobs(plan.scrapeTargets).map((j) => ({
        ...j,
        targets: j.targets.map((t) => ({ ...t, host: t.vmResourceName })),
    }));
    if (jobs.length === 0) throw new Error(`${label} prometheus: the plan has no scrape targets`);
    const dataDir = vm.blockVolumes.find((b) => b.for.includes("prometheus"))?.mountPath ?? "/var/lib/prometheus";
    const files: FileSpec[] = [
        {
            path: "/etc/prometheus/prometheus.yml",
            content: renderTemplate("prometheus/prometheus.yml.hbs", {
                vmLabel: label,
                scrapeInterval: placement.def.env.SCRAPE_INTERVAL ?? "15s",
                replica: vm.resourceName,
                alertmanagers,
                jobs,
            }),
        },
        {
            path: "/etc/default/prometheus",
            content: renderTemplate("prometheus/defaults.hbs", {
                vmLabel: label,
                dataDir: `${dataDir.replace(/\/$/, "")}/metrics2`,
                retention: placement.def.env.RETENTION ?? "15d",
                listen: `${vm.privateIp}:${web.port}`,
            }),
            reload: "systemctl restart prometheus",
        },
        ...renderAlertRules(ctx),
    ];
    return files.map((f) => ({
        ...f,
        validate: "promtool check config /etc/prometheus/prometheus.yml",
        reload: f.reload ?? "systemctl reload prometheus",
    }));
}

/** One rule file per service of the plan that has alerts; the spec's expression is kept as a comment where the topology fixed it. */
export function renderAlertRules(ctx: ServiceContext): FileSpec[] {
    const label = vmLabel(ctx.account, ctx.vm);
    const seen = new Map<string, ServiceContext["placement"]["def"]>();
    for (const account of ctx.plan.accounts) {
        for (const vm of account.vms) for (const p of vm.services) if (!seen.has(p.service)) seen.set(p.service, p.def);
    }
    const files: FileSpec[] = [];
    for (const [service, def] of [...seen.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        if (def.alerts.length === 0) continue;
        const rules = def.alerts.map((a) => ({
            alert: a.alert,
            expr: a.expr,
            for: a.for,
            severity: a.severity,
            summary: a.summary ?? `${a.alert} on {{ $labels.account }}/{{ $labels.vm }}`,
            specExpr: a.specExpr,
            fix: a.fix ?? "",
        }));
        files.push({
            path: `/etc/prometheus/rules/${service}.rules.yml`,
            content: renderTemplate("prometheus/rules.yml.hbs", { vmLabel: label, service, rules }),
        });
    }
    return files;
}

export function renderAlertmanager(ctx: ServiceContext): FileSpec[] {
    const { placement } = ctx;
    const label = vmLabel(ctx.account, ctx.vm);
    const configPath = placement.def.files.find((f) => /alertmanager\.ya?ml$/.test(f)) ?? "/etc/alertmanager/alertmanager.yml";
    const dir = configPath.replace(/\/[^/]+$/, "");
    const webhook = placement.def.secrets.find((s) => /slack|webhook/.test(s.path));
    if (!webhook) throw new Error(`${label} alertmanager: the catalogue declares no notification webhook secret (secret/alertmanager_*webhook*)`);
    const receivers = ["critical", "warning"].map((name) => ({
        name,
        urlFile: `${dir}/${name}-webhook.url`,
        channel: `#blitzhub-${name}`,
        secretPath: webhook.path,
    }));
    const validate = `amtool check-config ${configPath}`;
    const reload = "systemctl reload prometheus-alertmanager";
    return [
        { path: configPath, content: renderTemplate("alertmanager/alertmanager.yml.hbs", { vmLabel: label, receivers }) },
        ...receivers.map((r) => ({
            path: r.urlFile,
            content: renderTemplate("alertmanager/webhook-url.hbs", { secretPath: r.secretPath }),
            mode: "0640",
            group: "prometheus",
        })),
    ].map((f) => ({ ...f, validate, reload }));
}
