/**
 * Secrets written in plain text into a committed `Pulumi.<stack>.yaml` are refused, with the
 * command that stores them encrypted instead. A value Pulumi encrypted reads `{ secure: … }`;
 * any other value under a secret-like key (the delivery key, passwords, tokens, private keys)
 * is plain text in the repository.
 */
import type { Problem } from "../model/errors";
import { MANUAL_SECRETS_NAMESPACE } from "./manualSecrets";

/**
 * What the offline engine hands the program for a value the stack file holds encrypted (it has
 * no secrets provider): a marker, never the value. Checks of a secret's content skip it.
 */
export const HIDDEN_SECRET_VALUE = "[secret]";

/** Config keys whose values are always secrets (namespace included). */
export const SECRET_CONFIG_KEYS = ["blitzhub-delivery:sshPrivateKey", "blitzhub-edge:privateKey", "blitzhub-offsite:secretKey"] as const;

/** Key names that hold credentials, in any namespace (`blitzhub:adminPassword`, `x:apiToken`). */
const SECRET_LIKE = /(password|passphrase|privatekey|private_key|secret|token|apikey|api_key)$/i;

function isEncrypted(value: unknown): boolean {
    return value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in (value as Record<string, unknown>);
}

/**
 * Problems for every plain-text secret in a stack file's `config:` mapping.
 * @param lineOf line of a config key in the file, when known
 */
export function plaintextSecretProblems(
    config: Record<string, unknown>,
    stackFile: string,
    lineOf: (key: string) => number | undefined = () => undefined,
): Problem[] {
    const stack = /^Pulumi\.(.+)\.yaml$/.exec(stackFile.split("/").pop() ?? "")?.[1];
    const problems: Problem[] = [];
    for (const [key, value] of Object.entries(config)) {
        const name = key.includes(":") ? key.slice(key.indexOf(":") + 1) : key;
        if (!(SECRET_CONFIG_KEYS as readonly string[]).includes(key) && !SECRET_LIKE.test(name) && !key.startsWith(`${MANUAL_SECRETS_NAMESPACE}:`)) continue;
        if (isEncrypted(value) || value === null || value === "") continue;
        const line = lineOf(key);
        problems.push({
            path: `${stackFile}: ${key}`,
            ...(line === undefined ? {} : { line }),
            message:
                `a secret in plain text in a committed file: remove it and store it encrypted with ` +
                `\`pulumi config set --secret ${key}${stack ? ` -s ${stack}` : ""} < <file>\` (the value never appears in the repository, the plan or the logs)`,
        });
    }
    return problems;
}
