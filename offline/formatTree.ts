/**
 * The default, human plan: per stack a tree grouped by account (component nesting, names,
 * types), per-account counts, the free-tier and storage report of the plan, and the totals.
 * The totals are the last six lines (CI and hooks show `tail -6`).
 */
import type { PlannedResource, PlannedStack } from "./engine";

const INSTANCE = "oci:Core/instance:Instance";
const LOAD_BALANCER = "oci:LoadBalancer/loadBalancer:LoadBalancer";
const NETWORK_LOAD_BALANCER = "oci:NetworkLoadBalancer/networkLoadBalancer:NetworkLoadBalancer";
const OCI_PROVIDER = "pulumi:providers:oci";

/** `oci:Core/vcn:Vcn` → `Vcn`; component tokens `blitzhub:frontend:FrontendAccount` stay whole. */
function shortType(type: string): string {
    if (type.startsWith("oci:") || type.startsWith("random:") || type.startsWith("command:")) {
        const [pkg, module] = type.split(":");
        return `${pkg}:${module.split("/")[0]}/${type.split(":").pop()}`;
    }
    return type;
}

function count<T>(items: T[], pred: (item: T) => boolean): number {
    return items.reduce((n, item) => (pred(item) ? n + 1 : n), 0);
}

/** Instances by `shape (ocpus/memory)`, e.g. `VM.Standard.A1.Flex 4/24`. */
function instancesByShape(resources: PlannedResource[]): Map<string, number> {
    const shapes = new Map<string, number>();
    for (const r of resources) {
        if (r.type !== INSTANCE) continue;
        const cfg = r.inputs.shapeConfig as { ocpus?: number; memoryInGbs?: number } | undefined;
        const key = `${String(r.inputs.shape)}${cfg?.ocpus !== undefined ? ` ${cfg.ocpus} OCPU/${cfg.memoryInGbs} GB` : ""}`;
        shapes.set(key, (shapes.get(key) ?? 0) + 1);
    }
    return shapes;
}

function lbBandwidths(resources: PlannedResource[]): string {
    const bw = new Map<string, number>();
    for (const r of resources) {
        if (r.type !== LOAD_BALANCER) continue;
        const s = r.inputs.shapeDetails as { minimumBandwidthInMbps?: number; maximumBandwidthInMbps?: number } | undefined;
        const key = `${String(r.inputs.shape)} ${s?.minimumBandwidthInMbps ?? "?"}/${s?.maximumBandwidthInMbps ?? "?"} Mbps`;
        bw.set(key, (bw.get(key) ?? 0) + 1);
    }
    return [...bw].map(([k, n]) => `${n} ${k}`).join(", ") || "none";
}

function renderTree(root: PlannedResource, depth: number, children: Map<string, PlannedResource[]>, out: string[]): void {
    const label = root.custom ? `${root.name}  ${shortType(root.type)}` : `${root.name}  <${root.type}>`;
    const flags = [root.protect ? "protect" : "", root.retainOnDelete ? "retain" : ""].filter(Boolean);
    out.push(`${"  ".repeat(depth)}${label}${flags.length ? `  [${flags.join(", ")}]` : ""}`);
    for (const child of children.get(root.urn) ?? []) renderTree(child, depth + 1, children, out);
}

