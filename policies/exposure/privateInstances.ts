import * as oci from "@pulumi/oci";
import { policyContext } from "../lib/context";
import { PROJECT_RULE, type BlitzResourcePolicy } from "../lib/policy";
import { freeformTags, isTrue } from "../lib/props";
import { instanceExposure } from "./roleExposure";

/** Mandatory: VMs the topology keeps private get no public IP. */
export const privateInstances: BlitzResourcePolicy = {
    name: "private-instances-no-public-ip",
    description: "Instances of private roles (unless the VM is declared public) do not assign a public IP.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set createVnicDetails.assignPublicIp: false; reach the VM through the load balancer or the bastions.",
    frameworks: PROJECT_RULE,
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.core.Instance)) args.notApplicable("applies to instances");
        const vnic = (args.props.createVnicDetails ?? {}) as Record<string, unknown>;
        const exposure = instanceExposure(args.name, args.props, policyContext());
        // OCI assigns a public IP by default in a public subnet: only an explicit false is safe.
        if (exposure === "private" && (vnic.assignPublicIp === undefined || isTrue(vnic.assignPublicIp))) {
            reportViolation(
                `${args.name} (role ${freeformTags(args.props).role}) is a private VM but createVnicDetails.assignPublicIp is ${String(vnic.assignPublicIp ?? "unset (defaults to true)")}`,
            );
        }
    },
};
