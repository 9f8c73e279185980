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
 * Bad input (topology, stack config, OCI profiles, a plan that cannot be built) is found before
 * any stack runs and thrown as one `UserInputError` listing every problem, so nothing is
 * registered at all.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Document, LineCounter } from "yaml";
import { isUserInputError, UserInputError, type Problem } from "../model/errors";
import { loadTopology, withTopologyLines } from "../model/load";
import { REGION_KEYS, type RegionKey, type Topology } from "../model/schema";
import { lineOfPath } from "../model/yamlPath";
import { parseYamlInput, readInputFile } from "../model/yamlInput";
import { loadAllowances } from "../plan/allowances";
import { buildPlan } from "../plan/index";
import type { TopologyPlan } from "../plan/types";
import {
    checkStackAgainstTopology,
    CONFIG_NAMESPACE,
    parseStackConfig,
    PROJECT_DIR,
    readAccountProfiles,
    resolveConfigPath,
} from "../stacks/config";
import type { StackConfig } from "../stacks/configSchema";
import { plaintextSecretProblems } from "../stacks/plaintextSecrets";
import { OfflineMocks, SECRET_SIG, SIG_KEY } from "./mocks";

/** One resource as the offline engine saw it registered. */
export interface PlannedResource {
    urn: string;
    /** Pulumi type token (`oci:Core/vcn:Vcn`, `blitzhub:frontend:FrontendAccount`). */
    type: string;
    name: string;
    /** Name of the nearest account component (type ending in `Account`), itself included; null outside. */
    account: string | null;
    parent: string | null;
    /** Inputs as sent to the engine; secrets are `"[secret]"`, resource references their URN. */
    inputs: Record<string, unknown>;
    /** URN of the provider the resource uses explicitly; null for components and default providers. */
    provider: string | null;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /**
     * Every direct dependency URN, as Pulumi records it in state: explicit `dependsOn` and the
     * resources whose outputs feed an input (a component expands to its children).
     */
    dependsOn: string[];
    /** Dependencies per input property (the implicit part of `dependsOn`). */
    propertyDependencies: Record<string, string[]>;
    /** Custom resource (a cloud object) rather than a component. */
    custom: boolean;
    /** Input paths holding secrets (`privateKeyPassword`, `metadata.user_data`). */
    secretInputPaths: string[];
}

export interface PlannedStack {
    stack: RegionKey;
    /** Region key of the stack (same as `stack`). */
    region: RegionKey;
    resources: PlannedResource[];
    /** Stack outputs, secrets replaced by `"[secret]"`. */
    outputs: Record<string, unknown>;
    /** The plan the program's topology produced (same topology, allowances and config). */
    plan: TopologyPlan;
}

/** The program body run inside the stack: `program()` of `stacks/program.ts`. */
export type ProgramFn = () => Promise<Record<string, unknown> | void>;

export interface PlanStacksOptions {
    /** Stacks to plan, run in this order except that eu always runs first. */
    stacks: RegionKey[];
    /** Topology file overriding `blitzhub:topology` of every stack (`--topology`). */
    topologyFile?: string;
    /** Project root (holding `Pulumi.yaml` and the stack files); the repository by default. */
    projectDir?: string;
    /**
     * Benchmarks and tests only (`bench/`, synthetic topologies): give every topology account
     * that the stack file does not list an example account config and an example OCI profile
     * (written to a temporary OCI config file), instead of failing. Never used by the CLI's
     * normal path: a real stack must list its accounts.
     */
    synthesizeMissingAccounts?: boolean;
    /** Tests only: another program body. Default: `program` of `stacks/program.ts`. */
    program?: ProgramFn;
    /**
     * A stack fails when no resource registers for this long (an output that never settles);
     * default `BLITZHUB_OFFLINE_STALL_SECONDS` or 120.
     */
    stallSeconds?: number;
}

/** The OCI config the offline engine uses instead of `~/.oci/config` (example OCIDs only). */
export const OFFLINE_OCI_CONFIG = "config/oci-config.example";

