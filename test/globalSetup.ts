/**
 * Once per `vitest run`: a folder where the first test file that needs the plan of all stacks
 * leaves it for the others (`test/sharedPlan.ts`), removed at the end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";

export default function setup(project: TestProject): () => void {
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-shared-plan-"));
    project.provide("sharedPlanDir", dir);
    return () => rmSync(dir, { recursive: true, force: true });
}
