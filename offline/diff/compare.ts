/**
 * What `pulumi preview --diff` would report between two plans: resources to create, update
 * (each changed input path), replace (naming the fields that force it) and delete. Pure: it
 * reads two plans and the replacement table, nothing else.
 *
 * Beyond the direct changes it follows replacements the way the engine does: a replaced
 * resource gets a new id, unknown at preview, so every input that carried the old id changes
 * too — and replaces its resource in turn when that input is a ForceNew field (a replaced
 * subnet replaces the instances in it).
 */
import { createHash } from "node:crypto";
import { isProviderResource, replacementFieldsFor, type ReplacementTable } from "./replacementTable";

/** A resource as a plan JSON carries it (docs/design.md §4). */
export interface DiffResource {
    urn: string;
    type: string;
    name: string;
    account: string | null;
    inputs: Record<string, unknown>;
}

/** A resource of the plan under review, with what the engine knows besides its inputs. */
export interface HeadResource extends DiffResource {
    /** Input paths the program tells Pulumi to ignore (`ignoreChanges`). */
    ignoreChanges?: string[];
    /** Direct dependencies (URNs). */
    dependsOn?: string[];
    /** Dependencies per top-level input. */
    propertyDependencies?: Record<string, string[]>;
    protect?: boolean;
}

export interface DiffStack<R extends DiffResource = DiffResource> {
    stack: string;
    resources: R[];
}

export type Operation = "create" | "update" | "replace" | "delete";

/** One changed input path. Secret values are the string `"[secret]"`. */
export interface PathChange {
    path: string;
    kind: "add" | "delete" | "update";
    old?: unknown;
    new?: unknown;
    /** Fields of the replacement table this change touches (empty: updated in place). */
    forcesReplacement: string[];
    /** URN of the replaced resource whose new id makes this input change. */
    causedBy?: string;
}

export interface ResourceChange {
    stack: string;
    account: string | null;
    urn: string;
    type: string;
    name: string;
    op: Operation;
    /** Changed input paths (update and replace), or every input (create and delete). */
    paths: PathChange[];
    /** Fields forcing the replacement (replace only), table names, de-duplicated. */
    replaceBecause: string[];
    /** `protect`ed: `pulumi up` refuses to delete or replace it. */
    protected: boolean;
}

export interface StackDiff {
    stack: string;
    changes: ResourceChange[];
    unchanged: number;
}

/** The value shown for an input whose new value only exists after the replacement. */
export const UNKNOWN_AFTER_REPLACE = "[unknown: output of a replaced resource]";

function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Leaf differences between two input values, as dotted paths with `[i]` indices. */
export function diffValues(oldValue: unknown, newValue: unknown, path = ""): Omit<PathChange, "forcesReplacement">[] {
    const join = (key: string) => (path ? `${path}.${key}` : key);
    if (isObject(oldValue) && isObject(newValue)) {
        const keys = [...new Set([...Object.keys(oldValue), ...Object.keys(newValue)])].sort();
        return keys.flatMap((key) => {
            if (!(key in newValue)) return [{ path: join(key), kind: "delete" as const, old: oldValue[key] }];
            if (!(key in oldValue)) return [{ path: join(key), kind: "add" as const, new: newValue[key] }];
            return diffValues(oldValue[key], newValue[key], join(key));
        });
    }
    if (Array.isArray(oldValue) && Array.isArray(newValue)) {
        const out: Omit<PathChange, "forcesReplacement">[] = [];
        for (let i = 0; i < Math.max(oldValue.length, newValue.length); i++) {
            const at = `${path}[${i}]`;
            if (i >= newValue.length) out.push({ path: at, kind: "delete", old: oldValue[i] });
            else if (i >= oldValue.length) out.push({ path: at, kind: "add", new: newValue[i] });
            else out.push(...diffValues(oldValue[i], newValue[i], at));
        }
        return out;
    }
    if (JSON.stringify(oldValue) === JSON.stringify(newValue)) return [];
    return [{ path, kind: "update", old: oldValue, new: newValue }];
}

function segments(path: string): string[] {
    return path.replace(/\[(\d+)\]/g, ".$1").split(".").filter((s) => s !== "");
}

/** A change under an `ignoreChanges` path is no change at all for Pulumi. */
function ignored(path: string, ignoreChanges: string[]): boolean {
    const at = segments(path);
    return ignoreChanges.some((ignore) => {
        const i = segments(ignore);
        return i.length <= at.length && i.every((s, n) => s === at[n] || s === "*");
    });
}

/** The id marker the offline mocks give a resource (`ocid1.<kind>.oc1.<region>.amaaaaaa<digest>`). */
function mockIdMarker(type: string, name: string): string {
    return `amaaaaaa${createHash("sha256").update(`${type}:${name}`).digest("hex").slice(0, 40)}`;
}

