/**
 * OCI Vault (KMS) with its master key and one secret per generated catalogue secret; the
 * values come from `CatalogueSecrets` and stay secret end to end. `manual` secrets (set by
 * hand after `vault operator init`) are not created here and are listed in the outputs.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { type AccountContext, childOptions, compartmentFor } from "./accountContext";
import type { CatalogueSecret } from "../plan/secrets";
import { secretSlug } from "./CatalogueSecrets";


export interface SecretVaultArgs {
    ctx: AccountContext;
    /** Vault label from the role (`kms`): the vault is `<slug>-<name>-vault`. */
    name: string;
    purpose: string;
    secrets: CatalogueSecret[];
    /** Generated values by Vault path (`CatalogueSecrets.values`). */
    values: Record<string, pulumi.Input<string>>;
}

/** OCI secret name of a Vault path: `secret/redis_password` → `redis_password`. */
export function ociSecretName(path: string): string {
    return path.replace(/^secret\//, "").replace(/\//g, "-");
}

export class SecretVault extends pulumi.ComponentResource {
    readonly vault: oci.kms.Vault;
    readonly masterKey: oci.kms.Key;
    readonly secrets: Record<string, oci.vault.Secret> = {};
    /** Paths an operator sets by hand. */
    readonly manualSecrets: string[];

    constructor(name: string, args: SecretVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:SecretVault", name, {}, opts);
        const { ctx } = args;
        const slug = ctx.plan.slug;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);

        this.vault = new oci.kms.Vault(`${slug}-${args.name}-vault`, {
            compartmentId: compartmentFor(ctx, "vault"),
            displayName: `${slug}-${args.name}-vault`,
            vaultType: "DEFAULT",
            freeformTags: ctx.tags,
        }, o({ protect: true }));

        this.masterKey = new oci.kms.Key(`${slug}-${args.name}-master-key`, {
            compartmentId: compartmentFor(ctx, "key"),
            displayName: `${slug}-${args.name}-master-key`,
            managementEndpoint: this.vault.managementEndpoint,
            keyShape: { algorithm: "AES", length: 32 },
            protectionMode: "HSM",
            freeformTags: ctx.tags,
        }, o({ protect: true }));

        for (const secret of args.secrets.filter((s) => s.source === "random")) {
            const value = args.values[secret.path];
            if (value === undefined) throw new pulumi.ResourceError(`${name}: no generated value for ${secret.path}`, this);
            this.secrets[secret.path] = new oci.vault.Secret(`${slug}-${secretSlug(secret.path)}`, {
                compartmentId: compartmentFor(ctx, "secret"),
                vaultId: this.vault.id,
                keyId: this.masterKey.id,
                secretName: ociSecretName(secret.path),
                description: (secret.description ?? `${secret.path} (used by ${secret.usedBy.join(", ")})`).slice(0, 400),
                secretContent: {
                    contentType: "BASE64",
                    content: pulumi.secret(pulumi.output(value).apply((v) => Buffer.from(v, "utf8").toString("base64"))),
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
