import type { PolicyResource } from "@pulumi/policy";
import type { BlitzStackPolicy } from "../lib/policy";
import { offlineFacts, SECRET_PLACEHOLDER } from "../lib/offline";
import { whenKnown } from "../lib/unknown";

/** Input names that carry credentials. */
const SENSITIVE = /password|passwd|passphrase|secret|private_?key|token|api_?key|credential|auth_?key/i;
/** Names that only refer to a credential (an id, a name, a path) or describe it. */
const REFERENCE = /(id|ids|ocid|name|names|path|file|type|rules|length|count|url|uri|version|number|enabled|disabled|config|stage)$/i;
/** Leaves of a sensitive object that hold its value (`secretContent.content`). */
const VALUE_LEAF = /^(content|value|data)$/i;

/** Inputs the provider schema marks secret itself: the engine encrypts them whatever the program does. */
const SCHEMA_SECRETS: Record<string, string[]> = {
    "pulumi:providers:oci": ["privateKey", "privateKeyPassword"],
    "command:remote:Command": ["connection"],
    "command:remote:CopyToRemote": ["connection"],
};

/** The Pulumi engine's placeholder for a value not known during preview. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSensitiveKey(key: string): boolean {
    return SENSITIVE.test(key) && !REFERENCE.test(key);
}

/** String leaves under sensitive names: `[path, value]`. */
export function sensitiveLeaves(value: unknown, path: string[] = [], parentSensitive = false): [string[], string][] {
    if (typeof value === "string") {
        const key = path[path.length - 1] ?? "";
        const sensitive = isSensitiveKey(key) || (parentSensitive && VALUE_LEAF.test(key));
        return sensitive ? [[path, value]] : [];
    }
    if (value === null || typeof value !== "object") return [];
    // Values another resource has not produced yet (preview) are not literals: skip them.
    const child = (key: string) => whenKnown(() => (value as Record<string, unknown>)[key], undefined);
    if (Array.isArray(value)) return Object.keys(value).flatMap((i) => sensitiveLeaves(child(i), [...path, i], parentSensitive));
    const sensitiveHere = path.length > 0 && isSensitiveKey(path[path.length - 1]);
    return Object.keys(value).flatMap((k) => sensitiveLeaves(child(k), [...path, k], sensitiveHere));
}

/** True when the input at `path` is a Pulumi secret, as far as this run can tell. */
function isSecretInput(resource: PolicyResource, path: string[], value: string): boolean {
    if (value === SECRET_PLACEHOLDER || value === UNKNOWN || value === "") return true;
    if ((SCHEMA_SECRETS[resource.type] ?? []).includes(path[0])) return true;
    const facts = offlineFacts(resource);
    if (facts) {
        const dotted = path.join(".");
        return facts.secretInputPaths.some((p) => dotted === p || dotted.startsWith(`${p}.`));
    }
    // Under the CLI secrets arrive unwrapped: only a value no other resource produced (a literal
    // typed into the program) is known to be plain.
    return (resource.propertyDependencies?.[path[0]]?.length ?? 0) > 0;
}

/** Mandatory: credentials reach resources only as Pulumi secrets. */
export const plaintextSecrets: BlitzStackPolicy = {
    name: "no-plaintext-secret-inputs",
    description: "Inputs named like credentials (password, secret, privateKey, token...) hold Pulumi secrets, never plain values.",
    enforcementLevel: "mandatory",
    remediationSteps: "Generate the value with @pulumi/random or read it with config.requireSecret, and pass it as pulumi.secret(...).",
    frameworks: { cis: [], checkov: ["CKV_OCI_1"] },
    validateStack: (args, reportViolation) => {
        for (const resource of args.resources) {
            for (const [path, value] of sensitiveLeaves(resource.props)) {
                if (isSecretInput(resource, path, value)) continue;
                reportViolation(`${resource.name} input ${path.join(".")} holds a plain (non-secret) value`, resource.urn);
            }
        }
    },
};
