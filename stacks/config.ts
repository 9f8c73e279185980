/**
 * Stack configuration: the `blitzhub:*` keys of `Pulumi.<stack>.yaml`, read through
 * `pulumi.Config`, validated by `stacks/configSchema.ts`, plus the per-account OCI credentials
 * named there (`~/.oci/config` profiles) turned into provider arguments.
 *
 * Every mistake is a `UserInputError` whose paths name the stack file and key, e.g.
 * `Pulumi.eu.yaml: blitzhub:accounts.EU-FE-01.profile`, so the program fails before it
 * registers any resource.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { ProviderArgs } from "@pulumi/oci";
import { UserInputError, type Problem } from "../model/errors";
import { PROJECT_ROOT } from "../model/projectRoot";
import { parseYamlInput, readInputFile } from "../model/yamlInput";
import { plaintextSecretProblems } from "./plaintextSecrets";
import { vmsRunning } from "../model/query";
import { WIREGUARD_SERVICE } from "../plan/bastions";
import type { Topology } from "../model/schema";
import { CONFIG_NAMESPACE, parseStackConfig, StackConfig } from "./configSchema";
import { ociProfileFrom, parseOciConfig, type OciProfile } from "./configOciProfile";

export type { OciProfile } from "./configOciProfile";
export { parseOciConfig, ociProfileFrom } from "./configOciProfile";

export { CONFIG_NAMESPACE, parseStackConfig } from "./configSchema";

/** The project root: the folder holding `Pulumi.yaml`. Relative config paths resolve against it. */
export const PROJECT_DIR = PROJECT_ROOT;

/** Keys of `StackConfig` read as JSON objects/arrays; the rest are plain strings. */
const OBJECT_KEYS = new Set(["accounts", "operators", "image", "autonomousDatabaseRemoteClients", "wireguardPeers", "offsiteBackup"]);

/**
 * Stack config as loaded: the schema's `StackConfig` with `topology` and `ociConfigFile` made
 * absolute (`~` expanded, relative paths against the project root), plus where it came from and
 * the OCI profile of every account.
 */
export type LoadedStackConfig = StackConfig & {
    /** Stack name (`eu`). */
    stack: string;
    /** File the values came from, for messages (`Pulumi.eu.yaml`). */
    stackFile: string;
    /** OCI config profile per account name. */
    profiles: Record<string, OciProfile>;
};

/** `~/x` → home folder; relative → against `baseDir`. */
export function resolveConfigPath(file: string, baseDir: string = PROJECT_DIR): string {
    if (file === "~" || file.startsWith("~/")) return path.join(os.homedir(), file.slice(1));
    return path.resolve(baseDir, file);
}

/**
 * Checks the stack config against the topology: the stack deploys its own region, and lists
 * exactly the accounts of that region (no missing account, no stranger).
 */
export function checkStackAgainstTopology(config: StackConfig, topology: Topology, stack: string, stackFile: string): void {
    const problems: Problem[] = [];
    const at = (key: string) => `${stackFile}: ${CONFIG_NAMESPACE}:${key}`;
    if (config.region !== stack) {
        problems.push({ path: at("region"), message: `is "${config.region}" but this is the "${stack}" stack` });
    }
    const own = topology.accounts.filter((a) => a.region === config.region).map((a) => a.name);
    for (const name of own) {
        if (!(name in config.accounts)) problems.push({ path: at(`accounts.${name}`), message: `missing: the topology puts ${name} in region ${config.region}` });
    }
    for (const name of Object.keys(config.accounts)) {
        const account = topology.accounts.find((a) => a.name === name);
        if (account === undefined) problems.push({ path: at(`accounts.${name}`), message: "no such account in the topology" });
        else if (account.region !== config.region) {
            problems.push({ path: at(`accounts.${name}`), message: `belongs to region ${account.region}, not ${config.region}` });
        }
    }
    const runsWireguard = topology.accounts.some((a) => a.region === config.region && vmsRunning(topology, a.role, WIREGUARD_SERVICE).length > 0);
    if (config.wireguardPeers.length > 0 && !runsWireguard) {
        problems.push({ path: at("wireguardPeers"), message: `no WireGuard bastion runs in region ${config.region}: set the peers on the stack of the management account` });
    }
    if (problems.length > 0) throw new UserInputError(problems);
}

/** Reads one profile from an OCI config file on disk (`~` expanded). */
export function readOciProfile(file: string, profile: string): OciProfile {
    const absolute = resolveConfigPath(file);
    let text: string;
    try {
        text = fs.readFileSync(absolute, "utf8");
    } catch {
        throw new UserInputError([{ path: `${file}: [${profile}]`, message: `cannot read the OCI config file ${absolute}` }]);
    }
    return ociProfileFrom(parseOciConfig(text, file), file, profile);
}

