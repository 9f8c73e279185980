/** The real topology's plan and its rendered files, built once per test file. */
import { loadTopology } from "../../model/load";
import { buildPlan, loadAllowances } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { renderAll } from "../../render/index";
import type { RenderedFile } from "../../render/types";

export const TOPOLOGY_FILE = "topology/blitzhub.yaml";

let cached: { plan: TopologyPlan; files: RenderedFile[] } | undefined;

export function realPlan(): { plan: TopologyPlan; files: RenderedFile[] } {
    if (!cached) {
        const plan = buildPlan(loadTopology(TOPOLOGY_FILE), loadAllowances());
        cached = { plan, files: renderAll(plan) };
    }
    return cached;
}

/** Files grouped by `ACCOUNT/vm`, in plan order. */
export function filesByVm(files: RenderedFile[]): Map<string, RenderedFile[]> {
    const out = new Map<string, RenderedFile[]>();
    for (const f of files) {
        const key = `${f.account}/${f.vm}`;
        out.set(key, [...(out.get(key) ?? []), f]);
    }
    return out;
}

/** True when the run must not skip anything (`.ci/run` sets CI=true). */
export const IN_CI = process.env.CI === "true";