/**
 * Secret config the offline engine supplies when a stack file has none, so the plan shows what
 * a real run with credentials would create (config delivery over SSH). A placeholder, not a
 * key: it only ever reaches mocks, and prints as `[secret]`.
 */
export const OFFLINE_SECRET_DEFAULTS: Record<string, string> = {
    "blitzhub-delivery:sshPrivateKey": "offline-placeholder-not-a-private-key",
};

const PROJECT = "blitzhub";
const ORGANIZATION = "organization";

/** What a StackReference to a planned stack reads: outputs (secrets unwrapped) and which were secret. */
export interface StackOutputs {
    outputs: Record<string, unknown>;
    secretOutputNames: string[];
}

/** One stack's config as the engine hands it to the runtime. */
interface StackInput {
    stack: RegionKey;
    stackFile: string;
    /** `blitzhub:key` → string value (objects as JSON), plus the project-level keys. */
    config: Record<string, string>;
    secretKeys: string[];
    parsed: StackConfig;
    topology: Topology;
    plan: TopologyPlan;
}

/** A YAML file with positions, for problems that name a line. */
interface PositionedYaml {
    doc: Document;
    lines: LineCounter;
}

function readYaml(file: string, shownAs: string): PositionedYaml & { data: unknown } {
    return parseYamlInput(readInputFile(file, shownAs, shownAs), shownAs);
}

/** A config value as the CLI hands it to the program: strings as is, the rest as JSON. */
function configString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

/** `config:` of `Pulumi.yaml` (project keys, e.g. `pulumi:disable-default-providers`), as values. */
function projectConfig(projectDir: string): Record<string, string> {
    const project = (readYaml(path.join(projectDir, "Pulumi.yaml"), "Pulumi.yaml").data ?? {}) as { config?: Record<string, unknown> };
    const out: Record<string, string> = {};
    for (const [key, spec] of Object.entries(project.config ?? {})) {
        const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
        const value = spec !== null && typeof spec === "object" && !Array.isArray(spec) ? ((spec as Record<string, unknown>).value ?? (spec as Record<string, unknown>).default) : spec;
        if (value !== undefined) out[fullKey] = configString(value);
    }
    return out;
}

/** Reads `Pulumi.<stack>.yaml`: config values, secret keys and the raw `blitzhub:*` object. */
function readStackFile(projectDir: string, stack: RegionKey) {
    const stackFile = `Pulumi.${stack}.yaml`;
    const yaml = readYaml(path.join(projectDir, stackFile), stackFile);
    const root = yaml.data as { config?: Record<string, unknown> } | null;
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    const raw: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(root?.config ?? {})) {
        if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
            // Encrypted values need the stack's secrets provider (the CLI); offline they stay hidden.
            config[key] = "[secret]";
            secretKeys.push(key);
        } else {
            config[key] = configString(value);
        }
        if (key.startsWith(`${CONFIG_NAMESPACE}:`)) raw[key.slice(CONFIG_NAMESPACE.length + 1)] = value;
    }
    const lineOf = (segments: readonly (string | number)[], key: boolean) => {
        const [first, ...rest] = segments;
        return lineOfPath(yaml.doc, yaml.lines, ["config", `${CONFIG_NAMESPACE}:${String(first)}`, ...rest], { key });
    };
    const plaintext = plaintextSecretProblems(root?.config ?? {}, stackFile, (key) => lineOfPath(yaml.doc, yaml.lines, ["config", key], { key: true }));
    if (plaintext.length > 0) throw new UserInputError(plaintext);
    return { stackFile, config, secretKeys, raw, lineOf };
}

