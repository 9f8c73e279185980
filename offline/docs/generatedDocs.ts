/** What `npm run docs` generates from the topology: runbook pages and the README's topology picture. */
import { join } from "node:path";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { renderRunbooks } from "../../render/runbooks";
import { planOf, topologySvg } from "../diagram/topologySvg";

/** The README's picture of the default topology. */
export const TOPOLOGY_SVG = "docs/topology.svg";

/** Every generated file, relative to the project root, with its content. */
export async function generatedDocs(topologyFile = join(PROJECT_ROOT, "topology", "blitzhub.yaml")): Promise<Map<string, string>> {
    const plan = planOf(topologyFile);
    const files = new Map(renderRunbooks(plan).map((p) => [p.file, p.markdown]));
    files.set(TOPOLOGY_SVG, await topologySvg(plan));
    return files;
}