/** Paths under `value` whose string contains `marker`. */
function pathsHolding(value: unknown, marker: string, path: string): string[] {
    if (typeof value === "string") return value.includes(marker) ? [path] : [];
    if (Array.isArray(value)) return value.flatMap((v, i) => pathsHolding(v, marker, `${path}[${i}]`));
    if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => pathsHolding(v, marker, path ? `${path}.${k}` : k));
    return [];
}

/** Every input of a created or deleted resource, one path per top-level input. */
function wholeInputs(inputs: Record<string, unknown>, kind: "add" | "delete"): PathChange[] {
    return Object.keys(inputs)
        .sort()
        .map((key) => ({ path: key, kind, ...(kind === "add" ? { new: inputs[key] } : { old: inputs[key] }), forcesReplacement: [] }));
}

/**
 * Compares one stack's base and head. `table` decides update versus replace; a type missing
 * from it is an error (the table must cover every type the plan registers).
 */
export function compareStack(base: DiffStack, head: DiffStack<HeadResource>, table: ReplacementTable): StackDiff {
    const baseByUrn = new Map(base.resources.map((r) => [r.urn, r]));
    const headUrns = new Set(head.resources.map((r) => r.urn));
    const entryOf = (type: string) => {
        const entry = table.types[type];
        if (entry === undefined) throw new Error(`data/replacement-fields.yaml: no entry for resource type ${type}: read its ForceNew fields from the provider's schema and add it`);
        return entry;
    };
    const changes = new Map<string, ResourceChange>();
    let unchanged = 0;

    for (const r of head.resources) {
        const old = baseByUrn.get(r.urn);
        const provider = isProviderResource(r.type);
        if (provider) entryOf(r.type);
        if (old === undefined) {
            changes.set(r.urn, { stack: head.stack, account: r.account, urn: r.urn, type: r.type, name: r.name, op: "create", paths: wholeInputs(r.inputs, "add"), replaceBecause: [], protected: r.protect ?? false });
            continue;
        }
        const ignore = r.ignoreChanges ?? [];
        let paths: PathChange[] = diffValues(old.inputs, r.inputs)
            .filter((p) => !ignored(p.path, ignore))
            .map((p) => ({ ...p, forcesReplacement: [] }));
        // The engine sees the resource's dependencies: a replaced one changes the inputs it feeds.
        paths = paths.concat(cascadeFrom(r, changes, ignore, paths));
        if (paths.length === 0) {
            unchanged++;
            continue;
        }
        if (provider) for (const p of paths) p.forcesReplacement = replacementFieldsFor(entryOf(r.type), p.path);
        const replaceBecause = [...new Set(paths.flatMap((p) => p.forcesReplacement))];
        changes.set(r.urn, {
            stack: head.stack,
            account: r.account,
            urn: r.urn,
            type: r.type,
            name: r.name,
            op: replaceBecause.length > 0 ? "replace" : "update",
            paths,
            replaceBecause,
            protected: r.protect ?? false,
        });
    }
    const deletes: ResourceChange[] = base.resources
        .filter((r) => !headUrns.has(r.urn))
        .map((r) => ({ stack: head.stack, account: r.account, urn: r.urn, type: r.type, name: r.name, op: "delete", paths: wholeInputs(r.inputs, "delete"), replaceBecause: [], protected: false }));
    return { stack: head.stack, changes: [...changes.values(), ...deletes], unchanged };
}

/** Input changes of `r` caused by replaced dependencies (paths not already changed). */
function cascadeFrom(r: HeadResource, changes: Map<string, ResourceChange>, ignore: string[], already: PathChange[]): PathChange[] {
    const out: PathChange[] = [];
    const seen = new Set(already.map((p) => p.path));
    for (const dep of new Set(r.dependsOn ?? [])) {
        const replaced = changes.get(dep);
        if (replaced?.op !== "replace") continue;
        let paths = pathsHolding(r.inputs, mockIdMarker(replaced.type, replaced.name), "");
        if (paths.length === 0) {
            // Not an id (a password, an address): the inputs the dependency feeds.
            paths = Object.entries(r.propertyDependencies ?? {}).filter(([, urns]) => urns.includes(dep)).map(([key]) => key);
        }
        for (const path of paths) {
            if (seen.has(path) || ignored(path, ignore)) continue;
            seen.add(path);
            out.push({ path, kind: "update", old: valueAt(r.inputs, path), new: UNKNOWN_AFTER_REPLACE, forcesReplacement: [], causedBy: dep });
        }
    }
    return out;
}

function valueAt(value: unknown, path: string): unknown {
    let at: unknown = value;
    for (const s of segments(path)) at = isObject(at) || Array.isArray(at) ? (at as Record<string, unknown>)[s] : undefined;
    return at;
}

/** Totals of a whole diff. */
export function summarize(stacks: StackDiff[]): Record<Operation | "unchanged", number> {
    const total = { create: 0, update: 0, replace: 0, delete: 0, unchanged: 0 };
    for (const s of stacks) {
        total.unchanged += s.unchanged;
        for (const c of s.changes) total[c.op]++;
    }
    return total;
}
