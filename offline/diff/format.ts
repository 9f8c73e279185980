/**
 * The diff as a reviewer reads it (the shape of `pulumi preview --diff`): per stack and
 * account, each resource with its operation and changed inputs, then the rendered files'
 * unified diffs and the totals; or the same as JSON for machines.
 */
import { diffLines } from "diff";
import type { Operation, PathChange, ResourceChange, StackDiff } from "./compare";
import { summarize } from "./compare";
import type { FileChange } from "./renderedFiles";

export interface DiffReport {
    base: string;
    head: string;
    stacks: StackDiff[];
    /** Undefined when the base was a plan JSON (nothing rendered to compare). */
    files?: FileChange[];
}

/** ANSI colours, or none. */
export interface Palette {
    add(text: string): string;
    del(text: string): string;
    mod(text: string): string;
    rep(text: string): string;
    dim(text: string): string;
    bold(text: string): string;
}

const plain: Palette = { add: (t) => t, del: (t) => t, mod: (t) => t, rep: (t) => t, dim: (t) => t, bold: (t) => t };
const sgr = (code: string) => (t: string) => `\x1b[${code}m${t}\x1b[0m`;
const ansi: Palette = { add: sgr("32"), del: sgr("31"), mod: sgr("33"), rep: sgr("35"), dim: sgr("2"), bold: sgr("1") };

/**
 * Colour on a terminal, plain otherwise; `NO_COLOR` (any non-empty value) turns it off and
 * `FORCE_COLOR` (not `0`) turns it on, as the conventions of those variables say.
 */
export function paletteFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Palette {
    if (env.NO_COLOR) return plain;
    if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return ansi;
    return stream.isTTY ? ansi : plain;
}

const SYMBOL: Record<Operation, string> = { create: "+", update: "~", replace: "+-", delete: "-" };

function colourOf(op: Operation, p: Palette): (t: string) => string {
    return op === "create" ? p.add : op === "delete" ? p.del : op === "replace" ? p.rep : p.mod;
}

/** A value as the diff prints it: secrets as `[secret]`, long strings cut. */
export function showValue(value: unknown): string {
    if (value === "[secret]") return "[secret]";
    const text = JSON.stringify(value) ?? "undefined";
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function isMultiline(value: unknown): value is string {
    return typeof value === "string" && value.includes("\n");
}

/** The changed lines of a multi-line string (a config carried in a command's stdin), with one line of context. */
function lineDiff(oldText: string, newText: string, indent: string, p: Palette): string[] {
    const out: string[] = [];
    const parts = diffLines(oldText, newText);
    parts.forEach((part, i) => {
        const lines = part.value.replace(/\n$/, "").split("\n");
        if (part.added) out.push(...lines.map((l) => p.add(`${indent}+ ${l}`)));
        else if (part.removed) out.push(...lines.map((l) => p.del(`${indent}- ${l}`)));
        else {
            const before = i > 0 ? lines.slice(0, 1) : [];
            const after = i < parts.length - 1 ? lines.slice(-1) : [];
            if (lines.length > 2) out.push(...before.map((l) => p.dim(`${indent}  ${l}`)), p.dim(`${indent}  ...`), ...after.map((l) => p.dim(`${indent}  ${l}`)));
            else out.push(...lines.map((l) => p.dim(`${indent}  ${l}`)));
        }
    });
    // Drop a leading/trailing context-only "..." (unchanged start or end of the text).
    return out;
}

function formatPath(change: PathChange, indent: string, p: Palette): string[] {
    const forces = change.forcesReplacement.length > 0 ? p.rep(` (forces replacement: ${change.forcesReplacement.join(", ")})`) : "";
    const cause = change.causedBy ? p.dim(` (${change.causedBy.split("::").pop()} is replaced)`) : "";
    if (change.kind === "add") return [p.add(`${indent}+ ${change.path}: ${showValue(change.new)}`) + forces];
    if (change.kind === "delete") return [p.del(`${indent}- ${change.path}: ${showValue(change.old)}`) + forces];
    if (isMultiline(change.old) && isMultiline(change.new)) {
        return [p.mod(`${indent}~ ${change.path}:`) + forces, ...lineDiff(change.old, change.new, `${indent}    `, p)];
    }
    return [p.mod(`${indent}~ ${change.path}: ${showValue(change.old)} => ${showValue(change.new)}`) + forces + cause];
}

function formatResource(c: ResourceChange, p: Palette): string[] {
    const colour = colourOf(c.op, p);
    const why = c.op === "replace" ? ` [replace: ${c.replaceBecause.join(", ")}]` : "";
    const guard = c.protected && (c.op === "replace" || c.op === "delete") ? p.del(" (protected: pulumi up refuses this)") : "";
    const head = colour(`    ${SYMBOL[c.op].padEnd(2)} ${c.type}  ${c.name}  ${c.op}${why}`) + guard;
    // Creates and deletes list their inputs in the JSON; the text names them only.
    if (c.op === "create" || c.op === "delete") return [head];
    return [head, ...c.paths.flatMap((change) => formatPath(change, "        ", p))];
}

function formatPatch(patch: string, p: Palette): string {
    return patch
        .split("\n")
        .filter((line) => !line.startsWith("====="))
        .map((line) =>
            line.startsWith("+++") || line.startsWith("---") ? p.bold(line) : line.startsWith("+") ? p.add(line) : line.startsWith("-") ? p.del(line) : line.startsWith("@@") ? p.mod(line) : line,
        )
        .join("\n");
}

/** The text report. */
export function formatDiffText(report: DiffReport, p: Palette): string {
    const lines: string[] = [p.bold(`Diff of ${report.base} → ${report.head}`), ""];
    for (const stack of report.stacks) {
        lines.push(p.bold(`Stack ${stack.stack}`) + `: ${stack.changes.length === 0 ? "no changes" : `${stack.changes.length} to change`}, ${stack.unchanged} unchanged`);
        const accounts = [...new Set(stack.changes.map((c) => c.account ?? "(no account)"))];
        for (const account of accounts) {
            lines.push(`  ${account}`);
            for (const c of stack.changes.filter((x) => (x.account ?? "(no account)") === account)) lines.push(...formatResource(c, p));
        }
        lines.push("");
    }
    if (report.files === undefined) lines.push(p.dim("Rendered files: not compared (the base is a plan JSON)."), "");
    else if (report.files.length > 0) {
        lines.push(p.bold(`Rendered files (${report.files.length} changed)`), "");
        for (const f of report.files) lines.push(formatPatch(f.patch, p));
    }
    const total = summarize(report.stacks);
    const changed = total.create + total.update + total.replace + total.delete + (report.files?.length ?? 0);
    if (changed === 0) lines.push("Resources: no changes");
    else {
        lines.push(
            `Resources: ${p.add(`${total.create} to create`)}, ${p.mod(`${total.update} to update`)}, ${p.rep(`${total.replace} to replace`)}, ` +
                `${p.del(`${total.delete} to delete`)}, ${total.unchanged} unchanged` +
                (report.files ? `; ${report.files.length} rendered file(s) changed` : ""),
        );
    }
    return `${lines.join("\n")}\n`;
}

/** The JSON report: every change with its paths, the file patches and the totals. */
export function formatDiffJson(report: DiffReport): string {
    return `${JSON.stringify({ ...report, summary: summarize(report.stacks) }, null, 2)}\n`;
}

/** Whether anything differs (exit 3) or nothing (exit 0). */
export function hasChanges(report: DiffReport): boolean {
    return report.stacks.some((s) => s.changes.length > 0) || (report.files?.length ?? 0) > 0;
}
