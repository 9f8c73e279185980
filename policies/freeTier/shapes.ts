/** Shape names and sizes of instances as policies read them. */
import { toNumber } from "../lib/props";

export { A1_SHAPE, MICRO_SHAPE } from "../../model/shapes";

/** OCPUs and memory of a flexible instance (`shapeConfig`); 0 when absent. */
export function shapeSize(props: Record<string, unknown>): { ocpus: number; memoryGb: number } {
    const config = (props.shapeConfig ?? {}) as Record<string, unknown>;
    return { ocpus: toNumber(config.ocpus) ?? 0, memoryGb: toNumber(config.memoryInGbs) ?? 0 };
}
