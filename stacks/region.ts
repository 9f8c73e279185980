/**
 * One region stack: the account components of the region, hub first so that spokes attach to
 * its DRG, the data account last so its database admits the other accounts' VCNs. Everything
 * here is already validated (`stacks/program.ts`): no user mistake can surface mid-way.
 */
import { tunnelRouting } from "../plan/tunnelRoutes";
import * as pulumi from "@pulumi/pulumi";
import type { Topology } from "../model/schema";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import type { SshHostKey } from "../render/sshHostKey";
import type { RenderedFile } from "../render/types";
import { Account, type AccountArgs, type DeliverySettings } from "../components/Account";
import { TunnelDrgRoutes } from "../components/TunnelDrgRoutes";
import type { RemoteHub } from "../components/Peering";
import { CatalogueSecrets } from "../components/CatalogueSecrets";
import { InternalPki } from "../components/InternalPki";
import type { EdgeCertificate } from "../components/FlexibleLoadBalancer";
import { adbClients } from "../plan/autonomousDatabase";
import { deliveryBastion } from "../plan/bastions";
import { adbAdminSecretPath, catalogueSecrets } from "../plan/secrets";
import { BACKUP_WRITER_SEED, backupWriters, deriveBackupWriterKey, MINIO_METRICS_KEY_SECRET, MINIO_METRICS_TOKEN_SECRET, MINIO_METRICS_USER, minioMetricsToken } from "../render/backupCredentials";
import { OFFSITE_SECRET } from "../render/minio";
import type { ImageQuery } from "../components/accountLookups";

/** What the region needs of each of its accounts, from stack config and OCI profiles. */
export interface AccountSettings {
    providerArgs: AccountArgs["providerArgs"];
    tenancyOcid: string;
    compartmentOcid?: string;
    networkAdminGroupOcid: string;
    availabilityDomain?: string;
    imageOcids?: Record<string, string>;
    /** Where the tenancy's security notifications and budget alerts go. */
    securityNotifications: AccountArgs["securityNotifications"];
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
    /** Cloud-init of a VM (bootstrap only) for its SSH host key and the internal CA it trusts. */
    cloudInit: (account: AccountPlan, vm: VmPlan, hostKey: SshHostKey, internalCaCert?: string) => string;
    /** eu: the other regions' hubs (acceptor RPCs + Admit statements). */
    remoteHubs: RemoteHub[];
    /** Other regions: the EU hub, read from the eu stack. */
    globalHub?: pulumi.Output<GlobalHubOutputs>;
    /**
     * Other regions: the generated secret values, read from the eu stack (a secret output).
     * The eu stack generates them itself (`CatalogueSecrets`).
     */
    sharedSecretValues?: pulumi.Output<Record<string, string>>;
    /** The public certificate of the stack's HTTPS listeners (stack config `blitzhub-edge:*`). */
    edgeCertificate?: EdgeCertificate;
    /** Other regions: the seed of the deployment's internal CA, read from the eu stack (a secret output). */
    sharedInternalCaSeed?: pulumi.Output<string>;
    /** Other regions: the delivery bastion's SSH host public key, read from the eu stack. */
    deliveryBastionHostKey?: pulumi.Output<string>;
    /**
     * Config delivery: rendered files per account and the `deploy` private key. Absent when the
     * stack has no delivery key configured (then nothing is delivered and the outputs say so).
     */
    delivery?: { files: Record<string, RenderedFile[]>; privateKey: pulumi.Input<string> };
    /** Egress addresses of the Autonomous Database's clients in other regions (stack config). */
    autonomousDatabaseRemoteClients?: string[];
    /** The offsite copy's OCI customer secret key (stack config `blitzhub-offsite:secretKey`). */
    offsiteSecretKey?: pulumi.Input<string>;
    /** Secrets of the stack config the delivered files name by path (operators' sudo password hashes). */
    configSecrets?: Record<string, pulumi.Output<string>>;
}

