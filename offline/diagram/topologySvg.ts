/** The topology picture of a topology file: plan (pure) → DOT (render/diagram.ts) → SVG. */
import { loadTopology } from "../../model/load";
import type { RegionKey } from "../../model/schema";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { DIAGRAM_FONT, DIAGRAM_FONT_FAMILY, topologyDot } from "../../render/diagram";
import { renderSvg } from "./layout";
import { loadOciLimits } from "../../model/ociLimits";

/** The plan of a topology file, as `npm run render` builds it. */
export function planOf(topologyFile: string): TopologyPlan {
    return buildPlan(loadTopology(topologyFile), loadAllowances(), loadOciLimits());
}

/** The SVG of the plan's topology; its text names `DIAGRAM_FONT` and fallbacks of the same width. */
export async function topologySvg(plan: TopologyPlan, regions?: RegionKey[]): Promise<string> {
    const svg = await renderSvg(topologyDot(plan, { regions }));
    return svg.replaceAll(`font-family="${DIAGRAM_FONT}"`, `font-family="${DIAGRAM_FONT_FAMILY}"`);
}
