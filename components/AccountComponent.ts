/**
 * The common body of every account component: the account's provider (its tenancy), its
 * peering, network, VMs and load balancers. Each typed account (`FrontendAccount`, …) is a
 * thin subclass that names its type token and adds what only its role has.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { WIREGUARD_SERVICE } from "../plan/firewall";
import type { AccountPlan, VmPlan } from "../plan/types";
import type { SshHostKey } from "../render/sshHostKey";
import type { RenderedFile } from "../render/types";
import { wireguardPortOf } from "../render/wireguard";
import { ConfigDelivery } from "./delivery/ConfigDelivery";
import { type AccountContext, accountTags } from "./accountContext";
import { AccountNetwork, targetKey } from "./AccountNetwork";
import { type ImageQuery, availabilityDomainOf, backupPolicyIdsOf, imageOf } from "./accountLookups";
import { BackupBucket, objectStorageNamespaceOf } from "./BackupBucket";
import { FlexibleLoadBalancer } from "./FlexibleLoadBalancer";
import { NetworkLoadBalancer } from "./NetworkLoadBalancer";
import { Peering, type PeeringArgs } from "./Peering";
import { Vm } from "./Vm";

/** Arguments every account component takes. */
export interface AccountArgs {
    /** The account as the plan worked it out. */
    plan: AccountPlan;
    /** The whole private address space, routed to the DRG (`10.0.0.0/16`). */
    addressSpace: string;
    /** Arguments of the account's `oci.Provider` (from its `~/.oci/config` profile). */
    providerArgs: oci.ProviderArgs;
    /** Tenancy OCID from the account's OCI profile. */
    tenancyOcid: string;
    /** Compartment for the resources; the tenancy root when absent. */
    compartmentOcid?: string;
    /** Group of the tenancy allowed to manage DRG attachments and RPCs. */
    networkAdminGroupOcid: string;
    /** The operators' public keys (OCI's launch metadata; the logins come from cloud-init). */
    sshAuthorizedKeys: string[];
    /** OS image lookup; `imageOcids` overrides it per shape. */
    image: ImageQuery;
    imageOcids?: Record<string, string>;
    /** Availability domain override (A1 capacity differs by domain). */
    availabilityDomain?: string;
    /** Pairs this account belongs to (see `Peering`). */
    peering: Omit<PeeringArgs, "ctx" | "networkAdminGroupOcid">;
    /** Spokes: the hub's Admit policy for this account; the attachment waits for it. */
    hubAdmitPolicy?: pulumi.Resource;
    /** Cloud-init document of a VM (bootstrap only) for its SSH host key. */
    cloudInit: (vm: VmPlan, hostKey: SshHostKey) => string;
    /** Object Storage buckets of the role (private, versioned). */
    buckets?: { name: string; purpose: string; versioning: boolean }[];
}

/** How the account's rendered configs reach its VMs (see `ConfigDelivery`). */
export interface DeliverySettings {
    /** Rendered files of the account's VMs (`renderAccount`); one delivery per VM, a command per service. */
    files: RenderedFile[];
    /**
     * Jump host: a management bastion's private IP, reached over its WireGuard tunnel (SSH is
     * never open to the internet). An Output when the bastion is in this stack, so deliveries wait for it.
     */
    bastionHost: pulumi.Input<string>;
    /** The bastion's SSH host public key (pinned by every delivery). */
    bastionHostKey: pulumi.Input<string>;
    /** Private key of the `deploy` account (secret). */
    privateKey: pulumi.Input<string>;
    /** Generated secret values by Vault path. Services needing a `manual` one are not delivered. */
    secrets: Record<string, pulumi.Input<string>>;
}

export abstract class AccountComponent extends pulumi.ComponentResource {
    readonly provider: oci.Provider;
    readonly ctx: AccountContext;
    readonly peering: Peering;
    readonly network: AccountNetwork;
    readonly vms: Record<string, Vm> = {};
    readonly loadBalancer: FlexibleLoadBalancer;
    readonly networkLoadBalancer?: NetworkLoadBalancer;
    readonly buckets: Record<string, BackupBucket> = {};
    /** VM name → the delivery of its rendered configs. */
    readonly deliveries: Record<string, ConfigDelivery> = {};
    /** `<vm>/<service>` groups not delivered: they need a secret an operator sets by hand. */
    readonly deliveriesAwaitingManualSecrets: string[] = [];