/** Example account config and OCI profiles for topology accounts a stack file does not list. */
function synthesizeAccounts(
    raw: Record<string, unknown>,
    topology: Topology,
    stack: RegionKey,
    profiles: string[],
): void {
    const accounts = { ...((raw.accounts as Record<string, unknown>) ?? {}) };
    for (const account of topology.accounts) {
        if (account.region !== stack || account.name in accounts) continue;
        accounts[account.name] = {
            profile: account.name,
            networkAdminGroupOcid: `ocid1.group.oc1..example${account.name.toLowerCase().replace(/[^a-z0-9]/g, "")}networkadmins`,
        };
        const slug = account.name.toLowerCase().replace(/[^a-z0-9]/g, "");
        const region = account.homeRegion ?? topology.regions[stack]?.homeRegion ?? "eu-frankfurt-1";
        profiles.push(
            [
                `[${account.name}]`,
                `user=ocid1.user.oc1..example${slug}user`,
                "fingerprint=00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00",
                `key_file=~/.oci/blitzhub-${account.name.toLowerCase()}.pem`,
                `tenancy=ocid1.tenancy.oc1..example${slug}tenancy`,
                `region=${region}`,
                "",
            ].join("\n"),
        );
    }
    raw.accounts = accounts;
}

/**
 * Reads and validates everything the stacks need — stack files, topology, OCI profiles, the
 * plan — before any resource exists. Throws one `UserInputError` with every problem found.
 */
export function prepareStacks(options: PlanStacksOptions): StackInput[] {
    const projectDir = path.resolve(options.projectDir ?? PROJECT_DIR);
    const problems: Problem[] = [];
    const collect = (fn: () => void) => {
        try {
            fn();
        } catch (error) {
            if (!isUserInputError(error)) throw error;
            problems.push(...error.problems);
        }
    };
    const unknown = options.stacks.filter((s) => !(REGION_KEYS as readonly string[]).includes(s));
    if (unknown.length > 0) {
        throw new UserInputError(unknown.map((s) => ({ path: "--stack", message: `unknown stack "${s}" (stacks: ${REGION_KEYS.join(", ")}, all)` })));
    }
    let project: Record<string, string> = {};
    collect(() => (project = projectConfig(projectDir)));
    const topologyOverride = options.topologyFile ? path.resolve(options.topologyFile) : undefined;
    const topologies = new Map<string, Topology>();
    const plans = new Map<string, TopologyPlan>();
    let allowances: ReturnType<typeof loadAllowances> | undefined;
    const ociOverride = path.join(projectDir, OFFLINE_OCI_CONFIG);
    const syntheticProfiles: string[] = [];
    const pending: { stack: RegionKey; file: ReturnType<typeof readStackFile> }[] = [];

    for (const stack of orderStacks(options.stacks)) {
        collect(() => pending.push({ stack, file: readStackFile(projectDir, stack) }));
    }
    const prepared: StackInput[] = [];
    for (const { stack, file } of pending) {
        const topologyFile = topologyOverride ?? resolveConfigPath(String(file.raw.topology ?? "topology/blitzhub.yaml"), projectDir);
        let topology = topologies.get(topologyFile);
        if (topology === undefined) {
            collect(() => {
                topology = loadTopology(topologyFile);
                topologies.set(topologyFile, topology);
            });
        }
        if (topology === undefined) continue;
        if (options.synthesizeMissingAccounts) synthesizeAccounts(file.raw, topology, stack, syntheticProfiles);
        file.raw.ociConfigFile = ociOverride;
        file.raw.topology = topologyFile;
        let parsed: StackConfig | undefined;
        collect(() => {
            parsed = parseStackConfig(file.raw, file.stackFile, file.lineOf);
        });
        if (parsed === undefined) continue;
        const config = parsed;
        collect(() => checkStackAgainstTopology(config, topology!, stack, file.stackFile));
        if (!plans.has(topologyFile)) {
            collect(() => {
                allowances ??= loadAllowances();
                try {
                    plans.set(topologyFile, buildPlan(topology!, allowances));
                } catch (error) {
                    throw isUserInputError(error) ? withTopologyLines(error, topologyFile) : error;
                }
            });
        }
        const plan = plans.get(topologyFile);
        if (plan === undefined) continue;
        const values: Record<string, string> = { ...project, ...file.config };
        for (const [key, value] of Object.entries(file.raw)) values[`${CONFIG_NAMESPACE}:${key}`] = configString(value);
        const secretKeys = [...file.secretKeys];
        for (const [key, value] of Object.entries(OFFLINE_SECRET_DEFAULTS)) {
            if (key in values) continue;
            values[key] = value;
            secretKeys.push(key);
        }
        prepared.push({ stack, stackFile: file.stackFile, config: values, secretKeys, parsed: config, topology, plan });
    }

    if (syntheticProfiles.length > 0 && problems.length === 0) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-offline-"));
        process.once("exit", () => fs.rmSync(dir, { recursive: true, force: true }));
        const file = path.join(dir, "oci-config");
        fs.writeFileSync(file, `${fs.readFileSync(ociOverride, "utf8")}\n${syntheticProfiles.join("\n")}`);
        for (const input of prepared) {
            input.parsed = { ...input.parsed, ociConfigFile: file };
            input.config[`${CONFIG_NAMESPACE}:ociConfigFile`] = file;
        }
    }
    for (const input of prepared) {
        collect(() => readAccountProfiles({ ...input.parsed, ociConfigFile: resolveConfigPath(input.parsed.ociConfigFile, projectDir) }, input.stackFile));
    }
    if (problems.length > 0) throw new UserInputError(problems);
    return prepared;
}

