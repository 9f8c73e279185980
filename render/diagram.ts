/**
 * The topology as a Graphviz DOT graph, built from the plan alone (pure): regions, tenancies
 * with their VCN CIDR, VMs with their services, load balancers, DRGs and remote peerings, and
 * the main traffic paths. `npm run diagram` lays it out with Graphviz (offline/diagram/).
 */
import type { RegionKey } from "../model/schema";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";

export interface DiagramOptions {
    /** Regions to draw (all by default). */
    regions?: RegionKey[];
}

/** A main path of the spec as service → service edges (the dependency's direction unless `reverse`). */
interface PathLeg {
    from: string;
    to: string;
    label: string;
    colour: string;
    /** Draw against the dependency: messages flow from the broker to its consumer. */
    reverse?: boolean;
}

/** user → FE LB → Nginx → Fastify → Redis/RabbitMQ/ADB; Solana → RabbitMQ → WebSocket. */
const MAIN_PATHS: PathLeg[] = [
    { from: "nginx", to: "fastify", label: "/api, /ws", colour: "#1f77b4" },
    { from: "fastify", to: "redis", label: "cache, pub/sub", colour: "#1f77b4" },
    { from: "fastify", to: "rabbitmq", label: "buy_queue", colour: "#1f77b4" },
    { from: "fastify", to: "oracle-adb", label: "SQL*Net", colour: "#1f77b4" },
    { from: "solana-validator", to: "rabbitmq", label: "transactions", colour: "#9467bd" },
    { from: "fastify", to: "rabbitmq", label: "transaction_notifications → WebSocket", colour: "#9467bd", reverse: true },
    { from: "rpc-gateway", to: "solana-validator", label: "JSON-RPC", colour: "#9467bd" },
];

const ROLE_COLOURS: Record<string, string> = {
    frontend: "#e8f1fb",
    backend: "#eaf7ea",
    solana: "#f3ecfa",
    security: "#fdecea",
    monitoring: "#fff6e0",
    management: "#eef0f2",
    data: "#e6f6f6",
    logs: "#f7f3e8",
    network: "#f0eefb",
};