/** The tree of one stack, grouped by account, with per-account counts. */
export function formatStackTree(stack: PlannedStack): string[] {
    const out: string[] = [];
    const children = new Map<string, PlannedResource[]>();
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    for (const r of stack.resources) {
        if (r.parent && byUrn.has(r.parent)) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
    }
    const accounts = [...new Set(stack.resources.map((r) => r.account).filter((a): a is string => a !== null))];
    out.push(`Stack ${stack.stack}: ${accounts.length} accounts, ${stack.resources.length} resources`);
    for (const account of accounts) {
        const own = stack.resources.filter((r) => r.account === account);
        const top = own.filter((r) => !r.parent || byUrn.get(r.parent)?.account !== account);
        out.push(
            `  ${account}: ${own.length} resources (${count(own, (r) => r.custom)} custom, ${count(own, (r) => !r.custom)} components; ` +
                `${count(own, (r) => r.type === INSTANCE)} instances, ${count(own, (r) => r.type === LOAD_BALANCER)} LB, ${count(own, (r) => r.type === NETWORK_LOAD_BALANCER)} NLB)`,
        );
        for (const r of top) renderTree(r, 2, children, out);
    }
    const outside = stack.resources.filter((r) => r.account === null && !(r.parent && byUrn.get(r.parent)?.account === null));
    if (outside.length > 0) {
        out.push(`  (no account): ${count(stack.resources, (r) => r.account === null)} resources`);
        for (const r of outside) {
            const label = r.custom ? `${r.name}  ${shortType(r.type)}` : `${r.name}  <${r.type}>`;
            out.push(`    ${label}`);
        }
    }
    return out;
}

/**
 * The billing mode of each planned tenancy with the topology's reason (`accounts[].billing`):
 * `alwaysFree` tenancies must fit the allowances, `payAsYouGo` ones are costed.
 */
export function formatBillingModes(stacks: PlannedStack[]): string[] {
    const plan = stacks[0]?.plan;
    if (!plan) return [];
    const names = new Set(stacks.flatMap((s) => s.resources.map((r) => r.account).filter((a): a is string => a !== null)));
    const accounts = plan.accounts.filter((a) => names.has(a.name));
    const count = (mode: string) => accounts.filter((a) => a.freeTier.billing.mode === mode).length;
    return [
        `Billing modes (${count("alwaysFree")} alwaysFree, ${count("payAsYouGo")} payAsYouGo):`,
        ...accounts.map((a) => `  ${a.name}: ${a.freeTier.billing.mode} — ${a.freeTier.billing.reason}`),
    ];
}

/** Free-tier usage, storage budget and overage of the planned accounts, from the plan. */
export function formatFreeTier(stacks: PlannedStack[]): string[] {
    const plan = stacks[0]?.plan;
    if (!plan) return [];
    const names = new Set(stacks.flatMap((s) => s.resources.map((r) => r.account).filter((a): a is string => a !== null)));
    const accounts = plan.accounts.filter((a) => names.has(a.name));
    const report = plan.freeTier;
    const out = [`Free tier (allowances v${report.allowancesVersion}, as of ${report.allowancesAsOf}):`];
    let overage = 0;
    for (const account of accounts) {
        const usage = account.freeTier;
        overage += usage.overage.monthlyCost;
        const storage = account.storage;
        const storageLine = `storage ${storage.totalGb}/${storage.allowanceGb} GB${storage.fits ? "" : ` (over by ${storage.shortfallGb} GB)`}`;
        const cost = usage.overage.monthlyCost > 0 ? `, overage ${usage.overage.monthlyCost.toFixed(2)} ${usage.overage.currency}/month` : "";
        out.push(`  ${account.name} [${usage.billing.mode}]: ${usage.fits ? "fits" : usage.billing.mode === "alwaysFree" ? "REFUSED beyond the allowance" : "exceeds"}; ${storageLine}${cost}`);
        for (const shortfall of usage.billing.mode === "alwaysFree" ? usage.refused : usage.shortfalls) out.push(`    - ${shortfall}`);
    }
    out.push(`  monthly overage of these accounts: ${overage.toFixed(2)} ${report.currency}`);
    return out;
}

/**
 * The longest chain of dependencies (each resource waits for the next) over all planned stacks,
 * and the dependency edges that cross accounts: what keeps accounts from deploying in parallel.
 */