/**
 * eu first, even when not asked for: the other stacks read its outputs through StackReference.
 * Then the rest in the given order.
 */
function orderStacks(stacks: RegionKey[]): RegionKey[] {
    const others = [...new Set(stacks)].filter((s) => s !== "eu");
    return stacks.length === 0 ? [] : ["eu", ...others];
}

/** What the register request of one resource said. */
interface Registration {
    urn: string;
    type: string;
    name: string;
    parent: string;
    custom: boolean;
    providerRef: string;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    object: unknown;
}

const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * Serialized properties → plain values: secrets become `"[secret]"` (their paths recorded),
 * resource references their URN, assets/archives a short marker.
 */
function plainInputs(value: unknown, at: string, secrets: string[]): unknown {
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map((item, i) => plainInputs(item, `${at}[${i}]`, secrets));
    if (value === null || typeof value !== "object") return value;
    const obj = value as Record<string, unknown>;
    const sig = obj[SIG_KEY];
    if (sig === SECRET_SIG) {
        secrets.push(at);
        return "[secret]";
    }
    if (sig === RESOURCE_SIG) return obj.urn;
    if (sig === ASSET_SIG) return `[asset ${String(obj.path ?? obj.uri ?? "text")}]`;
    if (sig === ARCHIVE_SIG) return `[archive ${String(obj.path ?? obj.uri ?? "assets")}]`;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(obj)) out[key] = plainInputs(item, at ? `${at}.${key}` : key, secrets);
    return out;
}

/** Serialized properties → values for another stack (secrets unwrapped, as a StackReference reads them). */
function rawValues(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(rawValues);
    if (value === null || typeof value !== "object") return value;
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) return rawValues(obj.value);
    if (obj[SIG_KEY] === RESOURCE_SIG) return obj.urn;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, rawValues(v)]));
}

/** Monitor methods the engine wraps to see each request (the mock monitor's own API). */
interface MonitorLike {
    registerResource(req: any, callback: (err: unknown, resp: any) => void): unknown;
    readResource(req: any, callback: (err: unknown, resp: any) => void): unknown;
    registerResourceOutputs(req: any, callback: (err: unknown, resp: any) => void): unknown;
}

