/**
 * What the policies know besides the resources: the Always Free allowances (versioned data
 * file, read through `plan/allowances.ts`) and, from the topology, the address space, which
 * roles keep their VMs or load balancers private, which VMs override that, and the WireGuard
 * port. The offline runner passes the context of the topology it planned; under the Pulumi CLI
 * the pack loads it once from the stack's `blitzhub:topology` (`PULUMI_CONFIG`) or the default.
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadTopology } from "../../model/load";
import type { Topology } from "../../model/schema";
import { accountSlug } from "../../plan/addressPlan";
import { loadAllowances, type FreeTierAllowances } from "../../plan/allowances";
import type { TopologyPlan } from "../../plan/types";

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
    /**
     * Block volumes the topology declares `backupPolicy: none` for (the Solana ledger, which
     * re-syncs from the cluster), by resource name (`eu-sol-01-validator-ledger`).
     */
    volumesWithoutBackup: string[];
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
    const volumesWithoutBackup = topology.accounts.flatMap((account) =>
        (topology.roles[account.role]?.vms ?? []).flatMap((vm) =>
            vm.blockVolumes.filter((v) => v.backupPolicy === "none").map((v) => `${accountSlug(account.name)}-${vm.name}-${v.name}`),
        ),
    );
    return {
        allowances,
        addressSpace: topology.addressSpace,
        roleExposure,
        vmExposure,
        wireGuardPorts: wireGuardPorts.length > 0 ? [...new Set(wireGuardPorts)] : [51820],
        volumesWithoutBackup,
    };
}

/**
 * Derives the policy context from a built plan (what the offline runner has): the plan's
 * subnets, load balancers and VMs say what is public, exactly as the program deploys it.
 */
export function contextFromPlan(plan: TopologyPlan, allowances: FreeTierAllowances): PolicyContext {
    const roleExposure: PolicyContext["roleExposure"] = {};
    const vmExposure: PolicyContext["vmExposure"] = {};
    const wireGuardPorts = new Set<number>();
    for (const account of plan.accounts) {
        roleExposure[account.role] = {
            vms: account.subnets.some((s) => s.name === "vm" && s.public) ? "public" : "private",
            loadBalancer: account.loadBalancer.public ? "public" : "private",
        };
        const vms = (vmExposure[account.role] ??= {});
        for (const vm of account.vms) {
            vms[vm.name] = vm.publicIp ? "public" : "private";
            for (const placement of vm.services.filter((p) => /wireguard/i.test(p.service))) {
                for (const port of placement.ports.filter((p) => p.protocol !== "tcp" && !p.localOnly)) wireGuardPorts.add(port.port);
            }
        }
    }
    return {
        allowances,
        addressSpace: plan.addressSpace,
        roleExposure,
        vmExposure,
        wireGuardPorts: wireGuardPorts.size > 0 ? [...wireGuardPorts] : [51820],
        volumesWithoutBackup: plan.accounts.flatMap((a) => a.vms.flatMap((vm) => vm.blockVolumes.filter((v) => v.backupPolicy === "none").map((v) => v.resourceName))),
    };
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
    return contextFromTopology(loadTopology(topologyFile), loadAllowances());
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
