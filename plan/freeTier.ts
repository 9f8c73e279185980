/**
 * Always Free usage per tenancy against the allowances file, the shortfall named for every
 * resource over its allowance, and the monthly list-price cost of the excess (hourly prices
 * × `hoursPerMonth`, 730).
 */
import type { Role, Topology } from "../model/schema";
import { monthlyUnitPrice, type FreeTierAllowances, type PriceKey } from "../model/allowances";
import type { FreeTierLine, FreeTierReport, FreeTierResource, FreeTierUsage, Overage, OverageLine, StorageBudget } from "./types";
import { A1_SHAPE, MICRO_SHAPE } from "../model/shapes";

/** Minimum ECPUs of a paid Autonomous Database (what an extra database costs at least). */
export const ADB_MIN_ECPUS = 2;

/** Rounds a currency amount to cents. */
export function roundCents(amount: number): number {
    return Math.round(amount * 100) / 100;
}

const LABEL: Record<FreeTierResource, { what: string; unit: string }> = {
    "a1-ocpu": { what: "A1 OCPU", unit: "" },
    "a1-memory-gb": { what: "A1 memory", unit: " GB" },
    "micro-instances": { what: "E2.1.Micro instances", unit: "" },
    "block-storage-gb": { what: "block storage", unit: " GB" },
    "flexible-load-balancers": { what: "flexible load balancers", unit: "" },
    "flexible-lb-bandwidth-mbps": { what: "flexible LB bandwidth", unit: " Mbps" },
    "network-load-balancers": { what: "network load balancers", unit: "" },
    "autonomous-databases": { what: "Autonomous Databases", unit: "" },
    "autonomous-database-storage-gb": { what: "Autonomous Database storage", unit: " GB" },
    "vault-secrets": { what: "Vault secrets", unit: "" },
    "nat-gateways": { what: "NAT gateways", unit: "" },
    "service-gateways": { what: "service gateways", unit: "" },
};

const UNIT: Record<FreeTierResource, string> = {
    "a1-ocpu": "OCPU",
    "a1-memory-gb": "GB",
    "micro-instances": "instances",
    "block-storage-gb": "GB",
    "flexible-load-balancers": "load balancers",
    "flexible-lb-bandwidth-mbps": "Mbps",
    "network-load-balancers": "load balancers",
    "autonomous-databases": "databases",
    "autonomous-database-storage-gb": "GB",
    "vault-secrets": "secrets",
    "nat-gateways": "gateways",
    "service-gateways": "gateways",
};

/** The allowance each line is measured against, as the refusal names it. */
const ALLOWANCE: Record<FreeTierResource, string> = {
    "a1-ocpu": "allowances.a1.ocpus",
    "a1-memory-gb": "allowances.a1.memoryGb",
    "micro-instances": "allowances.microInstances.count",
    "block-storage-gb": "allowances.blockStorage.totalGb",
    "flexible-load-balancers": "allowances.flexibleLoadBalancers.count",
    "flexible-lb-bandwidth-mbps": "allowances.flexibleLoadBalancers.bandwidthMbps",
    "network-load-balancers": "allowances.networkLoadBalancers.count",
    "autonomous-databases": "allowances.autonomousDatabases.count",
    "autonomous-database-storage-gb": "allowances.autonomousDatabases.storageGbEach",
    "vault-secrets": "allowances.vault.secrets",
    "nat-gateways": "allowances.natGateways.count",
    "service-gateways": "allowances.serviceGateways.count",
};

/** Prices that bill one unit of excess of a resource; none for Vault secrets (not priced). */
const PRICES: Record<FreeTierResource, { key: PriceKey; quantity: number }[]> = {
    "a1-ocpu": [{ key: "a1OcpuHour", quantity: 1 }],
    "a1-memory-gb": [{ key: "a1MemoryGbHour", quantity: 1 }],
    "micro-instances": [{ key: "microInstanceHour", quantity: 1 }],
    "block-storage-gb": [
        { key: "blockStorageGbMonth", quantity: 1 },
        { key: "blockPerformanceBalancedGbMonth", quantity: 1 },
    ],
    "flexible-load-balancers": [{ key: "flexibleLbHour", quantity: 1 }],
    "flexible-lb-bandwidth-mbps": [{ key: "flexibleLbMbpsHour", quantity: 1 }],
    "network-load-balancers": [{ key: "networkLbHour", quantity: 1 }],
    "autonomous-databases": [{ key: "autonomousDbEcpuHour", quantity: ADB_MIN_ECPUS }],
    "autonomous-database-storage-gb": [{ key: "autonomousDbStorageGbMonth", quantity: 1 }],
    "vault-secrets": [],
    // No charge for either gateway in a pay-as-you-go tenancy (Oracle's networking price list).
    "nat-gateways": [],
    "service-gateways": [],
};

function line(account: string, resource: FreeTierResource, used: number, allowed: number): FreeTierLine {
    const excess = Math.max(0, roundQuantity(used - allowed));
    const { what, unit } = LABEL[resource];
    return {
        resource,
        used,
        allowed,
        unit: UNIT[resource],
        fits: excess === 0,
        excess,
        ...(excess > 0 ? { message: `${account} ${what} ${used}${unit} > ${allowed}${unit} by ${excess}${unit}` } : {}),
    };
}

