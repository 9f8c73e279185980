import * as oci from "@pulumi/oci";
import { isAlwaysFree, policyContext } from "../lib/context";
import { allowancesRef, formatMonthly, monthlyCost } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { byUrn, groupByTenancy } from "../lib/tenancy";
import { A1_SHAPE, shapeSize } from "./shapes";

/**
 * Advisory, pay-as-you-go tenancies: the topology knowingly sizes their A1 at the spec's 4 OCPU /
 * 24 GB, above the 2026 allowance of 2 / 12; the message states what that costs per month.
 */
export const a1Allowance: BlitzStackPolicy = {
    name: "free-tier-a1-allowance",
    description: "Ampere A1 OCPUs and memory per tenancy stay within the current Always Free allowance.",
    enforcementLevel: "advisory",
    remediationSteps: "Lower ocpus/memoryGb of the tenancy's A1 VMs in the topology, or accept the stated monthly cost.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const context = policyContext();
        const { allowances } = context;
        const allowed = allowances.allowances.a1;
        // Always Free tenancies cannot be billed: free-tier-always-free-tenancy refuses their excess.
        for (const tenancy of groupByTenancy(args.resources).filter((t) => !isAlwaysFree(context, t.label))) {
            const a1 = byUrn(tenancy.resources.filter((r) => r.isType(oci.core.Instance) && r.props.shape === A1_SHAPE));
            if (a1.length === 0) continue;
            const ocpus = a1.reduce((sum, r) => sum + shapeSize(r.props).ocpus, 0);
            const memoryGb = a1.reduce((sum, r) => sum + shapeSize(r.props).memoryGb, 0);
            const excessOcpus = Math.max(0, ocpus - allowed.ocpus);
            const excessMemory = Math.max(0, memoryGb - allowed.memoryGb);
            if (excessOcpus === 0 && excessMemory === 0) continue;
            const cost = monthlyCost(allowances, "a1OcpuHour", excessOcpus) + monthlyCost(allowances, "a1MemoryGbHour", excessMemory);
            reportViolation(
                `${tenancy.label}: A1 ${ocpus} OCPU / ${memoryGb} GB exceeds the Always Free ${allowed.ocpus} OCPU / ${allowed.memoryGb} GB ` +
                    `(${allowancesRef(allowances)}) by ${excessOcpus} OCPU / ${excessMemory} GB: ${formatMonthly(allowances, cost)}`,
                a1[0].urn,
            );
        }
    },
};
