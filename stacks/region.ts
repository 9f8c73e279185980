/**
 * One region stack: the account components of the region, hub first so that spokes attach to
 * its DRG, the data account last so its database admits the other accounts' VCNs. Everything
 * here is already validated (`stacks/program.ts`): no user mistake can surface mid-way.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Topology } from "../model/schema";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import type { SshHostKey } from "../render/sshHostKey";
import type { RenderedFile } from "../render/types";
import type { AccountArgs } from "../components/AccountComponent";
import type { AccountComponent } from "../components/AccountComponent";
import type { RemoteHub } from "../components/Peering";
import { type CatalogueSecret, CatalogueSecrets } from "../components/CatalogueSecrets";
import type { ImageQuery } from "../components/accountLookups";
import { BackendAccount } from "../components/BackendAccount";
import { DataAccount } from "../components/DataAccount";
import { FrontendAccount } from "../components/FrontendAccount";
import { LogsAccount } from "../components/LogsAccount";
import { ManagementAccount } from "../components/ManagementAccount";
import { MonitoringAccount } from "../components/MonitoringAccount";
import { NetworkAccount } from "../components/NetworkAccount";
import { SecurityAccount } from "../components/SecurityAccount";
import { SolanaAccount } from "../components/SolanaAccount";

/** What the region needs of each of its accounts, from stack config and OCI profiles. */
export interface AccountSettings {
    providerArgs: AccountArgs["providerArgs"];
    tenancyOcid: string;
    compartmentOcid?: string;
    networkAdminGroupOcid: string;
    availabilityDomain?: string;
    imageOcids?: Record<string, string>;
}

/** The EU hub as the other stacks see it (an output of the eu stack). */
export interface GlobalHubOutputs {
    account: string;
    tenancyOcid: string;
    regionName: string;
    /** The EU hub's acceptor RPC per region key. */
    rpcIds: Record<string, string>;
}

export interface RegionArgs {
    region: string;
    topology: Topology;
    plan: TopologyPlan;
    accounts: Record<string, AccountSettings>;
    sshAuthorizedKeys: string[];
    image: ImageQuery;
    /** Cloud-init of a VM (bootstrap only) for its SSH host key. */
    cloudInit: (account: AccountPlan, vm: VmPlan, hostKey: SshHostKey) => string;
    /** eu: the other regions' hubs (acceptor RPCs + Admit statements). */
    remoteHubs: RemoteHub[];
    /** Other regions: the EU hub, read from the eu stack. */
    globalHub?: pulumi.Output<GlobalHubOutputs>;
    /**
     * Other regions: the generated secret values, read from the eu stack (a secret output).
     * The eu stack generates them itself (`CatalogueSecrets`).
     */
    sharedSecretValues?: pulumi.Output<Record<string, string>>;
    /** Other regions: the delivery bastion's SSH host public key, read from the eu stack. */
    deliveryBastionHostKey?: pulumi.Output<string>;
    /**
     * Config delivery: rendered files per account and the `deploy` private key. Absent when the
     * stack has no delivery key configured (then nothing is delivered and the outputs say so).
     */
    delivery?: { files: Record<string, RenderedFile[]>; privateKey: pulumi.Input<string> };
    /** Egress addresses of the Autonomous Database's clients in other regions (stack config). */
    autonomousDatabaseRemoteClients?: string[];
}

/** The management bastion deliveries jump through: the first VM running `service` in a management account. */
export function deliveryBastion(plan: TopologyPlan, service = "wireguard"): { account: string; vm: string; ip: string } | undefined {
    for (const account of plan.accounts.filter((a) => a.role === "management")) {
        const vm = account.vms.find((v) => v.services.some((p) => p.service === service));
        if (vm) return { account: account.name, vm: vm.name, ip: vm.privateIp };
    }
    return undefined;
}

/** Longest password the Autonomous Database accepts (12-30 characters). */
export const ADB_PASSWORD_MAX_LENGTH = 30;

/**
 * Every catalogue secret once, with the services that use it. Secrets of a service OCI runs
 * for us (the Autonomous Database) are capped at what it accepts.
 */
