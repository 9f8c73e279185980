/**
 * Routing the operators' WireGuard tunnel addresses instead of masquerading them (pure): what
 * every route table must hold so that a VM in any region sees, and answers, the operator's own
 * tunnel address, and its logs name the operator.
 *
 * The tunnel space (`172.29.0.0/16`, one /24 per bastion) is no VCN's CIDR, so nothing learns it
 * dynamically; every hop gets a static route:
 * - every VCN's subnet route tables: the tunnel space → the VCN's DRG;
 * - the bastions' own VCN: each bastion's /24 → that bastion's private IP (its VNIC skips the
 *   source/destination check), more specific than the /16 above;
 * - the bastions' VCN attachment: an ingress (transit) route table with the same /24 rules, for
 *   traffic the DRG hands to the VCN;
 * - the bastions' hub DRG: each /24 → the bastions' VCN attachment, in the route tables of its VCN
 *   attachments (the region's spokes) and of its remote peering attachments (the other regions);
 * - every other region's hub DRG: each /24 → its remote peering toward the bastions' region,
 *   in the route table of its VCN attachments.
 * Every VM then admits SSH from the tunnel space instead of from the bastions' addresses.
 */
import { addressAt, overlaps, parseNetwork, sliceOf } from "../model/cidr";
import { WIREGUARD_TUNNEL_SPACE } from "../model/tunnelSpace";
import { bastionVms } from "./bastions";
import type { TopologyPlan } from "./types";

export { WIREGUARD_TUNNEL_SPACE };

/** The tunnel /24 of the `index`-th bastion (plan order across all accounts) and the bastion's address in it. */
export function wireguardTunnel(index: number, addressSpace: string): { cidr: string; address: string; peerAddress: (host: number) => string } {
    const space = parseNetwork(WIREGUARD_TUNNEL_SPACE);
    if (overlaps(space, parseNetwork(addressSpace))) {
        throw new Error(`WireGuard tunnel space ${WIREGUARD_TUNNEL_SPACE} overlaps the address space ${addressSpace}`);
    }
    const net = sliceOf(space, 24, index);
    return { cidr: net.cidr, address: `${addressAt(net, 1)}/24`, peerAddress: (host) => `${addressAt(net, host)}/32` };
}

/** One bastion's share of the tunnel space. */
export interface BastionTunnel {
    account: string;
    vm: string;
    /** The bastion's private IP in its VCN: the next hop of its /24. */
    privateIp: string;
    /** Its /24 of the tunnel space (`172.29.0.0/24`). */
    cidr: string;
}

/** Where a tunnel route sends its traffic. */
export type TunnelNextHop =
    /** A VCN route: the VCN's DRG (through its attachment). */
    | { kind: "drg" }
    /** A VCN route: a bastion's private IP. */
    | { kind: "bastion"; account: string; vm: string; privateIp: string }
    /** A DRG route: the VCN attachment of `account` (the bastions' VCN). */
    | { kind: "vcnAttachment"; account: string }
    /** A DRG route: this hub's remote peering toward the hub of `region`. */
    | { kind: "remotePeering"; region: string };

export interface TunnelRoute {
    destination: string;
    nextHop: TunnelNextHop;
    /** Why (the route rule's description). */
    reason: string;
}

export interface TunnelRouting {
    tunnelSpace: string;
    bastions: BastionTunnel[];
    /** Rules every subnet route table of an account's VCN adds, by account name. */
    vcn: Record<string, TunnelRoute[]>;
    /** Rules of the ingress (transit) route table of an account's DRG attachment, by account name (the bastions' VCN only). */
    attachmentIngress: Record<string, TunnelRoute[]>;
    /** Static rules of a hub's DRG, by hub account: in the route table of its VCN attachments and of its remote peering attachments. */
    drg: Record<string, { vcnAttachments: TunnelRoute[]; remotePeerings: TunnelRoute[] }>;
    /** Bastions whose primary VNIC forwards traffic it is not the source or destination of. */
    skipSourceDestCheck: { account: string; vm: string }[];
}

/** The tunnel routes of the whole plan; empty when there is no bastion. */
export function tunnelRouting(plan: TopologyPlan): TunnelRouting {
    const bastions = bastionVms(plan.accounts).map(({ account, vm }, index) => ({
        account: account.name,
        vm: vm.name,
        privateIp: vm.privateIp,
        cidr: wireguardTunnel(index, plan.addressSpace).cidr,
    }));
    const routing: TunnelRouting = { tunnelSpace: WIREGUARD_TUNNEL_SPACE, bastions, vcn: {}, attachmentIngress: {}, drg: {}, skipSourceDestCheck: [] };
    if (bastions.length === 0) return routing;

    const accountOf = (name: string) => plan.accounts.find((a) => a.name === name)!;
    const globalStack = plan.stacks.find((s) => s.region === "eu") ?? plan.stacks[0];
    const toBastion = (b: BastionTunnel): TunnelRoute => ({
        destination: b.cidr,
        nextHop: { kind: "bastion", account: b.account, vm: b.vm, privateIp: b.privateIp },
        reason: `operators' tunnel addresses of ${b.account}/${b.vm}`,
    });
    for (const account of plan.accounts) {
        routing.vcn[account.name] = [
            { destination: WIREGUARD_TUNNEL_SPACE, nextHop: { kind: "drg" }, reason: "operators' WireGuard tunnel addresses via the DRG" },
            ...bastions.filter((b) => b.account === account.name).map(toBastion),
        ];
    }
    for (const b of bastions) routing.attachmentIngress[b.account] = [...(routing.attachmentIngress[b.account] ?? []), toBastion(b)];
    // Every region's hub peers with the global hub only: a bastion's /24 goes to its VCN's attachment on
    // its own hub, from the global hub to the peering toward the bastion's region, and from any other hub
    // to the peering toward the global hub, which passes it on (its peering attachments carry the rule too).
    for (const stack of plan.stacks) {
        const hub = stack.hub;
        const rules = bastions.map((b): TunnelRoute => {
            const home = accountOf(b.account);
            const reason = `operators' tunnel addresses of ${b.account}/${b.vm}`;
            if (home.regionHub === hub) return { destination: b.cidr, nextHop: { kind: "vcnAttachment", account: home.name }, reason };
            const via = hub === globalStack.hub ? home.region : globalStack.region;
            return { destination: b.cidr, nextHop: { kind: "remotePeering", region: via }, reason: `${reason}, in ${home.region}` };
        });
        const transits = hub === globalStack.hub || bastions.some((b) => accountOf(b.account).regionHub === hub);
        routing.drg[hub] = { vcnAttachments: rules, remotePeerings: transits ? rules : [] };
    }
    routing.skipSourceDestCheck = bastions.map((b) => ({ account: b.account, vm: b.vm }));
    return routing;
}