/** Account components of the region, by account name, and the stack outputs. */
export function deployRegion(args: RegionArgs): {
    components: Record<string, Account>;
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
        ? { ...generated.values }
        : Object.fromEntries(
              secrets
                  .filter((s) => s.source === "random")
                  .map((s) => [s.path, pulumi.secret(args.sharedSecretValues!.apply((values) => {
                      const value = values?.[s.path];
                      if (value === undefined) throw new Error(`the eu stack exports no value for ${s.path}`);
                      return value;
                  }))]),
          );

    // Each backup source's own write-only key, derived from the shared seed: every region's
    // stack computes the same value, and the seed itself is delivered to no host.
    const seed = secretValues[BACKUP_WRITER_SEED];
    if (seed) {
        for (const writer of backupWriters(plan)) {
            secretValues[writer.secretPath] = pulumi.secret(seed.apply((value) => deriveBackupWriterKey(value, writer.user)));
        }
        // MinIO's metrics user and the token Prometheus scrapes with, from the same seed.
        const metricsKey = seed.apply((value) => deriveBackupWriterKey(value, MINIO_METRICS_USER));
        secretValues[MINIO_METRICS_KEY_SECRET] = pulumi.secret(metricsKey);
        secretValues[MINIO_METRICS_TOKEN_SECRET] = pulumi.secret(metricsKey.apply((key) => minioMetricsToken(key)));
    }
    if (args.offsiteSecretKey !== undefined) secretValues[OFFSITE_SECRET] = pulumi.secret(args.offsiteSecretKey);
    // One private CA per deployment: the eu stack makes its seed, the others derive the same CA.
    const pki = new InternalPki("internal-pki", { plan, sharedSeed: args.sharedInternalCaSeed });
    const pkiRefs = Object.values(args.delivery?.files ?? {}).flat().flatMap((f) => f.secretRefs);
    const delivery = deliverySettings(args, { ...secretValues, ...pki.values(pkiRefs), ...args.configSecrets });
    const tunnel = tunnelRouting(plan);
    const components: Record<string, Account> = {};
    for (const account of ordered) {
        const own = settings(account.name);
        const isHub = account === hub;
        const hubComponent = isHub ? undefined : components[hub.name];
        const adb = account.autonomousDatabase;
        components[account.name] = new Account(account.name, {
            plan: account,
            addressSpace: plan.addressSpace,
            tunnel: {
                // The routes toward the DRG go into the subnets' creation tables; the ones to a bastion
                // need the bastion first (components/BastionRoutes.ts).
                vcnRoutes: tunnel.vcn[account.name].filter((r) => r.nextHop.kind === "drg"),
                bastionRoutes: tunnel.vcn[account.name].filter((r) => r.nextHop.kind === "bastion"),
                ingressRoutes: tunnel.attachmentIngress[account.name] ?? [],
                forwardingVms: tunnel.skipSourceDestCheck.filter((b) => b.account === account.name).map((b) => b.vm),
            },
            providerArgs: own.providerArgs,
            tenancyOcid: own.tenancyOcid,
            compartmentOcid: own.compartmentOcid,
            networkAdminGroupOcid: own.networkAdminGroupOcid,
            securityNotifications: own.securityNotifications,
            sshAuthorizedKeys: args.sshAuthorizedKeys,
            image: args.image,
            imageOcids: own.imageOcids,
            availabilityDomain: own.availabilityDomain,
            cloudInit: (vm, hostKey, internalCaCert) => args.cloudInit(account, vm, hostKey, internalCaCert),
            internalCaCert: pki.caCert,
            edgeCertificate: args.edgeCertificate,
            backendCaCert: pki.backendCaCert,
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
            ...(account.ociVault ? { secretVault: { secrets, values: secretValues } } : {}),
            ...(adb
                ? {
                      autonomousDatabase: {
                          clients: adbClientEntries(args, components),
                          adminPassword: secretValues[adbAdminSecretPath(topology, adb.service) ?? ""],
                      },
                  }
                : {}),
            ...(delivery ? { delivery: { ...delivery.settings, files: delivery.files[account.name] ?? [] } } : {}),
        });
        delivery?.built(account.name, components[account.name]);
    }
    // The hub DRG's static routes to the operators' tunnel /24s: they name attachments of other
    // accounts (the bastions' VCN) and the hub's peerings, so they wait for every account of the region.
    const hubRoutes = tunnel.drg[hub.name];
    const hubComponent = components[hub.name];
    if (hubRoutes && hubRoutes.vcnAttachments.length + hubRoutes.remotePeerings.length > 0) {
        if (!hubComponent.peering.drg) throw new Error(`region ${args.region}: hub ${hub.name} has no DRG of its own`);
        new TunnelDrgRoutes(`${hub.slug}-tunnel-drg-routes`, {
            ctx: hubComponent.ctx,
            drg: hubComponent.peering.drg,
            routes: hubRoutes,
            vcnAttachmentIds: Object.fromEntries(accounts.map((a) => [a.name, components[a.name].network.drgAttachment.id])),
            rpcIds: hubComponent.peering.rpcIds,
        }, { parent: hubComponent });
    }
    const deliveryStatus = delivery ? delivery.status(components) : { enabled: false, reason: NO_DELIVERY_KEY };

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
    // Public: what a client outside the VMs (an operator's vault CLI) trusts. In an object, so
    // `pulumi stack output` prints the PEM on one line (JSON) instead of breaking its table.
    outputs.internalCa = { certificatePem: pki.caCert };
    if (pki.generatedSeed) outputs.internalCaSeed = pki.generatedSeed;
    if (generated) {
        outputs.secretValues = pulumi.secret(generated.values);
        outputs.manualSecrets = generated.manual;
    }
    return { components, outputs, secretValues };
}

