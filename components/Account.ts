/**
 * One tenancy of the topology as one component: its provider, peering, network, VMs, load
 * balancers, buckets, and — when its plan has them — the OCI Vault and the Autonomous Database,
 * then the config deliveries of its VMs. The role only names the type token
 * (`blitzhub:<role>:<Role>Account`), so the URNs of every account and child stay what the
 * per-role classes gave them.
 */
import type { EdgeCertificate } from "./FlexibleLoadBalancer";
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { RoleName } from "../model/schema";
import type { AccountPlan, VmPlan } from "../plan/types";
import type { SshHostKey } from "../render/sshHostKey";
import type { RenderedFile } from "../render/types";
import type { AccountContext } from "./accountContext";
import type { AccountNetwork } from "./AccountNetwork";
import type { ImageQuery } from "./accountLookups";
import type { AutonomousDatabase } from "./AutonomousDatabase";
import type { BackupBucket } from "./BackupBucket";
import type { CatalogueSecret } from "../plan/secrets";
import type { ConfigDelivery } from "./delivery/ConfigDelivery";
import type { FlexibleLoadBalancer } from "./FlexibleLoadBalancer";
import type { NetworkLoadBalancer } from "./NetworkLoadBalancer";
import type { Peering, PeeringArgs } from "./Peering";
import type { BastionRoutes } from "./BastionRoutes";
import type { SecretVault } from "./SecretVault";
import type { CustomerManagedKey } from "./CustomerManagedKey";
import type { SecurityBaseline, SecurityNotifications } from "./SecurityBaseline";
import type { Concern } from "../plan/securityBaseline";
import type { Vm } from "./Vm";
import type { TunnelRoute } from "../plan/tunnelRoutes";
import { accountOutputs, buildAccount, validateAccountArgs } from "./accountParts";

/** Arguments of an `Account`. */
export interface AccountArgs {
    /** The account as the plan worked it out (its role, VMs, vault, database, buckets). */
    plan: AccountPlan;
    /** The whole private address space, routed to the DRG (`10.0.0.0/16`). */
    addressSpace: string;
    /**
     * The operators' tunnel addresses (plan/tunnelRoutes.ts): the VCN's routes toward the DRG, the
     * VMs (bastions) whose VNIC forwards traffic it is not the source or destination of, and in the
     * bastions' VCN the routes to the bastions (subnets, and the DRG attachment's ingress table).
     */
    tunnel?: { vcnRoutes: TunnelRoute[]; forwardingVms: string[]; bastionRoutes?: TunnelRoute[]; ingressRoutes?: TunnelRoute[] };
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
    /** Image OCID per shape, overriding the lookup. */
    imageOcids?: Record<string, string>;
    /** Availability domain override (A1 capacity differs by domain). */
    availabilityDomain?: string;
    /** Pairs this account belongs to (see `Peering`). */
    peering: Omit<PeeringArgs, "ctx" | "networkAdminGroupOcid">;
    /** Spokes: the hub's Admit policy for this account; the attachment waits for it. */
    hubAdmitPolicy?: pulumi.Resource;
    /** Cloud-init document of a VM (bootstrap only) for its SSH host key. */
    cloudInit: (vm: VmPlan, hostKey: SshHostKey, internalCaCert?: string) => string;
    /** The deployment's internal CA certificate (PEM), trusted by every VM from first boot. */
    internalCaCert?: pulumi.Input<string>;
    /** The public certificate of the stack's HTTPS listeners (required when the plan's LB has one). */
    edgeCertificate?: EdgeCertificate;
    /** The backend CA certificate (PEM, render/backendPki.ts): required when a backend set re-encrypts. */
    backendCaCert?: pulumi.Input<string>;
    /** Required when the plan gives the account an OCI Vault: what it stores. */
    secretVault?: SecretVaultSettings;
    /** Required when the plan gives the account an Autonomous Database. */
    autonomousDatabase?: AutonomousDatabaseSettings;
    /** How the rendered configs reach the VMs; absent when the stack has no delivery key. */
    delivery?: DeliverySettings;
    /** Where the tenancy's security notifications and budget alerts go (stack config). */
    securityNotifications: SecurityNotifications;
}

