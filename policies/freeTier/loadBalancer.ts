import * as oci from "@pulumi/oci";
import { policyContext } from "../lib/context";
import { formatMonthly, monthlyCost } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { toNumber } from "../lib/props";
import { byUrn, groupByTenancy } from "../lib/tenancy";

/** Mandatory: one flexible load balancer per tenancy, at exactly the free 10 Mbps (min = max). */
export const loadBalancer: BlitzStackPolicy = {
    name: "free-tier-load-balancer",
    description: "One flexible load balancer per tenancy, shape `flexible` at the Always Free 10 Mbps minimum and maximum.",
    enforcementLevel: "mandatory",
    remediationSteps: "Keep one load balancer per account with shape flexible and shapeDetails 10/10 Mbps; add listeners or backend sets instead of load balancers.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const { allowances } = policyContext();
        const { count, bandwidthMbps } = allowances.allowances.flexibleLoadBalancers;
        for (const tenancy of groupByTenancy(args.resources)) {
            const lbs = byUrn(tenancy.resources.filter((r) => r.isType(oci.loadbalancer.LoadBalancer)));
            for (const extra of lbs.slice(count)) {
                const cost = monthlyCost(allowances, "flexibleLbHour", 1) + monthlyCost(allowances, "flexibleLbMbpsHour", bandwidthMbps);
                reportViolation(
                    `${tenancy.label}: ${lbs.length} load balancers exceed the Always Free ${count}; ${extra.name} is not free: ${formatMonthly(allowances, cost)}`,
                    extra.urn,
                );
            }
            for (const lb of lbs) {
                const details = (lb.props.shapeDetails ?? {}) as Record<string, unknown>;
                const min = toNumber(details.minimumBandwidthInMbps);
                const max = toNumber(details.maximumBandwidthInMbps);
                if (lb.props.shape !== "flexible" || min !== bandwidthMbps || max !== bandwidthMbps) {
                    const excess = Math.max(0, (max ?? 0) - bandwidthMbps);
                    reportViolation(
                        `${tenancy.label}: load balancer ${lb.name} has shape ${String(lb.props.shape)} at ${min ?? "?"}-${max ?? "?"} Mbps; ` +
                            `Always Free is shape flexible at ${bandwidthMbps}-${bandwidthMbps} Mbps` +
                            (excess > 0 ? ` (extra bandwidth: ${formatMonthly(allowances, monthlyCost(allowances, "flexibleLbMbpsHour", excess))})` : ""),
                        lb.urn,
                    );
                }
            }
        }
    },
};
