/**
 * Runs the pack's policies in-process over the offline engine's planned stacks, building the
 * same argument objects the `@pulumi/policy` analyzer builds under the Pulumi CLI (`props`,
 * `urn`, `name`, `type`, `opts`, `provider`, `isType`, `asType`, `getConfig`, `notApplicable`;
 * for stack policies `parent`, `dependencies`, `propertyDependencies`), plus the offline facts
 * the CLI does not pass (account, secret input paths, retainOnDelete).
 */
import type {
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    StackValidationArgs,
} from "@pulumi/policy";
import { isUserInputError } from "../model/errors";
import type { PlannedResource, PlannedStack } from "../stacks/planned";
import { loadAllowances } from "../model/allowances";
import { policies as packPolicies, topologyPolicies as packTopologyPolicies } from "./all";
import { contextFromPlan, policyContext, setPolicyContext, type PolicyContext } from "./lib/context";
import { attachOfflineFacts } from "./lib/offline";
import { isStackPolicy, type BlitzPolicy, type Enforcement, type ResourceClass } from "./lib/policy";

/** One policy violation, as `npm run check` prints it. */
export interface Violation {
    policy: string;
    enforcement: Enforcement;
    /** Stack the resource belongs to (`eu`); null for a topology-wide finding with no resource. */
    stack: string | null;
    /** Account name (`EU-FE-01`); null for resources outside any account. */
    account: string | null;
    urn: string | null;
    resourceName: string | null;
    message: string;
}

export interface PolicyReport {
    violations: Violation[];
    /** Resources the policies saw, over all stacks. */
    resources: number;
    policies: number;
    stacks: string[];
    /**
     * Per policy, how many resources it validated (resource policies: those it did not find
     * "not applicable"; stack policies: the stacks it ran on). A policy at 0 checked nothing.
     */
    applied: Record<string, number>;
}

export interface RunOptions {
    /** Per-stack policies; the whole pack by default. */
    policies?: BlitzPolicy[];
    /** Stack policies run once over every stack's resources together; the pack's by default. */
    topologyPolicies?: BlitzPolicy[];
    /** Context (allowances, exposure); derived from the first stack's plan by default. */
    context?: PolicyContext;
    /** Policy config as `getConfig()` returns it, by policy name. */
    config?: Record<string, Record<string, unknown>>;
    /** The day the derived context judges date-bound controls on (`2026-11-30`); today (UTC) by default. */
    today?: string;
}

class NotApplicableError extends Error {
    constructor(readonly reason?: string) {
        super(reason ?? "not applicable");
    }
}

function notApplicable(reason?: string): never {
    // Thrown for most (policy, resource) pairs: 150,000 per run over the default plan. Without
    // a captured stack trace, which nobody reads, the pack runs about a fifth faster.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    const error = new NotApplicableError(reason);
    Error.stackTraceLimit = limit;
    throw error;
}

/** The `__pulumiType` check the analyzer uses for `isType`/`asType`. */
function isTypeOf(type: string, resourceClass: ResourceClass): boolean {
    const token = (resourceClass as unknown as { __pulumiType?: unknown }).__pulumiType;
    return typeof token === "string" && token === type;
}

/** Provider references may carry `::<id>` after the URN. */
function findProvider(ref: string | null, byUrn: Map<string, PlannedResource>): PolicyProviderResource | undefined {
    if (!ref) return undefined;
    const provider = byUrn.get(ref) ?? byUrn.get(ref.replace(/::[^:]*$/, ""));
    if (!provider) {
        const name = ref.replace(/::[^:]*$/, "").split("::").pop() ?? ref;
        return { type: "pulumi:providers:unknown", props: {}, urn: ref, name };
    }
    return { type: provider.type, props: provider.inputs, urn: provider.urn, name: provider.name };
}

function optionsOf(r: PlannedResource): PolicyResourceOptions {
    const opts: PolicyResourceOptions = {
        protect: r.protect,
        ignoreChanges: r.ignoreChanges,
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
    };
    if (r.parent) opts.parent = r.parent;
    return opts;
}

interface Built {
    planned: PlannedResource;
    stack: string;
    resourceArgs: (policy: BlitzPolicy) => ResourceValidationArgs;
    policyResource: PolicyResource;
}

