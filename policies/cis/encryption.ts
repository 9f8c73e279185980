/** CIS 5.1.2, 5.2.1, 5.2.2 (Checkov CKV_OCI_9, CKV_OCI_3): data at rest under a customer-managed key. */
import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { KEY_ROTATION_MAX_AGE_DAYS, keyRotationProblem, rotationDateOf } from "../../plan/securityBaseline";
import { policyContext } from "../lib/context";
import { cisFull, type BlitzStackPolicy } from "../lib/policy";
import { whenKnown } from "../lib/unknown";
import { label } from "./aggregate";
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

/** The key versions that rotate `key`: `oci.kms.KeyVersion`s whose keyId is the key's id. */
function versionsOf(key: PolicyResource, all: PolicyResource[]): PolicyResource[] {
    return all.filter((r) => {
        if (!r.isType(oci.kms.KeyVersion)) return false;
        if (r.propertyDependencies?.keyId?.some((d) => d.urn === key.urn)) return true;
        const keyId = whenKnown(() => r.props.keyId, undefined);
        const id = whenKnown(() => key.props.id, undefined);
        return typeof keyId === "string" && keyId === id;
    });
}

/** OCI's own rotation (virtual private vaults only) at most a year apart. */
function rotatesAutomatically(key: PolicyResource): boolean {
    const enabled = whenKnown(() => key.props.isAutoRotationEnabled, undefined);
    const details = whenKnown(() => (key.props.autoKeyRotationDetails ?? {}) as Record<string, unknown>, {});
    const days = Number(details.rotationIntervalInDays ?? 0);
    return (enabled === true || enabled === "true") && days > 0 && days <= KEY_ROTATION_MAX_AGE_DAYS;
}

/**
 * CIS 4.16 as the program rotates: each key has a version per date of the topology's
 * `keyRotations` (named `<key>-rotation-<date>`), and the newest is at most 365 days old on the
 * context's day. OCI's automatic rotation (virtual private vaults) counts too.
 */
export const keyRotation: BlitzStackPolicy = {
    name: "cis-key-rotation",
    description: `Customer-managed Vault keys get a new key version at least every ${KEY_ROTATION_MAX_AGE_DAYS} days: an oci.kms.KeyVersion per date of topology keyRotations (or OCI's automatic rotation in a virtual private vault).`,
    enforcementLevel: "mandatory",
    remediationSteps:
        "Add today's date to keyRotations in the topology and run pulumi up: it creates one oci.kms.KeyVersion per key (docs/runbook.md). Never remove a date: deleting a version destroys what it encrypted.",
    frameworks: { cis: cisFull("4.16"), checkov: [] },
    validateStack: (args, reportViolation) => {
        const keys = args.resources.filter((r) => r.isType(oci.kms.Key));
        if (keys.length === 0) args.notApplicable("no Vault keys in the stack");
        const { today } = policyContext();
        for (const key of keys) {
            if (rotatesAutomatically(key)) continue;
            const dates = versionsOf(key, args.resources).map((v) => rotationDateOf(v.name)).filter((d): d is string => d !== undefined);
            const problem = keyRotationProblem(dates, today);
            if (problem) reportViolation(`${label(key)} is not rotated within ${KEY_ROTATION_MAX_AGE_DAYS} days: ${problem}`, key.urn);
        }
    },
};
