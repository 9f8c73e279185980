/**
 * The Pulumi program of one region stack (`pulumi up -s eu`), also what the offline engine
 * runs under mocks. Reads and validates everything first — stack config, OCI profiles,
 * topology, allowances, the plan, the other regions' hubs — and only then registers resources,
 * so a user mistake is one `UserInputError` and no resource at all.
 *
 * Deploy order: `eu` first (the global hub's DRG and acceptor RPCs, the Admit statements for
 * every other region's hub, the generated secrets), then `na`, `sa`, `as`, `au` in any order or
 * in parallel: each reads the eu stack (`blitzhub:euStack`) and requests its RPC to the EU hub.
 * Within a stack every account deploys in parallel; spokes wait only for their hub's DRG and
 * the IAM statements of the attachment (see `stacks/region.ts`).
 */
import type { EdgeCertificate } from "../components/FlexibleLoadBalancer";
import * as pulumi from "@pulumi/pulumi";
import { UserInputError, type Problem } from "../model/errors";
import { loadTopology } from "../model/load";
import { loadAllowances } from "../model/allowances";
import { buildPlan } from "../plan/index";
import type { Topology } from "../model/schema";
import type { TopologyPlan } from "../plan/types";
import { renderCloudInit, type CloudInitOptions } from "../render/cloudInit";
import { renderRegion } from "../render/region";
import { operatorHashSecretPath } from "../render/identities";
import { remoteAdbClients } from "../plan/autonomousDatabase";
import { bastionVms } from "../plan/bastions";
import { adbAdminSecretPath } from "../plan/secrets";
import { CONFIG_NAMESPACE, accountProviderArgs, checkStackAgainstTopology, euStackName, loadStackConfig, type LoadedStackConfig } from "./config";
import { type AccountSettings, type GlobalHubOutputs, deployRegion } from "./region";
import { readManualSecrets } from "./manualSecrets";
import { readRemoteHubs } from "./remoteHubs";
import { EDGE_CONFIG_NAMESPACE, edgeCertificateProblems, edgeHostNames } from "./edgeCertificate";
import { HIDDEN_SECRET_VALUE } from "./plaintextSecrets";
import { SHAPES } from "../model/shapes";
import { loadOciLimits } from "../model/ociLimits";


