/**
 * Test harness for the components: the offline engine's mocks (`offline/mocks.ts`, one mock set
 * for the engine and the tests) answer every registration and invoke, and a stack transformation
 * records each resource's options (parent, provider, protect, ignoreChanges, dependsOn), which
 * the mock monitor never sees.
 */
import * as pulumi from "@pulumi/pulumi";
import { OfflineMocks } from "../../offline/mocks";

export interface Recorded {
    type: string;
    name: string;
    /** Inputs as the mock monitor received them (secrets unwrapped). */
    inputs: Record<string, any>;
    /** Input paths that arrived as secrets (`secretContent.content`). */
    secretPaths: string[];
    /** Provider reference (`urn::id`) the resource was registered with. */
    provider?: string;
    /** The id and state the mocks answered (custom resources). */
    id?: string;
    state: Record<string, any>;
    custom: boolean;
    opts: pulumi.CustomResourceOptions;
    parent?: pulumi.Resource;
    resource: pulumi.Resource;
}

/** An invoke the program made and what the mocks answered. */
export interface RecordedCall {
    token: string;
    inputs: Record<string, any>;
    result: Record<string, any>;
}

/** The SDK's own secret sentinel (`pulumi.runtime`), as the offline engine reads it. */
const { specialSigKey, specialSecretSig } = pulumi.runtime;

/** Secret sentinels → values; `secrets` collects the paths that were secret. */
function unwrap(value: any, path = "", secrets: string[] = []): any {
    if (Array.isArray(value)) return value.map((v, i) => unwrap(v, `${path}[${i}]`, secrets));
    if (value && typeof value === "object") {
        if (value[specialSigKey] === specialSecretSig) {
            secrets.push(path);
            return unwrap(value.value, path, secrets);
        }
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrap(v, path ? `${path}.${k}` : k, secrets)]));
    }
    return value;
}

export interface MockRun<T> {
    resources: Recorded[];
    calls: RecordedCall[];
    result: T;
}

/**
 * Runs `init` as a stack under mocks and resolves once every registration is done.
 * Each call installs fresh mocks (`setMocks` resets the monitor and the stack): run one at a time,
 * never two concurrently. Test files share workers; `test/sdkState.ts` cleans up after each file.
 */
export async function runWithMocks<T>(init: () => Promise<T> | T, opts: { stack?: string; region?: string } = {}): Promise<MockRun<T>> {
    const byName = new Map<string, { inputs: Record<string, any>; provider?: string; type: string; secretPaths: string[]; id?: string; state: Record<string, any> }>();
    const calls: RecordedCall[] = [];
    const mocks = new OfflineMocks({
        defaultRegion: opts.region ?? "eu-frankfurt-1",
        stackOutputs: {},
        onFailure: (message) => console.error(message),
    });
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const secretPaths: string[] = [];
                const inputs = unwrap(args.inputs, "", secretPaths);
                const answer = mocks.newResource(args);
                byName.set(`${args.type}::${args.name}`, { inputs, provider: args.provider, type: args.type, secretPaths, id: answer.id, state: answer.state });
                return answer;
            },
            call(args) {
                const inputs = unwrap(args.inputs);
                const result = mocks.call(args);
                calls.push({ token: args.token, inputs, result });
                return result;
            },
        },
        "blitzhub",
        opts.stack ?? "eu",
        false,
        "organization",
    );
    const recorded: Omit<Recorded, "inputs" | "provider" | "secretPaths" | "id" | "state">[] = [];
    let result!: T;
    await pulumi.runtime.runInPulumiStack(async () => {
        pulumi.runtime.registerStackTransformation((args) => {
            recorded.push({
                type: args.type,
                name: args.name,
                custom: args.resource instanceof pulumi.CustomResource,
                opts: args.opts as pulumi.CustomResourceOptions,
                parent: args.opts.parent,
                resource: args.resource,
            });
            return undefined;
        });
        result = await init();
        return {};
    });
    // Registrations finish asynchronously: wait for every URN (and for resources created
    // meanwhile, e.g. inside an apply) until nothing new appears.
    let settled = 0;
    while (settled < recorded.length) {
        const batch = recorded.slice(settled);
        settled = recorded.length;
        await Promise.all(batch.map((r) => valueOf(r.resource.urn)));
        await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const resources = recorded.map((r) => {
        const seen = byName.get(`${r.type}::${r.name}`);
        return { ...r, inputs: seen?.inputs ?? {}, provider: seen?.provider, secretPaths: seen?.secretPaths ?? [], id: seen?.id, state: seen?.state ?? {} };
    });
    return { resources, calls, result };
}

/** Resolves an output (so an assertion on it can fail). */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(output).apply((v) => { resolve(v as T); return v; }));
}

/** Provider name (`eu-fe-01`) from a provider reference `urn:pulumi:...::pulumi:providers:oci::eu-fe-01::id`. */
export function providerName(ref: string | undefined): string | undefined {
    if (!ref) return undefined;
    const urn = ref.slice(0, ref.lastIndexOf("::"));
    return urn.slice(urn.lastIndexOf("::") + 2);
}

export function ofType(resources: Recorded[], type: string): Recorded[] {
    return resources.filter((r) => r.type === type);
}

/** The one custom resource named `name` (of `type` when given); fails on none or several. */
export function named(resources: Recorded[], name: string, type?: string): Recorded {
    const found = resources.filter((r) => r.name === name && r.custom && (type === undefined || r.type === type));
    if (found.length !== 1) throw new Error(`${found.length} custom resources named ${name}${type ? ` of type ${type}` : ""}`);
    return found[0];
}

/** The id the mocks gave the one custom resource named `name`. */
export function idOf(resources: Recorded[], name: string, type?: string): string {
    const id = named(resources, name, type).id;
    if (!id) throw new Error(`${name} has no id`);
    return id;
}

/** Provider inputs arrive JSON-encoded (non-string values); decode one. */
export function providerInput(r: Recorded, key: string): unknown {
    const value = r.inputs[key];
    if (typeof value !== "string") return value;
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}
