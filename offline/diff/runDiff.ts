/**
 * `diff`: plans the base and the working tree, compares them resource by resource and file by
 * file (offline/diff/compare.ts, renderedFiles.ts).
 */
import { join } from "node:path";
import type { RegionKey } from "../../model/schema";
import type { PlannedStack } from "../engine";
import { compareStack, type HeadResource, type StackDiff } from "./compare";
import type { DiffReport } from "./format";
import { diffWorkDir, planBase, resolveBase, runNpmScript } from "./planBase";
import { compareRenderedFiles } from "./renderedFiles";
import { loadReplacementTable } from "./replacementTable";

export interface RunDiffOptions {
    /** A git revision or a plan JSON file. */
    base: string;
    /** `eu`…`au` or `all`. */
    stack: string;
    stacks: RegionKey[];
    projectDir: string;
    /** Plans the working tree (the offline engine's `planStacks`). */
    planHead: (stacks: RegionKey[]) => Promise<PlannedStack[]>;
}

/** The head's resources with what the comparison needs besides the inputs. */
function headSide(stack: PlannedStack): { stack: string; resources: HeadResource[] } {
    return {
        stack: stack.stack,
        resources: stack.resources.map((r) => ({
            urn: r.urn,
            type: r.type,
            name: r.name,
            account: r.account,
            inputs: r.inputs,
            ignoreChanges: r.ignoreChanges,
            dependsOn: r.dependsOn,
            propertyDependencies: r.propertyDependencies,
            protect: r.protect,
        })),
    };
}

export async function runDiff(options: RunDiffOptions): Promise<DiffReport> {
    const table = loadReplacementTable();
    const baseRef = resolveBase(options.base, options.projectDir);
    const work = diffWorkDir();
    try {
        // The base plans in its own process while this one plans the working tree.
        const basePromise = planBase({ base: baseRef, stack: options.stack, projectDir: options.projectDir, workDir: work.dir });
        basePromise.catch(() => {});
        const head = await options.planHead(options.stacks);
        const base = await basePromise;
        let files: DiffReport["files"];
        if (base.renderDir !== undefined) {
            const headRender = join(work.dir, "head-render");
            await runNpmScript(options.projectDir, "render", ["--stack", options.stack, "--out", headRender]);
            files = compareRenderedFiles(base.renderDir, headRender);
        }
        const stacks: StackDiff[] = head.map((h) => {
            const b = base.plan.stacks.find((s) => s.stack === h.stack) ?? { stack: h.stack, resources: [] };
            return compareStack(b, headSide(h), table);
        });
        return { base: base.label, head: "working tree", stacks, files };
    } finally {
        work.remove();
    }
}
