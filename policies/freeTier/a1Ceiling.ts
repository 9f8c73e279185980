import * as oci from "@pulumi/oci";
import type { FreeTierAllowances } from "../../model/allowances";
import { policyContext } from "../lib/context";
import { formatMonthly, monthlyCost } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { byUrn, groupByTenancy } from "../lib/tenancy";
import { A1_SHAPE, shapeSize } from "./shapes";

/** The most A1 Always Free has ever granted a tenancy (current value or any in `history`). */
export function largestA1Allowance(allowances: FreeTierAllowances): { ocpus: number; memoryGb: number } {
    const past = allowances.history.filter((h) => h.resource === "a1");
    return {
        ocpus: Math.max(allowances.allowances.a1.ocpus, ...past.map((h) => h.ocpus ?? 0)),
        memoryGb: Math.max(allowances.allowances.a1.memoryGb, ...past.map((h) => h.memoryGb ?? 0)),
    };
}

/**
 * Mandatory: an A1 tenancy beyond anything Always Free ever covered (an 8-OCPU A1) is a paid
 * machine by design, not a sizing the topology accepts knowingly.
 */
export const a1Ceiling: BlitzStackPolicy = {
    name: "free-tier-a1-ceiling",
    description: "Ampere A1 OCPUs and memory per tenancy never exceed the largest allowance Always Free has granted (4 OCPU / 24 GB).",
    enforcementLevel: "mandatory",
    remediationSteps: "Size the tenancy's A1 VMs at or below the ceiling in the topology; larger machines belong to a paid design.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const { allowances } = policyContext();
        const ceiling = largestA1Allowance(allowances);
        const current = allowances.allowances.a1;
        for (const tenancy of groupByTenancy(args.resources)) {
            const a1 = byUrn(tenancy.resources.filter((r) => r.isType(oci.core.Instance) && r.props.shape === A1_SHAPE));
            const ocpus = a1.reduce((sum, r) => sum + shapeSize(r.props).ocpus, 0);
            const memoryGb = a1.reduce((sum, r) => sum + shapeSize(r.props).memoryGb, 0);
            if (ocpus <= ceiling.ocpus && memoryGb <= ceiling.memoryGb) continue;
            const cost =
                monthlyCost(allowances, "a1OcpuHour", Math.max(0, ocpus - current.ocpus)) +
                monthlyCost(allowances, "a1MemoryGbHour", Math.max(0, memoryGb - current.memoryGb));
            const largest = [...a1].sort((a, b) => shapeSize(b.props).ocpus - shapeSize(a.props).ocpus)[0];
            reportViolation(
                `${tenancy.label}: A1 ${ocpus} OCPU / ${memoryGb} GB exceeds the ${ceiling.ocpus} OCPU / ${ceiling.memoryGb} GB ceiling ` +
                    `(largest Always Free allowance ever granted): ${formatMonthly(allowances, cost)} beyond the current allowance`,
                largest.urn,
            );
        }
    },
};
