/**
 * Free-tier budgets hold per tenancy; a tenancy is what one OCI provider points at, so stack
 * policies group resources by their provider.
 */
import type { PolicyResource } from "@pulumi/policy";
import { offlineFacts } from "./offline";
import { freeformTags } from "./props";
import { whenKnown } from "./unknown";

export interface Tenancy {
    /** Provider URN (the grouping key), or `(no provider)`. */
    key: string;
    /** `EU-FE-01`: the account tag, else the offline account, else the provider name. */
    label: string;
    resources: PolicyResource[];
}

/** Account name of a resource: its `account` tag, else what the offline runner knows. */
export function accountOf(resource: PolicyResource | { props: Record<string, unknown> }): string | undefined {
    const tag = whenKnown(() => freeformTags(resource.props).account, undefined);
    if (tag) return tag;
    return offlineFacts(resource)?.account ?? undefined;
}

/** Groups resources by provider, in first-seen order; resources of other packages are kept too. */
export function groupByTenancy(resources: PolicyResource[]): Tenancy[] {
    const groups = new Map<string, Tenancy>();
    for (const resource of resources) {
        const key = resource.provider?.urn ?? "(no provider)";
        let group = groups.get(key);
        if (!group) {
            group = { key, label: resource.provider?.name ?? key, resources: [] };
            groups.set(key, group);
        }
        group.resources.push(resource);
    }
    for (const group of groups.values()) {
        const account = group.resources.map(accountOf).find((a) => a !== undefined);
        if (account) group.label = account;
    }
    return [...groups.values()];
}

/** Sorts by URN so the resource a message blames is stable from run to run. */
export function byUrn<T extends { urn: string }>(items: T[]): T[] {
    return [...items].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
}
