import * as oci from "@pulumi/oci";
import { policyContext } from "../lib/context";
import { PROJECT_RULE, type BlitzResourcePolicy } from "../lib/policy";
import { contains, networkOfCidr } from "../../model/cidr";
import { vcnCidrs } from "../lib/props";

/** Mandatory: every VCN lies inside the topology's address space, so the DRG routes reach it. */
export const vcnAddressSpace: BlitzResourcePolicy = {
    name: "vcn-inside-address-space",
    description: "Every VCN CIDR lies inside the topology's address space (10.0.0.0/16).",
    enforcementLevel: "mandatory",
    remediationSteps: "Carve the VCN from its role block inside addressSpace in the topology (the plan's address plan does this).",
    frameworks: PROJECT_RULE,
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.core.Vcn)) args.notApplicable("applies to VCNs");
        const space = policyContext().addressSpace;
        const outer = networkOfCidr(space)!;
        const cidrs = vcnCidrs(args.props);
        if (cidrs.length === 0) reportViolation(`${args.name} declares no CIDR block`);
        for (const cidr of cidrs) {
            const inner = networkOfCidr(cidr);
            if (!inner || !contains(outer, inner)) reportViolation(`${args.name} CIDR ${cidr} is outside the address space ${space}`);
        }
    },
};
