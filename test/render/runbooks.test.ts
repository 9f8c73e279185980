/**
 * Runbooks and capacity alerts: every rendered alert rule links a runbook page that exists (and
 * the section it names), the spec's auto-scaling rules are capacity alerts that fire above
 * their thresholds only (`promtool test rules`) and reach the operators (`amtool config routes
 * test`), and the checked-in docs are what `npm run docs` generates.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { generatedDocs } from "../../offline/docs/generatedDocs";
import { loadAllowances } from "../../model/allowances";
import { loadTopology } from "../../model/load";
import { loadOciLimits } from "../../model/ociLimits";
import { buildPlan } from "../../plan";
import { parseScalingRule } from "../../render/capacityAlerts";
import { renderAlertRules } from "../../render/prometheus";
import { IN_CI, realPlan } from "./fixtures";
import { CHECKERS, hasBinary, installHint, run } from "./sandbox";

const { plan, files } = realPlan();
const rulesFile = files.find((f) => f.path === "/etc/prometheus/rules/blitzhub.rules.yml")!;
type Rule = { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> };
const groups = (parse(rulesFile.content) as { groups: { name: string; rules: Rule[] }[] }).groups;
const rules = groups.flatMap((g) => g.rules.map((r) => ({ ...r, group: g.name })));
const dir = mkdtempSync(join(tmpdir(), "blitzhub-runbooks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("runbook links", () => {
    it("every alert rule has a runbook_url to its service's page, and the page has the section it names", () => {
        expect(rules.length).toBeGreaterThan(20);
        for (const rule of rules) {
            const url = rule.annotations.runbook_url;
            expect(url, rule.alert).toMatch(new RegExp(`^docs/runbooks/${rule.group}\\.md#[a-z0-9-]+$`));
            const [page, anchor] = url.slice("docs/runbooks/".length).split("#");
            const file = join(PROJECT_ROOT, "docs", "runbooks", page);
            expect(existsSync(file), `${rule.alert}: ${file}`).toBe(true);
            const markdown = readFileSync(file, "utf8");
            expect(markdown.includes(`<a id="${anchor}"></a>`) || markdown.includes(`\n## ${anchor[0].toUpperCase()}${anchor.slice(1)}\n`), `${rule.alert}: #${anchor} in ${page}`).toBe(true);
        }
    });

    it("links under the topology's runbookBaseUrl when it sets one", () => {
        const base = "https://git.example.org/ops/blitzhub-infra/src/branch/main/docs/runbooks";
        const topology = { ...loadTopology("topology/blitzhub.yaml"), runbookBaseUrl: base };
        const published = buildPlan(topology, loadAllowances(), loadOciLimits());
        expect(published.runbookBaseUrl).toBe(base);
        const vm = published.accounts.flatMap((a) => a.vms.map((v) => ({ account: a, vm: v }))).find(({ vm }) => vm.services.some((p) => p.service === "prometheus"))!;
        const placement = vm.vm.services.find((p) => p.service === "prometheus")!;
        const content = renderAlertRules({ plan: published, account: vm.account, vm: vm.vm, placement } as Parameters<typeof renderAlertRules>[0])[0].content;
        const urls = [...content.matchAll(/runbook_url: "([^"]+)"/g)].map((m) => m[1]);
        expect(urls.length).toBe(rules.length);
        expect(urls.every((u) => u.startsWith(`${base}/`))).toBe(true);
        expect(urls).toContain(`${base}/nginx.md#capacity`);
    });

    it("each runbook page carries the spec's rollback, tasks and alerts of its service", () => {
        const nginx = readFileSync(join(PROJECT_ROOT, "docs", "runbooks", "nginx.md"), "utf8");
        const def = plan.accounts.flatMap((a) => a.vms.flatMap((v) => v.services)).find((p) => p.service === "nginx")!.def;
        expect(nginx).toContain(`- **When**: ${def.rollback!.condition}`);
        expect(nginx).toContain(`- **Fallback** if the rollback does not restore service: ${def.rollback!.fallback}`);
        expect(nginx).toContain(`- **Update**: ${def.maintenance!.update}.`);
        expect(nginx).toContain(`*${def.maintenance!.autoscaling}*`);
        for (const a of def.alerts) expect(nginx).toContain(`<a id="${a.alert.toLowerCase()}"></a>${a.alert}`);
        for (const vm of plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((p) => p.service === "nginx")).map((v) => `| ${a.name} | ${v.name} | ${v.privateIp} |`))) {
            expect(nginx).toContain(vm);
        }
    });

    it("a health check says how its port is reached: HTTPS, and a client certificate where the port demands one", () => {
        const page = (service: string) => readFileSync(join(PROJECT_ROOT, "docs", "runbooks", `${service}.md`), "utf8");
        const line = (service: string) => page(service).split("\n").find((l) => l.startsWith("Health check: "));
        expect(line("prometheus")).toBe(
            "Health check: /-/healthy on port `http` over HTTPS, trusting the internal CA and presenting a client certificate it issued (the port refuses a client without one; on the VM, the service's own leaf), expecting 200.",
        );
        expect(line("loki")).toMatch(/over HTTPS, trusting the internal CA and presenting a client certificate/);
        expect(line("minio")).toBe("Health check: /minio/health/live on port `api` over HTTPS, trusting the internal CA, expecting 200.");
        expect(line("vault")).toMatch(/over HTTPS, trusting the internal CA, expecting/);
        expect(line("nginx")).toBe("Health check: /health on port `http` over HTTP, expecting 200.");
    });

    it("docs/ is what `npm run docs` generates (runbooks and the README's topology.svg)", async () => {
        const generated = await generatedDocs();
        expect(generated.size).toBeGreaterThan(20);
        for (const [file, content] of generated) {
            const full = join(PROJECT_ROOT, file);
            expect(existsSync(full) ? readFileSync(full, "utf8") === content : false, `${file} is stale: run npm run docs`).toBe(true);
        }
    }, 120_000);
});

describe("capacity alerts", () => {
    const scaling = plan.accounts.flatMap((a) => a.vms.flatMap((v) => v.services)).filter((p, i, all) => p.def.maintenance?.autoscaling && all.findIndex((x) => x.service === p.service) === i);
    const capacity = rules.filter((r) => r.labels.category === "capacity");

    it("one per auto-scaling rule of the spec, naming the rule, routed as capacity", () => {
        expect(scaling.map((p) => p.service).sort()).toEqual(["fastify", "haproxy", "nginx", "prometheus", "react"]);
        expect(capacity.map((r) => [r.group, r.annotations.autoscaling_rule]).sort()).toEqual(scaling.map((p) => [p.service, p.def.maintenance!.autoscaling]).sort());
        for (const r of capacity) expect(r.labels.severity).toBe("warning");
    });

    it("parses the spec's wording and refuses anything else, naming the topology path", () => {
        expect(parseScalingRule("Add A1.Flex if CPU > 70% or WebSocket connections > 800 for 5 min", "x")).toEqual({
            add: "A1.Flex",
            conditions: [{ metric: "cpu", threshold: 70 }, { metric: "websocketConnections", threshold: 800 }],
            forMinutes: 5,
        });
        expect(() => parseScalingRule("Add A1.Flex when busy", "services.x.maintenance.autoscaling")).toThrow(/^services\.x\.maintenance\.autoscaling: "Add A1\.Flex when busy"/);
        expect(() => parseScalingRule("Add A1.Flex if CPU > 70", "p")).toThrow(/CPU is a percentage/);
    });

    const hasPromtool = hasBinary(CHECKERS.promtool.bin);
    if (!hasPromtool && IN_CI) it("promtool is installed (CI=true)", () => expect.fail(`promtool missing: ${installHint(CHECKERS.promtool)}`));

    it.runIf(hasPromtool)("promtool test rules: each capacity alert fires above its threshold after its duration, and not below", async () => {
        const host = (service: string) => plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((p) => p.service === service)).map((v) => ({ account: a.name, vm: v.name, host: v.resourceName })))[0];
        /** node_cpu_seconds_total of one VM, 1 CPU: idle grows by (1 - busy) s per s. */
        const cpu = (service: string, busy: number) => {
            const h = host(service);
            return [{ series: `node_cpu_seconds_total{job="node-exporter",mode="idle",cpu="0",account="${h.account}",vm="${h.vm}",host="${h.host}"}`, values: `0+${60 * (1 - busy)}x40` }];
        };
        const gauge = (metric: string, job: string, service: string, value: number) => {
            const h = host(service);
            return [{ series: `${metric}{job="${job}",account="${h.account}",vm="${h.vm}",host="${h.host}"}`, values: `${value}x40` }];
        };
        const labels = (service: string) => ({ severity: "warning", service, category: "capacity", account: host(service).account, vm: host(service).vm, host: host(service).host });
        const cases: [string, string, { series: string; values: string }[], { series: string; values: string }[]][] = [
            ["react", "ReactCapacityRule", cpu("react", 0.9), cpu("react", 0.5)],
            ["prometheus", "PrometheusCapacityRule", cpu("prometheus", 0.9), cpu("prometheus", 0.7)],
            ["fastify", "FastifyCapacityRule", gauge("websocket_connections_active", "fastify", "fastify", 900), gauge("websocket_connections_active", "fastify", "fastify", 700)],
            ["nginx", "NginxCapacityRule", gauge("nginx_connections_active", "nginx", "nginx", 900), gauge("nginx_connections_active", "nginx", "nginx", 700)],
            ["haproxy", "HaproxyCapacityRule", gauge("haproxy_frontend_current_sessions", "haproxy", "haproxy", 46000), gauge("haproxy_frontend_current_sessions", "haproxy", "haproxy", 30000)],
        ];
        const tests = cases.flatMap(([service, alert, hot, cold]) => {
            const rule = capacity.find((r) => r.alert === alert)!;
            expect(rule, alert).toBeDefined();
            const annotations = rule.annotations;
            const expected = { exp_labels: labels(service), exp_annotations: { ...annotations, summary: annotations.summary.replace("{{ $labels.account }}", host(service).account).replace("{{ $labels.vm }}", host(service).vm) } };
            return [
                { interval: "1m", input_series: hot, alert_rule_test: [{ eval_time: "25m", alertname: alert, exp_alerts: [expected] }] },
                { interval: "1m", input_series: cold, alert_rule_test: [{ eval_time: "25m", alertname: alert, exp_alerts: [] }] },
            ];
        });
        writeFileSync(join(dir, "blitzhub.rules.yml"), rulesFile.content);
        writeFileSync(join(dir, "capacity.yml"), stringify({ rule_files: ["blitzhub.rules.yml"], evaluation_interval: "1m", tests }));
        const checked = await run("promtool", ["check", "rules", join(dir, "blitzhub.rules.yml")]);
        expect(checked.status, checked.stdout).toBe(0);
        const { status, stdout } = await run("promtool", ["test", "rules", join(dir, "capacity.yml")]);
        expect(status, stdout).toBe(0);
        // The same tests with a threshold off by one fail: the rules are what decides.
        const wrong = tests.slice(0, 1).map((t) => ({ ...t, alert_rule_test: [{ ...t.alert_rule_test[0], exp_alerts: [] }] }));
        writeFileSync(join(dir, "wrong.yml"), stringify({ rule_files: ["blitzhub.rules.yml"], evaluation_interval: "1m", tests: wrong }));
        expect((await run("promtool", ["test", "rules", join(dir, "wrong.yml")])).status).not.toBe(0);
    });

    const hasAmtool = hasBinary(CHECKERS.amtool.bin);
    it.runIf(hasAmtool)("Alertmanager routes capacity alerts to the operators, the rest as before (amtool config routes test)", async () => {
        const am = files.find((f) => f.path === "/etc/alertmanager/alertmanager.yml")!;
        writeFileSync(join(dir, "alertmanager.yml"), am.content);
        const route = async (...labels: string[]) => (await run("amtool", ["config", "routes", "test", `--config.file=${join(dir, "alertmanager.yml")}`, ...labels])).stdout.trim().split("\n").pop();
        expect(await route("category=capacity", "severity=warning", "alertname=ReactCapacityRule")).toBe("operators");
        expect(await route("severity=warning", "alertname=RedisDown")).toBe("warning");
        expect(await route("severity=critical", "alertname=RedisDown")).toBe("critical");
    });
});
