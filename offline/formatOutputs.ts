/**
 * `npm run plan -- --outputs`: each planned stack's outputs as `pulumi stack output` prints
 * them — `Current stack outputs (N):`, then an OUTPUT/VALUE table sorted by name, strings as
 * they are and every other value as one line of JSON with sorted keys — and with `--json` as
 * `pulumi stack output --json` prints them (indented, sorted keys), keyed by stack. Secrets
 * are `[secret]`, as the Pulumi CLI shows them without `--show-secrets`; the engine has already
 * replaced them.
 */
import type { PlannedStack } from "./engine";
import { PLAIN, type Style } from "./style";

/** The value with every object's keys sorted (Go's encoding/json, which the Pulumi CLI uses, sorts map keys). */
function sortedKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(sortedKeys);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
        Object.keys(value)
            .sort()
            .map((key) => [key, sortedKeys((value as Record<string, unknown>)[key])]),
    );
}

/** A value as the OUTPUT/VALUE table shows it. */
function stringify(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(sortedKeys(value));
}

/** One stack's `pulumi stack output` text. */
export function formatStackOutputs(outputs: Record<string, unknown>): string[] {
    const keys = Object.keys(outputs).sort();
    const lines = [`Current stack outputs (${keys.length}):`];
    if (keys.length === 0) return [...lines, "    No output values currently in this stack"];
    const width = Math.max("OUTPUT".length, ...keys.map((k) => k.length));
    lines.push(`    ${"OUTPUT".padEnd(width)}  VALUE`);
    for (const key of keys) lines.push(`    ${key.padEnd(width)}  ${stringify(outputs[key])}`);
    return lines;
}

/** Every stack's outputs, each under a `Stack <name>` line. */
export function formatOutputsText(stacks: PlannedStack[], style: Style = PLAIN): string {
    return stacks.map((s) => [style.bold(`Stack ${s.stack}`), ...formatStackOutputs(s.outputs)].join("\n")).join("\n\n") + "\n";
}

/** `{"<stack>": <what pulumi stack output --json prints>}`. */
export function formatOutputsJson(stacks: PlannedStack[]): string {
    return `${JSON.stringify(Object.fromEntries(stacks.map((s) => [s.stack, sortedKeys(s.outputs)])), null, 2)}\n`;
}
