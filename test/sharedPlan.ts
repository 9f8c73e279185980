/**
 * The real program's plan of all five stacks, made once per test run and shared by every test
 * file that asks for it. Files run in separate workers, so the plan is shared through a file:
 * the first worker to ask plans (holding a lock directory) and writes it; the others wait for
 * the file. `test/globalSetup.ts` names the run's folder and removes it afterwards; a file run
 * on its own (no global setup) plans for itself.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { planStacks, type PlannedStack } from "../offline/engine";

declare module "vitest" {
    export interface ProvidedContext {
        /** Folder of this test run's shared plan (`test/globalSetup.ts`). */
        sharedPlanDir: string;
    }
}

const ALL = ["eu", "na", "sa", "as", "au"] as const;
/** Longest wait for another worker's plan before failing (a heavily loaded machine plans in minutes). */
const WAIT_MS = 600_000;

let planned: Promise<PlannedStack[]> | undefined;

async function planOnce(): Promise<PlannedStack[]> {
    const dir = inject("sharedPlanDir");
    if (!dir) return planStacks({ stacks: [...ALL] });
    const file = join(dir, "plan.json");
    try {
        mkdirSync(join(dir, "lock"));
    } catch {
        // Another worker plans: wait for its file.
        const started = Date.now();
        while (!existsSync(file)) {
            if (Date.now() - started > WAIT_MS) throw new Error(`shared plan: no ${file} after ${WAIT_MS / 1000} s (the planning worker failed?)`);
            await new Promise((resolve) => setTimeout(resolve, 250));
        }
        return JSON.parse(readFileSync(file, "utf8")) as PlannedStack[];
    }
    const stacks = await planStacks({ stacks: [...ALL] });
    writeFileSync(`${file}.tmp`, JSON.stringify(stacks));
    renameSync(`${file}.tmp`, file);
    return stacks;
}

/**
 * The planned stacks eu, na, sa, as, au (in that order), as `npm run plan -- --stack all`
 * makes them. Shared: treat them as read-only (`structuredClone` before changing one).
 */
export function sharedPlan(): Promise<PlannedStack[]> {
    planned ??= planOnce();
    return planned;
}
