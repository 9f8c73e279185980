import * as oci from "@pulumi/oci";
import { cisFull, type BlitzResourcePolicy } from "../lib/policy";

/** Mandatory (CIS OCI 5.1.1): backup buckets never allow anonymous reads. */
export const bucketPrivate: BlitzResourcePolicy = {
    name: "bucket-not-public",
    description: "Object storage buckets keep accessType NoPublicAccess.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set accessType: \"NoPublicAccess\" (or leave it unset); share objects with pre-authenticated requests instead.",
    frameworks: { cis: cisFull("5.1.1"), checkov: ["CKV_OCI_10"] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.objectstorage.Bucket)) args.notApplicable("applies to buckets");
        const access = args.props.accessType;
        if (access !== undefined && access !== "NoPublicAccess") {
            reportViolation(`${args.name} is public (accessType ${String(access)})`);
        }
    },
};
