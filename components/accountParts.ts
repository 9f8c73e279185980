/**
 * The body of `Account`: argument checks made before any child exists, the children the plan
 * asks for, and the outputs.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { bastionPort, bastionVms } from "../plan/bastions";
import type { RenderedFile } from "../render/types";
import type { Account, AccountArgs, AccountParts, DeliverySettings } from "./Account";
import { type AccountContext, accountTags } from "./accountContext";
import { AccountNetwork, nsgKey } from "./AccountNetwork";
import { availabilityDomainOf, backupPolicyIdsOf, imageOf } from "./accountLookups";
import { AutonomousDatabase } from "./AutonomousDatabase";
import { BackupBucket, objectStorageNamespaceOf } from "./BackupBucket";
import { CustomerManagedKey } from "./CustomerManagedKey";
import { SecurityBaseline } from "./SecurityBaseline";
import { COMPARTMENT_PURPOSE, compartmentName, type Concern, securityBaseline } from "../plan/securityBaseline";
import { ConfigDelivery } from "./delivery/ConfigDelivery";
import { FlexibleLoadBalancer } from "./FlexibleLoadBalancer";
import { NetworkLoadBalancer } from "./NetworkLoadBalancer";
import { Peering } from "./Peering";
import { BastionRoutes } from "./BastionRoutes";
import { SecretVault } from "./SecretVault";
import { Vm } from "./Vm";

/**
 * Everything about the arguments that can be wrong, checked before the account has a child:
 * the plan is this account's, every subnet the plan places something in exists, the parts the
 * plan asks for have their settings, and every rendered file is for one of its VMs.
 */
export function validateAccountArgs(account: pulumi.Resource, name: string, args: AccountArgs): void {
    const { plan } = args;
    const fail = (message: string): never => {
        throw new pulumi.ResourceError(`${name}: ${message}`, account);
    };
    if (name !== plan.name) fail(`given the plan of ${plan.name}`);
    const subnets = new Set<string>(plan.subnets.map((s) => s.name));
    const placed = [
        ...plan.vms.map((vm) => [vm.name, vm.subnet]),
        [plan.loadBalancer.resourceName, plan.loadBalancer.subnet],
        ...(plan.networkLoadBalancer ? [[plan.networkLoadBalancer.resourceName, plan.networkLoadBalancer.subnet]] : []),
    ];
    for (const [what, subnet] of placed) if (!subnets.has(subnet)) fail(`the plan places ${what} in subnet '${subnet}' that the account does not have`);
    if (plan.ociVault && !args.secretVault) fail(`the plan gives it the OCI Vault '${plan.ociVault.name}' but no secrets for it`);
    if (plan.autonomousDatabase && args.autonomousDatabase?.adminPassword === undefined) {
        fail(`no admin password for ${plan.autonomousDatabase.resourceName}`);
    }
    for (const file of args.delivery?.files ?? []) {
        if (file.account !== plan.name) fail(`rendered file ${file.path} of ${file.account} given to it`);
        if (!plan.vms.some((vm) => vm.name === file.vm)) fail(`rendered file ${file.path} for unknown VM ${file.vm}`);
    }
}

