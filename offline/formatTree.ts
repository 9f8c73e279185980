/**
 * The default, human plan: per stack a tree grouped by account (component nesting, names,
 * types), per-account counts, the free-tier and storage report of the plan, and the totals.
 * The totals are the last six lines (CI and hooks show `tail -6`).
 */
import type { PlannedResource, PlannedStack } from "./engine";
import { isFiltered, shortType, type PlanFilter } from "./planFilter";
import { plural } from "./plural";
import { PLAIN, type Style } from "./style";

/** How `formatPlanTree` prints. */
export interface TreeOptions {
    /** Counts only: no resource lines. */
    summary?: boolean;
    /** The filter the stacks were narrowed by (named in the first line). */
    filter?: PlanFilter;
    style?: Style;
}

const INSTANCE = "oci:Core/instance:Instance";
const LOAD_BALANCER = "oci:LoadBalancer/loadBalancer:LoadBalancer";
const NETWORK_LOAD_BALANCER = "oci:NetworkLoadBalancer/networkLoadBalancer:NetworkLoadBalancer";
const OCI_PROVIDER = "pulumi:providers:oci";

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

/** `name  type`: a custom resource's short type, a component's token in angle brackets. */
function resourceLabel(r: PlannedResource, style: Style): string {
    const flags = [r.protect ? "protect" : "", r.retainOnDelete ? "retain" : ""].filter(Boolean);
    return `${r.name}  ${style.dim(r.custom ? shortType(r.type) : `<${r.type}>`)}${flags.length ? `  ${style.yellow(`[${flags.join(", ")}]`)}` : ""}`;
}

function renderTree(root: PlannedResource, depth: number, children: Map<string, PlannedResource[]>, style: Style, out: string[]): void {
    out.push(`${"  ".repeat(depth)}${resourceLabel(root, style)}`);
    for (const child of children.get(root.urn) ?? []) renderTree(child, depth + 1, children, style, out);
}

/** `84 resources (74 custom, 10 components; 3 instances, 1 LB, 0 NLBs)`; the compute part only when there is any. */
function resourceCounts(resources: PlannedResource[]): string {
    const instances = count(resources, (r) => r.type === INSTANCE);
    const lbs = count(resources, (r) => r.type === LOAD_BALANCER);
    const nlbs = count(resources, (r) => r.type === NETWORK_LOAD_BALANCER);
    const compute = instances + lbs + nlbs > 0 ? `; ${plural(instances, "instance")}, ${plural(lbs, "LB")}, ${plural(nlbs, "NLB")}` : "";
    return `${plural(resources.length, "resource")} (${count(resources, (r) => r.custom)} custom, ${plural(count(resources, (r) => !r.custom), "component")}${compute})`;
}

/**
 * The tree of one stack, grouped by account (resources outside every account — the stack
 * itself, stack references, shared secrets — last, under `(no account)`), with per-group
 * counts. Every resource counted is listed once: under its parent when the parent is in the
 * same group, at the top of its group otherwise.
 */
export function formatStackTree(stack: PlannedStack, options: TreeOptions = {}): string[] {
    const style = options.style ?? PLAIN;
    const out: string[] = [];
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    const sameGroupParent = (r: PlannedResource) => {
        const parent = r.parent ? byUrn.get(r.parent) : undefined;
        return parent !== undefined && parent.account === r.account;
    };
    const children = new Map<string, PlannedResource[]>();
    for (const r of stack.resources) {
        if (sameGroupParent(r)) children.set(r.parent!, [...(children.get(r.parent!) ?? []), r]);
    }
    const accounts = [...new Set(stack.resources.map((r) => r.account).filter((a): a is string => a !== null))];
    out.push(style.bold(`Stack ${stack.stack}: ${plural(accounts.length, "account")}, ${plural(stack.resources.length, "resource")}`));
    const groups: { label: string; own: PlannedResource[] }[] = accounts.map((account) => ({ label: account, own: stack.resources.filter((r) => r.account === account) }));
    const outside = stack.resources.filter((r) => r.account === null);
    if (outside.length > 0) groups.push({ label: "(no account)", own: outside });
    for (const { label, own } of groups) {
        out.push(`  ${style.bold(label)}: ${resourceCounts(own)}`);
        if (options.summary) continue;
        for (const r of own.filter((r) => !sameGroupParent(r))) renderTree(r, 2, children, style, out);
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
        `Dependencies: longest chain ${plural(chain.length, "resource")} (${chain.map((r) => r.name).join(" → ") || "none"})`,
        `  cross-account edges: ${crossAccount.length}${pairs.size ? ` (${[...pairs].join(", ")})` : ""}`,
    ];
}

