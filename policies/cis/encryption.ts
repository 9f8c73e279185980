/** CIS 5.1.2, 5.2.1, 5.2.2 (Checkov CKV_OCI_9, CKV_OCI_3): data at rest under a customer-managed key. */
import * as oci from "@pulumi/oci";
import { cisFull } from "../lib/policy";
import { whenKnown } from "../lib/unknown";
import { resourceControl } from "./resourceControl";

/** A key id is set (unknown during preview counts: it is another resource's output). */
function hasKey(read: () => unknown): boolean {
    const value = whenKnown(read, "(unknown)");
    return typeof value === "string" && value !== "";
}

export const bucketCmk = resourceControl({
    name: "cis-bucket-customer-managed-key",
    enforcementLevel: "mandatory",
    description: "Object Storage buckets are encrypted with a customer-managed key (kmsKeyId).",
    remediationSteps: "Set kmsKeyId on the bucket to a Vault key of the tenancy (and allow the objectstorage service to use it).",
    frameworks: { cis: cisFull("5.1.2"), checkov: ["CKV_OCI_9"] },
    classes: [oci.objectstorage.Bucket],
    noun: "buckets",
    problem: "are encrypted with Oracle-managed keys (no kmsKeyId)",
    satisfied: (r) => hasKey(() => r.props.kmsKeyId),
});

export const volumeCmk = resourceControl({
    name: "cis-block-volume-customer-managed-key",
    enforcementLevel: "mandatory",
    description: "Block volumes are encrypted with a customer-managed key (kmsKeyId).",
    remediationSteps: "Set kmsKeyId on the volume to a Vault key of the tenancy (and allow the blockstorage service to use it).",
    frameworks: { cis: cisFull("5.2.1"), checkov: ["CKV_OCI_3"] },
    classes: [oci.core.Volume],
    noun: "block volumes",
    problem: "are encrypted with Oracle-managed keys (no kmsKeyId)",
    satisfied: (r) => hasKey(() => r.props.kmsKeyId),
});

export const bootVolumeCmk = resourceControl({
    name: "cis-boot-volume-customer-managed-key",
    enforcementLevel: "mandatory",
    description: "Instances boot from volumes encrypted with a customer-managed key (sourceDetails.kmsKeyId).",
    remediationSteps: "Set sourceDetails.kmsKeyId on the instance to a Vault key of the tenancy.",
    frameworks: { cis: cisFull("5.2.2"), checkov: [] },
    classes: [oci.core.Instance],
    noun: "instances",
    problem: "boot from volumes with Oracle-managed keys (no sourceDetails.kmsKeyId)",
    satisfied: (r) => hasKey(() => ((r.props.sourceDetails ?? {}) as Record<string, unknown>).kmsKeyId),
});

export const keyRotation = resourceControl({
    name: "cis-key-rotation",
    description: "Customer-managed Vault keys rotate automatically (isAutoRotationEnabled), at least once a year.",
    remediationSteps:
        "Set isAutoRotationEnabled: true and autoKeyRotationDetails.rotationIntervalInDays (60 to 365) on the key; OCI offers it only in virtual private vaults (billed). A key in a DEFAULT vault is rotated by hand once a year (docs/runbook.md).",
    frameworks: { cis: cisFull("4.16"), checkov: [] },
    classes: [oci.kms.Key],
    noun: "Vault keys",
    problem: "do not rotate automatically within a year",
    satisfied: (r) => {
        const enabled = whenKnown(() => r.props.isAutoRotationEnabled, undefined);
        const details = whenKnown(() => (r.props.autoKeyRotationDetails ?? {}) as Record<string, unknown>, {});
        const days = Number(details.rotationIntervalInDays ?? 0);
        return (enabled === true || enabled === "true") && (days === 0 || days <= 365);
    },
});
