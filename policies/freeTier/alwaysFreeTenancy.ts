import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { isAlwaysFree, policyContext } from "../lib/context";
import { allowancesRef } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { toNumber } from "../lib/props";
import { byUrn, groupByTenancy } from "../lib/tenancy";
import { A1_SHAPE, shapeSize } from "./shapes";

/**
 * Mandatory, Always Free tenancies: beyond an allowance the API answers `LimitExceeded` (an
 * Always Free tenancy is never billed), so everything the allowance file does not cover is
 * refused before deployment — A1 cores and memory, block storage, and the NAT and service
 * gateways the allowance file gives a count of 0. Micros, load balancers and Autonomous
 * Databases have their own mandatory policies for every tenancy.
 */
export const alwaysFreeTenancy: BlitzStackPolicy = {
    name: "free-tier-always-free-tenancy",
    description: "An Always Free tenancy stays within every Always Free allowance; beyond one the API answers LimitExceeded.",
    enforcementLevel: "mandatory",
    frameworks: PROJECT_RULE,
    remediationSteps:
        "Shrink the tenancy's resources to the allowance (data/free-tier-allowances.yaml), or declare it billing: { mode: payAsYouGo, reason: ... } in the topology and accept the cost the plan reports.",
    validateStack: (args, reportViolation) => {
        const context = policyContext();
        const { allowances } = context;
        const a = allowances.allowances;
        const ref = allowancesRef(allowances);
        for (const tenancy of groupByTenancy(args.resources).filter((t) => isAlwaysFree(context, t.label))) {
            const refuse = (what: string, allowance: string, blamed: PolicyResource | undefined) => {
                if (blamed) reportViolation(`${tenancy.label} (alwaysFree): ${what} exceeds the Always Free ${allowance} (${ref}); the API would answer LimitExceeded`, blamed.urn);
            };
            const of = (type: Parameters<PolicyResource["isType"]>[0]) => byUrn(tenancy.resources.filter((r) => r.isType(type)));

            const instances = of(oci.core.Instance);
            const a1 = instances.filter((r) => r.props.shape === A1_SHAPE);
            const ocpus = a1.reduce((sum, r) => sum + shapeSize(r.props).ocpus, 0);
            const memoryGb = a1.reduce((sum, r) => sum + shapeSize(r.props).memoryGb, 0);
            const largestA1 = [...a1].sort((x, y) => shapeSize(y.props).ocpus - shapeSize(x.props).ocpus)[0];
            if (ocpus > a.a1.ocpus) refuse(`A1 ${ocpus} OCPU (${largestA1?.name})`, `${a.a1.ocpus} OCPU (allowances.a1.ocpus)`, largestA1);
            if (memoryGb > a.a1.memoryGb) refuse(`A1 ${memoryGb} GB of memory (${largestA1?.name})`, `${a.a1.memoryGb} GB (allowances.a1.memoryGb)`, largestA1);

            const volumes = of(oci.core.Volume);
            const bootGb = instances.reduce((sum, r) => sum + (toNumber(((r.props.sourceDetails ?? {}) as Record<string, unknown>).bootVolumeSizeInGbs) ?? a.blockStorage.bootVolumeMinGb), 0);
            const blockGb = volumes.reduce((sum, r) => sum + (toNumber(r.props.sizeInGbs) ?? 0), 0);
            if (bootGb + blockGb > a.blockStorage.totalGb) {
                const blamed = [...volumes].sort((x, y) => (toNumber(y.props.sizeInGbs) ?? 0) - (toNumber(x.props.sizeInGbs) ?? 0))[0] ?? instances[0];
                refuse(`block storage ${bootGb + blockGb} GB (boot ${bootGb} + block ${blockGb}, largest ${blamed?.name})`, `${a.blockStorage.totalGb} GB (allowances.blockStorage.totalGb)`, blamed);
            }
            for (const [type, allowed, label, key] of [
                [oci.core.NatGateway, a.natGateways.count, "NAT gateway", "allowances.natGateways.count"],
                [oci.core.ServiceGateway, a.serviceGateways.count, "service gateway", "allowances.serviceGateways.count"],
            ] as const) {
                const gateways = of(type);
                for (const extra of gateways.slice(allowed)) refuse(`${label} ${extra.name} (${gateways.length} in the tenancy)`, `${allowed} (${key})`, extra);
            }
        }
    },
};
