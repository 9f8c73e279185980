/**
 * The rendered alert rules behave as intended: `promtool test rules` unit tests for the
 * WebSocket and latency alerts (firing above the threshold after `for`, silent below it).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { AlertRule } from "../../model/schema";
import { runbookUrl } from "../../render/runbooks";
import { IN_CI, realPlan } from "./fixtures";
import { CHECKERS, hasBinary, installHint, run } from "./sandbox";

const { plan, files } = realPlan();
const rulesFile = files.find((f) => f.path === "/etc/prometheus/rules/blitzhub.rules.yml")!;
const dir = mkdtempSync(join(tmpdir(), "blitzhub-rules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function alert(service: string, name: string): AlertRule {
    for (const a of plan.accounts) for (const vm of a.vms) for (const p of vm.services) {
        const found = p.service === service ? p.def.alerts.find((x) => x.alert === name) : undefined;
        if (found) return found;
    }
    throw new Error(`no alert ${name} on ${service}`);
}

/** Cumulative histogram buckets where every observation takes `value` (same unit as the buckets). */
function histogram(metric: string, labels: Record<string, string>, buckets: number[], value: number, perMinute: number): { series: string; values: string }[] {
    const sel = (le: string) => `${metric}_bucket{${Object.entries({ ...labels, le }).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
    return [...buckets.map(String), "+Inf"].map((le) => ({
        series: sel(le),
        values: le === "+Inf" || value <= Number(le) ? `0+${perMinute}x30` : "0+0x30",
    }));
}

/** One `promtool test rules` case: fires (with its labels) after `for`, stays silent when under threshold. */
function cases(service: string, name: string, hot: { series: string; values: string }[], cold: { series: string; values: string }[], extraLabels: Record<string, string> = {}) {
    const a = alert(service, name);
    const labels = { severity: a.severity, service, ...extraLabels };
    const annotations = { summary: a.summary ?? "", runbook_url: runbookUrl(plan, service, name.toLowerCase()) };
    return [
        {
            interval: "1m",
            input_series: hot,
            alert_rule_test: [
                { eval_time: "2m", alertname: name, exp_alerts: [] },
                { eval_time: "20m", alertname: name, exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }] },
            ],
        },
        { interval: "1m", input_series: cold, alert_rule_test: [{ eval_time: "20m", alertname: name, exp_alerts: [] }] },
    ];
}

const secondsBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const msBuckets = [5, 10, 25, 50, 100, 250, 500];
const counter = (series: string, perMinute: number) => ({ series, values: `0+${perMinute}x30` });
const gauge = (series: string, value: number) => ({ series, values: `${value}x30` });

const tests = [
    ...cases("fastify", "WebSocketHighLatency",
        histogram("websocket_message_duration_ms", { job: "fastify" }, msBuckets, 80, 600),
        histogram("websocket_message_duration_ms", { job: "fastify" }, msBuckets, 20, 600)),
    ...cases("fastify", "FastifyHighLatency",
        histogram("http_request_duration_seconds", { job: "fastify" }, secondsBuckets, 0.08, 600),
        histogram("http_request_duration_seconds", { job: "fastify" }, secondsBuckets, 0.02, 600)),
    ...cases("react", "ReactHighLatency",
        histogram("http_request_duration_seconds", { job: "react" }, secondsBuckets, 0.2, 600),
        histogram("http_request_duration_seconds", { job: "react" }, secondsBuckets, 0.05, 600)),
    ...cases("react", "WebSocketDisconnect",
        [counter('websocket_disconnect_total{job="react",instance="10.0.1.10:4173"}', 30)],
        [counter('websocket_disconnect_total{job="react",instance="10.0.1.10:4173"}', 3)],
        { job: "react", instance: "10.0.1.10:4173" }),
    ...cases("haproxy", "HAProxyHighLatency",
        [gauge('haproxy_backend_response_time_average_seconds{proxy="fastify_api"}', 0.08)],
        [gauge('haproxy_backend_response_time_average_seconds{proxy="fastify_api"}', 0.01)],
        { proxy: "fastify_api" }),
    ...cases("nginx", "NginxWebSocketOverload",
        [gauge('nginx_websocket_connections_active{instance="10.0.1.10:9113"}', 900)],
        [gauge('nginx_websocket_connections_active{instance="10.0.1.10:9113"}', 100)],
        { instance: "10.0.1.10:9113" }),
];

const hasPromtool = hasBinary(CHECKERS.promtool.bin);

describe("alert rules", () => {
    it.runIf(hasPromtool)("promtool test rules: WebSocket and latency alerts fire above their thresholds only", async () => {
        writeFileSync(join(dir, "blitzhub.rules.yml"), rulesFile.content);
        writeFileSync(join(dir, "tests.yml"), stringify({ rule_files: ["blitzhub.rules.yml"], evaluation_interval: "1m", tests }));
        const { status, stdout } = await run("promtool", ["test", "rules", join(dir, "tests.yml")]);
        expect(status, stdout).toBe(0);
        expect(stdout).toMatch(/SUCCESS/);
    });

    it.runIf(hasPromtool)("a wrong expectation fails promtool (the unit tests can fail)", async () => {
        writeFileSync(join(dir, "blitzhub.rules.yml"), rulesFile.content);
        const wrong = tests.slice(0, 1).map((t) => ({ ...t, alert_rule_test: [{ eval_time: "20m", alertname: "WebSocketHighLatency", exp_alerts: [] }] }));
        writeFileSync(join(dir, "wrong.yml"), stringify({ rule_files: ["blitzhub.rules.yml"], evaluation_interval: "1m", tests: wrong }));
        const { status } = await run("promtool", ["test", "rules", join(dir, "wrong.yml")]);
        expect(status).not.toBe(0);
    });

    if (!hasPromtool && IN_CI) it("promtool is installed (CI=true)", () => expect.fail(`promtool missing: ${installHint(CHECKERS.promtool)}`));
    else if (!hasPromtool) it.skip(`promtool missing — install: ${installHint(CHECKERS.promtool)}`, () => {});

    it.runIf(hasPromtool)("every Grafana dashboard query is valid PromQL (promtool check rules on them as recording rules)", async () => {
        const dashboards = files.filter((f) => f.path.startsWith("/var/lib/grafana/dashboards/"));
        expect(dashboards.map((f) => f.path.split("/").pop()).sort()).toEqual(["blitzhub-services.json", "blitzhub-websocket.json"]);
        const exprs = dashboards.flatMap((f) => (JSON.parse(f.content) as { panels: { targets?: { expr: string }[] }[] }).panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)));
        const declared = new Set(plan.accounts.flatMap((a) => a.vms.flatMap((v) => v.services.flatMap((p) => p.def.dashboards))));
        for (const q of declared) expect(exprs, q).toContain(q);
        const websocket = JSON.parse(dashboards.find((f) => f.path.endsWith("websocket.json"))!.content) as { panels: { type: string }[] };
        expect(websocket.panels.filter((p) => p.type === "timeseries").length).toBeGreaterThan(3);
        writeFileSync(join(dir, "dashboards.rules.yml"), stringify({ groups: [{ name: "dashboards", rules: exprs.map((expr, i) => ({ record: `blitzhub:dashboard_query:${i}`, expr })) }] }));
        const { status, stdout } = await run("promtool", ["check", "rules", join(dir, "dashboards.rules.yml")]);
        expect(status, stdout).toBe(0);
    });

    it("every alert of every placed service is in the rule file, with the spec's expression kept where it was fixed", () => {
        for (const a of plan.accounts) for (const vm of a.vms) for (const p of vm.services) for (const rule of p.def.alerts) {
            expect(rulesFile.content, rule.alert).toContain(`- alert: ${rule.alert}\n`);
            expect(rulesFile.content, rule.alert).toContain(`expr: ${JSON.stringify(rule.expr)}`);
            if (rule.specExpr) expect(rulesFile.content, rule.alert).toContain(`# Spec expression: ${rule.specExpr.replace(/\s+/g, " ")}`);
        }
    });
});
