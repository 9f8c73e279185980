import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import type { BlitzStackPolicy } from "../lib/policy";

/**
 * True when `assignment` targets `volume`: through its `assetId` dependency (CLI), an explicit
 * dependency, an `assetId` naming the volume (mock ids), or a `<volume>-backup…` name.
 */
function assigns(assignment: PolicyResource, volume: PolicyResource): boolean {
    if (assignment.propertyDependencies?.assetId?.some((d) => d.urn === volume.urn)) return true;
    if (assignment.dependencies?.some((d) => d.urn === volume.urn)) return true;
    if (assignment.parent?.urn === volume.urn) return true;
    const assetId = assignment.props.assetId;
    if (typeof assetId === "string" && assetId.includes(volume.name)) return true;
    return assignment.name.startsWith(`${volume.name}-backup`);
}

/** Mandatory (CIS OCI 5.2.x): block volumes carry a backup policy. */
export const volumeBackup: BlitzStackPolicy = {
    name: "block-volume-backup-policy",
    description: "Every block volume has a backup policy (a VolumeBackupPolicyAssignment, or backupPolicyId).",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create an oci.core.VolumeBackupPolicyAssignment (<volume>-backup-policy) with assetId: volume.id and an Oracle bronze/silver/gold policy.",
    validateStack: (args, reportViolation) => {
        const assignments = args.resources.filter((r) => r.isType(oci.core.VolumeBackupPolicyAssignment));
        for (const volume of args.resources.filter((r) => r.isType(oci.core.Volume))) {
            if (typeof volume.props.backupPolicyId === "string" && volume.props.backupPolicyId !== "") continue;
            if (assignments.some((a) => assigns(a, volume))) continue;
            reportViolation(`${volume.name} has no backup policy assignment`, volume.urn);
        }
    },
};
