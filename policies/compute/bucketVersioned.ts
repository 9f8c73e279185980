import * as oci from "@pulumi/oci";
import { cisFull, type BlitzResourcePolicy } from "../lib/policy";

/** Mandatory (data protection): a deleted or overwritten backup object stays recoverable. */
export const bucketVersioned: BlitzResourcePolicy = {
    name: "bucket-versioned",
    description: "Object storage buckets enable versioning.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set versioning: \"Enabled\" on the bucket (role buckets[].versioning: true in the topology).",
    frameworks: { cis: cisFull("5.1.3"), checkov: ["CKV_OCI_8"] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.objectstorage.Bucket)) args.notApplicable("applies to buckets");
        if (args.props.versioning !== "Enabled") {
            reportViolation(`${args.name} does not enable versioning (versioning is ${String(args.props.versioning ?? "unset")})`);
        }
    },
};
