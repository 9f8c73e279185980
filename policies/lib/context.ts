/**
 * What the policies know besides the resources: the Always Free allowances (versioned data
 * file, read through `model/allowances.ts`) and, from the plan of the topology, the address
 * space, which roles and VMs are private, the WireGuard port, the port ranges behind wildcard
 * NLB listeners and the volumes declared without backup. The offline runner passes the context
 * of the plan it ran; under the Pulumi CLI the pack builds the plan once from the stack's
 * `blitzhub:topology` (`PULUMI_CONFIG`) or the default topology.
 */
import { resolve } from "node:path";
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from "../../model/load";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { loadAllowances, type FreeTierAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { loadOciLimits } from "../../model/ociLimits";

/** The project root (the folder holding `Pulumi.yaml` and `policies/`). */
export const PROJECT_DIR = PROJECT_ROOT;
/** Topology file used when the stack config names none. */
const DEFAULT_TOPOLOGY_PATH = resolve(PROJECT_DIR, DEFAULT_TOPOLOGY_FILE);

export type Exposure = "public" | "private";

/** Ports a listener forwards: `protocol` tcp, udp or both. */
export interface ListenerRange {
    protocol: "tcp" | "udp" | "tcp+udp";
    min: number;
    max: number;
}

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
     * Port ranges the topology declares for each account's network load balancer listeners.
     * An OCI NLB listener on port 0 forwards every port; the range says which ones are meant.
     */
    nlbListenerRanges: Record<string, ListenerRange[]>;
    /**
     * Block volumes the topology declares `backupPolicy: none` for (the Solana ledger, which
     * re-syncs from the cluster), by resource name (`eu-sol-01-validator-ledger`).
     */
    volumesWithoutBackup: string[];
    /** Billing mode and its reason per account name (topology `accounts[].billing`). */
    billing: Record<string, { mode: "alwaysFree" | "payAsYouGo"; reason: string }>;
    /** The day (UTC, `2026-11-30`) date-bound controls are judged on: key rotation's age. */
    today: string;
}

/** The current day in UTC, as `PolicyContext.today` holds it. */
export function utcToday(now: Date = new Date()): string {
    return now.toISOString().slice(0, 10);
}

/** True when the topology declares the account Always Free (unknown accounts are not). */
export function isAlwaysFree(context: PolicyContext, account: string): boolean {
    return context.billing[account]?.mode === "alwaysFree";
}

const NLB_PROTOCOL: Record<string, ListenerRange["protocol"]> = { TCP: "tcp", UDP: "udp", TCP_AND_UDP: "tcp+udp" };

/** Derives the policy context from a built plan: what is public, exactly as the program deploys it. */
export function contextFromPlan(plan: TopologyPlan, allowances: FreeTierAllowances, today: string = utcToday()): PolicyContext {
    const roleExposure: PolicyContext["roleExposure"] = {};
    const vmExposure: PolicyContext["vmExposure"] = {};
    const nlbListenerRanges: PolicyContext["nlbListenerRanges"] = {};
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
        nlbListenerRanges[account.name] = (account.networkLoadBalancer?.listeners ?? []).map((l) => ({
            protocol: NLB_PROTOCOL[l.protocol],
            min: l.port,
            max: l.toPort ?? l.port,
        }));
    }
    return {
        allowances,
        addressSpace: plan.addressSpace,
        roleExposure,
        vmExposure,
        wireGuardPorts: wireGuardPorts.size > 0 ? [...wireGuardPorts] : [51820],
        nlbListenerRanges,
        billing: Object.fromEntries(plan.accounts.map((a) => [a.name, a.freeTier.billing])),
        today,
        volumesWithoutBackup: plan.accounts.flatMap((a) =>
            a.vms.flatMap((vm) => vm.blockVolumes.filter((v) => v.backupPolicy === "none").map((v) => v.resourceName)),
        ),
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
    return DEFAULT_TOPOLOGY_PATH;
}

let current: PolicyContext | undefined;

/** Loads the context from files: the topology (stack config or default), its plan and the allowances. */
export function loadPolicyContext(topologyFile: string = topologyFileFromEnv()): PolicyContext {
    const allowances = loadAllowances();
    return contextFromPlan(buildPlan(loadTopology(topologyFile), allowances, loadOciLimits()), allowances);
}

/** Sets the context the policies read (the offline runner does); returns the one it replaces. */
export function setPolicyContext(context: PolicyContext | undefined): PolicyContext | undefined {
    const previous = current;
    current = context;
    return previous;
}

/** The context in force; loaded from files on first use. */
export function policyContext(): PolicyContext {
    current ??= loadPolicyContext();
    return current;
}
