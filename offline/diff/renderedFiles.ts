/**
 * Unified diffs of the rendered files of two render directories (`npm run render` output:
 * files plus `manifest.json`), matched by their place (`<ACCOUNT>/<vm>/<path on the VM>`).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createTwoFilesPatch } from "diff";
import type { ManifestEntry } from "../cli/render";

export type { ManifestEntry };

export interface FileChange {
    /** Relative to the render directory: `<ACCOUNT>/<vm>/<path on the VM>`. */
    file: string;
    account: string;
    vm: string;
    service: string;
    /** Absolute path on the VM. */
    path: string;
    status: "added" | "deleted" | "modified";
    /** Unified diff (`--- a/<file>`, `+++ b/<file>`), three lines of context. */
    patch: string;
}

function readManifest(dir: string): ManifestEntry[] {
    const file = join(dir, "manifest.json");
    if (!existsSync(file)) throw new Error(`${file}: no manifest (was the render run?)`);
    return JSON.parse(readFileSync(file, "utf8")) as ManifestEntry[];
}

/** The files that differ between `baseDir` and `headDir`, in the head's manifest order, deletions last. */
export function compareRenderedFiles(baseDir: string, headDir: string): FileChange[] {
    const base = new Map(readManifest(baseDir).map((e) => [e.file, e]));
    const head = readManifest(headDir);
    const out: FileChange[] = [];
    for (const entry of head) {
        const newText = readFileSync(join(headDir, entry.file), "utf8");
        const before = base.get(entry.file);
        const oldText = before ? readFileSync(join(baseDir, entry.file), "utf8") : "";
        if (before && oldText === newText) continue;
        out.push({
            ...entry,
            status: before ? "modified" : "added",
            patch: createTwoFilesPatch(before ? `a/${entry.file}` : "/dev/null", `b/${entry.file}`, oldText, newText, undefined, undefined, { context: 3 }),
        });
    }
    const headFiles = new Set(head.map((e) => e.file));
    for (const [file, entry] of base) {
        if (headFiles.has(file)) continue;
        const oldText = readFileSync(join(baseDir, file), "utf8");
        out.push({ ...entry, status: "deleted", patch: createTwoFilesPatch(`a/${file}`, "/dev/null", oldText, "", undefined, undefined, { context: 3 }) });
    }
    return out;
}
