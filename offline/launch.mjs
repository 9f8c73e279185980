#!/usr/bin/env node
// @ts-check
/**
 * Runs the offline CLI (`offline/cli/main.ts`: plan, render, check, bench, …) from the bundle of
 * its TypeScript sources (`offline/bundle.mjs`) rather than compiling every module through tsx on
 * each run. The program, model and plan it runs are the files the Pulumi CLI runs, only
 * precompiled.
 *
 *     node offline/launch.mjs plan -s all --json      (what `npm run plan -- -s all --json` runs)
 */
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ensureBundle } from "./bundle.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const ENTRY_POINTS = { cli: "offline/cli/main.ts" };

/** Errors that mean the checkout (its `.build/`) cannot be written: a read-only checkout still plans. */
const READ_ONLY = new Set(["EACCES", "EPERM", "EROFS"]);

let entry;
try {
    const bundle = await ensureBundle({
        root: ROOT,
        buildRoot: path.join(ROOT, ".build", "offline"),
        entryPoints: ENTRY_POINTS,
        buildInputs: ["tsconfig.json", "package.json", "package-lock.json", "offline/bundle.mjs", "offline/launch.mjs"],
    });
    entry = bundle.entry("cli");
} catch (error) {
    const failure = /** @type {NodeJS.ErrnoException} */ (error);
    // A read-only mount answers EROFS, or ENOENT to a recursive mkdir under it.
    const underBuild = typeof failure.path === "string" && failure.path.startsWith(path.join(ROOT, ".build"));
    if (!READ_ONLY.has(failure.code ?? "") && !(failure.code === "ENOENT" && underBuild)) throw error;
    // No bundle can be written here: run the same sources through tsx (slower, same result).
    process.stderr.write(`note: ${path.join(ROOT, ".build")} is not writable (${failure.code}); running the sources unbundled\n`);
    const { register } = await import("tsx/esm/api");
    register();
    entry = path.join(ROOT, ENTRY_POINTS.cli);
}
// The CLI reads its arguments from process.argv, as if it had been started directly.
process.argv = [process.argv[0], entry, ...process.argv.slice(2)];
await import(pathToFileURL(entry).href);