/** Per-account settings from the stack config, checked against the plan. */
export function accountSettings(config: LoadedStackConfig, plan: TopologyPlan): Record<string, AccountSettings> {
    const problems: Problem[] = [];
    const settings: Record<string, AccountSettings> = {};
    for (const account of plan.accounts.filter((a) => a.region === config.region)) {
        const own = config.accounts[account.name];
        const at = (key: string) => `${config.stackFile}: ${CONFIG_NAMESPACE}:accounts.${account.name}.${key}`;
        for (const shape of Object.keys(own.imageOcids ?? {})) {
            if (!(SHAPES as readonly string[]).includes(shape)) problems.push({ path: at(`imageOcids.${shape}`), message: `unknown shape (known: ${SHAPES.join(", ")})` });
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
            securityNotifications: config.securityNotifications,
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

/** Config namespace of the delivery key (kept out of `blitzhub:*`, which the stack schema owns). */
export const DELIVERY_CONFIG_NAMESPACE = "blitzhub-delivery";

/** Config namespace of the offsite copy's customer secret key (`blitzhub-offsite:secretKey`). */
export const OFFSITE_CONFIG_NAMESPACE = "blitzhub-offsite";

/**
 * The body of the `pulumi up -s <region>` program (`index.ts` default-exports it): one account
 * component per account of the stack's region. Returns the stack outputs: per account its VCN,
 * LB addresses, VM private IPs, DRG and RPC ids; on eu also the global hub (read by the other
 * stacks) and the generated secret values (a secret output).
 */
export async function program(): Promise<Record<string, unknown>> {
    // 1. Everything the user wrote, validated before any resource exists.
    const config = loadStackConfig();
    const topology = loadTopology(config.topology);
    checkStackAgainstTopology(config, topology, config.stack, config.stackFile);
    const plan = buildPlan(topology, loadAllowances(), loadOciLimits());
    checkTopologyForComponents(topology, plan);
    const accounts = accountSettings(config, plan);
    checkRemoteAdbClients(config, plan);
    const hostsAutonomousDatabase = plan.accounts.some((a) => a.region === config.region && a.autonomousDatabase);
    const remoteHubs = config.region === "eu" ? readRemoteHubs(plan, config.ociConfigFile) : [];
    const offsiteSecretKey = new pulumi.Config(OFFSITE_CONFIG_NAMESPACE).getSecret("secretKey");
    const runsBackupStore = plan.accounts.some((a) => a.region === config.region && a.vms.some((v) => v.services.some((s) => s.service === "minio")));
    if (runsBackupStore && (config.offsiteBackup === undefined || offsiteSecretKey === undefined)) {
        pulumi.log.warn(
            `no offsite copy of the backups: set ${CONFIG_NAMESPACE}:offsiteBackup (namespace, accessKeyId) and the secret ${OFFSITE_CONFIG_NAMESPACE}:secretKey (docs/backups.md)`,
        );
    }
    const renderOptions: CloudInitOptions = {
        operators: config.operators,
        deployPublicKey: config.deployPublicKey,
        wireguardPeers: config.wireguardPeers,
        ...(config.offsiteBackup && offsiteSecretKey !== undefined ? { offsiteBackup: config.offsiteBackup } : {}),
    };
    const rendered = renderRegion(plan, config.region, renderOptions);
    if (!config.operators.some((o) => o.sudoPasswordHash)) {
        pulumi.log.warn(`no operator in ${CONFIG_NAMESPACE}:operators has a sudoPasswordHash: nobody can sudo on the VMs (docs/security.md)`);
    }
    const bastions = bastionVms(plan.accounts.filter((a) => a.region === config.region));
    if (bastions.length > 0 && config.wireguardPeers.length === 0) {
        pulumi.log.warn(
            `no ${CONFIG_NAMESPACE}:wireguardPeers: the WireGuard bastions admit nobody, so neither operators nor config delivery can reach the VMs (README, "First deployment")`,
        );
    }
    const edgeCertificate = readEdgeCertificate(config, plan);
    const manualSecrets = readManualSecrets(topology, config.stackFile);
    const deliveryKey = new pulumi.Config(DELIVERY_CONFIG_NAMESPACE).getSecret("sshPrivateKey");
    if (deliveryKey === undefined) {
        pulumi.log.warn(`config delivery is off: no ${DELIVERY_CONFIG_NAMESPACE}:sshPrivateKey (pulumi config set --secret ${DELIVERY_CONFIG_NAMESPACE}:sshPrivateKey < key)`);
    }

    // 2. Resources.
    const eu = config.region === "eu" ? undefined : new pulumi.StackReference(euStackName(config.euStack));
    const { outputs } = deployRegion({
        region: config.region,
        topology,
        plan,
        accounts,
        sshAuthorizedKeys: config.operators.flatMap((o) => o.sshPublicKeys),
        image: config.image,
        // Rendered again with the VM's host key (a secret, never in the offline render's files).
        cloudInit: (account, vm, hostKey, internalCaCert) => {
            const vmFiles = rendered.files[account.name].filter((f) => f.vm === vm.name);
            return renderCloudInit(plan, account, vm, { ...renderOptions, files: vmFiles, hostKey, internalCaCert });
        },
        edgeCertificate,
        delivery: deliveryKey === undefined ? undefined : { files: rendered.files, privateKey: deliveryKey },
        remoteHubs,
        globalHub: eu?.requireOutput("globalHub") as pulumi.Output<GlobalHubOutputs> | undefined,
        sharedSecretValues: eu?.requireOutput("secretValues") as pulumi.Output<Record<string, string>> | undefined,
        deliveryBastionHostKey: eu?.requireOutput("deliveryBastionHostKey") as pulumi.Output<string> | undefined,
        sharedInternalCaSeed: eu?.requireOutput("internalCaSeed") as pulumi.Output<string> | undefined,
        autonomousDatabaseRemoteClients: config.autonomousDatabaseRemoteClients,
        ...(offsiteSecretKey !== undefined ? { offsiteSecretKey } : {}),
        // The identities sync's operators file names each sudo password hash by a path (render/identities.ts).
        configSecrets: {
            ...manualSecrets,
            ...Object.fromEntries(
                config.operators.filter((o) => o.sudoPasswordHash).map((o) => [operatorHashSecretPath(o.name), pulumi.secret(o.sudoPasswordHash!)]),
            ),
        },
    });
    if (hostsAutonomousDatabase) {
        const remote = remoteAdbClients(plan, config.region);
        outputs.autonomousDatabaseRemoteClients = remote.map((c) => c.source);
        if (remote.length > 0 && config.autonomousDatabaseRemoteClients.length === 0) {
            const clients = remote.map((c) => (c.account && c.vm ? `${c.account.name}/${c.vm.name} (${c.ip})` : c.ip));
            pulumi.log.warn(
                `the Autonomous Database admits no client outside ${config.region} yet (${clients.join(", ")}): ` +
                    `deploy their stacks, then list their natEgressIp outputs in ${CONFIG_NAMESPACE}:autonomousDatabaseRemoteClients`,
            );
        }
    }
    return outputs;
}

/**
 * The stack's edge certificate (`blitzhub-edge:certificate`, `privateKey`, optional
 * `caCertificate`, all PEM, set with `pulumi config set --secret`), required when one of the
 * stack's load balancers has an HTTPS listener, and refused when OCI would refuse it
 * (stacks/edgeCertificate.ts): before any resource exists, not halfway through an `up`.
 * Plain-text private keys are refused earlier (stacks/plaintextSecrets.ts).
 */
export function readEdgeCertificate(config: LoadedStackConfig, plan: TopologyPlan): EdgeCertificate | undefined {
    const lbs = plan.accounts.filter((a) => a.region === config.region).map((a) => a.loadBalancer);
    const needs = lbs.some((lb) => lb.listeners.some((l) => l.tls));
    const edge = new pulumi.Config(EDGE_CONFIG_NAMESPACE);
    const certificate = edge.getSecret("certificate");
    const privateKey = edge.getSecret("privateKey");
    if (!needs) return undefined;
    const missing = [certificate === undefined ? "certificate" : undefined, privateKey === undefined ? "privateKey" : undefined].filter((k): k is string => !!k);
    if (missing.length > 0) {
        throw new UserInputError(missing.map((key) => ({
            path: `${config.stackFile}: ${EDGE_CONFIG_NAMESPACE}:${key}`,
            message: `the stack's HTTPS listeners need it: pulumi config set --secret ${EDGE_CONFIG_NAMESPACE}:${key} -s ${config.region} < <PEM file> (docs/security.md, "TLS at the edge")`,
        })));
    }
    // The values are read in clear only to be checked here; nothing of them is printed.
    const known = (key: string) => {
        const value = edge.get(key);
        return value === undefined || value === HIDDEN_SECRET_VALUE ? undefined : value;
    };
    const problems = edgeCertificateProblems(
        { certificate: known("certificate"), privateKey: known("privateKey"), caCertificate: known("caCertificate") },
        { stackFile: config.stackFile, hostNames: edgeHostNames(lbs), now: new Date() },
    );
    if (problems.length > 0) throw new UserInputError(problems);
    const caCertificate = edge.getSecret("caCertificate");
    return { certificate: certificate!, privateKey: privateKey!, ...(caCertificate ? { caCertificate } : {}) };
}

/** `blitzhub:autonomousDatabaseRemoteClients` belongs only to the stack of the database's account. */
export function checkRemoteAdbClients(config: LoadedStackConfig, plan: TopologyPlan): void {
    const hosts = plan.accounts.some((a) => a.region === config.region && a.autonomousDatabase);
    if (!hosts && config.autonomousDatabaseRemoteClients.length > 0) {
        throw new UserInputError([
            {
                path: `${config.stackFile}: ${CONFIG_NAMESPACE}:autonomousDatabaseRemoteClients`,
                message: `stack ${config.region} has no Autonomous Database; set this on the stack of the database's account`,
            },
        ]);
    }
}