/** Creates the account's children, in dependency order, as children of `account`. */
export function buildAccount(account: pulumi.ComponentResource, args: AccountArgs): AccountParts {
    const { plan } = args;
    const parent = { parent: account };
    const provider = new oci.Provider(plan.slug, args.providerArgs, parent);
    const baseline = securityBaseline(plan);
    const parentCompartmentId = args.compartmentOcid ?? args.tenancyOcid;
    const tags = accountTags(plan);
    // One compartment per concern (plan/securityBaseline.ts); deleting the stack leaves them.
    const compartments: Partial<Record<Concern, oci.identity.Compartment>> = {};
    for (const concern of baseline.compartments) {
        compartments[concern] = new oci.identity.Compartment(`${plan.slug}-${concern}-compartment`, {
            compartmentId: parentCompartmentId,
            name: compartmentName(concern),
            description: COMPARTMENT_PURPOSE[concern],
            enableDelete: false,
            freeformTags: tags,
        }, { parent: account, provider, protect: true });
    }
    const ctx: AccountContext = {
        plan,
        provider,
        tenancyOcid: args.tenancyOcid,
        parentCompartmentId,
        compartments: Object.fromEntries(Object.entries(compartments).map(([c, r]) => [c, r.id])),
        tags,
    };

    const peering = new Peering(`${plan.slug}-peering`, { ctx, networkAdminGroupOcid: args.networkAdminGroupOcid, ...args.peering }, parent);
    const network = new AccountNetwork(`${plan.slug}-network`, {
        ctx,
        addressSpace: args.addressSpace,
        tunnelRoutes: args.tunnel?.vcnRoutes ?? [],
        bastionTransit: (args.tunnel?.ingressRoutes ?? []).length > 0,
        drgId: peering.drgId,
        crossTenancyAttachment: args.peering.hub !== undefined,
        attachmentDependsOn: [...(peering.endorsePolicy ? [peering.endorsePolicy] : []), ...(args.hubAdmitPolicy ? [args.hubAdmitPolicy] : [])],
    }, parent);
    const subnetId = (name: string) => network.subnets[name as keyof typeof network.subnets]!.id;

    const availabilityDomain = availabilityDomainOf(account, ctx, args.availabilityDomain);
    const images = new Map<string, pulumi.Output<string>>();
    const imageFor = (shape: string) => {
        if (!images.has(shape)) images.set(shape, imageOf(account, ctx, shape, args.image, args.imageOcids));
        return images.get(shape)!;
    };
    // The account's own OCI Vault, when it has one, also holds the key of its data at rest.
    const secretVault = plan.ociVault && args.secretVault
        ? new SecretVault(`${plan.slug}-${plan.ociVault.name}`, {
              ctx,
              name: plan.ociVault.name,
              purpose: plan.ociVault.purpose,
              secrets: args.secretVault.secrets,
              values: args.secretVault.values,
          }, parent)
        : undefined;
    const key = new CustomerManagedKey(`${plan.slug}-cmk`, { ctx, baseline, existingKey: secretVault?.masterKey }, parent);

    const needsBackupPolicies = plan.vms.some((vm) => vm.blockVolumes.some((v) => v.backupPolicy !== "none"));
    const backupPolicyIds = needsBackupPolicies ? backupPolicyIdsOf(account, ctx) : pulumi.output({});
    const vms: Record<string, Vm> = {};
    for (const vm of plan.vms) {
        vms[vm.name] = new Vm(vm.resourceName, {
            ctx,
            vm,
            subnetId: subnetId(vm.subnet),
            nsgId: network.nsgs[nsgKey({ kind: "vm", vm: vm.name })].id,
            availabilityDomain,
            imageId: imageFor(vm.shape),
            sshAuthorizedKeys: args.sshAuthorizedKeys,
            ...(args.tunnel?.forwardingVms.includes(vm.name) ? { forwardsTunnel: true } : {}),
            cloudInit: (hostKey, internalCaCert) => args.cloudInit(vm, hostKey, internalCaCert),
            internalCaCert: args.internalCaCert,
            backupPolicyIds,
            kmsKeyId: key.keyId,
            keyPolicy: key.servicePolicy,
            vulnerabilityScanning: baseline.vulnerabilityScanning,
        }, parent);
    }

    const tunnel = args.tunnel;
    const bastionRoutes = tunnel && ((tunnel.bastionRoutes ?? []).length > 0 || (tunnel.ingressRoutes ?? []).length > 0)
        ? new BastionRoutes(`${plan.slug}-bastion-routes`, {
              ctx,
              network,
              subnetRoutes: tunnel.bastionRoutes ?? [],
              ingressRoutes: tunnel.ingressRoutes ?? [],
              instances: Object.fromEntries(Object.entries(vms).map(([n, vm]) => [n, vm.instance])),
          }, parent)
        : undefined;

    // Before the load balancer: a backend set that re-encrypts waits for its backends' deliveries.
    const { deliveries, awaiting } = args.delivery ? configDeliveries(account, plan, vms, args.delivery) : { deliveries: {}, awaiting: [] };
    const loadBalancer = new FlexibleLoadBalancer(plan.loadBalancer.resourceName, {
        ctx,
        lb: plan.loadBalancer,
        subnetId: subnetId(plan.loadBalancer.subnet),
        nsgId: network.nsgs.lb.id,
        edgeCertificate: args.edgeCertificate,
        backendCaCertificate: args.backendCaCert,
        deliveries,
    }, parent);
    const nlb = plan.networkLoadBalancer;
    const networkLoadBalancer = nlb
        ? new NetworkLoadBalancer(nlb.resourceName, { ctx, nlb, subnetId: subnetId(nlb.subnet), nsgId: network.nsgs.nlb.id }, parent)
        : undefined;

    const buckets: Record<string, BackupBucket> = {};
    if (plan.buckets.length > 0) {
        const namespace = objectStorageNamespaceOf(account, ctx);
        for (const bucket of plan.buckets) buckets[bucket.name] = new BackupBucket(`${plan.slug}-${bucket.name}`, { ctx, ...bucket, namespace, kmsKeyId: key.keyId, keyPolicy: key.servicePolicy }, parent);
    }

    const adb = plan.autonomousDatabase;
    const autonomousDatabase = adb && args.autonomousDatabase
        ? new AutonomousDatabase(adb.resourceName, {
              ctx,
              adb,
              allowedClients: args.autonomousDatabase.clients,
              adminPassword: args.autonomousDatabase.adminPassword,
          }, parent)
        : undefined;

    const security = new SecurityBaseline(`${plan.slug}-security-baseline`, {
        ctx,
        baseline,
        notifications: args.securityNotifications,
        subnets: Object.fromEntries(Object.entries(network.subnets).map(([n, subnet]) => [n, subnet!])),
        buckets: Object.fromEntries(Object.entries(buckets).map(([n, b]) => [n, b.bucket])),
    }, parent);

    return {
        provider,
        ctx,
        peering,
        network,
        vms,
        loadBalancer,
        networkLoadBalancer,
        buckets,
        secretVault,
        autonomousDatabase,
        compartments,
        key,
        security,
        bastionRoutes,
        deliveries,
        deliveriesAwaitingManualSecrets: awaiting,
    };
}

