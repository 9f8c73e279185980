/**
 * Ingress rules per account, derived, never typed: NSGs and the host firewall both come from
 * this list. A port opens only to the sources that use it:
 *
 * - **Dependencies**: a service's non-local ports open to the `/32` of each VM whose services
 *   depend on it (Redis 6379 only from its clients, Vault 8200 only from its consumers).
 * - **Scraping**: every metrics port opens to the VMs running Prometheus (EU-MON-01) only.
 * - **SSH**: 22 opens on every VM to the management bastions (delivery and `ProxyJump` reach
 *   VMs through them as a jump host) and to the operators' WireGuard tunnel space, which the
 *   bastions route without masquerading (plan/tunnelRoutes.ts), so a VM's logs name the
 *   operator's own address; never to the internet.
 * - **WireGuard**: the bastions' WireGuard tunnel port (51820/udp) is the one public VM port
 *   outside the load balancers' backends.
 * - **Load balancers**: public LBs take their listener ports from `0.0.0.0/0`; private ones from
 *   the clients of their backend services and the bastions. Backends take the backend (and
 *   health-check) port from the LB subnet; a network LB that preserves the client's source IP
 *   also passes its listener sources to the backends.
 *
 * NSGs are stateful: replies need no rule, and egress stays open. 22 and 3389 are never open
 * to `0.0.0.0/0`; a topology that would do it is a `UserInputError`.
 */
import type { Problem } from "../model/errors";
import type { Account, Topology } from "../model/schema";
import type { AddressPlan } from "./addressPlan";
import { contains, hostCidr, parseNetwork, type Network } from "../model/cidr";
import type { ServiceIndex } from "./dependencies";
import { isBastion, WIREGUARD_SERVICE } from "./bastions";
import { WIREGUARD_TUNNEL_SPACE } from "../model/tunnelSpace";
import { throwIfProblems } from "./problems";
import { coverClients, excludedHosts, ipNumber, type ExcludedHosts } from "./sourceCover";
import type { FirewallRule, FirewallTarget, LoadBalancerPlan, NetworkLoadBalancerPlan, ServicePlacementPlan } from "./types";

/** The service whose VMs scrape every metrics port. */
export const SCRAPER_SERVICE = "prometheus";
export const WIREGUARD_DEFAULT_PORT = 51820;
export const INTERNET = "0.0.0.0/0";
export const SSH_PORT = 22;
/** Ports that must never face the internet (SSH, RDP). */
export const NEVER_PUBLIC_PORTS = [22, 3389] as const;

/** What the firewall is derived from: the address plan, where services run, and the LB plans. */
export interface FirewallInput {
    topology: Topology;
    addresses: AddressPlan;
    /** Where every service runs (`indexServices`). */
    index: ServiceIndex;
    /** Resolved placements: account → VM → placements. */
    placements: Map<string, Map<string, ServicePlacementPlan[]>>;
    /** Flexible LB per account name. */
    loadBalancers: Map<string, LoadBalancerPlan>;
    /** Network LB per account name (accounts whose role has one). */
    networkLoadBalancers: Map<string, NetworkLoadBalancerPlan>;
}

interface Source {
    cidr: string;
    description: string;
}

interface VmRef {
    account: string;
    vm: string;
    ip: string;
}

/** The bastions (`isBastion`), in topology order. */
function bastionsOf(topology: Topology, addresses: AddressPlan, placements: FirewallInput["placements"]): VmRef[] {
    return topology.accounts.flatMap((a) =>
        (addresses.byAccount.get(a.name)?.vms ?? [])
            .filter((v) => isBastion(a.role, placements.get(a.name)?.get(v.vm) ?? []))
            .map((v) => ({ account: a.name, vm: v.vm, ip: v.privateIp })),
    );
}

function protocolsOf(protocol: "tcp" | "udp" | "tcp+udp" | "TCP" | "UDP" | "TCP_AND_UDP"): ("tcp" | "udp")[] {
    switch (protocol) {
        case "tcp":
        case "TCP":
            return ["tcp"];
        case "udp":
        case "UDP":
            return ["udp"];
        default:
            return ["tcp", "udp"];
    }
}

function targetKey(target: FirewallTarget): string {
    return target.kind === "vm" ? `vm-${target.vm}` : target.kind;
}

function ruleKey(target: FirewallTarget, protocol: "tcp" | "udp", port: number, toPort: number | undefined, source: string): string {
    const ports = toPort !== undefined && toPort !== port ? `${port}-${toPort}` : `${port}`;
    const from = source === INTERNET ? "internet" : source.replace(/[./]/g, "-");
    return `${targetKey(target)}-${protocol}-${ports}-from-${from}`;
}