const id = (...parts: string[]) => parts.join("_").toLowerCase().replace(/[^a-z0-9_]/g, "_");
const vmId = (account: string, vm: string) => id("vm", account, vm);
const esc = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const q = (text: string) => `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;

function vmLabel(vm: VmPlan): string {
    const shape = vm.shape === "VM.Standard.A1.Flex" ? `A1.Flex ${vm.ocpus} OCPU / ${vm.memoryGb} GB` : "E2.1.Micro";
    const services = vm.services.filter((p) => !p.everyVm).map((p) => p.service + (p.mode ? ` (${p.mode})` : ""));
    return `<<b>${esc(vm.name)}</b><br/><font point-size="9">${esc(shape)} · ${esc(vm.privateIp)}</font><br/><font point-size="10">${esc(services.join(", "))}</font>>`;
}

function accountLines(a: AccountPlan, lines: string[]): void {
    const ind = "        ";
    lines.push(`    subgraph ${id("cluster", a.name)} {`);
    lines.push(`${ind}label=<<b>${esc(a.name)}</b> · ${esc(a.role)}<br/><font point-size="10">VCN ${esc(a.vcnCidr)} · ${esc(a.homeRegion)}</font>>;`);
    lines.push(`${ind}style="rounded,filled"; fillcolor=${q(ROLE_COLOURS[a.role] ?? "#f5f5f5")}; color="#999999";`);
    const lb = a.loadBalancer;
    const listeners = lb.listeners.map((l) => `${l.protocol} ${l.port}`).join(", ");
    lines.push(`${ind}${id("lb", a.name)} [shape=box, style="rounded,filled", fillcolor="#ffffff", color=${lb.public ? '"#d62728"' : '"#555555"'}, label=<<b>LB</b> ${lb.public ? "public" : "private"}<br/><font point-size="9">${esc(listeners)}</font>>];`);
    if (a.networkLoadBalancer) {
        const nlb = a.networkLoadBalancer;
        const ports = nlb.listeners.map((l) => `${l.protocol} ${l.port}${l.toPort ? `-${l.toPort}` : ""}`).join(", ");
        lines.push(`${ind}${id("nlb", a.name)} [shape=box, style="rounded,filled", fillcolor="#ffffff", color=${nlb.public ? '"#d62728"' : '"#555555"'}, label=<<b>NLB</b> ${nlb.public ? "public" : "private"}<br/><font point-size="9">${esc(ports)}</font>>];`);
    }
    if (a.connectivity.isRegionHub) {
        lines.push(`${ind}${id("drg", a.name)} [shape=hexagon, style=filled, fillcolor="#fff2cc", label=<<b>DRG</b><br/><font point-size="9">${a.connectivity.isGlobalHub ? "global hub" : "region hub"}</font>>];`);
    }
    if (a.autonomousDatabase) {
        lines.push(`${ind}${id("adb", a.name)} [shape=cylinder, style=filled, fillcolor="#ffffff", label=<<b>Autonomous DB</b><br/><font point-size="9">${esc(a.autonomousDatabase.dbName)} · ${esc(a.autonomousDatabase.workload)}</font>>];`);
    }
    for (const vm of a.vms) lines.push(`${ind}${vmId(a.name, vm.name)} [shape=box, style="rounded,filled", fillcolor="#ffffff", label=${vmLabel(vm)}];`);
    lines.push("    }");
}

/**
 * The diagram's font. Graphviz places every text run (a bold title, then the rest of its line)
 * by its own width table for the font named; the viewer then draws with whatever font it has.
 * Debian's Chromium has no Helvetica and drew DejaVu Sans, about 17% wider, so the title's runs
 * overlapped. DejaVu Sans is the font Debian (and its Chromium) has, and one Graphviz measures;
 * `DIAGRAM_FONT_FAMILY` is written into the SVG for viewers without it (Verdana measures within 1%).
 */
export const DIAGRAM_FONT = "DejaVu Sans";
/** The SVG `font-family` written for `DIAGRAM_FONT`: similar-width fallbacks, then the generic family. */
export const DIAGRAM_FONT_FAMILY = "DejaVu Sans,Verdana,sans-serif";

/** The DOT text of the plan's topology. */
export function topologyDot(plan: TopologyPlan, options: DiagramOptions = {}): string {
    const regions = new Set(options.regions ?? plan.stacks.map((s) => s.region));
    const accounts = plan.accounts.filter((a) => regions.has(a.region));
    const shown = new Set(accounts.map((a) => a.name));
    const lines: string[] = [
        "digraph blitzhub {",
        `    graph [rankdir=LR, compound=true, nodesep=0.2, ranksep=0.8, fontname="${DIAGRAM_FONT}", fontsize=12, labelloc=t, label=<<b>${esc(plan.name)}</b>: ${accounts.length} tenancies, ${accounts.reduce((n, a) => n + a.vms.length, 0)} VMs · every VM also runs node_exporter and Promtail>];`,
        `    node [fontname="${DIAGRAM_FONT}", fontsize=11];`,
        `    edge [fontname="${DIAGRAM_FONT}", fontsize=9, color="#555555"];`,
        '    user [shape=oval, style=filled, fillcolor="#ffffff", label=<<b>users</b><br/><font point-size="9">internet</font>>];',
    ];
    for (const stack of plan.stacks.filter((s) => regions.has(s.region))) {
        lines.push(`  subgraph ${id("cluster", "region", stack.region)} {`);
        lines.push(`    label=<<b>region ${esc(stack.region)}</b> · ${esc(stack.homeRegion)}>; style="rounded,dashed"; color="#333333";`);
        for (const a of accounts.filter((x) => x.region === stack.region)) accountLines(a, lines);
        lines.push("  }");
    }
    const edges = new Set<string>();
    const edge = (from: string, to: string, attrs: string) => edges.add(`  ${from} -> ${to} [${attrs}];`);
    const byName = new Map(accounts.map((a) => [a.name, a]));
    /** A tenancy as an edge end: its only VM, or its first VM clipped to the cluster border. */
    const end = (account: string, vm: string | undefined, side: "tail" | "head") => {
        const a = byName.get(account)!;
        if (vm !== undefined) return { node: vmId(account, vm), attr: "" };
        return { node: vmId(account, a.vms[0].name), attr: `, ${side === "tail" ? "ltail" : "lhead"}=${id("cluster", account)}` };
    };

    // user → public LBs of the frontend; every LB → the VMs of its backend sets.
    for (const a of accounts) {
        if (a.role === "frontend") edge("user", id("lb", a.name), 'color="#d62728", penwidth=1.8');
        for (const set of a.loadBalancer.backendSets) for (const b of set.backends) edge(id("lb", a.name), vmId(a.name, b.vm), 'color="#d62728"');
        for (const set of a.networkLoadBalancer?.backendSets ?? []) for (const b of set.backends) edge(id("nlb", a.name), vmId(a.name, b.vm), 'color="#d62728"');
    }
    // The spec's main paths from the plan's resolved dependencies: VM to VM inside a tenancy,
    // tenancy to VM across tenancies (one edge however many VMs of the tenancy take part).
    for (const a of accounts) {
        for (const vm of a.vms) {
            for (const p of vm.services) {
                for (const dep of p.dependencies) {
                    for (const l of MAIN_PATHS.filter((x) => x.from === p.service && x.to === dep.service)) {
                        const style = `color=${q(l.colour)}, penwidth=1.6`;
                        if (dep.managed) {
                            const target = plan.accounts.find((x) => x.autonomousDatabase?.service === dep.service);
                            if (!target || !shown.has(target.name)) continue;
                            const from = target.name === a.name ? end(a.name, vm.name, "tail") : end(a.name, a.vms.length > 1 ? undefined : vm.name, "tail");
                            edge(from.node, id("adb", target.name), style + from.attr);
                            continue;
                        }
                        for (const t of dep.targets.filter((x) => shown.has(x.account))) {
                            const local = t.account === a.name;
                            const src = local ? end(a.name, vm.name, "tail") : end(a.name, undefined, "tail");
                            const dst = end(t.account, t.vm, "head");
                            if (l.reverse) edge(dst.node, src.node, style + src.attr.replace("ltail", "lhead"));
                            else edge(src.node, dst.node, style + src.attr);
                        }
                    }
                }
            }
        }
    }
    // Every VM → Loki (Promtail) and Prometheus → every VM, once per tenancy, not shaping the layout.
    const hostOf = (service: string) => accounts.flatMap((a) => a.vms.filter((v) => v.services.some((p) => p.service === service)).map((v) => ({ account: a.name, node: vmId(a.name, v.name) })))[0];
    const loki = hostOf("loki");
    const prometheus = hostOf("prometheus");
    for (const a of accounts) {
        const anchor = end(a.name, undefined, "tail");
        if (loki && loki.account !== a.name) edge(anchor.node, loki.node, `style=dotted, color="#2ca02c", arrowsize=0.6, constraint=false${anchor.attr}`);
        if (prometheus && prometheus.account !== a.name) edge(prometheus.node, anchor.node, `style=dotted, color="#ff7f0e", arrowsize=0.6, constraint=false${anchor.attr.replace("ltail", "lhead")}`);
    }
    // Private connectivity: attachments to the region hub, remote peerings to the global hub.
    for (const a of accounts) {
        const c = a.connectivity;
        if (c.attachesTo && shown.has(c.attachesTo)) {
            const anchor = end(a.name, undefined, "tail");
            edge(anchor.node, id("drg", c.attachesTo), `dir=none, style=dashed, color="#b8860b", constraint=false${anchor.attr}`);
        }
        if (c.peersWith && shown.has(c.peersWith)) edge(id("drg", a.name), id("drg", c.peersWith), 'dir=both, style=bold, color="#b8860b", penwidth=2.2, label="remote peering", fontcolor="#b8860b"');
    }
    lines.push(
        '  legend [shape=plaintext, label=<<table border="1" cellborder="0" cellspacing="2" cellpadding="3" bgcolor="#ffffff">' +
            '<tr><td colspan="2"><b>legend</b></td></tr>' +
            '<tr><td><font color="#d62728">━━</font></td><td align="left">user → load balancer → backends</td></tr>' +
            '<tr><td><font color="#1f77b4">━━</font></td><td align="left">Nginx → Fastify → Redis / RabbitMQ / ADB</td></tr>' +
            '<tr><td><font color="#9467bd">━━</font></td><td align="left">Solana → RabbitMQ → Fastify WebSocket</td></tr>' +
            '<tr><td><font color="#2ca02c">┄┄</font></td><td align="left">logs to Loki (every VM, Promtail)</td></tr>' +
            '<tr><td><font color="#ff7f0e">┄┄</font></td><td align="left">Prometheus scrapes every VM</td></tr>' +
            '<tr><td><font color="#b8860b">╌╌</font></td><td align="left">DRG attachment · remote peering</td></tr>' +
            '<tr><td><font color="#d62728">▭</font></td><td align="left">public load balancer</td></tr>' +
            "</table>>];",
    );
    lines.push(...edges, "}");
    return `${lines.join("\n")}\n`;
}
