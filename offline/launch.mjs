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

const bundle = await ensureBundle({
    root: ROOT,
    buildRoot: path.join(ROOT, ".build", "offline"),
    entryPoints: ENTRY_POINTS,
    buildInputs: ["tsconfig.json", "package.json", "package-lock.json", "offline/bundle.mjs", "offline/launch.mjs"],
});
const entry = bundle.entry("cli");
// The CLI reads its arguments from process.argv, as if it had been started directly.
process.argv = [process.argv[0], entry, ...process.argv.slice(2)];
await import(pathToFileURL(entry).href);
