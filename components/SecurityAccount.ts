import * as pulumi from "@pulumi/pulumi";
import { type AccountArgs, AccountComponent } from "./AccountComponent";
import { type CatalogueSecret, SecretVault } from "./SecretVault";

/** Arguments of a `SecurityAccount`. */
export interface SecurityAccountArgs extends AccountArgs {
    /** OCI Vault of the role, when it declares one. */
    ociVault?: { name: string; purpose: string };
    /** Every secret of the service catalogue. */
    secrets: CatalogueSecret[];
    /** Generated values by Vault path (`CatalogueSecrets.values`). */
    secretValues: Record<string, pulumi.Input<string>>;
}

/**
 * The security tenancy (spec §4): HashiCorp Vault raft (A1 + two micro peers), Wazuh, and
 * the OCI Vault with its master key and the catalogue's secrets.
 */
export class SecurityAccount extends AccountComponent {
    readonly secretVault?: SecretVault;

    constructor(name: string, args: SecurityAccountArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:SecurityAccount", name, args, opts);
        if (args.ociVault) {
            this.secretVault = new SecretVault(`${args.plan.slug}-${args.ociVault.name}`, {
                ctx: this.ctx,
                name: args.ociVault.name,
                purpose: args.ociVault.purpose,
                secrets: args.secrets,
                values: args.secretValues,
            }, { parent: this });
        }
        this.registerOutputs({
            ...this.outputs(),
            vaultId: this.secretVault?.vault.id,
            masterKeyId: this.secretVault?.masterKey.id,
            manualSecrets: this.secretVault?.manualSecrets ?? [],
        });
    }
}
