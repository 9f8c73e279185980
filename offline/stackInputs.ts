/**
 * The offline engine's stack inputs: each stack's `Pulumi.<stack>.yaml` and the project's
 * `Pulumi.yaml` read as the Pulumi CLI would hand them to the program, with the offline
 * overrides (example OCI config, placeholder delivery key), and everything validated — topology,
 * stack config, OCI profiles, the plan — before any stack runs.
 */
import { edgeTestCertificate } from "../render/edgeTestCertificate";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Document, LineCounter } from "yaml";
import { synthesizeAccounts } from "../bench/syntheticAccounts";
import { isUserInputError, UserInputError, type Problem } from "../model/errors";
import { DEFAULT_TOPOLOGY_FILE, loadTopology, withTopologyLines } from "../model/load";
import { REGION_KEYS, type RegionKey, type Topology } from "../model/schema";
import { lineOfPath } from "../model/yamlPath";
import { parseYamlInput, readInputFile } from "../model/yamlInput";
import { loadAllowances } from "../model/allowances";
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
import { HIDDEN_SECRET_VALUE, plaintextSecretProblems } from "../stacks/plaintextSecrets";
import { edgeCertificateProblems, edgeHostNames } from "../stacks/edgeCertificate";
import { loadOciLimits } from "../model/ociLimits";

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
    /** Called as each stack starts and as each of its resources registers (the CLI's progress line). */
    onProgress?: (progress: PlanProgress) => void;
}

/** How far `planStacks` is: stack `index` (1-based) of `total` is running; `resources` registered so far, over all stacks. */
export interface PlanProgress {
    stack: RegionKey;
    index: number;
    total: number;
    resources: number;
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
    "blitzhub-offsite:secretKey": "offline-placeholder-not-a-secret-key",
};

/**
 * The edge certificate the offline engine supplies when a stack file has none: a throwaway one
 * (render/edgeTestCertificate.ts: ECDSA P-256, a key type OCI's load balancer takes) for
 * `blitzhub.invalid` and the topology's edge host names, derived from a public label so that
 * plans, diffs and the baseline do not change from run to run; secret in the plan, like a real
 * one. Nothing is written to disk, and nothing trusts its CA.
 */
/** Config keys of that certificate: what the offline engine adds when the stack file has none. */
export const OFFLINE_EDGE_CERTIFICATE_KEYS = ["blitzhub-edge:certificate", "blitzhub-edge:privateKey", "blitzhub-edge:caCertificate"] as const;

function offlineEdgeCertificate(hostNames: readonly string[]): Record<string, string> {
    const cert = edgeTestCertificate({ dnsNames: ["blitzhub.invalid", ...hostNames] }, "blitzhub offline plan: placeholder edge certificate");
    return { "blitzhub-edge:certificate": cert.certPem, "blitzhub-edge:privateKey": cert.keyPem, "blitzhub-edge:caCertificate": cert.caPem };
}

export const PROJECT = "blitzhub";
export const ORGANIZATION = "organization";

/** One stack's config as the engine hands it to the runtime. */
export interface StackInput {
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
            config[key] = HIDDEN_SECRET_VALUE;
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
    const keyLine = (key: string) => lineOfPath(yaml.doc, yaml.lines, ["config", key], { key: true });
    return { stackFile, config, secretKeys, raw, lineOf, keyLine };
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
        const topologyFile = topologyOverride ?? resolveConfigPath(String(file.raw.topology ?? DEFAULT_TOPOLOGY_FILE), projectDir);
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
                    plans.set(topologyFile, buildPlan(topology!, allowances, loadOciLimits()));
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
        const hostNames = edgeHostNames(plan.accounts.filter((a) => a.region === stack).map((a) => a.loadBalancer));
        if ("blitzhub-edge:certificate" in values) {
            // What the stack file holds in clear (the certificate is public) is checked here, with
            // its line; an encrypted value only the real CLI can read, and the program checks it.
            const known = (key: string) => (values[key] === undefined || values[key] === HIDDEN_SECRET_VALUE ? undefined : values[key]);
            problems.push(...edgeCertificateProblems(
                { certificate: known("blitzhub-edge:certificate"), privateKey: known("blitzhub-edge:privateKey"), caCertificate: known("blitzhub-edge:caCertificate") },
                { stackFile: file.stackFile, hostNames, now: new Date(), lineOf: file.keyLine },
            ));
        }
        const edge = "blitzhub-edge:certificate" in values ? {} : offlineEdgeCertificate(hostNames);
        for (const [key, value] of Object.entries({ ...OFFLINE_SECRET_DEFAULTS, ...edge })) {
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