/** Builds the analyzer-shaped objects of one stack's resources, parents and dependencies linked. */
function buildStack(stack: PlannedStack, getConfig: (policy: string) => Record<string, unknown>): Built[] {
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    const built: Built[] = stack.resources.map((planned) => {
        const facts = {
            account: planned.account,
            secretInputPaths: planned.secretInputPaths,
            retainOnDelete: planned.retainOnDelete,
            stack: stack.stack,
        };
        const provider = findProvider(planned.provider, byUrn);
        const props = planned.inputs;
        // What the analyzer gives both a resource policy and a stack policy's resource list.
        const common = {
            type: planned.type,
            props,
            urn: planned.urn,
            name: planned.name,
            opts: optionsOf(planned),
            ...(provider ? { provider } : {}),
            isType: (c: ResourceClass) => isTypeOf(planned.type, c),
            asType: (c: ResourceClass) => (isTypeOf(planned.type, c) ? props : undefined),
        };
        const policyResource = { ...common, dependencies: [], propertyDependencies: {} } as unknown as PolicyResource;
        attachOfflineFacts(policyResource, facts);
        const resourceArgs = (policy: BlitzPolicy): ResourceValidationArgs => {
            const args = {
                ...common,
                stackTags: new Map<string, string>(),
                getConfig: () => getConfig(policy.name),
                notApplicable,
            } as unknown as ResourceValidationArgs;
            attachOfflineFacts(args, facts);
            return args;
        };
        return { planned, stack: stack.stack, resourceArgs, policyResource };
    });
    const resourceOf = new Map(built.map((b) => [b.planned.urn, b.policyResource]));
    const resolve = (urns: string[]) => urns.map((u) => resourceOf.get(u)).filter((r): r is PolicyResource => r !== undefined);
    for (const b of built) {
        const parent = b.planned.parent ? resourceOf.get(b.planned.parent) : undefined;
        if (parent) b.policyResource.parent = parent;
        b.policyResource.dependencies = resolve(b.planned.dependsOn ?? []);
        b.policyResource.propertyDependencies = Object.fromEntries(
            Object.entries(b.planned.propertyDependencies ?? {}).map(([key, urns]) => [key, resolve(urns)]),
        );
    }
    return built;
}

async function runStackPolicy(
    policy: BlitzPolicy,
    built: Built[],
    getConfig: (policy: string) => Record<string, unknown>,
    report: (policy: BlitzPolicy, message: string, urn?: string, fallbackStack?: string | null) => void,
    stack: string | null,
): Promise<boolean> {
    if (!isStackPolicy(policy)) return false;
    const args: StackValidationArgs = {
        resources: built.map((b) => b.policyResource),
        stackTags: new Map(),
        getConfig: (() => getConfig(policy.name)) as StackValidationArgs["getConfig"],
        notApplicable,
    };
    try {
        await policy.validateStack(args, (message, urn) => report(policy, message, urn, stack));
        return true;
    } catch (error) {
        if (!(error instanceof NotApplicableError)) throw failure(policy, stack ?? "topology", error);
        return false;
    }
}

function failure(policy: BlitzPolicy, where: string, error: unknown): Error {
    if (isUserInputError(error)) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new Error(`policy ${policy.name} failed on ${where}: ${message}`, { cause: error });
}

/**
 * Runs every policy over every planned stack (resource policies per resource, stack policies
 * per stack), then the topology policies over all stacks together. Violations come back in
 * stack order, then policy order.
 */
export async function runPolicies(stacks: PlannedStack[], options: RunOptions = {}): Promise<PolicyReport> {
    const policies = options.policies ?? packPolicies;
    const topologyPolicies = options.topologyPolicies ?? packTopologyPolicies;
    const context = options.context ?? (stacks[0]?.plan ? contextFromPlan(stacks[0].plan, loadAllowances(), options.today) : policyContext());
    const getConfig = (name: string) => ({ ...(options.config?.[name] ?? {}) });
    const previous = setPolicyContext(context);
    try {
        return await runWithContext(stacks, policies, topologyPolicies, getConfig);
    } finally {
        setPolicyContext(previous);
    }
}

async function runWithContext(
    stacks: PlannedStack[],
    policies: BlitzPolicy[],
    topologyPolicies: BlitzPolicy[],
    getConfig: (policy: string) => Record<string, unknown>,
): Promise<PolicyReport> {

    const builtStacks = stacks.map((stack) => buildStack(stack, getConfig));
    const all = builtStacks.flat();
    const byUrn = new Map(all.map((b) => [b.planned.urn, b]));
    const locate = (urn: string | undefined) => (urn === undefined ? undefined : byUrn.get(urn));
    const violations: Violation[] = [];
    const applied: Record<string, number> = Object.fromEntries([...policies, ...topologyPolicies].map((p) => [p.name, 0]));
    const report = (policy: BlitzPolicy, message: string, urn?: string, fallbackStack: string | null = null) => {
        const at = locate(urn);
        violations.push({
            policy: policy.name,
            enforcement: policy.enforcementLevel,
            stack: at?.stack ?? fallbackStack,
            account: at?.planned.account ?? null,
            urn: urn ?? null,
            resourceName: at?.planned.name ?? null,
            message,
        });
    };

    for (const [index, built] of builtStacks.entries()) {
        const stackName = stacks[index].stack;
        for (const policy of policies) {
            if (isStackPolicy(policy)) {
                if (await runStackPolicy(policy, built, getConfig, report, stackName)) applied[policy.name]++;
                continue;
            }
            const validations = policy.validateResource === undefined ? [] : [policy.validateResource].flat();
            for (const resource of built) {
                let validated = false;
                for (const validate of validations) {
                    try {
                        await validate(resource.resourceArgs(policy), (message) => report(policy, message, resource.planned.urn));
                        validated = true;
                    } catch (error) {
                        if (!(error instanceof NotApplicableError)) throw failure(policy, resource.planned.urn, error);
                    }
                }
                if (validated) applied[policy.name]++;
            }
        }
    }
    for (const policy of topologyPolicies) {
        if (await runStackPolicy(policy, all, getConfig, report, null)) applied[policy.name]++;
    }
    return {
        violations,
        resources: all.length,
        policies: policies.length + topologyPolicies.length,
        stacks: stacks.map((s) => s.stack),
        applied,
    };
}