/**
 * One `ConfigDelivery` per VM of the rendered files, with a command per service. A service
 * whose secrets have no value here (set by hand on the host) is left out and listed as awaiting.
 */
function configDeliveries(
    account: pulumi.Resource,
    plan: AccountParts["ctx"]["plan"],
    vms: Record<string, Vm>,
    delivery: DeliverySettings,
): { deliveries: Record<string, ConfigDelivery>; awaiting: string[] } {
    const byVm = new Map<string, RenderedFile[]>();
    for (const file of delivery.files) byVm.set(file.vm, [...(byVm.get(file.vm) ?? []), file]);
    const deliveries: Record<string, ConfigDelivery> = {};
    const awaiting: string[] = [];
    for (const [vmName, files] of byVm) {
        const vm = plan.vms.find((v) => v.name === vmName)!;
        const waiting = new Set(files.filter((f) => f.secretRefs.some((ref) => delivery.secrets[ref] === undefined)).map((f) => f.service));
        for (const service of waiting) awaiting.push(`${vm.name}/${service}`);
        const ready = files.filter((f) => !waiting.has(f.service));
        if (ready.length === 0) continue;
        const refs = [...new Set(ready.flatMap((f) => f.secretRefs))];
        deliveries[vm.name] = new ConfigDelivery(`${vm.resourceName}-delivery`, {
            files: ready,
            vmResourceName: vm.resourceName,
            // The plan's static IP, carried by the instance's id so the copy waits for the VM.
            host: vms[vm.name].instance.id.apply(() => vm.privateIp),
            hostKey: vms[vm.name].hostPublicKey,
            bastionHost: delivery.bastionHost,
            bastionHostKey: delivery.bastionHostKey,
            privateKey: delivery.privateKey,
            secrets: Object.fromEntries(refs.map((ref) => [ref, delivery.secrets[ref]])),
        }, { parent: account });
    }
    return { deliveries, awaiting };
}

/**
 * What an operator's WireGuard client needs of each bastion of the account: `Endpoint` (public
 * IP and port) and the instance whose console history shows the public key it generated at
 * first boot. Undefined when the account runs no WireGuard.
 */
function wireguardEndpoints(account: Account): Record<string, pulumi.Input<unknown>> | undefined {
    const bastions = bastionVms([account.ctx.plan]);
    if (bastions.length === 0) return undefined;
    return Object.fromEntries(
        bastions.map(({ vm }) => {
            const port = bastionPort(account.ctx.plan, vm);
            const instance = account.vms[vm.name].instance;
            return [vm.name, { endpoint: pulumi.interpolate`${instance.publicIp}:${port}`, instanceId: instance.id, jumpHost: vm.privateIp }];
        }),
    );
}

/**
 * The account's outputs: what reviewers and the other stacks read (LB addresses, VM IPs, DRG
 * and RPC ids) and, `withParts`, the ids of its vault and database.
 */
export function accountOutputs(account: Account, options: { withParts: boolean }): Record<string, pulumi.Input<unknown>> {
    const outputs: Record<string, pulumi.Input<unknown>> = {
        account: account.ctx.plan.name,
        tenancyOcid: account.ctx.tenancyOcid,
        vcnId: account.network.vcn.id,
        vcnCidr: account.ctx.plan.vcnCidr,
        natEgressIp: account.network.natGateway?.natIp,
        drgId: account.peering.drgId,
        rpcIds: account.peering.rpcIds,
        loadBalancerAddress: account.loadBalancer.ipAddress,
        networkLoadBalancerAddress: account.networkLoadBalancer?.ipAddress,
        vmPrivateIps: Object.fromEntries(Object.entries(account.vms).map(([vm, v]) => [vm, v.privateIp])),
        // known_hosts lines for operators (`<ip> ssh-ed25519 ...`): nobody trusts a first connection.
        sshKnownHosts: Object.fromEntries(Object.entries(account.vms).map(([vm, v]) => [vm, pulumi.interpolate`${v.privateIp} ${v.hostPublicKey}`])),
        wireguardEndpoints: wireguardEndpoints(account),
        buckets: Object.fromEntries(Object.entries(account.buckets).map(([n, b]) => [n, b.bucket.name])),
    };
    if (!options.withParts) return outputs;
    return {
        ...outputs,
        ...(account.secretVault
            ? { vaultId: account.secretVault.vault.id, masterKeyId: account.secretVault.masterKey.id, manualSecrets: account.secretVault.manualSecrets }
            : {}),
        ...(account.autonomousDatabase ? { autonomousDatabaseId: account.autonomousDatabase.database.id } : {}),
    };
}