    protected constructor(type: string, name: string, args: AccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        const { plan } = args;
        if (name !== plan.name) throw new Error(`account component ${name} given the plan of ${plan.name}`);

        this.provider = new oci.Provider(plan.slug, args.providerArgs, { parent: this });
        this.ctx = {
            plan,
            provider: this.provider,
            tenancyOcid: args.tenancyOcid,
            compartmentId: args.compartmentOcid ?? args.tenancyOcid,
            tags: accountTags(plan),
        };
        const ctx = this.ctx;

        this.peering = new Peering(`${plan.slug}-peering`, {
            ctx,
            networkAdminGroupOcid: args.networkAdminGroupOcid,
            ...args.peering,
        }, { parent: this });

        this.network = new AccountNetwork(`${plan.slug}-network`, {
            ctx,
            addressSpace: args.addressSpace,
            drgId: this.peering.drgId,
            crossTenancyAttachment: args.peering.hub !== undefined,
            attachmentDependsOn: [
                ...(this.peering.endorsePolicy ? [this.peering.endorsePolicy] : []),
                ...(args.hubAdmitPolicy ? [args.hubAdmitPolicy] : []),
            ],
        }, { parent: this });

        const availabilityDomain = availabilityDomainOf(this, ctx, args.availabilityDomain);
        const images = new Map<string, pulumi.Output<string>>();
        const imageFor = (shape: string) => {
            if (!images.has(shape)) images.set(shape, imageOf(this, ctx, shape, args.image, args.imageOcids));
            return images.get(shape)!;
        };
        const needsBackupPolicies = plan.vms.some((vm) => vm.blockVolumes.some((v) => v.backupPolicy !== "none"));
        const backupPolicyIds = needsBackupPolicies ? backupPolicyIdsOf(this, ctx) : pulumi.output({});

        for (const vm of plan.vms) {
            this.vms[vm.name] = new Vm(vm.resourceName, {
                ctx,
                vm,
                subnetId: this.subnetId(vm.subnet),
                nsgId: this.network.nsgs[targetKey({ kind: "vm", vm: vm.name })].id,
                availabilityDomain,
                imageId: imageFor(vm.shape),
                sshAuthorizedKeys: args.sshAuthorizedKeys,
                cloudInit: (hostKey) => args.cloudInit(vm, hostKey),
                backupPolicyIds,
            }, { parent: this });
        }

        this.loadBalancer = new FlexibleLoadBalancer(plan.loadBalancer.resourceName, {
            ctx,
            lb: plan.loadBalancer,
            subnetId: this.subnetId(plan.loadBalancer.subnet),
            nsgId: this.network.nsgs.lb.id,
        }, { parent: this });

        if (plan.networkLoadBalancer) {
            this.networkLoadBalancer = new NetworkLoadBalancer(plan.networkLoadBalancer.resourceName, {
                ctx,
                nlb: plan.networkLoadBalancer,
                subnetId: this.subnetId(plan.networkLoadBalancer.subnet),
                nsgId: this.network.nsgs.nlb.id,
            }, { parent: this });
        }

        if (args.buckets && args.buckets.length > 0) {
            const namespace = objectStorageNamespaceOf(this, ctx);
            for (const bucket of args.buckets) {
                this.buckets[bucket.name] = new BackupBucket(`${plan.slug}-${bucket.name}`, { ctx, ...bucket, namespace }, { parent: this });
            }
        }


    }