function coversNeverPublic(port: number, toPort: number | undefined): number | undefined {
    return NEVER_PUBLIC_PORTS.find((p) => p >= port && p <= (toPort ?? port));
}

interface PendingRule {
    rule: FirewallRule;
    /** Reasons and source descriptions merged in from duplicates (rare: allocated on demand). */
    reasons?: string[];
    descriptions?: string[];
    sortKey: string;
}

/** Collects rules per account, merging duplicates (same target, protocol, ports, source). */
class RuleSet {
    readonly byAccount = new Map<string, Map<string, PendingRule>>();

    add(account: string, target: FirewallTarget, protocols: ("tcp" | "udp")[], port: number, toPort: number | undefined, source: Source, reason: string, service?: string): void {
        let rules = this.byAccount.get(account);
        if (!rules) this.byAccount.set(account, (rules = new Map()));
        for (const protocol of protocols) {
            const key = ruleKey(target, protocol, port, toPort, source.cidr);
            const existing = rules.get(key);
            if (existing) {
                if (existing.rule.reason !== reason && !existing.reasons?.includes(reason)) (existing.reasons ??= []).push(reason);
                if (existing.rule.sourceDescription !== source.description && !existing.descriptions?.includes(source.description)) {
                    (existing.descriptions ??= []).push(source.description);
                }
                continue;
            }
            const rule: FirewallRule = { account, target, protocol, port, source: source.cidr, sourceDescription: source.description, reason, key };
            if (toPort !== undefined && toPort !== port) rule.toPort = toPort;
            if (service !== undefined) rule.service = service;
            const sortKey = `${targetKey(target)}\u0000${String(port).padStart(5, "0")}\u0000${protocol}\u0000${key}`;
            rules.set(key, { rule, sortKey });
        }
    }

    /** The account's rules, merged reasons joined with "; ", sorted by target, port, protocol, key. */
    rulesOf(account: string): FirewallRule[] {
        const pending = [...(this.byAccount.get(account)?.values() ?? [])];
        pending.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
        return pending.map(({ rule, reasons, descriptions }) => {
            if (reasons) rule.reason = [rule.reason, ...reasons].join("; ");
            if (descriptions) rule.sourceDescription = [rule.sourceDescription, ...descriptions].join("; ");
            return rule;
        });
    }
}

/**
 * Every account's ingress rules (see the module comment), sorted by target, port, protocol.
 * Throws `UserInputError` when a public listener would open 22 or 3389 to the internet.
 */
