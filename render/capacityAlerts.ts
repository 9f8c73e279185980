/**
 * The spec's auto-scaling rules ("Add A1.Flex if CPU > 70% for 5 min") as capacity alerts.
 * Always Free tenancies cannot add a VM (the API answers LimitExceeded), so each rule becomes a
 * Prometheus alert to the operators, who decide: move load, raise the tenancy to pay-as-you-go,
 * or accept it. Each alert names the rule it stands for (annotation `autoscaling_rule`).
 */
import type { ServiceDef } from "../model/schema";
import type { TopologyPlan } from "../plan/types";

/** One condition of a rule: a metric over a threshold. */
export interface ScalingCondition {
    metric: "cpu" | "connections" | "websocketConnections";
    threshold: number;
}

export interface ScalingRule {
    /** The shape the spec would add (`A1.Flex`). */
    add: string;
    /** Any one condition fires the alert (the spec's "or"). */
    conditions: ScalingCondition[];
    /** How long the condition must hold; the spec's "for 5 min", or undefined when it gives none. */
    forMinutes?: number;
}

/** A capacity alert rule, in the shape of the catalogue's alert rules plus the rule it stands for. */
export interface CapacityAlert {
    alert: string;
    expr: string;
    for: string;
    severity: "warning";
    summary: string;
    /** The spec's rule, verbatim. */
    autoscalingRule: string;
}

/**
 * When the spec gives no duration ("if connections > 800"): long enough that one scrape's
 * spike does not page anyone, short enough to act before the limit is reached.
 */
export const DEFAULT_FOR_MINUTES = 2;

const CONDITION = /^(CPU|WebSocket connections|connections) > (\d+(?:\.\d+)?)(%?)$/;

/**
 * Parses `Add <shape> if <condition> [or <condition>…] [for <n> min]`; throws naming the
 * topology path when the text says something else.
 */
export function parseScalingRule(text: string, where: string): ScalingRule {
    const m = /^Add (\S+) if (.+?)(?: for (\d+) min)?$/.exec(text.trim());
    if (!m) throw new Error(`${where}: "${text}": expected "Add <shape> if <condition> [or <condition>] [for <n> min]"`);
    const conditions = m[2].split(/ or /).map((part) => {
        const c = CONDITION.exec(part.trim());
        if (!c) throw new Error(`${where}: "${part}": expected "CPU > N%", "connections > N" or "WebSocket connections > N"`);
        const metric = c[1] === "CPU" ? "cpu" : c[1] === "connections" ? "connections" : "websocketConnections";
        if ((metric === "cpu") !== (c[3] === "%")) throw new Error(`${where}: "${part}": CPU is a percentage, connections a count`);
        return { metric, threshold: Number(c[2]) } as ScalingCondition;
    });
    return { add: m[1], conditions, forMinutes: m[3] === undefined ? undefined : Number(m[3]) };
}

/** PromQL of connection counts per service, from the metrics each one exports (see the catalogue's `metrics`). */
const CONNECTION_QUERIES: Record<string, Partial<Record<"connections" | "websocketConnections", string>>> = {
    nginx: {
        connections: 'sum by (account, vm, host) (nginx_connections_active{job="nginx"})',
        websocketConnections: 'sum by (account, vm, host) (nginx_websocket_connections_active{job="nginx"})',
    },
    haproxy: { connections: 'sum by (account, vm, host) (haproxy_frontend_current_sessions{job="haproxy"})' },
    fastify: { websocketConnections: 'sum by (account, vm, host) (websocket_connections_active{job="fastify"})' },
};

function pascal(service: string): string {
    return service.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The VMs (`host` label: the resource name) running `service` anywhere in the plan. */
function hostsOf(plan: TopologyPlan, service: string): string[] {
    return plan.accounts.flatMap((a) => a.vms.filter((vm) => vm.services.some((p) => p.service === service)).map((vm) => vm.resourceName));
}

function conditionExpr(plan: TopologyPlan, service: string, c: ScalingCondition, where: string): string {
    if (c.metric === "cpu") {
        const hosts = hostsOf(plan, service).join("|");
        return `(1 - avg by (account, vm, host) (rate(node_cpu_seconds_total{job="node-exporter", mode="idle", host=~"${hosts}"}[5m]))) * 100 > ${c.threshold}`;
    }
    const query = CONNECTION_QUERIES[service]?.[c.metric];
    if (!query) throw new Error(`${where}: no ${c.metric === "connections" ? "connection" : "WebSocket connection"} metric is known for ${service} (render/capacityAlerts.ts)`);
    return `${query} > ${c.threshold}`;
}

/** The capacity alert of one service, or none when the spec gives it no auto-scaling rule. */
export function capacityAlert(plan: TopologyPlan, service: string, def: ServiceDef): CapacityAlert | undefined {
    const text = def.maintenance?.autoscaling;
    if (text === undefined) return undefined;
    const where = `services.${service}.maintenance.autoscaling`;
    const rule = parseScalingRule(text, where);
    const exprs = rule.conditions.map((c) => conditionExpr(plan, service, c, where));
    return {
        alert: `${pascal(service)}CapacityRule`,
        expr: exprs.length === 1 ? exprs[0] : exprs.map((e) => `(${e})`).join(" or "),
        for: `${rule.forMinutes ?? DEFAULT_FOR_MINUTES}m`,
        severity: "warning",
        summary: `${def.displayName} on {{ $labels.account }}/{{ $labels.vm }} meets the spec's scaling rule; Always Free cannot add a VM: operators decide`,
        autoscalingRule: text,
    };
}