export function dependencyReport(stacks: PlannedStack[]): { chain: PlannedResource[]; crossAccount: [PlannedResource, PlannedResource][] } {
    const byUrn = new Map(stacks.flatMap((s) => s.resources).map((r) => [r.urn, r]));
    const longest = new Map<string, PlannedResource[]>();
    const visiting = new Set<string>();
    const chainFrom = (r: PlannedResource): PlannedResource[] => {
        const known = longest.get(r.urn);
        if (known) return known;
        if (visiting.has(r.urn)) return [r];
        visiting.add(r.urn);
        let best: PlannedResource[] = [];
        for (const dep of r.dependsOn) {
            const target = byUrn.get(dep);
            if (!target || !target.custom) continue;
            const sub = chainFrom(target);
            if (sub.length > best.length) best = sub;
        }
        visiting.delete(r.urn);
        const chain = [r, ...best];
        longest.set(r.urn, chain);
        return chain;
    };
    let chain: PlannedResource[] = [];
    const crossAccount: [PlannedResource, PlannedResource][] = [];
    for (const r of byUrn.values()) {
        if (!r.custom) continue;
        const c = chainFrom(r);
        if (c.length > chain.length) chain = c;
        for (const dep of r.dependsOn) {
            const target = byUrn.get(dep);
            if (target?.custom && target.account && r.account && target.account !== r.account) crossAccount.push([r, target]);
        }
    }
    return { chain, crossAccount };
}

function formatDependencies(stacks: PlannedStack[]): string[] {
    const { chain, crossAccount } = dependencyReport(stacks);
    const pairs = new Set(crossAccount.map(([from, to]) => `${from.account} → ${to.account}`));
    return [
        `Dependencies: longest chain ${chain.length} resources (${chain.map((r) => r.name).join(" → ") || "none"})`,
        `  cross-account edges: ${crossAccount.length}${pairs.size ? ` (${[...pairs].join(", ")})` : ""}`,
    ];
}

/** The six closing lines: accounts, providers, instances by shape, LBs, network, free tier. */
export function formatTotals(stacks: PlannedStack[]): string[] {
    const all = stacks.flatMap((s) => s.resources);
    const accounts = new Set(all.map((r) => r.account).filter((a) => a !== null));
    const shapes = [...instancesByShape(all)].map(([shape, n]) => `${n} ${shape}`).join(", ") || "none";
    const plan = stacks[0]?.plan;
    const planned = plan ? plan.accounts.filter((a) => accounts.has(a.name)) : [];
    const overage = planned.reduce((sum, a) => sum + a.freeTier.overage.monthlyCost, 0);
    const storageOver = planned.filter((a) => !a.storage.fits).length;
    const typeCount = (suffix: string) => count(all, (r) => r.type.endsWith(suffix));
    return [
        `Totals: ${stacks.length} stack${stacks.length === 1 ? "" : "s"} (${stacks.map((s) => s.stack).join(", ")}), ${accounts.size} accounts, ${all.length} resources (${count(all, (r) => r.custom)} custom, ${count(all, (r) => !r.custom)} components)`,
        `  providers: ${count(all, (r) => r.type === OCI_PROVIDER)} oci`,
        `  instances: ${count(all, (r) => r.type === INSTANCE)} (${shapes})`,
        `  load balancers: ${count(all, (r) => r.type === LOAD_BALANCER)} flexible (${lbBandwidths(all)}), ${count(all, (r) => r.type === NETWORK_LOAD_BALANCER)} network`,
        `  network: ${typeCount(":Vcn")} VCNs, ${typeCount(":Subnet")} subnets, ${typeCount(":Drg")} DRGs, ${typeCount(":NetworkSecurityGroup")} NSGs, ${typeCount(":NetworkSecurityGroupSecurityRule")} NSG rules, ${typeCount(":RemotePeeringConnection")} RPCs`,
        `  free tier: overage ${overage.toFixed(2)} ${plan?.freeTier.currency ?? "USD"}/month; storage over the allowance in ${storageOver} of ${planned.length} accounts`,
    ];
}

/** The whole human plan. */
export function formatPlanTree(stacks: PlannedStack[]): string {
    const lines = [
        ...stacks.flatMap((s) => [...formatStackTree(s), ""]),
        ...formatBillingModes(stacks),
        "",
        ...formatFreeTier(stacks),
        "",
        ...formatDependencies(stacks),
        "",
        ...formatTotals(stacks),
    ];
    return `${lines.join("\n")}\n`;
}
