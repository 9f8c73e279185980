/** The real topology's plan and its rendered files, built once per test file. */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { loadTopology } from "../../model/load";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { renderAll } from "../../render/index";
import type { RenderedFile, RenderOptions } from "../../render/types";

export const TOPOLOGY_FILE = "topology/blitzhub.yaml";

/** What `npm run render` takes from `Pulumi.eu.yaml` besides SSH keys: its WireGuard peers and offsite copy. */
export function euRenderOptions(): RenderOptions {
    const config = (parse(readFileSync("Pulumi.eu.yaml", "utf8")) as { config: Record<string, unknown> }).config;
    return {
        wireguardPeers: config["blitzhub:wireguardPeers"] as RenderOptions["wireguardPeers"],
        offsiteBackup: config["blitzhub:offsiteBackup"] as RenderOptions["offsiteBackup"],
    };
}

let cached: { plan: TopologyPlan; files: RenderedFile[] } | undefined;

/** The plan and every rendered file, as `npm run render` renders them (eu's WireGuard peers included). */
export function realPlan(): { plan: TopologyPlan; files: RenderedFile[] } {
    if (!cached) {
        const plan = buildPlan(loadTopology(TOPOLOGY_FILE), loadAllowances());
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
