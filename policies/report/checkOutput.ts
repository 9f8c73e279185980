/**
 * What `npm run check` prints and exits with, from the planned stacks and the policy run:
 * text, JSON or SARIF findings (suppressions applied), or the CIS report per kind of tenancy.
 */
import type { PlannedStack } from "../../stacks/planned";
import { UserInputError } from "../../model/errors";
import { TENANCY_KINDS, type TenancyKind } from "../frameworks/benchmarks";
import type { BlitzPolicy } from "../lib/policy";
import type { PolicyReport } from "../runner";
import type { Suppression } from "../suppressions";
import { cisReport, formatCisReport } from "./cisReport";
import { toJson } from "./json";
import { checkOutcome } from "./outcome";
import { toSarif } from "./sarif";
import { TopologyLocator } from "./sourceLocations";
import { formatText } from "./text";

export const FORMATS = ["text", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

export interface CheckOutputOptions {
    format: Format;
    /** The suppression file's entries (`loadSuppressions`). */
    suppressions: Suppression[];
    /** Print the CIS report instead of the findings. */
    cisReport: boolean;
    /** Kind of tenancy the CIS report is for; by default every kind the plan's accounts have. */
    tenancyKind?: TenancyKind;
    /** Topology file the findings are located in (SARIF). */
    topologyFile: string;
    /** For tests: the day suppressions are judged on. */
    today?: Date;
}

function kindsOf(stacks: PlannedStack[], requested: TenancyKind | undefined): TenancyKind[] {
    if (requested !== undefined) return [requested];
    const kinds = new Set(stacks.flatMap((s) => (s.plan?.accounts ?? []).filter((a) => a.region === s.stack).map((a) => a.freeTier.billing.mode)));
    const present = TENANCY_KINDS.filter((k) => kinds.has(k));
    return present.length > 0 ? present : ["alwaysFree"];
}

export function checkOutput(stacks: PlannedStack[], report: PolicyReport, policies: BlitzPolicy[], options: CheckOutputOptions): { text: string; exitCode: number } {
    const outcome = checkOutcome(report, policies, options.suppressions, options.today);
    if (options.cisReport) {
        const types = new Set(stacks.flatMap((s) => s.resources.map((r) => r.type)));
        if (options.format === "sarif") throw new UserInputError([{ path: "--format", message: "the CIS report is text or json, not sarif" }]);
        const reports = kindsOf(stacks, options.tenancyKind).map((kind) => cisReport(outcome, kind, types));
        const text =
            options.format === "json"
                ? `${JSON.stringify({ cisReports: reports, exitCode: outcome.exitCode }, null, 2)}\n`
                : `${reports.map((r) => formatCisReport(r)).join("\n")}\n${formatText(outcome).split("\n").filter((l) => /^(PASS|FAIL): /.test(l)).join("\n")}\n`;
        return { text, exitCode: outcome.exitCode };
    }
    if (options.format === "json") return { text: `${JSON.stringify(toJson(outcome), null, 2)}\n`, exitCode: outcome.exitCode };
    if (options.format === "sarif") return { text: `${JSON.stringify(toSarif(outcome, new TopologyLocator(options.topologyFile)), null, 2)}\n`, exitCode: outcome.exitCode };
    return { text: formatText(outcome), exitCode: outcome.exitCode };
}
