/** The topology picture of a topology file: plan (pure) → DOT (render/diagram.ts) → SVG. */
import { loadTopology } from "../../model/load";
import type { RegionKey } from "../../model/schema";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { topologyDot } from "../../render/diagram";
import { renderSvg } from "./layout";
import { loadOciLimits } from "../../model/ociLimits";

/** The plan of a topology file, as `npm run render` builds it. */
export function planOf(topologyFile: string): TopologyPlan {
    return buildPlan(loadTopology(topologyFile), loadAllowances(), loadOciLimits());
}

export async function topologySvg(plan: TopologyPlan, regions?: RegionKey[]): Promise<string> {
    return renderSvg(topologyDot(plan, { regions }));
}
