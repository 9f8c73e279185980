import * as oci from "@pulumi/oci";
import { policyContext } from "../lib/context";
import { formatMonthly, monthlyCost } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { byUrn, groupByTenancy } from "../lib/tenancy";

/** Mandatory: Always Free includes one network load balancer per tenancy. */
export const networkLoadBalancer: BlitzStackPolicy = {
    name: "free-tier-network-load-balancer",
    description: "At most the Always Free number of network load balancers (1) per tenancy.",
    enforcementLevel: "mandatory",
    remediationSteps: "Add listeners to the tenancy's one network load balancer instead of a second one.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const { allowances } = policyContext();
        const { count } = allowances.allowances.networkLoadBalancers;
        for (const tenancy of groupByTenancy(args.resources)) {
            const nlbs = byUrn(tenancy.resources.filter((r) => r.isType(oci.networkloadbalancer.NetworkLoadBalancer)));
            for (const extra of nlbs.slice(count)) {
                reportViolation(
                    `${tenancy.label}: ${nlbs.length} network load balancers exceed the Always Free ${count}; ${extra.name} is beyond it: ` +
                        formatMonthly(allowances, monthlyCost(allowances, "networkLbHour", 1)),
                    extra.urn,
                );
            }
        }
    },
};