const NO_DELIVERY_KEY = "no delivery key: set the secret config blitzhub-delivery:sshPrivateKey (private key of the deploy account)";

/**
 * What every account's deliveries share, with the jump host: the bastion's IP, carried by its
 * instance's id when the bastion is in this stack so that deliveries wait for it. The accounts
 * are built one after the other and the bastion's is not the first, so its host is a deferred
 * output, resolved once its account exists (`built`).
 */
function deliverySettings(args: RegionArgs, secretValues: Record<string, pulumi.Output<string>>) {
    if (!args.delivery) return undefined;
    const { files, privateKey } = args.delivery;
    const bastion = deliveryBastion(args.plan);
    if (!bastion) throw new Error("config delivery needs a management bastion (a management VM running wireguard)");
    const inStack = args.plan.accounts.some((a) => a.name === bastion.account && a.region === args.region);
    const [deferredHost, resolveHost] = pulumi.deferredOutput<string>();
    const [deferredHostKey, resolveHostKey] = pulumi.deferredOutput<string>();
    if (!inStack && !args.deliveryBastionHostKey) {
        throw new Error(`config delivery jumps through ${bastion.account}/${bastion.vm}, whose host key this stack does not know (the eu stack's deliveryBastionHostKey output)`);
    }
    const settings: Omit<DeliverySettings, "files"> = {
        bastionHost: inStack ? deferredHost : bastion.ip,
        bastionHostKey: inStack ? deferredHostKey : args.deliveryBastionHostKey!,
        privateKey,
        secrets: secretValues,
    };
    return {
        files,
        settings,
        built(name: string, account: Account): void {
            if (inStack && name === bastion.account) {
                resolveHost(account.vms[bastion.vm].instance.id.apply(() => bastion.ip));
                resolveHostKey(account.vms[bastion.vm].hostPublicKey);
            }
        },
        /** What was (not) delivered. */
        status(components: Record<string, Account>): Record<string, unknown> {
            const awaiting: Record<string, string[]> = {};
            let count = 0;
            for (const [name, component] of Object.entries(components)) {
                for (const vmDelivery of Object.values(component.deliveries)) count += Object.keys(vmDelivery.services).length;
                if (component.deliveriesAwaitingManualSecrets.length > 0) awaiting[name] = component.deliveriesAwaitingManualSecrets;
            }
            return { enabled: true, jumpHost: `${bastion.account}/${bastion.vm} (${bastion.ip}, over WireGuard)`, deliveries: count, awaitingManualSecrets: awaiting };
        },
    };
}

/**
 * ADB access control entries: each allowed client IP as `<vcn ocid>;<ip>` of its account's VCN
 * (same region: the clients reach the ADB through their service gateway), then the egress
 * addresses of the clients in other regions from stack config (`remoteAdbClients` names them).
 */
function adbClientEntries(args: RegionArgs, built: Record<string, Account>): pulumi.Output<string[]> {
    const entries: pulumi.Output<string>[] = [];
    for (const client of adbClients(args.plan)) {
        const component = client.account ? built[client.account.name] : undefined;
        if (component) entries.push(pulumi.interpolate`${component.network.vcn.id};${client.ip}`);
    }
    for (const egress of args.autonomousDatabaseRemoteClients ?? []) entries.push(pulumi.output(egress));
    return pulumi.all(entries);
}