export function catalogueSecrets(topology: Topology): CatalogueSecret[] {
    const byPath = new Map<string, CatalogueSecret>();
    for (const [service, def] of Object.entries(topology.services)) {
        for (const secret of def.secrets) {
            const known = byPath.get(secret.path);
            if (known) known.usedBy.push(service);
            else byPath.set(secret.path, { path: secret.path, source: secret.source, length: secret.length, description: secret.description, usedBy: [service] });
            if (def.managedBy === "autonomous-database") byPath.get(secret.path)!.maxLength = ADB_PASSWORD_MAX_LENGTH;
        }
    }
    return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The generated secret that is the ADMIN password of the managed database `service`. */
export function adbAdminSecretPath(topology: Topology, service: string): string | undefined {
    return topology.services[service]?.secrets.find((s) => s.source === "random")?.path;
}

/** Account components of the region, by account name, and the stack outputs. */
export function deployRegion(args: RegionArgs): {
    components: Record<string, AccountComponent>;
    outputs: Record<string, unknown>;
    /** Generated secret values by Vault path (secrets). */
    secretValues: Record<string, pulumi.Output<string>>;
} {
    const { plan, topology } = args;
    const stackPlan = plan.stacks.find((s) => s.region === args.region);
    if (!stackPlan) throw new Error(`no stack plan for region ${args.region}`);
    const accounts = plan.accounts.filter((a) => a.region === args.region);
    const hub = accounts.find((a) => a.name === stackPlan.hub);
    if (!hub) throw new Error(`region ${args.region}: hub ${stackPlan.hub} is not one of its accounts`);
    const ordered = [hub, ...accounts.filter((a) => a !== hub && !a.autonomousDatabase), ...accounts.filter((a) => a !== hub && a.autonomousDatabase)];
    const settings = (name: string) => args.accounts[name];
    const peer = (account: AccountPlan) => ({
        account: account.name,
        tenancyOcid: settings(account.name).tenancyOcid,
        networkAdminGroupOcid: settings(account.name).networkAdminGroupOcid,
    });

    const secrets = catalogueSecrets(topology);
    const generated = args.sharedSecretValues ? undefined : new CatalogueSecrets("catalogue-secrets", { secrets });
    const secretValues: Record<string, pulumi.Output<string>> = generated
        ? generated.values
        : Object.fromEntries(
              secrets
                  .filter((s) => s.source === "random")
                  .map((s) => [s.path, pulumi.secret(args.sharedSecretValues!.apply((values) => {
                      const value = values?.[s.path];
                      if (value === undefined) throw new Error(`the eu stack exports no value for ${s.path}`);
                      return value;
                  }))]),
          );

    const components: Record<string, AccountComponent> = {};
    for (const account of ordered) {
        const own = settings(account.name);
        const role = topology.roles[account.role];
        const isHub = account === hub;
        const hubComponent = isHub ? undefined : components[hub.name];
        const common: AccountArgs = {
            plan: account,
            addressSpace: plan.addressSpace,
            providerArgs: own.providerArgs,
            tenancyOcid: own.tenancyOcid,
            compartmentOcid: own.compartmentOcid,
            networkAdminGroupOcid: own.networkAdminGroupOcid,
            sshAuthorizedKeys: args.sshAuthorizedKeys,
            image: args.image,
            imageOcids: own.imageOcids,
            availabilityDomain: own.availabilityDomain,
            cloudInit: (vm, hostKey) => args.cloudInit(account, vm, hostKey),
            buckets: role.buckets,
            hubAdmitPolicy: hubComponent?.peering.admitPolicies[account.name],
            peering: isHub
                ? {
                      spokes: accounts.filter((a) => a !== hub).map(peer),
                      ...(account.connectivity.isGlobalHub ? { remoteHubs: args.remoteHubs } : {}),
                      ...(!account.connectivity.isGlobalHub && args.globalHub
                          ? {
                                globalHub: {
                                    account: account.connectivity.globalHub,
                                    tenancyOcid: args.globalHub.tenancyOcid,
                                    rpcId: args.globalHub.apply((g) => {
                                        const id = g.rpcIds[args.region];
                                        if (!id) throw new Error(`the eu stack exports no RPC for region ${args.region}`);
                                        return id;
                                    }),
                                    regionName: args.globalHub.regionName,
                                },
                            }
                          : {}),
                  }
                : { hub: { ...peer(hub), drgId: hubComponent!.peering.drgId } },
        };
        components[account.name] = createAccount(account, common, args, components, secrets, secretValues);
    }

    const deliveryStatus = deliverConfigs(args, components, secretValues);

    const outputs: Record<string, unknown> = {
        region: args.region,
        configDelivery: deliveryStatus,
        accounts: Object.fromEntries(accounts.map((a) => [a.name, components[a.name].outputs()])),
    };
    const globalHub = accounts.find((a) => a.connectivity.isGlobalHub);
    if (globalHub) {
        outputs.globalHub = {
            account: globalHub.name,
            tenancyOcid: settings(globalHub.name).tenancyOcid,
            regionName: globalHub.homeRegion,
            rpcIds: components[globalHub.name].peering.rpcIds,
        } satisfies Record<keyof GlobalHubOutputs, unknown>;
    }
    const bastion = deliveryBastion(plan);
    if (bastion && components[bastion.account]) {
        // The other regions' deliveries jump through this bastion and pin its host key.
        outputs.deliveryBastionHostKey = components[bastion.account].vms[bastion.vm].hostPublicKey;
    }
    if (generated) {
        outputs.secretValues = pulumi.secret(generated.values);
        outputs.manualSecrets = generated.manual;
    }
    return { components, outputs, secretValues };
}

/** Adds the config deliveries of every account; returns what was (not) delivered. */
function deliverConfigs(
    args: RegionArgs,
    components: Record<string, AccountComponent>,
    secretValues: Record<string, pulumi.Output<string>>,
): Record<string, unknown> {
    if (!args.delivery) {
        return { enabled: false, reason: "no delivery key: set the secret config blitzhub-delivery:sshPrivateKey (private key of the deploy account)" };
    }
    const bastion = deliveryBastion(args.plan);
    if (!bastion) throw new Error("config delivery needs a management bastion (a management VM running wireguard)");
    const bastionComponent = components[bastion.account];
    const bastionHost = bastionComponent ? bastionComponent.vms[bastion.vm].instance.id.apply(() => bastion.ip) : bastion.ip;
    const bastionHostKey = bastionComponent ? bastionComponent.vms[bastion.vm].hostPublicKey : args.deliveryBastionHostKey;
    if (!bastionHostKey) throw new Error(`config delivery jumps through ${bastion.account}/${bastion.vm}, whose host key this stack does not know (the eu stack's deliveryBastionHostKey output)`);
    const awaiting: Record<string, string[]> = {};
    let count = 0;
    for (const [name, component] of Object.entries(components)) {
        component.addConfigDeliveries({
            files: args.delivery.files[name] ?? [],
            bastionHost,
            bastionHostKey,
            privateKey: args.delivery.privateKey,
            secrets: secretValues,
        });
        for (const vmDelivery of Object.values(component.deliveries)) count += Object.keys(vmDelivery.services).length;
        if (component.deliveriesAwaitingManualSecrets.length > 0) awaiting[name] = component.deliveriesAwaitingManualSecrets;
    }
    return { enabled: true, jumpHost: `${bastion.account}/${bastion.vm} (${bastion.ip}, over WireGuard)`, deliveries: count, awaitingManualSecrets: awaiting };
}

function createAccount(
    account: AccountPlan,
    common: AccountArgs,
    args: RegionArgs,
    built: Record<string, AccountComponent>,
    secrets: CatalogueSecret[],
    secretValues: Record<string, pulumi.Output<string>>,
): AccountComponent {
    const { topology } = args;
    switch (account.role) {
        case "frontend":
            return new FrontendAccount(account.name, common);
        case "backend":
            return new BackendAccount(account.name, common);
        case "solana":
            return new SolanaAccount(account.name, common);
        case "security":
            return new SecurityAccount(account.name, { ...common, ociVault: topology.roles.security.ociVault, secrets, secretValues });
        case "monitoring":
            return new MonitoringAccount(account.name, common);
        case "management":
            return new ManagementAccount(account.name, common);
        case "data":
            return new DataAccount(account.name, {
                ...common,
                autonomousDatabaseClients: adbClients(account, args, built),
                autonomousDatabaseAdminPassword: account.autonomousDatabase
                    ? secretValues[adbAdminSecretPath(topology, account.autonomousDatabase.service) ?? ""]
                    : undefined,
            });
        case "logs":
            return new LogsAccount(account.name, common);
        case "network":
            return new NetworkAccount(account.name, common);
    }
}

/**
 * ADB access control entries: each allowed client IP as `<vcn ocid>;<ip>` of its account's VCN
 * (same region: the clients reach the ADB through their service gateway), then the egress
 * addresses of the clients in other regions from stack config (`remoteAdbClients` names them).
 */
function adbClients(account: AccountPlan, args: RegionArgs, built: Record<string, AccountComponent>): pulumi.Output<string[]> {
    const adb = account.autonomousDatabase!;
    const entries: pulumi.Output<string>[] = [];
    for (const source of adb.allowedSources) {
        const ip = source.replace(/\/32$/, "");
        const owner = args.plan.accounts.find((a) => a.vms.some((vm) => vm.privateIp === ip));
        const component = owner ? built[owner.name] : undefined;
        if (component) entries.push(pulumi.interpolate`${component.network.vcn.id};${ip}`);
    }
    for (const egress of args.autonomousDatabaseRemoteClients ?? []) entries.push(pulumi.output(egress));
    return pulumi.all(entries);
}

/** ADB clients in other regions (not in the access control list of this stack). */
export function remoteAdbClients(plan: TopologyPlan, region: string): string[] {
    const adb = plan.accounts.find((a) => a.autonomousDatabase)?.autonomousDatabase;
    if (!adb) return [];
    return adb.allowedSources.filter((source) => {
        const ip = source.replace(/\/32$/, "");
        const owner = plan.accounts.find((a) => a.vms.some((vm) => vm.privateIp === ip));
        return owner !== undefined && owner.region !== region;
    });
}