function roundQuantity(n: number): number {
    return Math.round(n * 1000) / 1000;
}

/** Monthly cost of the lines over their allowance. */
export function overageOf(lines: FreeTierLine[], allowances: FreeTierAllowances): Overage {
    const out: OverageLine[] = [];
    for (const l of lines) {
        if (l.excess <= 0) continue;
        for (const price of PRICES[l.resource]) {
            const { unitPrice, unitsPerMonth } = monthlyUnitPrice(allowances, price.key);
            const units = unitsPerMonth * price.quantity;
            out.push({ resource: l.resource, excess: l.excess, priceKey: price.key, unitPrice, unitsPerMonth: units, monthlyCost: roundCents(l.excess * unitPrice * units) });
        }
    }
    return { currency: allowances.currency, lines: out, monthlyCost: roundCents(out.reduce((sum, l) => sum + l.monthlyCost, 0)) };
}

/** Distinct catalogue secrets (Vault paths) of the services placed anywhere. */
export function secretCount(topology: Topology): number {
    const paths = new Set<string>();
    for (const def of Object.values(topology.services)) for (const secret of def.secrets) paths.add(secret.path);
    return paths.size;
}

/** Gateways a tenancy's VCN needs: NAT and service gateways exist when it has a private subnet. */
export interface GatewayUse {
    nat: number;
    service: number;
}

/**
 * Usage of one tenancy of `role` against the allowances. In an Always Free tenancy every line
 * over its allowance is a refusal (the API answers `LimitExceeded`) and nothing is costed; in a
 * pay-as-you-go one the excess is costed, and the gateways (free of charge there) fit.
 */
export function freeTierUsage(
    account: string,
    role: Role,
    storage: StorageBudget,
    allowances: FreeTierAllowances,
    vaultSecrets = 0,
    billing: FreeTierUsage["billing"] = { mode: "payAsYouGo", reason: "" },
    gateways: GatewayUse = { nat: 0, service: 0 },
): FreeTierUsage {
    const a = allowances.allowances;
    const free = billing.mode === "alwaysFree";
    const a1 = role.vms.filter((vm) => vm.shape === A1_SHAPE);
    const micros = role.vms.filter((vm) => vm.shape === MICRO_SHAPE);
    const lines: FreeTierLine[] = [
        line(account, "a1-ocpu", roundQuantity(a1.reduce((s, vm) => s + vm.ocpus, 0)), a.a1.ocpus),
        line(account, "a1-memory-gb", roundQuantity(a1.reduce((s, vm) => s + vm.memoryGb, 0)), a.a1.memoryGb),
        line(account, "micro-instances", micros.length, a.microInstances.count),
        line(account, "block-storage-gb", storage.totalGb, storage.allowanceGb),
        line(account, "flexible-load-balancers", 1, a.flexibleLoadBalancers.count),
        line(account, "flexible-lb-bandwidth-mbps", role.loadBalancer.bandwidthMbps.max, a.flexibleLoadBalancers.bandwidthMbps),
        line(account, "network-load-balancers", role.networkLoadBalancer ? 1 : 0, a.networkLoadBalancers.count),
    ];
    if (role.autonomousDatabase) {
        lines.push(line(account, "autonomous-databases", 1, a.autonomousDatabases.count));
        lines.push(line(account, "autonomous-database-storage-gb", role.autonomousDatabase.dataStorageGb, a.autonomousDatabases.storageGbEach));
    }
    if (role.ociVault) lines.push(line(account, "vault-secrets", vaultSecrets, a.vault.secrets));
    lines.push(line(account, "nat-gateways", gateways.nat, free ? a.natGateways.count : gateways.nat));
    lines.push(line(account, "service-gateways", gateways.service, free ? a.serviceGateways.count : gateways.service));
    const shortfalls = lines.filter((l) => !l.fits).map((l) => l.message!);
    const refused = free
        ? lines.filter((l) => !l.fits).map((l) => `${account} (alwaysFree): ${LABEL[l.resource].what} ${l.used}${LABEL[l.resource].unit} exceed the Always Free ${l.allowed}${LABEL[l.resource].unit} (${ALLOWANCE[l.resource]}, allowances v${allowances.version} of ${allowances.asOf}); the API would answer LimitExceeded`)
        : [];
    const overage = free ? { currency: allowances.currency, lines: [], monthlyCost: 0 } : overageOf(lines, allowances);
    return { account, billing, lines, fits: shortfalls.length === 0, shortfalls, refused, overage };
}

/** The topology-wide report: every account's usage and the total monthly overage. */
export function freeTierReport(usages: FreeTierUsage[], allowances: FreeTierAllowances): FreeTierReport {
    return {
        allowancesVersion: String(allowances.version),
        allowancesAsOf: allowances.asOf,
        accounts: usages,
        fits: usages.every((u) => u.fits),
        currency: allowances.currency,
        monthlyOverage: roundCents(usages.reduce((sum, u) => sum + u.overage.monthlyCost, 0)),
        refused: usages.flatMap((u) => u.refused),
    };
}