export function planFirewall(input: FirewallInput): Map<string, FirewallRule[]> {
    const { topology, addresses, index, placements } = input;
    const rules = new RuleSet();
    const problems: Problem[] = [];
    const vmCidr = new Map<string, string>();
    for (const a of addresses.accounts) for (const v of a.vms) vmCidr.set(`${a.account}\u0000${v.vm}`, hostCidr(v.privateIp));
    const sourceCache = new Map<string, Source>();
    const vmSource = (account: string, vm: string, service?: string): Source => {
        const id = `${account}\u0000${vm}\u0000${service ?? ""}`;
        let source = sourceCache.get(id);
        if (!source) {
            source = { cidr: vmCidr.get(`${account}\u0000${vm}`) ?? "", description: `${account}/${vm}${service ? ` (${service})` : ""}` };
            sourceCache.set(id, source);
        }
        return source;
    };

    // Dependencies, and who uses each (account, service) — private LBs open to those clients.
    const clientsOf = new Map<string, Map<string, Source>>();
    for (const account of topology.accounts) {
        for (const [vmName, vmPlacements] of placements.get(account.name) ?? []) {
            for (const placement of vmPlacements) {
                for (const dependency of placement.dependencies) {
                    for (const target of dependency.targets) {
                        if (target.account === account.name && target.vm === vmName) continue;
                        const source = vmSource(account.name, vmName, placement.service);
                        const clientKey = `${target.account}\u0000${dependency.service}`;
                        let clients = clientsOf.get(clientKey);
                        if (!clients) clientsOf.set(clientKey, (clients = new Map()));
                        if (!clients.has(source.cidr)) clients.set(source.cidr, source);
                        for (const port of target.ports) {
                            if (port.localOnly) continue;
                            rules.add(target.account, { kind: "vm", vm: target.vm }, protocolsOf(port.protocol), port.port, port.toPort, source, `${placement.service} → ${dependency.service}:${port.name}`, dependency.service);
                        }
                    }
                }
            }
        }
    }

    // Scraping from the Prometheus VMs only.
    const scrapers = (index.hosts.get(SCRAPER_SERVICE) ?? []).map((h) => ({ account: h.account.name, vm: h.vm.name }));
    for (const account of topology.accounts) {
        for (const [vmName, vmPlacements] of placements.get(account.name) ?? []) {
            for (const placement of vmPlacements) {
                for (const port of placement.ports) {
                    if (!port.metrics || port.localOnly) continue;
                    for (const scraper of scrapers) {
                        if (scraper.account === account.name && scraper.vm === vmName) continue;
                        rules.add(account.name, { kind: "vm", vm: vmName }, ["tcp"], port.port, undefined, vmSource(scraper.account, scraper.vm, SCRAPER_SERVICE), `${SCRAPER_SERVICE} scrapes ${placement.service}:${port.name}`, placement.service);
                    }
                }
            }
        }
    }

    // SSH from the bastions and from the operators' tunnel addresses they route; WireGuard public on the bastions.
    const bastions = bastionsOf(topology, addresses, placements);
    const bastionSources = bastions.map((b) => vmSource(b.account, b.vm, "bastion"));
    const tunnel: Source = { cidr: WIREGUARD_TUNNEL_SPACE, description: "operators' WireGuard tunnel addresses" };
    for (const account of topology.accounts) {
        for (const vm of addresses.byAccount.get(account.name)?.vms ?? []) {
            let fromBastion = false;
            bastions.forEach((bastion, i) => {
                if (bastion.account === account.name && bastion.vm === vm.vm) return;
                rules.add(account.name, { kind: "vm", vm: vm.vm }, ["tcp"], SSH_PORT, undefined, bastionSources[i], "SSH through the management bastion");
                fromBastion = true;
            });
            // Only where a bastion is admitted: a bastion's own tunnel reaches it on wg0 (render/firewall.ts).
            if (fromBastion) rules.add(account.name, { kind: "vm", vm: vm.vm }, ["tcp"], SSH_PORT, undefined, tunnel, "SSH from an operator's own tunnel address, routed by the bastions");
        }
    }
    for (const bastion of bastions) {
        const wireguard = (placements.get(bastion.account)?.get(bastion.vm) ?? []).find((p) => p.service === WIREGUARD_SERVICE);
        // The tunnel port only: the exporter's metrics port stays private (scraped like any other).
        const ports = wireguard?.ports.filter((p) => !p.localOnly && !p.metrics && p.protocol !== "tcp") ?? [];
        if (ports.length === 0) {
            rules.add(bastion.account, { kind: "vm", vm: bastion.vm }, ["udp"], WIREGUARD_DEFAULT_PORT, undefined, { cidr: INTERNET, description: "internet" }, "WireGuard VPN entry", WIREGUARD_SERVICE);
        }
        for (const port of ports) {
            const never = coversNeverPublic(port.port, port.toPort);
            if (never !== undefined) {
                problems.push({ path: `services.${WIREGUARD_SERVICE}.ports`, message: `port ${never} would be public on the bastions; 22 and 3389 never face the internet` });
                continue;
            }
            rules.add(bastion.account, { kind: "vm", vm: bastion.vm }, protocolsOf(port.protocol), port.port, port.toPort, { cidr: INTERNET, description: "internet" }, "WireGuard VPN entry", WIREGUARD_SERVICE);
        }
    }

    // Load balancers.
    const internet: Source = { cidr: INTERNET, description: "internet" };
    const lbSubnetOf = (account: Account): Source => {
        const subnet = addresses.byAccount.get(account.name)?.subnets.find((s) => s.name === "lb");
        return { cidr: subnet?.cidr ?? "", description: `${account.name} lb subnet` };
    };
    /** Clients of the set's service (its own backends excepted: they never call themselves through it) and the bastions. */
    const privateListenerSources = (account: Account, service: string | undefined, backendIps: string[]): Source[] => {
        const sources = new Map<string, Source>();
        const own = new Set(backendIps.map(hostCidr));
        for (const c of service ? (clientsOf.get(`${account.name}\u0000${service}`)?.values() ?? []) : []) if (!own.has(c.cidr)) sources.set(c.cidr, c);
        for (const b of bastionSources) if (!sources.has(b.cidr)) sources.set(b.cidr, b);
        return [...sources.values()];
    };
    for (const account of topology.accounts) {
        const lbSubnet = lbSubnetOf(account);
        const lb = input.loadBalancers.get(account.name);
        if (lb) {
            lb.listeners.forEach((listener, i) => {
                const set = lb.backendSets.find((s) => s.name === listener.backendSet);
                if (lb.public) {
                    const never = coversNeverPublic(listener.port, undefined);
                    if (never !== undefined) {
                        problems.push({ path: `roles.${account.role}.loadBalancer.listeners[${i}].port`, message: `a public listener on ${never} would open it to the internet; 22 and 3389 never face the internet` });
                        return;
                    }
                    rules.add(account.name, { kind: "lb" }, ["tcp"], listener.port, undefined, internet, `public listener ${listener.name}`, set?.service);
                } else {
                    for (const source of privateListenerSources(account, set?.service, set?.backends.map((b) => b.ip) ?? [])) {
                        rules.add(account.name, { kind: "lb" }, ["tcp"], listener.port, undefined, source, `private listener ${listener.name}`, set?.service);
                    }
                }
            });
            for (const set of lb.backendSets) {
                const ports = [...new Set([set.port, set.healthCheck.port])];
                for (const backend of set.backends) {
                    for (const port of ports) {
                        rules.add(account.name, { kind: "vm", vm: backend.vm }, ["tcp"], port, undefined, lbSubnet, `${lb.name} backend set ${set.name} → ${set.service}${port === set.port ? "" : " (health check)"}`, set.service);
                    }
                }
            }
        }
        const nlb = input.networkLoadBalancers.get(account.name);
        if (nlb) {
            nlb.listeners.forEach((listener, i) => {
                const set = nlb.backendSets.find((s) => s.name === listener.backendSet);
                let sources: Source[];
                if (nlb.public) {
                    const never = coversNeverPublic(listener.port, listener.toPort);
                    if (never !== undefined) {
                        problems.push({ path: `roles.${account.role}.networkLoadBalancer.listeners[${i}]`, message: `a public listener covering ${never} would open it to the internet; 22 and 3389 never face the internet` });
                        return;
                    }
                    sources = [internet];
                } else sources = privateListenerSources(account, set?.service, set?.backends.map((b) => b.ip) ?? []);
                for (const source of sources) {
                    rules.add(account.name, { kind: "nlb" }, protocolsOf(listener.protocol), listener.port, listener.toPort, source, `${nlb.public ? "public" : "private"} listener ${listener.name}`, set?.service);
                }
                if (!set) return;
                const backendSources = set.preserveSourceIp ? [lbSubnet, ...sources] : [lbSubnet];
                for (const backend of set.backends) {
                    for (const source of backendSources) {
                        rules.add(account.name, { kind: "vm", vm: backend.vm }, protocolsOf(listener.protocol), set.port, set.toPort, source, `${nlb.name} backend set ${set.name} → ${set.service}`, set.service);
                    }
                    const healthProtocol = set.healthCheck.protocol === "UDP" ? "udp" : "tcp";
                    rules.add(account.name, { kind: "vm", vm: backend.vm }, [healthProtocol], set.healthCheck.port, undefined, lbSubnet, `${nlb.name} health check of ${set.name}`, set.service);
                }
            });
        }
    }
    throwIfProblems(problems);

    const result = new Map<string, FirewallRule[]>();
    const tenancies = tenancyIndex(addresses);
    for (const account of topology.accounts) result.set(account.name, aggregateSources(rules.rulesOf(account.name), addresses.addressSpace, tenancies));
    return result;
}

