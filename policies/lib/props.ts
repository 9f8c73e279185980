/**
 * Reading OCI resource inputs as policies receive them: plain JSON where booleans and numbers
 * sometimes arrive as strings (`assignPublicIp: "false"`, `sizeInGbs: "50"`).
 */

/** `true` or `"true"`. */
export function isTrue(value: unknown): boolean {
    return value === true || value === "true";
}

/** A number from a number or a numeric string; undefined otherwise. */
export function toNumber(value: unknown): number | undefined {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
    return undefined;
}

/** The freeform tags of a resource's inputs (empty when absent). */
export function freeformTags(props: Record<string, unknown>): Record<string, string> {
    const tags = props.freeformTags;
    if (tags === null || typeof tags !== "object") return {};
    return Object.fromEntries(Object.entries(tags as Record<string, unknown>).filter(([, v]) => typeof v === "string")) as Record<string, string>;
}

/** Sources that mean "anyone on the internet". */
export function isInternet(source: unknown): boolean {
    return source === "0.0.0.0/0" || source === "::/0";
}

/** An inclusive port range; `all` covers every port. */
export type PortRange = { min: number; max: number };

/** One ingress rule, normalized from a security list rule or an NSG rule. */
export interface IngressRule {
    protocol: "tcp" | "udp" | "icmp" | "all" | string;
    source: string;
    /** Destination ports; all ports when the protocol has no port options. */
    ports: PortRange;
    description?: string;
}

const ALL_PORTS: PortRange = { min: 1, max: 65535 };

/** OCI protocol numbers ("6", "17", "1", "all") or names → a name. */
export function protocolName(protocol: unknown): IngressRule["protocol"] {
    const p = String(protocol ?? "").toLowerCase();
    if (p === "6" || p === "tcp") return "tcp";
    if (p === "17" || p === "udp") return "udp";
    if (p === "1" || p === "icmp") return "icmp";
    if (p === "all") return "all";
    return p;
}

function rangeOf(options: unknown, nsg: boolean): PortRange {
    if (options === null || typeof options !== "object") return ALL_PORTS;
    const o = options as Record<string, unknown>;
    const range = (nsg ? o.destinationPortRange : o) as Record<string, unknown> | undefined;
    if (!range) return ALL_PORTS;
    const min = toNumber(range.min);
    const max = toNumber(range.max);
    if (min === undefined && max === undefined) return ALL_PORTS;
    return { min: min ?? max!, max: max ?? min! };
}

function ruleFrom(rule: Record<string, unknown>, nsg: boolean): IngressRule {
    const protocol = protocolName(rule.protocol);
    const options = protocol === "tcp" ? rule.tcpOptions : protocol === "udp" ? rule.udpOptions : undefined;
    return {
        protocol,
        source: String(rule.source ?? ""),
        ports: protocol === "tcp" || protocol === "udp" ? rangeOf(options, nsg) : ALL_PORTS,
        description: typeof rule.description === "string" ? rule.description : undefined,
    };
}

/** Ingress rules of an `oci.core.SecurityList` or `oci.core.DefaultSecurityList`. */
export function securityListIngress(props: Record<string, unknown>): IngressRule[] {
    const rules = Array.isArray(props.ingressSecurityRules) ? props.ingressSecurityRules : [];
    return rules.filter((r): r is Record<string, unknown> => r !== null && typeof r === "object").map((r) => ruleFrom(r, false));
}

/** The rule of an `oci.core.NetworkSecurityGroupSecurityRule`, when it is an ingress rule. */
export function nsgIngress(props: Record<string, unknown>): IngressRule[] {
    if (String(props.direction ?? "").toUpperCase() !== "INGRESS") return [];
    return [ruleFrom(props, true)];
}

/** True when `range` includes `port`. */
export function covers(range: PortRange, port: number): boolean {
    return range.min <= port && port <= range.max;
}

/** `22`, `8000-8020`, `all ports`. */
export function formatPorts(range: PortRange): string {
    if (range.min === 1 && range.max === 65535) return "all ports";
    return range.min === range.max ? String(range.min) : `${range.min}-${range.max}`;
}

/** Every CIDR of an `oci.core.Vcn` (`cidrBlocks` and the legacy `cidrBlock`). */
export function vcnCidrs(props: Record<string, unknown>): string[] {
    const blocks = Array.isArray(props.cidrBlocks) ? props.cidrBlocks.filter((c): c is string => typeof c === "string") : [];
    if (typeof props.cidrBlock === "string" && !blocks.includes(props.cidrBlock)) blocks.push(props.cidrBlock);
    return blocks;
}
