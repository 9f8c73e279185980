/**
 * The address plan: a VCN per tenancy carved from its role's block, the subnets inside each
 * VCN, and a static private IP per VM. Nothing here is typed by hand, so every rendered config
 * can name its peers by IP at preview time.
 *
 * Rules (stable by construction; each one chosen so that growth does not move what exists):
 *
 * 1. **Role blocks.** `roles.<role>.block` must lie inside the address space and overlap no
 *    other role's block. When `addressSpace` is overridden with a wider network (synthetic
 *    ×4/×10 topologies), every role block is widened by the same factor and keeps its relative
 *    position: 10.0.1.0/24 (the 2nd /24 of 10.0.0.0/16) becomes
 *    10.0.16.0/20 (the 2nd /20 of 10.0.0.0/12).
 * 2. **VCNs.** A role block is cut into `max(4, nextPow2(#accounts))` equal slices, and the
 *    role's accounts take them in order of their number, then name (`AS-FE-01`, `AU-FE-01`,
 *    `EU-FE-01`, `NA-FE-01`, `SA-FE-01`, then `EU-FE-02`, ...). So a new account numbered after
 *    the existing ones (`EU-FE-02`) takes the next free slice and moves no existing VCN, as long
 *    as the count stays within the slice count; the floor of 4 slices leaves that room in every
 *    role. Crossing a power of two (or adding a new `-01`) re-cuts the block: a replacement
 *    of VCNs that the address-plan tests make visible.
 * 3. **Subnets.** Each VCN is cut into four equal quarters, by purpose, never by count:
 *    `[0] lb`, `[1] vm`, `[2] public-vm` (or `private-vm`: VMs whose `exposure` overrides the
 *    role's), `[3]` spare. Adding the override subnet later moves nothing.
 * 4. **VM IPs.** OCI reserves the first two addresses (network, gateway) and the last
 *    (broadcast) of every subnet. The VM at position `i` of the role's `vms` list gets
 *    `subnet start + 2 + i` in whichever subnet it lands, so moving one VM between subnets or
 *    appending a VM does not renumber the others.
 *
 * Problems are `UserInputError`s naming `roles.<role>.block` (or `addressSpace`).
 */
import { UserInputError, type Problem } from "../model/errors";
import type { RoleName, Topology, Vm } from "../model/schema";
import { addressAt, contains, log2Ceil, overlaps, parseNetwork, prefixSize, sliceOf, type Network } from "../model/cidr";
import type { SubnetName, SubnetPlan } from "./types";

/** OCI reserves the network address and the gateway (first two) of every subnet. */
export const RESERVED_AT_START = 2;
/** ... and the broadcast address (last). */
export const RESERVED_AT_END = 1;
/** A role block is never cut into fewer slices than this (room to add accounts). */
export const MIN_SLICES_PER_ROLE = 4;
/** Private IPs a flexible load balancer takes in its subnet (primary and standby). */
export const ADDRESSES_PER_FLEXIBLE_LB = 2;
/** Private IPs a network load balancer takes in its subnet. */
export const ADDRESSES_PER_NETWORK_LB = 1;

const SUBNET_QUARTER: Record<SubnetName, number> = { lb: 0, vm: 1, "public-vm": 2, "private-vm": 2 };

/** Options of `addressPlan`. */
export interface AddressPlanOptions {
    /** Overrides the topology's `addressSpace`; must contain it (role blocks are widened to match). */
    addressSpace?: string;
}

/** Where one VM sits. */
export interface VmAddress {
    vm: string;
    subnet: SubnetName;
    privateIp: string;
    publicIp: boolean;
}

/** Addresses of one tenancy. */
export interface AccountAddressPlan {
    account: string;
    role: RoleName;
    /** Position of the account's slice in the role block. */
    slice: number;
    vcnCidr: string;
    subnets: SubnetPlan[];
    vms: VmAddress[];
}

export interface AddressPlan {
    addressSpace: string;
    /** Effective role blocks (widened when the address space was overridden). */
    roleBlocks: Partial<Record<RoleName, string>>;
    accounts: AccountAddressPlan[];
    /** `accounts` by account name. */
    byAccount: Map<string, AccountAddressPlan>;
}

