/**
 * The Pulumi program of one region stack (`pulumi up -s eu`), also what the offline engine
 * runs under mocks. Reads and validates everything first — stack config, OCI profiles,
 * topology, allowances, the plan, the other regions' hubs — and only then registers resources,
 * so a user mistake is one `UserInputError` and no resource at all.
 */
import * as pulumi from "@pulumi/pulumi";
import { UserInputError, type Problem } from "../model/errors";
import { loadTopology } from "../model/load";
import { loadAllowances } from "../plan/allowances";
import { buildPlan } from "../plan/index";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import { bootstrapCloudInit } from "./bootstrapCloudInit";
import { CONFIG_NAMESPACE, accountProviderArgs, checkStackAgainstTopology, loadStackConfig, type LoadedStackConfig } from "./config";
import type { Topology } from "../model/schema";
import { type AccountSettings, type GlobalHubOutputs, adbAdminSecretPath, deployRegion, remoteAdbClients } from "./region";
import { readRemoteHubs } from "./remoteHubs";

/** Shapes an image override may name. */
const SHAPES = ["VM.Standard.A1.Flex", "VM.Standard.E2.1.Micro"];

/** Per-account settings from the stack config, checked against the plan. */
export function accountSettings(config: LoadedStackConfig, plan: TopologyPlan): Record<string, AccountSettings> {
    const problems: Problem[] = [];
    const settings: Record<string, AccountSettings> = {};
    for (const account of plan.accounts.filter((a) => a.region === config.region)) {
        const own = config.accounts[account.name];
        const at = (key: string) => `${config.stackFile}: ${CONFIG_NAMESPACE}:accounts.${account.name}.${key}`;
        for (const shape of Object.keys(own.imageOcids ?? {})) {
            if (!SHAPES.includes(shape)) problems.push({ path: at(`imageOcids.${shape}`), message: `unknown shape (known: ${SHAPES.join(", ")})` });
        }
        const profile = config.profiles[account.name];
        if (profile.region !== account.homeRegion) {
            problems.push({
                path: at("profile"),
                message: `profile "${profile.name}" is for region ${profile.region}, but ${account.name}'s home region is ${account.homeRegion} (Always Free exists only there)`,
            });
        }
        settings[account.name] = {
            providerArgs: accountProviderArgs(config, account.name, account.homeRegion),
            tenancyOcid: profile.tenancy,
            compartmentOcid: own.compartmentOcid,
            networkAdminGroupOcid: own.networkAdminGroupOcid,
            availabilityDomain: own.availabilityDomain,
            imageOcids: own.imageOcids,
        };
    }
    if (problems.length > 0) throw new UserInputError(problems);
    return settings;
}

/** What the components need of the topology beyond the schema: the ADB's admin password secret. */
export function checkTopologyForComponents(topology: Topology, plan: TopologyPlan): void {
    const problems: Problem[] = [];
    for (const account of plan.accounts) {
        const adb = account.autonomousDatabase;
        if (adb && adbAdminSecretPath(topology, adb.service) === undefined) {
            problems.push({
                path: `services.${adb.service}.secrets`,
                message: `the Autonomous Database of ${account.name} needs a generated (source: random) secret for its ADMIN password`,
            });
        }
    }
    if (problems.length > 0) throw new UserInputError(problems);
}

/** Cloud-init of a VM: bootstrap only (configs arrive through config delivery). */
function cloudInitOf(_plan: TopologyPlan, sshAuthorizedKeys: string[]): (account: AccountPlan, vm: VmPlan) => string {
    return (_account, vm) => bootstrapCloudInit(vm, sshAuthorizedKeys);
}

export async function program(): Promise<Record<string, unknown>> {
    // 1. Everything the user wrote, validated before any resource exists.
    const config = loadStackConfig();
    const topology = loadTopology(config.topology);
    checkStackAgainstTopology(config, topology, config.stack, config.stackFile);
    const plan = buildPlan(topology, loadAllowances());
    checkTopologyForComponents(topology, plan);
    const accounts = accountSettings(config, plan);
    const remoteHubs = config.region === "eu" ? readRemoteHubs(plan, config.ociConfigFile) : [];

    // 2. Resources.
    const eu = config.region === "eu" ? undefined : new pulumi.StackReference(config.euStack);
    const { outputs } = deployRegion({
        region: config.region,
        topology,
        plan,
        accounts,
        sshAuthorizedKeys: config.sshAuthorizedKeys,
        image: config.image,
        cloudInit: cloudInitOf(plan, config.sshAuthorizedKeys),
        remoteHubs,
        globalHub: eu?.requireOutput("globalHub") as pulumi.Output<GlobalHubOutputs> | undefined,
        sharedSecretValues: eu?.requireOutput("secretValues") as pulumi.Output<Record<string, string>> | undefined,
    });
    if (config.region === "eu") outputs.autonomousDatabaseRemoteClients = remoteAdbClients(plan, config.region);
    return outputs;
}