/** Internals of `pulumi.runtime` the engine relies on (present in @pulumi/pulumi 3.x). */
const runtimeInternals = pulumi.runtime as unknown as { waitForRPCs(): Promise<void>; getMonitor(): MonitorLike | undefined };

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

    const monitor = runtimeInternals.getMonitor();
    if (monitor === undefined) throw new Error("offline engine: the mock monitor is not installed");
    const registrations: Registration[] = [];
    const componentOutputs = new Map<string, unknown>();
    const disabledDefaults = parseDisabledDefaults(input.config["pulumi:disable-default-providers"]);
    const record = (req: any, urn: string) => {
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap?.().forEach((deps: any, key: string) => (propertyDependencies[key] = deps.getUrnsList()));
        const reg: Registration = {
            urn,
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent(),
            custom: req.getCustom?.() ?? true,
            providerRef: req.getProvider(),
            protect: req.getProtect?.() ?? false,
            retainOnDelete: req.getRetainondelete?.() ?? false,
            ignoreChanges: req.getIgnorechangesList?.() ?? [],
            dependencies: req.getDependenciesList(),
            propertyDependencies,
            object: req.getProperties ? req.getProperties()?.toJavaScript() : req.getObject()?.toJavaScript(),
        };
        const pkg = reg.type.split(":")[0];
        if (reg.custom && reg.providerRef === "" && !reg.type.startsWith("pulumi:") && disabledDefaults.includes(pkg)) {
            onFailure(`offline engine: ${reg.urn} uses the default "${pkg}" provider, but Pulumi.yaml sets pulumi:disable-default-providers: pass its account's provider explicitly`);
        }
        registrations.push(reg);
    };
    const wrap = (method: "registerResource" | "readResource") => {
        const original = monitor[method].bind(monitor);
        monitor[method] = (req: any, callback: (err: unknown, resp: any) => void) =>
            original(req, (err: unknown, resp: any) => {
                if (!err) {
                    const urn = engineUrn(input.stack, req.getType(), req.getName(), req.getParent());
                    adoptUrn(monitor, resp.getUrn(), urn);
                    resp.setUrn(urn);
                    record(req, urn);
                    markSecretOutputs(req, resp);
                }
                callback(err, resp);
            });
    };
    wrap("registerResource");
    wrap("readResource");
    const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: any) => void) => {
        componentOutputs.set(req.getUrn(), req.getOutputs()?.toJavaScript());
        return originalOutputs(req, callback);
    };

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
        await Promise.race([runtimeInternals.waitForRPCs(), failed]);
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
 * Fails the stack when registrations stop coming (an output that never settles hangs a mocked
 * run forever), naming the registrations still waiting and for what.
 */
function stallWatchdog(
    stack: string,
    stallSeconds: number,
    registered: () => number,
    pendingRegistrations: () => string[],
    onFailure: (message: string) => void,
): NodeJS.Timeout {
    let last = registered();
    let since = Date.now();
    const timer = setInterval(() => {
        const now = registered();
        if (now !== last) {
            last = now;
            since = Date.now();
            return;
        }
        if (Date.now() - since < stallSeconds * 1000) return;
        clearInterval(timer);
        const pending = pendingRegistrations().slice(0, 20);
        onFailure(
            `offline engine: stack ${stack} stalled: no resource registered for ${stallSeconds} s after ${now}` +
                (pending.length ? `; pending: ${pending.join(", ")}` : "; an output never settled (a mock answer missing?)"),
        );
    }, 1000);
    timer.unref();
    return timer;
}

/**
 * The URN the Pulumi engine gives a resource: the parent's whole qualified type chain, then the
 * type — except under the root stack, whose type is not part of its children's URNs. (The mock
 * monitor keeps only the nearest parent type and includes the root's.)
 */
