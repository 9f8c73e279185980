/**
 * OCI Vault with its master key and one secret per catalogue secret. `random` secrets get
 * their value from `@pulumi/random` (secret end to end); `manual` ones (set by hand after
 * `vault operator init`) are not created here and are listed in the outputs.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type AccountContext, childOptions } from "./accountContext";

/** A catalogue secret (`secret/redis_password`). */
export interface CatalogueSecret {
    path: string;
    source: "random" | "manual";
    length: number;
    description?: string;
    /** Services that use it. */
    usedBy: string[];
}

export interface SecretVaultArgs {
    ctx: AccountContext;
    /** Vault label from the role (`blitzhub-vault`). */
    name: string;
    purpose: string;
    secrets: CatalogueSecret[];
}

/** OCI secret name of a Vault path: `secret/redis_password` → `redis_password`. */
export function ociSecretName(path: string): string {
    return path.replace(/^secret\//, "").replace(/\//g, "-");
}

export class SecretVault extends pulumi.ComponentResource {
    readonly vault: oci.kms.Vault;
    readonly masterKey: oci.kms.Key;
    readonly secrets: Record<string, oci.vault.Secret> = {};
    /** Secret values by Vault path (random ones only), for config delivery. */
    readonly values: Record<string, pulumi.Output<string>> = {};
    /** Paths an operator sets by hand. */
    readonly manualSecrets: string[];

    constructor(name: string, args: SecretVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:SecretVault", name, {}, opts);
        const { ctx } = args;
        const slug = ctx.plan.slug;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);

        // `-kms`: a VM of the security role may well be called `vault` too.
        this.vault = new oci.kms.Vault(`${slug}-${args.name}-kms`, {
            compartmentId: ctx.compartmentId,
            displayName: `${slug}-${args.name}-kms`,
            vaultType: "DEFAULT",
            freeformTags: ctx.tags,
        }, o({ protect: true }));

        this.masterKey = new oci.kms.Key(`${slug}-master-key`, {
            compartmentId: ctx.compartmentId,
            displayName: `${slug}-master-key`,
            managementEndpoint: this.vault.managementEndpoint,
            keyShape: { algorithm: "AES", length: 32 },
            protectionMode: "HSM",
            freeformTags: ctx.tags,
        }, o({ protect: true }));

        for (const secret of args.secrets.filter((s) => s.source === "random")) {
            const secretName = ociSecretName(secret.path);
            const resourceName = `${slug}-${secretName.replace(/_/g, "-")}`;
            const value = new random.RandomPassword(`${resourceName}-value`, {
                length: secret.length,
                special: false,
                minUpper: 2,
                minLower: 2,
                minNumeric: 2,
            }, { parent: this });
            this.values[secret.path] = pulumi.secret(value.result);
            this.secrets[secret.path] = new oci.vault.Secret(resourceName, {
                compartmentId: ctx.compartmentId,
                vaultId: this.vault.id,
                keyId: this.masterKey.id,
                secretName,
                description: (secret.description ?? `${secret.path} (used by ${secret.usedBy.join(", ")})`).slice(0, 400),
                secretContent: {
                    contentType: "BASE64",
                    content: pulumi.secret(value.result.apply((v) => Buffer.from(v, "utf8").toString("base64"))),
                },
                freeformTags: ctx.tags,
            }, o());
        }
        this.manualSecrets = args.secrets.filter((s) => s.source === "manual").map((s) => s.path);

        this.registerOutputs({
            vaultId: this.vault.id,
            masterKeyId: this.masterKey.id,
            secretIds: Object.fromEntries(Object.entries(this.secrets).map(([p, s]) => [p, s.id])),
            manualSecrets: this.manualSecrets,
        });
    }
}
