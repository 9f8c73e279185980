/**
 * Serialized properties (what the program sent the engine) → what the plan shows: secrets as
 * `"[secret]"` with their paths recorded, resource references as URNs, assets and archives as
 * short markers, unknowns as `"[unknown]"`; and → what another stack's `StackReference` reads.
 * The markers are the SDK's own exported signatures.
 */
import * as pulumi from "@pulumi/pulumi";
import type { PlannedResource } from "../stacks/planned";
import type { Registration } from "./sdkAdapter";

const { specialSigKey, specialSecretSig, specialResourceSig, specialAssetSig, specialArchiveSig, unknownValue } = pulumi.runtime;

/** Secret sentinel `{sig: secret, value}` → the value; anything else unchanged. */
export function unwrapSecret(value: unknown): unknown {
    if (isSecret(value)) return (value as Record<string, unknown>).value;
    return value;
}

/** Whether `value` is a serialized secret. */
export function isSecret(value: unknown): boolean {
    return value !== null && typeof value === "object" && (value as Record<string, unknown>)[specialSigKey] === specialSecretSig;
}

/** `value` as a serialized secret. */
export function asSecret(value: unknown): Record<string, unknown> {
    return { [specialSigKey]: specialSecretSig, value };
}

/**
 * Serialized properties → plain values: secrets become `"[secret]"` (their paths recorded),
 * resource references their URN, assets/archives a short marker.
 */
export function plainInputs(value: unknown, at: string, secrets: string[]): unknown {
    if (value === unknownValue) return "[unknown]";
    if (Array.isArray(value)) return value.map((item, i) => plainInputs(item, `${at}[${i}]`, secrets));
    if (value === null || typeof value !== "object") return value;
    const obj = value as Record<string, any>;
    const sig = obj[specialSigKey];
    if (sig === specialSecretSig) {
        secrets.push(at);
        return "[secret]";
    }
    if (sig === specialResourceSig) return obj.urn;
    if (sig === specialAssetSig) return `[asset ${String(obj.path ?? obj.uri ?? "text")}]`;
    if (sig === specialArchiveSig) return `[archive ${String(obj.path ?? obj.uri ?? "assets")}]`;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(obj)) out[key] = plainInputs(item, at ? `${at}.${key}` : key, secrets);
    return out;
}

/** Serialized properties → values for another stack (secrets unwrapped, as a StackReference reads them). */
export function rawValues(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(rawValues);
    if (value === null || typeof value !== "object") return value;
    const obj = value as Record<string, unknown>;
    if (obj[specialSigKey] === specialSecretSig) return rawValues(obj.value);
    if (obj[specialSigKey] === specialResourceSig) return obj.urn;
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, rawValues(v)]));
}

/** Registrations → planned resources with account, parent and provider URNs resolved. */
export function toPlanned(registrations: Registration[]): PlannedResource[] {
    const byUrn = new Map(registrations.map((r) => [r.urn, r]));
    const accountOf = (reg: Registration | undefined): string | null => {
        for (let at = reg; at !== undefined; at = at.parent ? byUrn.get(at.parent) : undefined) {
            if (!at.custom && at.type.endsWith("Account")) return at.name;
        }
        return null;
    };
    return registrations.map((reg) => {
        const secretInputPaths: string[] = [];
        const inputs = (plainInputs(reg.object ?? {}, "", secretInputPaths) ?? {}) as Record<string, unknown>;
        return {
            urn: reg.urn,
            type: reg.type,
            name: reg.name,
            account: accountOf(reg),
            parent: reg.parent || null,
            inputs,
            provider: reg.providerRef ? reg.providerRef.slice(0, reg.providerRef.lastIndexOf("::")) : null,
            protect: reg.protect,
            retainOnDelete: reg.retainOnDelete,
            ignoreChanges: reg.ignoreChanges,
            dependsOn: reg.dependencies,
            propertyDependencies: reg.propertyDependencies,
            custom: reg.custom,
            secretInputPaths,
        };
    });
}
