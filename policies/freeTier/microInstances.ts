import * as oci from "@pulumi/oci";
import { policyContext } from "../lib/context";
import { allowancesRef, formatMonthly, monthlyCost } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { byUrn, groupByTenancy } from "../lib/tenancy";
import { MICRO_SHAPE } from "./shapes";

/** Mandatory: Always Free has exactly two E2.1.Micro per tenancy and no paid E2.1.Micro exists. */
export const microInstances: BlitzStackPolicy = {
    name: "free-tier-micro-instances",
    description: "At most the Always Free number of VM.Standard.E2.1.Micro instances (2) per tenancy.",
    enforcementLevel: "mandatory",
    remediationSteps: "Move the extra micro's services onto the tenancy's A1 or another micro, or into another tenancy.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const { allowances } = policyContext();
        const allowed = allowances.allowances.microInstances.count;
        for (const tenancy of groupByTenancy(args.resources)) {
            const micros = byUrn(tenancy.resources.filter((r) => r.isType(oci.core.Instance) && r.props.shape === MICRO_SHAPE));
            for (const extra of micros.slice(allowed)) {
                reportViolation(
                    `${tenancy.label}: ${micros.length} ${MICRO_SHAPE} instances exceed the Always Free ${allowed} (${allowancesRef(allowances)}); ` +
                        `${extra.name} is not free: ${formatMonthly(allowances, monthlyCost(allowances, "microInstanceHour", 1))}`,
                    extra.urn,
                );
            }
        }
    },
};
