import * as oci from "@pulumi/oci";
import { policyContext } from "../lib/context";
import { PROJECT_RULE, type BlitzResourcePolicy } from "../lib/policy";
import { freeformTags, isTrue } from "../lib/props";
import { subnetExposure } from "./roleExposure";

/** Mandatory: subnets of private roles refuse public IPs on any VNIC. */
export const privateSubnets: BlitzResourcePolicy = {
    name: "private-subnets-prohibit-public-ip",
    description: "Subnets of private roles (and private load-balancer subnets) set prohibitPublicIpOnVnic.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set prohibitPublicIpOnVnic: true on the subnet; public entry points belong on the public LB or the bastions' public-vm subnet.",
    frameworks: PROJECT_RULE,
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.core.Subnet)) args.notApplicable("applies to subnets");
        const exposure = subnetExposure(args.name, args.props, policyContext());
        if (exposure === "private" && !isTrue(args.props.prohibitPublicIpOnVnic)) {
            reportViolation(
                `${args.name} (role ${freeformTags(args.props).role}) is a private subnet but does not set prohibitPublicIpOnVnic: true`,
            );
        }
    },
};
