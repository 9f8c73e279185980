/**
 * IPv4 CIDR arithmetic over the `ip-address` library (`Address4`, bigint offsets): the one CIDR
 * parser of the project. It lives in the lowest layer so that the model's validation, the plan,
 * render, the policies and the offline mocks all import it; nobody shifts bits by hand.
 */
import { Address4 } from "ip-address";

/** A parsed network: its canonical `a.b.c.d/n` form, prefix, first address and size. */
export interface Network {
    cidr: string;
    prefix: number;
    start: bigint;
    /** Number of addresses (2^(32-prefix)). */
    size: bigint;
}

/** True when `text` is `a.b.c.d/n` with no host bits set. Used by tests only. */
export function isNetworkCidr(text: string): boolean {
    if (!/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/.test(text) || !Address4.isValid(text)) return false;
    return new Address4(text).networkForm() === text;
}

const CIDR_SYNTAX = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;

/** Parses a CIDR (host bits must be zero). Throws `Error` with the reason otherwise. */
export function parseNetwork(cidr: string): Network {
    if (!CIDR_SYNTAX.test(cidr) || !Address4.isValid(cidr)) throw new Error(`"${cidr}" is not a valid IPv4 CIDR`);
    const address = new Address4(cidr);
    if (address.networkForm() !== cidr) throw new Error(`"${cidr}" has host bits set; the network is ${address.networkForm()}`);
    return networkOf(address);
}

/**
 * The network a CIDR names, host bits ignored (as OCI reads a rule's source); undefined when
 * `cidr` is not an `a.b.c.d/n` string. For values read back from resources, which the model
 * did not validate.
 */
export function networkOfCidr(cidr: unknown): Network | undefined {
    if (typeof cidr !== "string" || !CIDR_SYNTAX.test(cidr) || !Address4.isValid(cidr)) return undefined;
    return networkOf(new Address4(cidr));
}

function networkOf(address: Address4): Network {
    const start = address.startAddress().bigInt();
    const end = address.endAddress().bigInt();
    return { cidr: address.networkForm(), prefix: address.subnetMask, start, size: end - start + 1n };
}

/** The network of `prefix` bits that starts at address `start`. */
export function networkAt(start: bigint, prefix: number): Network {
    const address = new Address4(`${Address4.fromBigInt(start).correctForm()}/${prefix}`);
    const network = networkOf(address);
    if (network.start !== start) throw new Error(`${address.correctForm()} is not aligned to /${prefix}`);
    return network;
}

/** Number of addresses in a network of `prefix` bits (as ip-address counts it). */
export function prefixSize(prefix: number): bigint {
    const network = new Address4(`0.0.0.0/${prefix}`);
    return network.endAddress().bigInt() - network.startAddress().bigInt() + 1n;
}

/** The `index`-th of the equal `/newPrefix` slices of `network`. */
export function sliceOf(network: Network, newPrefix: number, index: number): Network {
    if (newPrefix < network.prefix || newPrefix > 32) throw new Error(`cannot cut ${network.cidr} into /${newPrefix} slices`);
    const sliceSize = prefixSize(newPrefix);
    const offset = sliceSize * BigInt(index);
    if (offset + sliceSize > network.size) throw new Error(`${network.cidr} has no slice ${index} of /${newPrefix}`);
    return networkAt(network.start + offset, newPrefix);
}

/** Dotted form of `network.start + n`. */
export function addressAt(network: Network, n: bigint | number): string {
    const offset = BigInt(n);
    if (offset < 0n || offset >= network.size) throw new Error(`offset ${offset} is outside ${network.cidr}`);
    return Address4.fromBigInt(network.start + offset).correctForm();
}

/** Whether `inner` lies wholly inside `outer`. */
export function contains(outer: Network, inner: Network): boolean {
    return inner.start >= outer.start && inner.start + inner.size <= outer.start + outer.size;
}

/** Whether two networks share any address. */
export function overlaps(a: Network, b: Network): boolean {
    return a.start < b.start + b.size && b.start < a.start + a.size;
}

/** Whether the address `ip` (no prefix) is inside `network`. Used by tests only. */
export function containsAddress(network: Network, ip: string): boolean {
    const value = new Address4(ip).bigInt();
    return value >= network.start && value < network.start + network.size;
}

/** Smallest `k` with 2^k ≥ n (n ≥ 1). */
export function log2Ceil(n: number): number {
    let k = 0;
    while (2 ** k < n) k++;
    return k;
}

/** `10.0.2.8/32` for a host address. */
export function hostCidr(ip: string): string {
    return `${new Address4(ip).correctForm()}/32`;
}
