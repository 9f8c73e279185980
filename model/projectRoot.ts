/**
 * The project root: the nearest folder above this module that holds `Pulumi.yaml`. Found by
 * walking up rather than by a fixed number of `..`, so the same sources resolve it whether
 * they run from `model/` (tsx, vitest, the Pulumi CLI) or from the offline engine's bundle.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findProjectRoot(from: string): string {
    for (let dir = from; ; dir = dirname(dir)) {
        if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
        if (dirname(dir) === dir) throw new Error(`no Pulumi.yaml in ${from} or any folder above it`);
    }
}

/** Absolute path of the folder holding `Pulumi.yaml`. */
export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
