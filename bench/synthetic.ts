/**
 * Synthetic topologies for the bench: the real topology with its accounts multiplied (×4, ×10).
 * Every account gets copies with new numbers in the same role and region (`EU-FE-01` →
 * `EU-FE-02` … `EU-FE-04`); the address space widens (10.0.0.0/12 by default) and each role
 * block grows by as many bits as the factor needs, laid out in the role order of the file, so
 * the address plan still carves non-overlapping VCNs.
 */
import { networkAt, parseNetwork, prefixSize } from "../model/cidr";
import { parse, stringify } from "yaml";

interface RawAccount {
    name: string;
    role: string;
    region: string;
    [key: string]: unknown;
}

interface RawTopology {
    addressSpace: string;
    roles: Record<string, { block: string } & Record<string, unknown>>;
    accounts: RawAccount[];
    [key: string]: unknown;
}

export interface SyntheticOptions {
    /** Accounts multiplier (4 → four times as many accounts). */
    factor: number;
    /** Address space of the synthetic topology. */
    addressSpace?: string;
}

/** `EU-FE-01` → `{prefix: "EU-FE", number: 1}`. */
function splitName(name: string): { prefix: string; number: number } {
    const match = /^(.*)-(\d{2})$/.exec(name);
    if (!match) throw new Error(`bench/synthetic: account name ${name} does not end in -NN`);
    return { prefix: match[1], number: Number(match[2]) };
}

/** The real topology's YAML text → the synthetic topology's YAML text. */
export function synthesizeTopology(text: string, options: SyntheticOptions): string {
    const { factor } = options;
    if (!Number.isInteger(factor) || factor < 1) throw new Error(`bench/synthetic: factor must be a positive integer, got ${factor}`);
    const topology = parse(text) as RawTopology;
    const space = parseNetwork(options.addressSpace ?? "10.0.0.0/12");
    const extraBits = Math.ceil(Math.log2(factor));

    // Role blocks: each grows by `extraBits`, laid out one after the other from the space's start.
    const roleNames = Object.keys(topology.roles);
    const prefixes = roleNames.map((role) => parseNetwork(topology.roles[role].block).prefix - extraBits);
    const widest = Math.min(...prefixes);
    const blockSize = prefixSize(widest);
    roleNames.forEach((role, i) => {
        const start = space.start + blockSize * BigInt(i + 1);
        if (start + prefixSize(prefixes[i]) > space.start + space.size) throw new Error(`bench/synthetic: ${space.cidr} is too small for ${roleNames.length} role blocks of /${widest}`);
        topology.roles[role].block = networkAt(start, prefixes[i]).cidr;
    });
    topology.addressSpace = space.cidr;

    // Accounts: factor copies of each, numbered after the highest number of the same prefix.
    const highest = new Map<string, number>();
    for (const account of topology.accounts) {
        const { prefix, number } = splitName(account.name);
        highest.set(prefix, Math.max(highest.get(prefix) ?? 0, number));
    }
    const copies: RawAccount[] = [];
    for (const account of topology.accounts) {
        const { prefix } = splitName(account.name);
        for (let copy = 1; copy < factor; copy++) {
            const number = (highest.get(prefix) ?? 0) + 1;
            highest.set(prefix, number);
            if (number > 99) throw new Error(`bench/synthetic: too many ${prefix} accounts for two-digit numbers`);
            copies.push({ ...account, name: `${prefix}-${String(number).padStart(2, "0")}`, inferredReason: `synthetic copy of ${account.name} (bench ×${factor})` });
        }
    }
    topology.accounts = [...topology.accounts, ...copies];
    return stringify(topology, { lineWidth: 0 });
}
