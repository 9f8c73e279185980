/**
 * The replacement table (`data/replacement-fields.yaml`): per resource type, the input fields
 * whose change makes the provider replace the resource, as read from each provider's schema.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { PROJECT_ROOT } from "../../model/projectRoot";

export const REPLACEMENT_TABLE_FILE = resolve(PROJECT_ROOT, "data", "replacement-fields.yaml");

const Entry = z.strictObject({
    provider: z.string(),
    /** The provider's own name of the resource (`oci_core_instance`). */
    resource: z.string(),
    /** Source file the fields were read from, inside the provider's repository. */
    file: z.string(),
    /** Attributes whose change forces a new resource (Terraform names, dotted when nested). */
    forceNew: z.array(z.string()),
    /** Attributes a CustomizeDiff forces new when their value changes. */
    forceNewIfChanged: z.array(z.string()).default([]),
});

const Table = z.strictObject({
    sources: z.record(z.string(), z.strictObject({ package: z.string(), upstream: z.string(), version: z.string(), commit: z.string() })),
    types: z.record(z.string(), Entry),
});
export type ReplacementTable = z.infer<typeof Table>;
export type ReplacementEntry = z.infer<typeof Entry>;

let cached: ReplacementTable | undefined;

/** The checked-in table (read once). */
export function loadReplacementTable(file = REPLACEMENT_TABLE_FILE): ReplacementTable {
    if (file === REPLACEMENT_TABLE_FILE && cached) return cached;
    const table = Table.parse(parse(readFileSync(file, "utf8")));
    if (file === REPLACEMENT_TABLE_FILE) cached = table;
    for (const [type, entry] of Object.entries(table.types)) {
        if (!(entry.provider in table.sources)) throw new Error(`${file}: types.${type}.provider: no source "${entry.provider}"`);
    }
    return table;
}

/** One path segment in a form both naming schemes share: `create_vnic_details` ≡ `createVnicDetails`, `plugins_config` ≡ `pluginsConfigs`. */
function normalSegment(segment: string): string {
    return segment.replace(/_/g, "").toLowerCase().replace(/s$/, "");
}

/** `createVnicDetails.nsgIds[0]` → `["createvnicdetail", "nsgid"]` (indices dropped). */
export function normalPath(path: string): string[] {
    return path
        .replace(/\[\d+\]/g, "")
        .split(".")
        .filter((s) => s !== "")
        .map(normalSegment);
}

function isPrefix(prefix: string[], of: string[]): boolean {
    return prefix.length <= of.length && prefix.every((s, i) => s === of[i]);
}

/**
 * The replacement fields (as the table names them) that a change at `changedPath` touches:
 * the changed path lies inside a ForceNew attribute, or a ForceNew attribute lies inside it.
 */
export function replacementFieldsFor(entry: ReplacementEntry, changedPath: string): string[] {
    const changed = normalPath(changedPath);
    return [...entry.forceNew, ...entry.forceNewIfChanged].filter((field) => {
        const f = normalPath(field);
        return isPrefix(f, changed) || isPrefix(changed, f);
    });
}

/** Resource types that are never diffed by a provider: components and the stack itself. */
export function isProviderResource(type: string): boolean {
    return !type.startsWith("blitzhub:") && type !== "pulumi:pulumi:Stack";
}