/** The six closing lines: accounts, providers, instances by shape, LBs, network, free tier. */
export function formatTotals(stacks: PlannedStack[], style: Style = PLAIN): string[] {
    const all = stacks.flatMap((s) => s.resources);
    const accounts = new Set(all.map((r) => r.account).filter((a) => a !== null));
    const shapes = [...instancesByShape(all)].map(([shape, n]) => `${n} ${shape}`).join(", ") || "none";
    const plan = stacks[0]?.plan;
    const planned = plan ? plan.accounts.filter((a) => accounts.has(a.name)) : [];
    const overage = planned.reduce((sum, a) => sum + a.freeTier.overage.monthlyCost, 0);
    const storageOver = planned.filter((a) => !a.storage.fits).length;
    const typeCount = (suffix: string) => count(all, (r) => r.type.endsWith(suffix));
    return [
        `${style.bold("Totals:")} ${plural(stacks.length, "stack")} (${stacks.map((s) => s.stack).join(", ")}), ${plural(accounts.size, "account")}, ${plural(all.length, "resource")} (${count(all, (r) => r.custom)} custom, ${plural(count(all, (r) => !r.custom), "component")})`,
        `  providers: ${count(all, (r) => r.type === OCI_PROVIDER)} oci`,
        `  instances: ${count(all, (r) => r.type === INSTANCE)} (${shapes})`,
        `  load balancers: ${count(all, (r) => r.type === LOAD_BALANCER)} flexible (${lbBandwidths(all)}), ${count(all, (r) => r.type === NETWORK_LOAD_BALANCER)} network`,
        `  network: ${plural(typeCount(":Vcn"), "VCN")}, ${plural(typeCount(":Subnet"), "subnet")}, ${plural(typeCount(":Drg"), "DRG")}, ${plural(typeCount(":NetworkSecurityGroup"), "NSG")}, ${plural(typeCount(":NetworkSecurityGroupSecurityRule"), "NSG rule")}, ${plural(typeCount(":RemotePeeringConnection"), "RPC")}`,
        `  free tier: overage ${overage.toFixed(2)} ${plan?.freeTier.currency ?? "USD"}/month; storage over the allowance in ${storageOver} of ${plural(planned.length, "account")}`,
    ];
}

/** The whole human plan (`--summary`: without the resource lines). */
export function formatPlanTree(stacks: PlannedStack[], options: TreeOptions = {}): string {
    const style = options.style ?? PLAIN;
    const filter = options.filter ?? {};
    const named = [
        ...(filter.accounts?.length ? [`--account ${filter.accounts.join(",")}`] : []),
        ...(filter.types?.length ? [`--type ${filter.types.join(",")}`] : []),
    ];
    const lines = [
        ...(isFiltered(filter) ? [style.dim(`Only the resources of ${named.join(" ")}; every count below is of them.`), ""] : []),
        ...stacks.flatMap((s) => [...formatStackTree(s, options), ""]),
        ...formatBillingModes(stacks),
        "",
        ...formatFreeTier(stacks),
        "",
        // A dependency chain through only the resources of some types would mislead.
        ...(filter.types?.length ? [] : [...formatDependencies(stacks), ""]),
        ...formatTotals(stacks, style),
    ];
    return `${lines.join("\n")}\n`;
}
