/**
 * `--account` and `--type` of `npm run plan`: the planned stacks narrowed to the resources the
 * filters select (both must match when both are given). Names and types that select nothing in
 * the planned stacks are bad input, so a typo never prints an empty plan.
 */
import { UserInputError, type Problem } from "../model/errors";
import type { PlannedResource, PlannedStack } from "./engine";

export interface PlanFilter {
    /** Account names, case ignored. */
    accounts?: string[];
    /** Type tokens, their short form or their last part (see `typeMatches`). */
    types?: string[];
}

/** Whether a filter selects anything less than the whole plan. */
export function isFiltered(filter: PlanFilter): boolean {
    return (filter.accounts?.length ?? 0) > 0 || (filter.types?.length ?? 0) > 0;
}

/**
 * The short form the tree prints: `oci:Core/vcn:Vcn` → `oci:Core/Vcn`, `random:index/randomPassword:RandomPassword`
 * → `random:index/RandomPassword`; other tokens (components, providers, the stack) stay whole.
 */
export function shortType(type: string): string {
    if (type.startsWith("oci:") || type.startsWith("random:") || type.startsWith("command:")) {
        const [pkg, module] = type.split(":");
        return `${pkg}:${module.split("/")[0]}/${type.split(":").pop()}`;
    }
    return type;
}

/**
 * `token` names `type` when it is the type token itself, its short form (`shortType`), or its
 * last `:` part with case ignored (`instance` for `oci:Core/instance:Instance`,
 * `FrontendAccount`, `oci` for the `pulumi:providers:oci` provider).
 */
export function typeMatches(token: string, type: string): boolean {
    if (token === type || token === shortType(type)) return true;
    return token.toLowerCase() === (type.split(":").pop() ?? "").toLowerCase();
}

/** The stacks with only the resources `filter` selects; outputs and plan unchanged. */
export function filterPlan(stacks: PlannedStack[], filter: PlanFilter): PlannedStack[] {
    if (!isFiltered(filter)) return stacks;
    const all = stacks.flatMap((s) => s.resources);
    const problems: Problem[] = [];
    const planned = [...new Set(all.map((r) => r.account).filter((a): a is string => a !== null))];
    const accounts = new Set<string>();
    for (const name of filter.accounts ?? []) {
        const found = planned.find((a) => a.toLowerCase() === name.toLowerCase());
        if (found) {
            accounts.add(found);
            continue;
        }
        const elsewhere = stacks[0]?.plan.accounts.find((a) => a.name.toLowerCase() === name.toLowerCase());
        problems.push({
            path: "--account",
            message: elsewhere
                ? `${elsewhere.name} is an account of stack ${elsewhere.region}, which was not planned (-s ${elsewhere.region} or -s all)`
                : `unknown account "${name}" (accounts of stacks ${stacks.map((s) => s.stack).join(", ")}: ${planned.join(", ")})`,
        });
    }
    const types = filter.types ?? [];
    for (const token of types) {
        if (!all.some((r) => typeMatches(token, r.type))) {
            problems.push({
                path: "--type",
                message: `no resource of type "${token}" in the plan (a type token such as oci:Core/instance:Instance, its short form oci:Core/Instance, or Instance)`,
            });
        }
    }
    if (problems.length > 0) throw new UserInputError(problems);
    const selected = (r: PlannedResource) =>
        (accounts.size === 0 || (r.account !== null && accounts.has(r.account))) && (types.length === 0 || types.some((t) => typeMatches(t, r.type)));
    return stacks.map((s) => ({ ...s, resources: s.resources.filter(selected) }));
}
