import * as oci from "@pulumi/oci";
import type { PolicyResource, ReportViolation, StackValidationArgs } from "@pulumi/policy";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { offlineFacts } from "../lib/offline";
import { networkOfCidr, overlaps } from "../../model/cidr";
import { vcnCidrs } from "../lib/props";
import { accountOf, byUrn } from "../lib/tenancy";

/** Where a VCN is, for messages: `EU-FE-01/eu-fe-01-vcn`. */
function where(vcn: PolicyResource): string {
    const account = accountOf(vcn);
    return account ? `${account}/${vcn.name}` : vcn.name;
}

/** Reports each pair of VCNs whose CIDRs overlap, blaming the later one (URN order). */
export function reportOverlaps(
    vcns: PolicyResource[],
    reportViolation: ReportViolation,
    scope: string,
    include: (a: PolicyResource, b: PolicyResource) => boolean = () => true,
): void {
    const sorted = byUrn(vcns);
    for (let i = 0; i < sorted.length; i++) {
        for (let j = 0; j < i; j++) {
            if (!include(sorted[i], sorted[j])) continue;
            for (const a of vcnCidrs(sorted[i].props)) {
                for (const b of vcnCidrs(sorted[j].props)) {
                    const [ca, cb] = [networkOfCidr(a), networkOfCidr(b)];
                    if (ca && cb && overlaps(ca, cb)) {
                        reportViolation(`${where(sorted[i])} CIDR ${a} overlaps ${where(sorted[j])} CIDR ${b} ${scope}`, sorted[i].urn);
                    }
                }
            }
        }
    }
}

const REMEDIATION = "Give each tenancy its own slice of its role block (the plan's address plan); never type VCN CIDRs by hand.";

/** Mandatory: no two VCNs of a stack overlap (DRG attachments and peering need disjoint ranges). */
export const vcnOverlap: BlitzStackPolicy = {
    name: "no-overlapping-vcn-cidrs",
    description: "No two VCNs of the stack have overlapping CIDR blocks.",
    enforcementLevel: "mandatory",
    remediationSteps: REMEDIATION,
    frameworks: PROJECT_RULE,
    validateStack: (args: StackValidationArgs, reportViolation) => {
        reportOverlaps(args.resources.filter((r) => r.isType(oci.core.Vcn)), reportViolation, "in this stack");
    },
};

/**
 * Mandatory, topology-wide: the same rule over the VCNs of every stack at once. The CLI sees one
 * stack at a time, so the offline runner applies this one to all planned stacks together.
 */
export const vcnOverlapTopology: BlitzStackPolicy = {
    name: "no-overlapping-vcn-cidrs-topology",
    description: "No two VCNs of different region stacks have overlapping CIDR blocks (all stacks together).",
    enforcementLevel: "mandatory",
    remediationSteps: REMEDIATION,
    frameworks: PROJECT_RULE,
    validateStack: (args: StackValidationArgs, reportViolation) => {
        // Pairs inside one stack are the per-stack policy's findings; report only cross-stack ones.
        const stackOf = (r: PolicyResource) => offlineFacts(r)?.stack;
        reportOverlaps(args.resources.filter((r) => r.isType(oci.core.Vcn)), reportViolation, "in another stack", (a, b) => stackOf(a) !== stackOf(b));
    },
};
