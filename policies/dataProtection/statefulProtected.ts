import * as oci from "@pulumi/oci";
import { PROJECT_RULE, type BlitzResourcePolicy, type ResourceClass } from "../lib/policy";
import { offlineFacts } from "../lib/offline";

/** Resource classes that hold data a `pulumi destroy` or a replacement must not take with it. */
export const STATEFUL_CLASSES: ResourceClass[] = [
    oci.database.AutonomousDatabase,
    oci.core.Volume,
    oci.objectstorage.Bucket,
    oci.kms.Vault,
    oci.kms.Key,
];

/** Mandatory: stateful resources are `protect`ed (or retained on delete). */
export const statefulProtected: BlitzResourcePolicy = {
    name: "stateful-resources-protected",
    description: "Autonomous Databases, block volumes, buckets, vaults and keys are protected or retained on delete.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Pass { protect: true } in the resource options (the Pulumi CLI's policy analyzer sees protect; retainOnDelete is only visible offline).",
    frameworks: PROJECT_RULE,
    validateResource: (args, reportViolation) => {
        if (!STATEFUL_CLASSES.some((c) => args.isType(c))) args.notApplicable("applies to stateful resources");
        if (args.opts.protect || offlineFacts(args)?.retainOnDelete) return;
        reportViolation(`${args.name} (${args.type}) holds data but is neither protected nor retained on delete`);
    },
};
