/** The real topology's plan and its rendered files, built once per test file. */
import { loadTopology } from "../../model/load";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { renderAll } from "../../render/index";
import type { RenderedFile, RenderOptions } from "../../render/types";
import { loadOciLimits } from "../../model/ociLimits";
import { stackSettings } from "../../offline/cli/render";

export const TOPOLOGY_FILE = "topology/blitzhub.yaml";

/** What `npm run render -- -s eu` takes from `Pulumi.eu.yaml`: operators, deploy key, WireGuard peers, offsite copy. */
export function euRenderOptions(): RenderOptions {
    return stackSettings("eu").options;
}

let cached: { plan: TopologyPlan; files: RenderedFile[] } | undefined;

/** The plan and every rendered file, as `npm run render` renders them (eu's WireGuard peers included). */
export function realPlan(): { plan: TopologyPlan; files: RenderedFile[] } {
    if (!cached) {
        const plan = buildPlan(loadTopology(TOPOLOGY_FILE), loadAllowances(), loadOciLimits());
        cached = { plan, files: renderAll(plan, euRenderOptions()) };
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

/** A lookup of the files one service renders on one VM, among `files`. */
export function serviceFilesOf(files: RenderedFile[]): (account: string, vm: string, service: string) => RenderedFile[] {
    return (account, vm, service) => files.filter((f) => f.account === account && f.vm === vm && f.service === service);
}

/** The content of the file at `path` among `list`; fails naming the paths there are. */
export function fileContent(list: RenderedFile[], path: string): string {
    const f = list.find((x) => x.path === path);
    if (!f) throw new Error(`no ${path} among ${list.map((x) => x.path).join(", ")}`);
    return f.content;
}