/** VCNs by address, for mapping a client block to its tenancy and role. */
interface TenancyIndex {
    vcns: { start: number; end: number; cidr: string; role: string; vmIps: number[] }[];
    allVms: ExcludedHosts;
}

function tenancyIndex(addresses: AddressPlan): TenancyIndex {
    const vcns = addresses.accounts
        .map((a) => {
            const [ip, bits] = a.vcnCidr.split("/");
            const start = ipNumber(ip);
            return { start, end: start + 2 ** (32 - Number(bits)) - 1, cidr: a.vcnCidr, role: a.role as string, vmIps: a.vms.map((v) => ipNumber(v.privateIp)) };
        })
        .sort((x, y) => x.start - y.start);
    return { vcns, allVms: excludedHosts(vcns.flatMap((v) => v.vmIps)) };
}

function vcnOf(index: TenancyIndex, cidr: string): TenancyIndex["vcns"][number] | undefined {
    const start = ipNumber(cidr.slice(0, cidr.indexOf("/")));
    let lo = 0;
    let hi = index.vcns.length - 1;
    while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const vcn = index.vcns[mid];
        if (start < vcn.start) hi = mid - 1;
        else if (start > vcn.end) lo = mid + 1;
        else return vcn;
    }
    return undefined;
}

/**
 * The client blocks of one port: the tightest cover inside each tenancy (no VM that is not a
 * client), and across tenancies the role as the unit that talks — when one role's clients sit
 * in two or more of its tenancies, those tenancies' VCNs are the source (docs/firewall.md).
 */