/** Every account's profile from the stack's OCI config file; all missing profiles/keys at once. */
export function readAccountProfiles(config: StackConfig, stackFile: string): Record<string, OciProfile> {
    const file = config.ociConfigFile;
    let text: string;
    try {
        text = fs.readFileSync(resolveConfigPath(file), "utf8");
    } catch {
        throw new UserInputError([
            { path: `${stackFile}: ${CONFIG_NAMESPACE}:ociConfigFile`, message: `cannot read the OCI config file ${resolveConfigPath(file)}` },
        ]);
    }
    const sections = parseOciConfig(text, file);
    const profiles: Record<string, OciProfile> = {};
    const problems: Problem[] = [];
    for (const [account, { profile }] of Object.entries(config.accounts)) {
        try {
            profiles[account] = ociProfileFrom(sections, file, profile);
        } catch (error) {
            if (!(error instanceof UserInputError)) throw error;
            problems.push(...error.problems.map((p) => ({ ...p, message: `${p.message} (blitzhub:accounts.${account}.profile)` })));
        }
    }
    if (problems.length > 0) throw new UserInputError(problems);
    return profiles;
}

/** The raw `blitzhub:*` values of the running stack, keys without the namespace. */
function rawStackConfig(stackFile: string): Record<string, unknown> {
    const cfg = new pulumi.Config(CONFIG_NAMESPACE);
    const raw: Record<string, unknown> = {};
    const problems: Problem[] = [];
    const prefix = `${CONFIG_NAMESPACE}:`;
    for (const fullKey of Object.keys(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        if (!OBJECT_KEYS.has(key)) {
            raw[key] = cfg.get(key);
            continue;
        }
        try {
            raw[key] = cfg.requireObject(key);
        } catch {
            problems.push({ path: `${stackFile}: ${fullKey}`, message: "must be a YAML object or list" });
        }
    }
    if (problems.length > 0) throw new UserInputError(problems);
    return raw;
}

/**
 * The CLI hands the program decrypted values, so whether a secret was stored encrypted is read
 * from the committed stack file itself (absent under the offline engine's temporary project).
 */
function refusePlaintextSecrets(stackFile: string): void {
    const file = path.join(PROJECT_DIR, stackFile);
    if (!fs.existsSync(file)) return;
    const { data } = parseYamlInput(readInputFile(file, stackFile, stackFile), stackFile);
    const config = ((data ?? {}) as { config?: Record<string, unknown> }).config ?? {};
    const problems = plaintextSecretProblems(config, stackFile);
    if (problems.length > 0) throw new UserInputError(problems);
}

/**
 * The eu stack the other regions read: `blitzhub:euStack` when set, otherwise the `eu` stack of
 * this stack's own organization and project (`<org>/blitzhub/eu`) — the organization the CLI or
 * CI runs under, so no stack file hard-codes one.
 */
export function euStackName(configured: string | undefined): string {
    return configured ?? `${pulumi.getOrganization()}/${pulumi.getProject()}/eu`;
}

/**
 * Reads and validates the running stack's config (`pulumi.Config("blitzhub")`), resolves its
 * paths and reads every account's OCI profile. Throws `UserInputError` listing every problem.
 * The topology cross-check is `checkStackAgainstTopology` (the program calls it once the
 * topology is loaded).
 */
export function loadStackConfig(): LoadedStackConfig {
    const stack = pulumi.getStack();
    const stackFile = `Pulumi.${stack}.yaml`;
    refusePlaintextSecrets(stackFile);
    const parsed = parseStackConfig(rawStackConfig(stackFile), stackFile);
    const config: StackConfig = {
        ...parsed,
        topology: resolveConfigPath(parsed.topology),
        ociConfigFile: resolveConfigPath(parsed.ociConfigFile),
    };
    return { ...config, stack, stackFile, profiles: readAccountProfiles(config, stackFile) };
}

/**
 * Arguments for an account's `oci.Provider` from its profile: API-key auth with the key read
 * by the provider from `key_file` (the program never reads the key), the passphrase as a
 * secret, Oracle's own defined tags ignored. `region` overrides the profile's region (the
 * account's home region from the plan).
 */
export function ociProviderArgs(profile: OciProfile, region?: string): ProviderArgs {
    return {
        tenancyOcid: profile.tenancy,
        userOcid: profile.user,
        fingerprint: profile.fingerprint,
        privateKeyPath: resolveConfigPath(profile.keyFile),
        ...(profile.passPhrase ? { privateKeyPassword: pulumi.secret(profile.passPhrase) } : {}),
        region: region ?? profile.region,
        ignoreDefinedTags: ["Oracle-Tags.CreatedBy", "Oracle-Tags.CreatedOn"],
    };
}

/** Provider arguments of one account of the loaded stack config. */
export function accountProviderArgs(config: LoadedStackConfig, account: string, region?: string): ProviderArgs {
    const profile = config.profiles[account];
    if (profile === undefined) {
        throw new UserInputError([{ path: `${config.stackFile}: ${CONFIG_NAMESPACE}:accounts.${account}`, message: "missing: no config for this account" }]);
    }
    return ociProviderArgs(profile, region);
}
