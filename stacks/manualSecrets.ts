/**
 * The catalogue's manual secrets (`source: manual`, such as Alertmanager's Slack webhooks): values
 * only an operator has, stored encrypted in the stack file under their own namespace, one key per
 * Vault path without its `secret/` prefix:
 *
 *     pulumi config set --secret 'blitzhub-secrets:alertmanager/slack_critical_url' -s eu < url.txt
 *
 * Config delivery fills the `@@secret:<path>@@` placeholders of a service's files from them; a
 * service whose manual secrets are missing is not delivered (the stack's `delivery` output lists it).
 */
import * as pulumi from "@pulumi/pulumi";
import { UserInputError } from "../model/errors";
import type { Topology } from "../model/schema";
import { catalogueSecrets } from "../plan/secrets";

/** The stack-config namespace of the manual secrets. */
export const MANUAL_SECRETS_NAMESPACE = "blitzhub-secrets";

/** The config key (namespace excluded) of a manual secret's Vault path: `secret/a/b` → `a/b`. */
export function manualSecretKey(path: string): string {
    return path.replace(/^secret\//, "");
}

/**
 * The manual secrets the stack config sets, by Vault path, as secret outputs. A key of the
 * namespace that names no manual secret of the catalogue is refused (a typo would otherwise
 * leave its service undelivered without a word).
 */
export function readManualSecrets(topology: Topology, stackFile: string): Record<string, pulumi.Output<string>> {
    const manual = catalogueSecrets(topology).filter((s) => s.source === "manual").map((s) => s.path);
    const byKey = new Map(manual.map((path) => [manualSecretKey(path), path]));
    const prefix = `${MANUAL_SECRETS_NAMESPACE}:`;
    const set = Object.keys(pulumi.runtime.allConfig()).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    const unknown = set.filter((key) => !byKey.has(key));
    if (unknown.length > 0) {
        throw new UserInputError(unknown.map((key) => ({
            path: `${stackFile}: ${prefix}${key}`,
            message: `no manual secret secret/${key} in the catalogue (it has: ${[...byKey.keys()].join(", ") || "none"})`,
        })));
    }
    const config = new pulumi.Config(MANUAL_SECRETS_NAMESPACE);
    return Object.fromEntries(set.map((key) => [byKey.get(key)!, config.requireSecret(key)]));
}
