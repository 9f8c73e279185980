/**
 * The offline engine: runs the real Pulumi program (`stacks/program.ts`) of each region stack
 * under Pulumi's own runtime mocks, with the stack's own `Pulumi.<stack>.yaml` config, and
 * returns every resource the program registered — real URNs, parents, providers, options and
 * inputs (secrets replaced by `"[secret]"`).
 *
 * All stacks run in one process, one after the other: `setMocks` gives each a fresh mock
 * monitor and resets the runtime's per-deployment state. The eu stack runs first; its outputs
 * answer the other stacks' `StackReference`.
 *
 * Its parts: `stackInputs.ts` (config and validation before any stack runs), `sdkAdapter.ts`
 * (the only code touching SDK internals), `serialize.ts` (registered properties → plan values),
 * `guards.ts` (stalls, default providers, stack-trace cost), `mocks.ts` (what the cloud answers).
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlannedStack } from "../stacks/planned";
import { cheapSdkStackTraces, defaultProviderViolation, disabledDefaultProviders, stallWatchdog } from "./guards";
import { OfflineMocks } from "./mocks";
import { observeRegistrations, type Registration, waitForRPCs } from "./sdkAdapter";
import { plainInputs, rawValues, toPlanned } from "./serialize";
import { ORGANIZATION, type PlanStacksOptions, prepareStacks, PROJECT, type ProgramFn, type StackInput } from "./stackInputs";

export type { PlannedResource, PlannedStack } from "../stacks/planned";
export type { PlanProgress, PlanStacksOptions, ProgramFn } from "./stackInputs";

/** What a StackReference to a planned stack reads: outputs (secrets unwrapped) and which were secret. */
interface StackOutputs {
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
}

async function defaultProgram(): Promise<ProgramFn> {
    const mod = await import("../stacks/program");
    return mod.program;
}

/** Runs one stack under fresh mocks; returns what it registered and its raw outputs. */
async function runStack(
    input: StackInput,
    program: ProgramFn,
    stackOutputs: Record<string, StackOutputs>,
    stallSeconds: number,
    onRegistered: (count: number) => void = () => {},
): Promise<{ stack: PlannedStack; rawOutputs: StackOutputs }> {
    let fail: (error: Error) => void = () => {};
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {});
    const onFailure = (message: string) => {
        process.stderr.write(`${message}\n`);
        fail(new Error(message));
    };
    const homeRegion = input.topology.regions[input.stack]?.homeRegion ?? "eu-frankfurt-1";
    const mocks = new OfflineMocks({ defaultRegion: homeRegion, stackOutputs, onFailure });
    await pulumi.runtime.setMocks(mocks, PROJECT, input.stack, false, ORGANIZATION);
    pulumi.runtime.setAllConfig(input.config, input.secretKeys);

    const registrations: Registration[] = [];
    const componentOutputs = new Map<string, unknown>();
    const disabledDefaults = disabledDefaultProviders(input.config["pulumi:disable-default-providers"]);
    observeRegistrations(PROJECT, input.stack, {
        registered(reg) {
            const violation = defaultProviderViolation(reg, disabledDefaults);
            if (violation) onFailure(violation);
            registrations.push(reg);
            onRegistered(registrations.length);
        },
        componentOutputs(urn, outputs) {
            componentOutputs.set(urn, outputs);
        },
    });

    // A mock or apply that throws surfaces as an unhandled rejection: fail the stack with it.
    const onRejection = (reason: unknown) => {
        fail(reason instanceof Error ? reason : new Error(String(reason)));
    };
    process.on("unhandledRejection", onRejection);
    // Every resource the program constructs passes the stack transformation; the ones that never
    // reach the monitor are what a stalled stack is waiting for.
    const constructed: { type: string; name: string }[] = [];
    const pending = () => {
        const done = new Set(registrations.map((r) => `${r.type} ${r.name}`));
        return constructed.map((c) => `${c.type} ${c.name}`).filter((key) => !done.has(key));
    };
    const watchdog = stallWatchdog(input.stack, stallSeconds, () => registrations.length, pending, onFailure);
    try {
        const run = async () => {
            pulumi.runtime.registerStackTransformation((args) => {
                constructed.push({ type: args.type, name: args.name });
                return undefined;
            });
            return (await program()) ?? {};
        };
        await Promise.race([pulumi.runtime.runInPulumiStack(run), failed]);
        await Promise.race([waitForRPCs(), failed]);
    } finally {
        clearInterval(watchdog);
        process.off("unhandledRejection", onRejection);
    }

    const stackUrn = registrations.find((r) => r.type === "pulumi:pulumi:Stack")?.urn;
    const serializedOutputs = (stackUrn ? componentOutputs.get(stackUrn) : undefined) ?? {};
    const rawOutputs = (rawValues(serializedOutputs) ?? {}) as Record<string, unknown>;
    const secretOutputNames = Object.entries(serializedOutputs as Record<string, unknown>)
        .filter(([, value]) => {
            const paths: string[] = [];
            plainInputs(value, "", paths);
            return paths.length > 0;
        })
        .map(([key]) => key);
    const outputs = plainInputs(stackUrn ? (componentOutputs.get(stackUrn) ?? {}) : {}, "", []) as Record<string, unknown>;
    return {
        stack: { stack: input.stack, region: input.stack, resources: toPlanned(registrations), outputs, plan: input.plan },
        rawOutputs: { outputs: rawOutputs, secretOutputNames },
    };
}

/**
 * Plans the given stacks by running the real program of each under mocks, in one process.
 * eu runs first when any stack is asked for (the others read its outputs); it is returned only
 * when asked for. Throws `UserInputError` before registering anything when input is bad.
 */
export async function planStacks(options: PlanStacksOptions): Promise<PlannedStack[]> {
    const inputs = prepareStacks(options);
    const program = options.program ?? (await defaultProgram());
    const stackOutputs: Record<string, StackOutputs> = {};
    const results: PlannedStack[] = [];
    const stallSeconds = options.stallSeconds ?? Number(process.env.BLITZHUB_OFFLINE_STALL_SECONDS ?? 120);
    const restoreTraces = cheapSdkStackTraces();
    try {
        let registeredBefore = 0;
        for (const [i, input] of inputs.entries()) {
            const report = (count: number) => options.onProgress?.({ stack: input.stack, index: i + 1, total: inputs.length, resources: registeredBefore + count });
            report(0);
            const { stack, rawOutputs } = await runStack(input, program, stackOutputs, stallSeconds, report);
            registeredBefore += stack.resources.length;
            stackOutputs[`${ORGANIZATION}/${PROJECT}/${input.stack}`] = rawOutputs;
            // A stack names the eu stack by its own `blitzhub:euStack`, or by default as `${ORGANIZATION}/${PROJECT}/eu`.
            if (input.stack === "eu") for (const other of inputs) if (other.parsed.euStack) stackOutputs[other.parsed.euStack] = rawOutputs;
            if (options.stacks.includes(input.stack)) results.push(stack);
        }
    } finally {
        restoreTraces();
    }
    const order = new Map(options.stacks.map((s, i) => [s, i]));
    return results.sort((a, b) => (order.get(a.stack) ?? 0) - (order.get(b.stack) ?? 0));
}
