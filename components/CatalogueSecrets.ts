/**
 * The values of the catalogue's `random` secrets, generated once per deployment (eu stack) by
 * `@pulumi/random` and kept as Pulumi secrets end to end. They belong to no tenancy: the OCI
 * Vault of EU-SEC-01 stores them, the Autonomous Database takes its admin password from here,
 * and config delivery injects them on the hosts.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { CatalogueSecret } from "../plan/secrets";

export interface CatalogueSecretsArgs {
    secrets: CatalogueSecret[];
}

/** Resource-name form of a Vault path: `secret/fastify/adb` → `fastify-adb`. */
export function secretSlug(path: string): string {
    return path.replace(/^secret\//, "").replace(/[/_]/g, "-");
}

export class CatalogueSecrets extends pulumi.ComponentResource {
    /** Secret values by Vault path (random ones only). */
    readonly values: Record<string, pulumi.Output<string>> = {};
    /** Paths an operator sets by hand (after `vault operator init`, the Solana keypair...). */
    readonly manual: string[];

    constructor(name: string, args: CatalogueSecretsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:security:CatalogueSecrets", name, {}, opts);
        for (const secret of args.secrets.filter((s) => s.source === "random")) {
            // Letters and digits only: values end up in URLs, INI and YAML files unquoted.
            const value = new random.RandomPassword(`secret-${secretSlug(secret.path)}`, {
                length: Math.min(secret.length, secret.maxLength ?? secret.length),
                special: false,
                minUpper: 2,
                minLower: 2,
                minNumeric: 2,
            }, { parent: this });
            this.values[secret.path] = pulumi.secret(value.result);
        }
        this.manual = args.secrets.filter((s) => s.source === "manual").map((s) => s.path);
        this.registerOutputs({ paths: Object.keys(this.values), manual: this.manual });
    }
}
