/**
 * Lays out a DOT graph with Graphviz compiled to WebAssembly (`@viz-js/viz`, from npm: no
 * system Graphviz needed) and returns the SVG.
 */
import { instance } from "@viz-js/viz";

/** The SVG of `dot` (Graphviz `dot` layout); throws with Graphviz's own errors. */
export async function renderSvg(dot: string): Promise<string> {
    const viz = await instance();
    const result = viz.render(dot, { format: "svg", engine: "dot" });
    if (result.status !== "success") {
        throw new Error(`graphviz: ${result.errors.map((e) => `${e.level ?? "error"}: ${e.message}`).join("; ")}`);
    }
    return result.output;
}
