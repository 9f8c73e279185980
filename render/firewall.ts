/**
 * Host firewall (nftables) from the plan's ingress rules of one VM; the same rules the NSGs
 * enforce. Rules with the same protocol and ports share one line with a set of sources, so the
 * ruleset stays small (cloud-init user data is limited to 32 KB) and reads by port.
 */
import { contains, parseNetwork } from "../model/cidr";
import { INTERNET, VCN_RESOLVER } from "../plan/egress";
import type { EgressRule, FirewallRule, VmPlan } from "../plan/types";
import { renderTemplate } from "./templates";

interface GroupedRule {
    protocol: string;
    ports: string;
    sources: string[];
    reasons: string[];
}

function portsOf(r: FirewallRule): string {
    return r.toPort !== undefined && r.toPort !== r.port ? `${r.port}-${r.toPort}` : String(r.port);
}

/** Drops sources inside another source of the same set (nft rejects overlapping intervals, and they add nothing). */
function withoutCovered(sources: string[]): string[] {
    const parsed = sources.map((s) => ({ s, a: parseNetwork(s) }));
    return parsed
        .filter(({ s, a }) => !parsed.some((o) => o.s !== s && contains(o.a, a) && (o.a.prefix < a.prefix || o.s < s)))
        .map(({ s }) => s);
}

export function groupRules(rules: FirewallRule[]): GroupedRule[] {
    const groups = new Map<string, GroupedRule>();
    const sorted = [...rules].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.source.localeCompare(b.source));
    for (const r of sorted) {
        const key = `${r.protocol} ${portsOf(r)}`;
        const g = groups.get(key) ?? { protocol: r.protocol, ports: portsOf(r), sources: [], reasons: [] };
        if (!g.sources.includes(r.source)) g.sources.push(r.source);
        const reason = r.reason.replace(/\s+/g, " ");
        if (!g.reasons.includes(reason)) g.reasons.push(reason);
        groups.set(key, g);
    }
    return [...groups.values()].map((g) => ({ ...g, sources: withoutCovered(g.sources) }));
}

/** What the host firewall of a WireGuard bastion adds: SSH from the tunnel, forwarding (never NAT) into the address space. */
export interface FirewallWireguard {
    interface: string;
    tunnelCidr: string;
    addressSpace: string;
    /** The UDP port WireGuard listens on (its handshakes leave from it). */
    listenPort: number;
}

/** One line of the output chain: `ip daddr 10.0.0.0/16 accept`, `tcp dport 443 accept`. */
interface OutputLine {
    match: string;
    reasons: string[];
}

/** The instance metadata service: it serves the user data (the host key, operators' password hashes). */
export const METADATA_ADDRESS = VCN_RESOLVER.replace(/\/32$/, "");

/** Output lines from the VM's egress rules, one per destination, protocol and ports. */
export function outputLines(egress: EgressRule[]): OutputLine[] {
    const lines = new Map<string, OutputLine>();
    for (const r of egress) {
        const daddr = r.destination === INTERNET ? "" : `ip daddr ${r.destination} `;
        const ports = r.port === undefined ? "" : r.toPort !== undefined && r.toPort !== r.port ? `${r.port}-${r.toPort}` : `${r.port}`;
        const proto = r.protocol === "all" ? "" : `${r.protocol} dport ${ports} `;
        const match = `${daddr}${proto}`.trim() || "meta l4proto != 0";
        const line = lines.get(match) ?? { match, reasons: [] };
        if (!line.reasons.includes(r.reason)) line.reasons.push(r.reason);
        lines.set(match, line);
    }
    return [...lines.values()];
}

/**
 * The whole host ruleset of one VM. On a WireGuard bastion it also holds the tunnel's rules, so
 * reloading it (a delivered firewall change) never cuts the VPN that delivery runs through.
 */
export function renderFirewall(vmLabel: string, vm: VmPlan, wireguard?: FirewallWireguard): string {
    const rules = groupRules(vm.firewall).map((g) => ({
        ...g,
        saddr: g.sources.length === 1 ? g.sources[0] : `{ ${g.sources.join(", ")} }`,
    }));
    return renderTemplate("firewall/nftables.conf.hbs", { vmLabel, rules, wireguard, output: outputLines(vm.egress), metadata: METADATA_ADDRESS });
}
