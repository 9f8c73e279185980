/** Checkov CKV_OCI_7: buckets emit object events, so object changes can raise alerts. */
import * as oci from "@pulumi/oci";
import { isTrue } from "../lib/props";
import { resourceControl } from "./resourceControl";

export const bucketEvents = resourceControl({
    name: "bucket-object-events",
    enforcementLevel: "mandatory",
    description: "Object Storage buckets emit object events (objectEventsEnabled).",
    remediationSteps: "Set objectEventsEnabled: true on the bucket.",
    frameworks: { cis: [], checkov: ["CKV_OCI_7"] },
    classes: [oci.objectstorage.Bucket],
    noun: "buckets",
    problem: "do not emit object events",
    satisfied: (r) => isTrue(r.props.objectEventsEnabled),
});
