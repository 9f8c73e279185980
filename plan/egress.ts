/**
 * Egress rules per NSG target, derived like the ingress rules: NSGs and the host firewalls'
 * output chains both come from this list (issue 14, gap 5). What a target may reach:
 *
 * - **The private address space** (every protocol): its dependencies and peers over the DRG.
 *   The destination's ingress rules (plan/firewall.ts) already name each port and client, so
 *   repeating them per port here would add no boundary inside our own space and would exceed
 *   OCI's 120 rules per NSG on the scrapers.
 * - **The VCN's DNS resolver** (169.254.169.254, UDP/TCP 53).
 * - **The internet, on the ports installs need** (VMs only): HTTP and HTTPS for the packages,
 *   release downloads, npm and the Oracle Services Network (object storage, through the service
 *   gateway where the subnet routes to it), NTP; plus the ports of the services a VM runs that
 *   talk to the outside (`SERVICE_INTERNET_EGRESS`) and of the managed services it depends on
 *   (the Autonomous Database's listener, a public OCI endpoint). Load balancers reach their
 *   backends only.
 *
 * Nothing leaves on all protocols to 0.0.0.0/0 (policy `private-egress-not-all-protocols`).
 */
import type { FirewallTarget, ServicePlacementPlan } from "./types";

export const INTERNET = "0.0.0.0/0";
/** The VCN resolver and instance metadata service (OCI's link-local address). */
export const VCN_RESOLVER = "169.254.169.254/32";

/** One egress rule of an NSG target (stateful: replies need no rule). */
export interface EgressRule {
    target: FirewallTarget;
    protocol: "all" | "tcp" | "udp";
    /** A CIDR (`0.0.0.0/0`, the address space, `169.254.169.254/32`). */
    destination: string;
    /** First port; absent for `all`. */
    port?: number;
    toPort?: number;
    /** Why it may leave: `packages and release downloads (HTTPS)`. */
    reason: string;
    /** Stable unique key inside the account, usable in resource names: `app-egress-tcp-443-to-internet`. */
    key: string;
}

/** Internet ports a catalogue service needs beyond the installs' (its own protocol with the outside world). */
export const SERVICE_INTERNET_EGRESS: Readonly<Record<string, readonly { protocol: "tcp" | "udp"; port: number; toPort?: number; reason: string }[]>> = {
    // Gossip, TPU and repair with the other validators, on their dynamic port range (Solana's default 8000-10000).
    "solana-validator": [
        { protocol: "udp", port: 8000, toPort: 10000, reason: "Solana gossip, TPU and repair with other validators (their dynamic port range)" },
        { protocol: "tcp", port: 8000, toPort: 10000, reason: "Solana gossip and TPU over QUIC/TCP with other validators (their dynamic port range)" },
    ],
};

/** What every VM reaches on the internet: its installs and clock. */
const BASE_INTERNET: readonly { protocol: "tcp" | "udp"; port: number; reason: string }[] = [
    { protocol: "tcp", port: 80, reason: "packages (apt over HTTP, signed)" },
    { protocol: "tcp", port: 443, reason: "packages, release downloads, npm and OCI services (HTTPS)" },
    { protocol: "udp", port: 123, reason: "NTP" },
];

function targetKey(target: FirewallTarget): string {
    return target.kind === "vm" ? target.vm : target.kind;
}

function destinationKey(destination: string, addressSpace: string): string {
    if (destination === INTERNET) return "internet";
    if (destination === addressSpace) return "address-space";
    if (destination === VCN_RESOLVER) return "vcn-resolver";
    return destination.replace(/[./]/g, "-");
}

function rule(target: FirewallTarget, protocol: EgressRule["protocol"], destination: string, addressSpace: string, reason: string, port?: number, toPort?: number): EgressRule {
    const ports = port === undefined ? "all" : toPort !== undefined && toPort !== port ? `${port}-${toPort}` : `${port}`;
    return {
        target,
        protocol,
        destination,
        ...(port !== undefined ? { port } : {}),
        ...(toPort !== undefined && toPort !== port ? { toPort } : {}),
        reason,
        key: `${targetKey(target)}-egress-${protocol}-${ports}-to-${destinationKey(destination, addressSpace)}`,
    };
}

/** Egress of one VM from the services placed on it. */
export function vmEgress(vm: string, placements: ServicePlacementPlan[], addressSpace: string): EgressRule[] {
    const target: FirewallTarget = { kind: "vm", vm };
    const rules: EgressRule[] = [
        rule(target, "all", addressSpace, addressSpace, "dependencies and peers in the private address space (their ingress rules choose the ports)"),
        rule(target, "udp", VCN_RESOLVER, addressSpace, "DNS (the VCN resolver)", 53),
        rule(target, "tcp", VCN_RESOLVER, addressSpace, "DNS (the VCN resolver)", 53),
        ...BASE_INTERNET.map((b) => rule(target, b.protocol, INTERNET, addressSpace, b.reason, b.port)),
    ];
    const add = (r: EgressRule) => {
        const known = rules.find((x) => x.key === r.key);
        if (!known) rules.push(r);
        else if (!known.reason.includes(r.reason)) known.reason = `${known.reason}; ${r.reason}`;
    };
    for (const placement of placements) {
        for (const extra of SERVICE_INTERNET_EGRESS[placement.service] ?? []) add(rule(target, extra.protocol, INTERNET, addressSpace, extra.reason, extra.port, extra.toPort));
        for (const dependency of placement.dependencies) {
            if (!dependency.managed || !dependency.managedTarget) continue;
            for (const port of dependency.managedTarget.ports) {
                const protocols = port.protocol === "tcp+udp" ? (["tcp", "udp"] as const) : [port.protocol];
                for (const protocol of protocols) {
                    add(rule(target, protocol, INTERNET, addressSpace, `${placement.service} → ${dependency.service}:${port.name} (a public OCI endpoint)`, port.port, port.toPort));
                }
            }
        }
    }
    return rules;
}

/** Egress of a load balancer's NSG: its backends and health checks in the address space. */
export function loadBalancerEgress(kind: "lb" | "nlb", addressSpace: string): EgressRule[] {
    return [rule({ kind }, "all", addressSpace, addressSpace, "backends and health checks in the private address space")];
}
