/**
 * The tenancy's customer-managed key for data at rest (CIS 5.1.2, 5.2.1, 5.2.2): a vault and an
 * HSM-protected AES-256 key in the security compartment — or the key of the account's own OCI
 * Vault when it has one, so a tenancy keeps one vault — and the IAM statements that let Block
 * Volume and Object Storage use that key (and Vulnerability Scanning read the instances).
 *
 * The vault is a DEFAULT (shared) one: Always Free covers it and 20 HSM key versions. Automatic
 * rotation is offered only in virtual private vaults, which are billed (Oracle's "Enabling and
 * Updating Automatic Key Rotation"), so rotation is code: one `oci.kms.KeyVersion` per date of
 * the topology's `keyRotations`, created by the `pulumi up` that first sees the date (CIS 4.16).
 * Versions are protected and retained on delete: OCI's delete schedules a version's destruction,
 * after which what it encrypted cannot be read.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { keyVersionName, serviceStatements, type SecurityBaselinePlan } from "../plan/securityBaseline";
import { type AccountContext, childOptions, compartmentFor } from "./accountContext";

export interface CustomerManagedKeyArgs {
    ctx: AccountContext;
    baseline: SecurityBaselinePlan;
    /** The account's OCI Vault key (`SecretVault.masterKey`) when it has one: used instead of a new vault. */
    existingKey?: oci.kms.Key;
}

export class CustomerManagedKey extends pulumi.ComponentResource {
    readonly vault?: oci.kms.Vault;
    readonly key: oci.kms.Key;
    readonly keyId: pulumi.Output<string>;
    /** The key's rotations by date (`2026-11-30`), oldest first. */
    readonly versions: Record<string, oci.kms.KeyVersion> = {};
    /** The services' statements: a volume or bucket under the key waits for it. */
    readonly servicePolicy: oci.identity.Policy;

    constructor(name: string, args: CustomerManagedKeyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:CustomerManagedKey", name, {}, opts);
        const { ctx } = args;
        const slug = ctx.plan.slug;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);

        if (args.existingKey) {
            this.key = args.existingKey;
        } else {
            this.vault = new oci.kms.Vault(`${slug}-cmk-vault`, {
                compartmentId: compartmentFor(ctx, "vault"),
                displayName: `${slug}-cmk-vault`,
                vaultType: "DEFAULT",
                freeformTags: ctx.tags,
            }, o({ protect: true }));
            this.key = new oci.kms.Key(`${slug}-cmk`, {
                compartmentId: compartmentFor(ctx, "key"),
                displayName: `${slug}-cmk`,
                managementEndpoint: this.vault.managementEndpoint,
                keyShape: { algorithm: "AES", length: 32 },
                protectionMode: "HSM",
                freeformTags: ctx.tags,
            }, o({ protect: true }));
        }
        this.keyId = this.key.id;
        for (const date of args.baseline.keyRotation.rotations) {
            this.versions[date] = new oci.kms.KeyVersion(keyVersionName(name, date), {
                keyId: this.key.id,
                managementEndpoint: this.key.managementEndpoint,
            }, o({ protect: true, retainOnDelete: true }));
        }

        const ids = pulumi.all(ctx.compartments);
        this.servicePolicy = new oci.identity.Policy(`${slug}-service-policy`, {
            compartmentId: ctx.tenancyOcid,
            name: `${slug}-service-policy`,
            description: `${ctx.plan.name}: Block Volume and Object Storage use the tenancy's key; Vulnerability Scanning reads the instances`,
            statements: pulumi.all([ids, this.keyId]).apply(([compartments, keyId]) => serviceStatements(compartments, keyId, ctx.plan.homeRegion, args.baseline)),
            freeformTags: ctx.tags,
        }, o());

        this.registerOutputs({ keyId: this.keyId, vaultId: this.vault?.id });
    }
}
