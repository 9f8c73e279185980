/**
 * Grafana dashboards from the topology: every service's dashboard queries (the spec's
 * "Dashboard: Grafana query ...") as time-series panels, one row per service, plus a
 * WebSocket dashboard of every query that mentions WebSocket metrics (the spec's
 * "WebSocket dashboard"). JSON built as data, not text, so it is always well-formed.
 */
import type { TopologyPlan } from "../plan/types";

/** Directory the provisioned dashboards live in on the Grafana VM. */
export const DASHBOARDS_DIR = "/var/lib/grafana/dashboards/blitzhub";

interface Panel {
    id: number;
    type: string;
    title: string;
    gridPos: { x: number; y: number; w: number; h: number };
    datasource?: { type: string; uid: string };
    targets?: { refId: string; expr: string; datasource: { type: string; uid: string } }[];
    collapsed?: boolean;
    panels?: Panel[];
}

const PROMETHEUS = { type: "prometheus", uid: "prometheus" };

function dashboard(uid: string, title: string, rows: { title: string; queries: string[] }[]): string {
    const panels: Panel[] = [];
    let id = 1;
    let y = 0;
    for (const row of rows) {
        panels.push({ id: id++, type: "row", title: row.title, gridPos: { x: 0, y: y++, w: 24, h: 1 }, collapsed: false, panels: [] });
        row.queries.forEach((expr, i) => {
            panels.push({
                id: id++,
                type: "timeseries",
                title: expr.length > 60 ? `${expr.slice(0, 57)}...` : expr,
                gridPos: { x: (i % 2) * 12, y: y + Math.floor(i / 2) * 8, w: 12, h: 8 },
                datasource: PROMETHEUS,
                targets: [{ refId: "A", expr, datasource: PROMETHEUS }],
            });
        });
        y += Math.ceil(row.queries.length / 2) * 8;
    }
    return `${JSON.stringify({ uid, title, tags: ["blitzhub"], timezone: "utc", schemaVersion: 39, version: 1, editable: false, time: { from: "now-6h", to: "now" }, refresh: "30s", panels }, null, 2)}\n`;
}

/** `blitzhub-services.json` and `blitzhub-websocket.json`: file name → JSON text. */
export function renderDashboards(plan: TopologyPlan): Record<string, string> {
    const byService = new Map<string, string[]>();
    for (const a of plan.accounts) for (const vm of a.vms) for (const p of vm.services) {
        if (p.def.dashboards.length > 0 && !byService.has(p.service)) byService.set(p.service, p.def.dashboards);
    }
    const services = [...byService.entries()].sort(([a], [b]) => a.localeCompare(b));
    const websocket = services
        .map(([service, queries]) => ({ title: service, queries: queries.filter((q) => /websocket|ws_backend/i.test(q)) }))
        .filter((r) => r.queries.length > 0);
    return {
        "blitzhub-services.json": dashboard("blitzhub-services", "BlitzHub services", services.map(([title, queries]) => ({ title, queries }))),
        "blitzhub-websocket.json": dashboard("blitzhub-websocket", "BlitzHub WebSocket", websocket),
    };
}