/** What the account's OCI Vault stores. */
export interface SecretVaultSettings {
    /** Every secret of the service catalogue. */
    secrets: CatalogueSecret[];
    /** Generated values by Vault path (`CatalogueSecrets.values`). */
    values: Record<string, pulumi.Input<string>>;
}

/** Who the account's Autonomous Database admits, and its ADMIN password. */
export interface AutonomousDatabaseSettings {
    /**
     * Access control list: `<vcn ocid>;<ip>` for clients in this region, NAT egress IPs for
     * clients elsewhere.
     */
    clients: pulumi.Input<pulumi.Input<string>[]>;
    /** ADMIN password (a generated catalogue secret). */
    adminPassword: pulumi.Input<string>;
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

/** `frontend` → `blitzhub:frontend:FrontendAccount`: the type token of an account of that role. */
export function accountTypeToken(role: RoleName): string {
    return `blitzhub:${role}:${role.charAt(0).toUpperCase()}${role.slice(1)}Account`;
}

/** Everything an account is made of; the optional parts exist when its plan has them. */
export interface AccountParts {
    provider: oci.Provider;
    ctx: AccountContext;
    peering: Peering;
    network: AccountNetwork;
    vms: Record<string, Vm>;
    loadBalancer: FlexibleLoadBalancer;
    networkLoadBalancer?: NetworkLoadBalancer;
    buckets: Record<string, BackupBucket>;
    secretVault?: SecretVault;
    autonomousDatabase?: AutonomousDatabase;
    /** The tenancy's compartments by concern. */
    compartments: Partial<Record<Concern, oci.identity.Compartment>>;
    /** The customer-managed key of its volumes and buckets. */
    key: CustomerManagedKey;
    /** Detective controls, identities, paid-only controls. */
    security: SecurityBaseline;
    /** The bastions' VCN: its routes to the bastions' private IPs. */
    bastionRoutes?: BastionRoutes;
    /** VM name → the delivery of its rendered configs. */
    deliveries: Record<string, ConfigDelivery>;
    /** `<vm>/<service>` groups not delivered: they need a secret an operator sets by hand. */
    deliveriesAwaitingManualSecrets: string[];
}

export class Account extends pulumi.ComponentResource implements AccountParts {
    readonly provider!: oci.Provider;
    readonly ctx!: AccountContext;
    readonly peering!: Peering;
    readonly network!: AccountNetwork;
    readonly vms!: Record<string, Vm>;
    readonly loadBalancer!: FlexibleLoadBalancer;
    readonly networkLoadBalancer?: NetworkLoadBalancer;
    readonly buckets!: Record<string, BackupBucket>;
    readonly secretVault?: SecretVault;
    readonly autonomousDatabase?: AutonomousDatabase;
    readonly compartments!: Partial<Record<Concern, oci.identity.Compartment>>;
    readonly key!: CustomerManagedKey;
    readonly security!: SecurityBaseline;
    readonly deliveries!: Record<string, ConfigDelivery>;
    readonly deliveriesAwaitingManualSecrets!: string[];
    readonly bastionRoutes?: BastionRoutes;

    constructor(name: string, args: AccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super(accountTypeToken(args.plan.role), name, {}, opts);
        validateAccountArgs(this, name, args);
        Object.assign(this, buildAccount(this, args));
        this.registerOutputs(accountOutputs(this, { withParts: true }));
    }

    /** Outputs reviewers and the other stacks read (LB addresses, VM IPs, DRG and RPC ids). */
    outputs(): Record<string, pulumi.Input<unknown>> {
        return accountOutputs(this, { withParts: false });
    }
}