/** Lower-case slug of an account name: `EU-FE-01` → `eu-fe-01`. */
export function accountSlug(account: string): string {
    return account.toLowerCase();
}

/** Slice order: the account number (`-01`, `-02`), then the name. */
export function compareForSlices(a: string, b: string): number {
    const number = (name: string) => Number(/-(\d+)$/.exec(name)?.[1] ?? 0);
    return number(a) - number(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function subnetOfVm(vm: Vm, roleVmsExposure: "public" | "private"): SubnetName {
    if (vm.exposure === undefined || vm.exposure === roleVmsExposure) return "vm";
    return vm.exposure === "public" ? "public-vm" : "private-vm";
}

function subnetPlan(account: string, name: SubnetName, network: Network, isPublic: boolean): SubnetPlan {
    return {
        name,
        resourceName: `${accountSlug(account)}-${name}`,
        dnsLabel: name.replace(/-/g, ""),
        cidr: network.cidr,
        public: isPublic,
        firstHost: addressAt(network, RESERVED_AT_START),
        lastHost: addressAt(network, network.size - BigInt(1 + RESERVED_AT_END)),
    };
}

/** The effective address space and role blocks, validated; widened when overridden. */
function roleBlocksOf(topology: Topology, options: AddressPlanOptions): { space: Network; blocks: Map<RoleName, Network> } {
    const problems: Problem[] = [];
    let base: Network;
    try {
        base = parseNetwork(topology.addressSpace);
    } catch (error) {
        throw new UserInputError([{ path: "addressSpace", message: (error as Error).message }]);
    }
    let space = base;
    if (options.addressSpace !== undefined && options.addressSpace !== topology.addressSpace) {
        try {
            space = parseNetwork(options.addressSpace);
        } catch (error) {
            throw new UserInputError([{ path: "addressSpace", message: (error as Error).message }]);
        }
        if (space.prefix > base.prefix) {
            throw new UserInputError([
                { path: "addressSpace", message: `${space.cidr} is narrower than the topology's ${base.cidr}; an override may only widen it` },
            ]);
        }
    }
    const widenBy = base.prefix - space.prefix;
    const blocks = new Map<RoleName, Network>();
    const usedRoles = new Set(topology.accounts.map((a) => a.role));
    for (const [roleName, role] of Object.entries(topology.roles) as [RoleName, Topology["roles"][RoleName]][]) {
        if (!role || !usedRoles.has(roleName)) continue;
        const path = `roles.${roleName}.block`;
        let block: Network;
        try {
            block = parseNetwork(role.block);
        } catch (error) {
            problems.push({ path, message: (error as Error).message });
            continue;
        }
        if (!contains(base, block)) {
            problems.push({ path, message: `${block.cidr} is outside the address space ${base.cidr}` });
            continue;
        }
        if (widenBy > 0) block = sliceOf(space, block.prefix - widenBy, Number((block.start - base.start) / block.size));
        blocks.set(roleName, block);
    }
    const entries = [...blocks.entries()];
    for (let i = 0; i < entries.length; i++) {
        for (let j = i + 1; j < entries.length; j++) {
            const [ra, a] = entries[i];
            const [rb, b] = entries[j];
            if (overlaps(a, b)) problems.push({ path: `roles.${rb}.block`, message: `${b.cidr} overlaps roles.${ra}.block ${a.cidr}` });
        }
    }
    if (problems.length > 0) throw new UserInputError(problems);
    return { space, blocks };
}

/**
 * Carves every account's VCN, subnets and VM addresses (rules in the module comment).
 * Throws `UserInputError` when a block is outside the space, blocks overlap, or a block is
 * too small for its accounts, VMs or load balancers.
 */
export function addressPlan(topology: Topology, options: AddressPlanOptions = {}): AddressPlan {
    const { space, blocks } = roleBlocksOf(topology, options);
    const problems: Problem[] = [];
    const accounts: AccountAddressPlan[] = [];

    for (const [roleName, block] of blocks) {
        const role = topology.roles[roleName]!;
        const path = `roles.${roleName}.block`;
        const members = topology.accounts
            .filter((a) => a.role === roleName)
            .map((a) => a.name)
            .sort(compareForSlices);
        const sliceBits = log2Ceil(Math.max(MIN_SLICES_PER_ROLE, members.length));
        const vcnPrefix = block.prefix + sliceBits;
        // Four quarters per VCN, each at least a /30.
        if (vcnPrefix + 2 > 30) {
            problems.push({
                path,
                message: `${block.cidr} is too small for ${members.length} account(s): ${2 ** sliceBits} slices of /${vcnPrefix} leave no room for four subnets (need a VCN of /28 or wider, i.e. a block of /${28 - sliceBits} or wider)`,
            });
            continue;
        }
        const subnetPrefix = vcnPrefix + 2;
        const vmSubnetOf = role.vms.map((vm) => subnetOfVm(vm, role.exposure.vms));
        const quarterSize = prefixSize(subnetPrefix);
        const quarterUsable = quarterSize - BigInt(RESERVED_AT_START + RESERVED_AT_END);
        // VMs are numbered by role position, so a subnet must hold the highest position it uses.
        const highest = new Map<SubnetName, number>();
        vmSubnetOf.forEach((s, i) => highest.set(s, i + 1));
        for (const [subnet, needed] of highest) {
            if (BigInt(needed) > quarterUsable) {
                problems.push({
                    path,
                    message: `${block.cidr} is too small: each account's ${subnet} subnet is a /${subnetPrefix} with ${quarterUsable} usable addresses, the role needs ${needed} (its ${role.vms.length} VMs are numbered by position)`,
                });
            }
        }
        const lbNeeded = ADDRESSES_PER_FLEXIBLE_LB + (role.networkLoadBalancer ? ADDRESSES_PER_NETWORK_LB : 0);
        if (BigInt(lbNeeded) > quarterUsable) {
            problems.push({
                path,
                message: `${block.cidr} is too small: each account's lb subnet is a /${subnetPrefix} with ${quarterUsable} usable addresses, its load balancers need ${lbNeeded}`,
            });
        }
        if (problems.length > 0) continue;

        members.forEach((account, slice) => {
            const vcn = sliceOf(block, vcnPrefix, slice);
            const subnetNetworks = new Map<SubnetName, Network>();
            const subnets: SubnetPlan[] = [];
            const add = (name: SubnetName, isPublic: boolean) => {
                const network = sliceOf(vcn, subnetPrefix, SUBNET_QUARTER[name]);
                subnetNetworks.set(name, network);
                subnets.push(subnetPlan(account, name, network, isPublic));
            };
            add("lb", role.exposure.loadBalancer === "public");
            add("vm", role.exposure.vms === "public");
            if (vmSubnetOf.includes("public-vm")) add("public-vm", true);
            if (vmSubnetOf.includes("private-vm")) add("private-vm", false);
            const vms = role.vms.map((vm, i): VmAddress => {
                const subnet = vmSubnetOf[i];
                const network = subnetNetworks.get(subnet)!;
                return {
                    vm: vm.name,
                    subnet,
                    privateIp: addressAt(network, RESERVED_AT_START + i),
                    publicIp: subnet === "public-vm" || (subnet === "vm" && role.exposure.vms === "public"),
                };
            });
            accounts.push({ account, role: roleName, slice, vcnCidr: vcn.cidr, subnets, vms });
        });
    }
    if (problems.length > 0) throw new UserInputError(problems);

    const order = new Map(topology.accounts.map((a, i) => [a.name, i]));
    accounts.sort((a, b) => order.get(a.account)! - order.get(b.account)!);
    const roleBlocks: Partial<Record<RoleName, string>> = {};
    for (const [role, block] of blocks) roleBlocks[role] = block.cidr;
    return { addressSpace: space.cidr, roleBlocks, accounts, byAccount: new Map(accounts.map((a) => [a.account, a])) };
}