function clientBlocks(sources: string[], space: string, index: TenancyIndex): string[] {
    const strict = coverClients(sources, index.allVms, space);
    const byRole = new Map<string, Set<TenancyIndex["vcns"][number]>>();
    for (const block of strict) {
        const vcn = vcnOf(index, block);
        if (!vcn) continue;
        const set = byRole.get(vcn.role) ?? new Set();
        set.add(vcn);
        byRole.set(vcn.role, set);
    }
    const promoted = [...byRole.values()].filter((set) => set.size >= 2).flatMap((set) => [...set]);
    if (promoted.length === 0) return strict;
    const promotedCidrs = new Set(promoted.map((v) => v.cidr));
    const widened = [...strict.filter((block) => !promotedCidrs.has(vcnOf(index, block)?.cidr ?? "")), ...promotedCidrs];
    const allowed = new Set(promoted.flatMap((v) => v.vmIps));
    const excluded: ExcludedHosts = { addresses: index.allVms.addresses.filter((ip) => !allowed.has(ip)) };
    return coverClients(widened, excluded, space);
}

/** At most this many source names in a merged rule's description (OCI descriptions hold 255 characters). */
const NAMED_SOURCES = 3;

/**
 * Merges the rules of one port on one target whose sources aggregate (`coverClients`): one rule
 * per CIDR block that covers clients and no other VM, so the count grows with the groups of
 * clients (roles, subnets), not with every client VM. Reasons and source names are kept.
 */
function aggregateSources(rules: FirewallRule[], space: string, tenancies: TenancyIndex): FirewallRule[] {
    const groups = new Map<string, FirewallRule[]>();
    for (const rule of rules) {
        const id = `${targetKey(rule.target)}\u0000${rule.protocol}\u0000${rule.port}\u0000${rule.toPort ?? ""}`;
        const group = groups.get(id);
        if (group) group.push(rule);
        else groups.set(id, [rule]);
    }
    const out: { rule: FirewallRule; sortKey: string }[] = [];
    // Each source and block parsed once: the ×10 plan compares thousands of them.
    const networks = new Map<string, Network>();
    const network = (cidr: string): Network => {
        let parsed = networks.get(cidr);
        if (!parsed) networks.set(cidr, (parsed = parseNetwork(cidr)));
        return parsed;
    };
    for (const group of groups.values()) {
        const first = group[0];
        const blocks = group.length === 1 ? [first.source] : clientBlocks(group.map((r) => r.source), space, tenancies);
        for (const block of blocks) {
            const members = blocks.length === 1 ? group : group.filter((r) => r.source === block || (r.source !== INTERNET && block !== INTERNET && contains(network(block), network(r.source))));
            const reasons = [...new Set(members.flatMap((r) => r.reason.split("; ")))];
            const names = [...new Set(members.flatMap((r) => r.sourceDescription.split("; ")))];
            const services = new Set(members.map((r) => r.service));
            const key = ruleKey(first.target, first.protocol, first.port, first.toPort, block);
            const rule: FirewallRule = {
                account: first.account,
                target: first.target,
                protocol: first.protocol,
                port: first.port,
                source: block,
                sourceDescription: names.length <= NAMED_SOURCES ? names.join("; ") : `${names.slice(0, NAMED_SOURCES).join("; ")} and ${names.length - NAMED_SOURCES} more`,
                reason: reasons.join("; "),
                key,
            };
            if (first.toPort !== undefined) rule.toPort = first.toPort;
            if (services.size === 1 && first.service !== undefined) rule.service = first.service;
            out.push({ rule, sortKey: `${targetKey(first.target)}\u0000${String(first.port).padStart(5, "0")}\u0000${first.protocol}\u0000${key}` });
        }
    }
    out.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    return out.map((o) => o.rule);
}

/** The host firewall of one VM: the account's rules whose target is that VM. */
export function hostFirewall(rules: FirewallRule[], vm: string): FirewallRule[] {
    return rules.filter((r) => r.target.kind === "vm" && r.target.vm === vm);
}