export function engineUrn(stack: string, type: string, name: string, parentUrn: string): string {
    const parentType = parentUrn ? parentUrn.split("::")[2] : undefined;
    const chain = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${PROJECT}::${chain}::${name}`;
}

/** Files the resource in the mock monitor under the engine's URN (outputs, getResource). */
function adoptUrn(monitor: MonitorLike, mockUrn: string, urn: string): void {
    const resources = (monitor as unknown as { resources?: Map<string, { urn: string }> }).resources;
    const entry = resources?.get(mockUrn);
    if (!resources || !entry || mockUrn === urn) return;
    resources.delete(mockUrn);
    resources.set(urn, { ...entry, urn });
}

/**
 * Does what the Pulumi engine does and the mock monitor does not: outputs named in
 * `additionalSecretOutputs` (e.g. `random`'s `result`) come back as secrets, so they stay
 * secret in every input they flow into.
 */
function markSecretOutputs(req: any, resp: any): void {
    const names: string[] = req.getAdditionalsecretoutputsList?.() ?? [];
    const object = resp.getObject?.();
    if (names.length === 0 || !object) return;
    const state = object.toJavaScript() as Record<string, unknown>;
    let changed = false;
    for (const name of names) {
        const value = state[name];
        if (value === undefined || (value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG)) continue;
        state[name] = { [SIG_KEY]: SECRET_SIG, value };
        changed = true;
    }
    // The response's own Struct class (google-protobuf, as bundled with @pulumi/pulumi).
    if (changed) resp.setObject(object.constructor.fromJavaScript(state));
}

function parseDisabledDefaults(value: string | undefined): string[] {
    if (!value) return [];
    try {
        const parsed = JSON.parse(value);
        return Array.isArray(parsed) ? parsed.map(String) : [];
    } catch {
        return [];
    }
}

/** Registrations → planned resources with account, parent and provider URNs resolved. */
function toPlanned(registrations: Registration[]): PlannedResource[] {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const accountOf = (reg: Registration | undefined): string | null => {
        for (let at = reg; at !== undefined; at = at.parent ? byUrn.get(at.parent) : undefined) {
            if (!at.custom && at.type.endsWith("Account")) return at.name;
        }
        return null;
    };
    return registrations.map((reg) => {
        const secretInputPaths: string[] = [];
        const inputs = (plainInputs(reg.object ?? {}, "", secretInputPaths) ?? {}) as Record<string, unknown>;
        return {
            urn: reg.urn,
            type: reg.type,
            name: reg.name,
            account: accountOf(reg),
            parent: reg.parent || null,
            inputs,
            provider: reg.providerRef ? reg.providerRef.slice(0, reg.providerRef.lastIndexOf("::")) : null,
            protect: reg.protect,
            retainOnDelete: reg.retainOnDelete,
            ignoreChanges: reg.ignoreChanges,
            dependsOn: reg.dependencies,
            propertyDependencies: reg.propertyDependencies,
            custom: reg.custom,
            secretInputPaths,
        };
    });
}

/**
 * The SDK formats a stack trace for every resource (source positions) and for every promise it
 * tracks (leak diagnostics), always with `new Error()` and no message; formatting them, through
 * tsx's source maps, is most of a run. The plan shows neither, so while the stacks run those
 * message-less errors format as just `Error`; every other error keeps its full trace (not
 * source-mapped). Returns the function that restores the previous behaviour.
 */
function cheapSdkStackTraces(): () => void {
    const previousPrepare = Error.prepareStackTrace;
    const previousLimit = Error.stackTraceLimit;
    if (process.env.BLITZHUB_OFFLINE_TRACES !== "1") Error.stackTraceLimit = 0;
    const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
    process.setSourceMapsEnabled(false);
    Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
        error.message === "" && error.name === "Error" ? "Error" : `${String(error)}\n${frames.map((f) => `    at ${f}`).join("\n")}`;
    return () => {
        Error.prepareStackTrace = previousPrepare;
        Error.stackTraceLimit = previousLimit;
        process.setSourceMapsEnabled(sourceMaps);
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
        for (const input of inputs) {
            const { stack, rawOutputs } = await runStack(input, program, stackOutputs, stallSeconds);
            stackOutputs[`${ORGANIZATION}/${PROJECT}/${input.stack}`] = rawOutputs;
            // Every stack names the eu stack by its own `blitzhub:euStack`.
            if (input.stack === "eu") for (const other of inputs) stackOutputs[other.parsed.euStack] = rawOutputs;
            if (options.stacks.includes(input.stack)) results.push(stack);
        }
    } finally {
        restoreTraces();
    }
    const order = new Map(options.stacks.map((s, i) => [s, i]));
    return results.sort((a, b) => (order.get(a.stack) ?? 0) - (order.get(b.stack) ?? 0));
}
