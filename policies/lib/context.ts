/**
 * What the policies know besides the resources: the Always Free allowances (versioned data
 * file, read through `plan/allowances.ts`) and, from the topology, the address space, which
 * roles keep their VMs or load balancers private, which VMs override that, and the WireGuard
 * port. The offline runner passes the context of the topology it planned; under the Pulumi CLI
 * the pack loads it once from the stack's `blitzhub:topology` (`PULUMI_CONFIG`) or the default.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { UserInputError } from "../../model/errors";
import { Topology } from "../../model/schema";
import { loadAllowances, type FreeTierAllowances } from "../../plan/allowances";

/** The project root (the folder holding `Pulumi.yaml` and `policies/`). */
export const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
/** Topology file used when the stack config names none. */
export const DEFAULT_TOPOLOGY_FILE = resolve(PROJECT_DIR, "topology", "blitzhub.yaml");

export type Exposure = "public" | "private";

export interface PolicyContext {
    allowances: FreeTierAllowances;
    /** Every VCN must lie inside it (`10.0.0.0/16`). */
    addressSpace: string;
    /** Exposure of the VM subnet and the load balancer per role name. */
    roleExposure: Record<string, { vms: Exposure; loadBalancer: Exposure }>;
    /** VM exposure per role and VM name, where a VM overrides its role (the MGMT bastions). */
    vmExposure: Record<string, Record<string, Exposure>>;
    /** UDP ports WireGuard listens on (public on the bastions). */
    wireGuardPorts: number[];
}

/** Derives the policy context from a validated topology and the allowances. */
export function contextFromTopology(topology: Topology, allowances: FreeTierAllowances): PolicyContext {
    const roleExposure: PolicyContext["roleExposure"] = {};
    const vmExposure: PolicyContext["vmExposure"] = {};
    for (const [roleName, role] of Object.entries(topology.roles)) {
        if (!role) continue;
        roleExposure[roleName] = { vms: role.exposure.vms, loadBalancer: role.exposure.loadBalancer };
        vmExposure[roleName] = Object.fromEntries(role.vms.map((vm) => [vm.name, vm.exposure ?? role.exposure.vms]));
    }
    const wireGuardPorts = Object.entries(topology.services)
        .filter(([name]) => /wireguard/i.test(name))
        .flatMap(([, def]) => def.ports.filter((p) => p.protocol !== "tcp" && !p.localOnly).map((p) => p.port));
    return {
        allowances,
        addressSpace: topology.addressSpace,
        roleExposure,
        vmExposure,
        wireGuardPorts: wireGuardPorts.length > 0 ? [...new Set(wireGuardPorts)] : [51820],
    };
}

/**
 * Reads a topology file with the model's schema (structure only: the program has already run
 * the model's cross-field checks before any resource exists). Throws `UserInputError`.
 */
export function readTopology(file: string): Topology {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        throw new UserInputError([{ path: file, message: `cannot read topology file: ${(error as Error).message}` }]);
    }
    const result = Topology.safeParse(parseYaml(text));
    if (!result.success) {
        throw new UserInputError(
            result.error.issues.map((issue) => ({ path: `${file}: ${issue.path.map(String).join(".")}`, message: issue.message })),
        );
    }
    return result.data;
}

/** Topology file named by the stack config the CLI hands the pack (`PULUMI_CONFIG`), else the default. */
function topologyFileFromEnv(): string {
    try {
        const config = JSON.parse(process.env.PULUMI_CONFIG ?? "{}") as Record<string, unknown>;
        const file = config["blitzhub:topology"];
        if (typeof file === "string" && file !== "") return resolve(PROJECT_DIR, file);
    } catch {
        // Malformed PULUMI_CONFIG: the program reports it; the pack falls back to the default file.
    }
    return DEFAULT_TOPOLOGY_FILE;
}

let current: PolicyContext | undefined;

/** Loads the context from files: the topology (stack config or default) and the allowances. */
export function loadPolicyContext(topologyFile: string = topologyFileFromEnv()): PolicyContext {
    return contextFromTopology(readTopology(topologyFile), loadAllowances());
}

/** Sets the context the policies read (the offline runner and the tests call this). */
export function setPolicyContext(context: PolicyContext): void {
    current = context;
}

/** The context in force; loaded from files on first use. */
export function policyContext(): PolicyContext {
    current ??= loadPolicyContext();
    return current;
}
