/**
 * The `--json` plan of docs/design.md §4, exactly: `{"stacks":[{"stack","region","resources":[{"urn",
 * "type","name","account","parent","inputs"}]}]}`. Other tools parse it: keep it stable.
 */
import type { PlannedStack } from "../stacks/planned";

export interface PlanJson {
    stacks: {
        stack: string;
        region: string;
        resources: { urn: string; type: string; name: string; account: string | null; parent: string | null; inputs: Record<string, unknown> }[];
    }[];
}

/** The contract's shape of the planned stacks (secrets are already `"[secret]"`). */
export function planJson(stacks: PlannedStack[]): PlanJson {
    return {
        stacks: stacks.map((s) => ({
            stack: s.stack,
            region: s.region,
            resources: s.resources.map((r) => ({ urn: r.urn, type: r.type, name: r.name, account: r.account, parent: r.parent, inputs: r.inputs })),
        })),
    };
}

/** The JSON text printed by `npm run plan -- --json`. */
export function formatPlanJson(stacks: PlannedStack[]): string {
    return `${JSON.stringify(planJson(stacks), null, 2)}\n`;
}
