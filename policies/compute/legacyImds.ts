import * as oci from "@pulumi/oci";
import { cisFull, type BlitzResourcePolicy } from "../lib/policy";
import { isTrue } from "../lib/props";

/** Mandatory (CIS OCI 3.1 / Checkov CKV_OCI_5): IMDSv1 lets an SSRF read instance credentials. */
export const legacyImds: BlitzResourcePolicy = {
    name: "instance-legacy-imds-disabled",
    description: "Instances disable the legacy (v1) instance metadata endpoints.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set instanceOptions.areLegacyImdsEndpointsDisabled: true on the instance.",
    frameworks: { cis: cisFull("3.1"), checkov: ["CKV_OCI_5"] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.core.Instance)) args.notApplicable("applies to instances");
        const options = (args.props.instanceOptions ?? {}) as Record<string, unknown>;
        if (!isTrue(options.areLegacyImdsEndpointsDisabled)) {
            reportViolation(`${args.name} leaves the legacy IMDS v1 endpoints enabled (instanceOptions.areLegacyImdsEndpointsDisabled is not true)`);
        }
    },
};