    /**
     * One `ConfigDelivery` per VM of the rendered files, with a command per service (children
     * of this account). Called once every account of the stack exists, so deliveries can wait
     * for the management bastion they jump through. A service whose secrets have no value here
     * (set by hand on the host) is left out and listed in `deliveriesAwaitingManualSecrets`.
     */
    addConfigDeliveries(delivery: DeliverySettings): void {
        const byVm = new Map<string, RenderedFile[]>();
        for (const file of delivery.files) {
            if (file.account !== this.ctx.plan.name) throw new Error(`${this.ctx.plan.name}: rendered file of ${file.account} given to it`);
            byVm.set(file.vm, [...(byVm.get(file.vm) ?? []), file]);
        }
        for (const [vmName, files] of byVm) {
            const vm = this.ctx.plan.vms.find((v) => v.name === vmName);
            if (!vm) throw new Error(`${this.ctx.plan.name}: rendered files for unknown VM ${vmName}`);
            const awaiting = new Set(files.filter((f) => f.secretRefs.some((ref) => delivery.secrets[ref] === undefined)).map((f) => f.service));
            for (const service of awaiting) this.deliveriesAwaitingManualSecrets.push(`${vm.name}/${service}`);
            const ready = files.filter((f) => !awaiting.has(f.service));
            if (ready.length === 0) continue;
            const refs = [...new Set(ready.flatMap((f) => f.secretRefs))];
            const instance = this.vms[vm.name].instance;
            this.deliveries[vm.name] = new ConfigDelivery(`${vm.resourceName}-delivery`, {
                files: ready,
                vmResourceName: vm.resourceName,
                // The plan's static IP, carried by the instance's id so the copy waits for the VM.
                host: instance.id.apply(() => vm.privateIp),
                hostKey: this.vms[vm.name].hostPublicKey,
                bastionHost: delivery.bastionHost,
                bastionHostKey: delivery.bastionHostKey,
                privateKey: delivery.privateKey,
                secrets: Object.fromEntries(refs.map((ref) => [ref, delivery.secrets[ref]])),
            }, { parent: this });
        }
    }

    private subnetId(name: string): pulumi.Output<string> {
        const subnet = this.network.subnets[name as keyof typeof this.network.subnets];
        if (!subnet) throw new Error(`${this.ctx.plan.name}: the plan names subnet '${name}' that the account does not have`);
        return subnet.id;
    }

    /**
     * What an operator's WireGuard client needs of each bastion here: `Endpoint` (public IP and
     * port) and the instance whose console history shows the public key it generated at first
     * boot. Undefined when the account runs no WireGuard.
     */
    private wireguardEndpoints(): Record<string, pulumi.Input<unknown>> | undefined {
        const bastions = this.ctx.plan.vms.filter((vm) => vm.services.some((p) => p.service === WIREGUARD_SERVICE));
        if (bastions.length === 0) return undefined;
        return Object.fromEntries(
            bastions.map((vm) => {
                const port = wireguardPortOf(vm.services.find((p) => p.service === WIREGUARD_SERVICE)!, `${this.ctx.plan.name}/${vm.name}`).port;
                const instance = this.vms[vm.name].instance;
                return [vm.name, { endpoint: pulumi.interpolate`${instance.publicIp}:${port}`, instanceId: instance.id, jumpHost: vm.privateIp }];
            }),
        );
    }

    /** Outputs reviewers and the other stacks read (LB addresses, VM IPs, DRG and RPC ids). */
    outputs(): Record<string, pulumi.Input<unknown>> {
        return {
            account: this.ctx.plan.name,
            tenancyOcid: this.ctx.tenancyOcid,
            vcnId: this.network.vcn.id,
            vcnCidr: this.ctx.plan.vcnCidr,
            natEgressIp: this.network.natGateway?.natIp,
            drgId: this.peering.drgId,
            rpcIds: this.peering.rpcIds,
            loadBalancerAddress: this.loadBalancer.ipAddress,
            networkLoadBalancerAddress: this.networkLoadBalancer?.ipAddress,
            vmPrivateIps: Object.fromEntries(Object.entries(this.vms).map(([vm, v]) => [vm, v.privateIp])),
            // known_hosts lines for operators (`<ip> ssh-ed25519 ...`): nobody trusts a first connection.
            sshKnownHosts: Object.fromEntries(Object.entries(this.vms).map(([vm, v]) => [vm, pulumi.interpolate`${v.privateIp} ${v.hostPublicKey}`])),
            wireguardEndpoints: this.wireguardEndpoints(),
            buckets: Object.fromEntries(Object.entries(this.buckets).map(([n, b]) => [n, b.bucket.name])),
        };
    }
}
