/**
 * The smallest set of CIDR blocks that covers a firewall rule's clients without covering any
 * VM that is not one (docs/firewall.md):
 *
 * - every client address (a VM's /32, or a whole subnet such as an LB subnet) is covered;
 * - no block contains the address of a planned VM that is not a client;
 * - addresses where the plan puts no VM (load-balancer subnets, spare subnets, unallocated
 *   slices) may be covered: nothing there can open a connection the plan did not configure
 *   (an OCI load balancer only connects to its backends), and a VM placed there is a plan
 *   change that recomputes every rule.
 *
 * Top-down over the address space: a block with no client is dropped, a block with no
 * excluded VM is taken whole, any other block is split in two. Each block taken is the largest
 * valid one around its clients, so the count is the minimum for prefix blocks.
 */
import { parseNetwork } from "../model/cidr";

/** Host addresses no cover may include, parsed once (`excludedHosts`) for many `coverClients` calls. */
export interface ExcludedHosts {
    /** Sorted, distinct, as numbers. */
    addresses: number[];
}

/** Parses host addresses (`10.0.1.5`) for `coverClients`. */
export function excludedHosts(ips: readonly (string | number)[]): ExcludedHosts {
    return { addresses: [...new Set(ips.map((ip) => (typeof ip === "number" ? ip : ipNumber(ip))))].sort((a, b) => a - b) };
}

/** `10.0.1.5` → its 32-bit value. The plan's addresses are canonical (checked where they are made). */
export function ipNumber(ip: string): number {
    let n = 0;
    let octet = 0;
    for (let i = 0; i < ip.length; i++) {
        const c = ip.charCodeAt(i);
        if (c === 46) {
            n = n * 256 + octet;
            octet = 0;
        } else octet = octet * 10 + (c - 48);
    }
    return n * 256 + octet;
}

function ipText(n: number): string {
    return `${Math.floor(n / 16777216) % 256}.${Math.floor(n / 65536) % 256}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/** An inclusive range of IPv4 addresses as numbers. */
interface Range {
    start: number;
    end: number;
}

function rangeOf(cidr: string): Range {
    const slash = cidr.indexOf("/");
    const start = ipNumber(cidr.slice(0, slash));
    return { start, end: start + 2 ** (32 - Number(cidr.slice(slash + 1))) - 1 };
}

/** First index in sorted `values` whose value is ≥ `x`. */
function lowerBound(values: number[], x: number): number {
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (values[mid] < x) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

/**
 * Covers `clients` (CIDRs inside `space`) with the fewest blocks that contain none of
 * `excluded` (host addresses). Clients outside `space` are returned unchanged.
 * @returns canonical CIDRs, sorted by address
 */
export function coverClients(clients: readonly string[], excluded: readonly string[] | ExcludedHosts, space: string): string[] {
    const spaceRange = rangeOf(space);
    const inside: Range[] = [];
    const outside = new Set<string>();
    for (const cidr of clients) {
        const range = rangeOf(cidr);
        if (range.start >= spaceRange.start && range.end <= spaceRange.end) inside.push(range);
        else outside.add(cidr);
    }
    inside.sort((a, b) => a.start - b.start || a.end - b.end);
    const starts = inside.map((r) => r.start);
    // Prefix maximum of range ends, so "any client range meets [lo, hi]" is one binary search.
    const maxEnd: number[] = [];
    inside.forEach((r, i) => maxEnd.push(Math.max(r.end, i > 0 ? maxEnd[i - 1] : -1)));
    const hasClient = (lo: number, hi: number): boolean => {
        const last = lowerBound(starts, hi + 1) - 1;
        return last >= 0 && maxEnd[last] >= lo;
    };
    const clientAddresses = new Set<number>();
    for (const r of inside) if (r.start === r.end) clientAddresses.add(r.start);
    const wide = inside.filter((r) => r.start !== r.end);
    const isClient = (ip: number) => clientAddresses.has(ip) || wide.some((r) => ip >= r.start && ip <= r.end);
    const hosts = Array.isArray(excluded) ? excludedHosts(excluded as readonly string[]).addresses : (excluded as ExcludedHosts).addresses;
    /** True when a host that is not a client lies in [lo, hi]. */
    const hasBlocked = (lo: number, hi: number): boolean => {
        for (let i = lowerBound(hosts, lo); i < hosts.length && hosts[i] <= hi; i++) if (!isClient(hosts[i])) return true;
        return false;
    };

    const out: string[] = [];
    const spacePrefix = parseNetwork(space).prefix;
    const visit = (start: number, prefix: number): void => {
        const end = start + 2 ** (32 - prefix) - 1;
        if (!hasClient(start, end)) return;
        if (!hasBlocked(start, end)) {
            out.push(`${ipText(start)}/${prefix}`);
            return;
        }
        // A block holding an excluded VM and a client cannot be a /32: the VM is not a client.
        const half = 2 ** (31 - prefix);
        visit(start, prefix + 1);
        visit(start + half, prefix + 1);
    };
    visit(spaceRange.start, spacePrefix);
    return [...out, ...[...outside].sort()];
}
