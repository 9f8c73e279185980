import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { policyContext } from "../lib/context";
import type { BlitzStackPolicy } from "../lib/policy";
import { whenKnown } from "../lib/unknown";

/**
 * True when `assignment` targets `volume`: through its `assetId` dependency (CLI), an explicit
 * dependency, an `assetId` naming the volume (mock ids), or a `<volume>-backup…` name.
 */
function assigns(assignment: PolicyResource, volume: PolicyResource): boolean {
    if (assignment.propertyDependencies?.assetId?.some((d) => d.urn === volume.urn)) return true;
    if (assignment.dependencies?.some((d) => d.urn === volume.urn)) return true;
    if (assignment.parent?.urn === volume.urn) return true;
    const assetId = whenKnown(() => assignment.props.assetId as unknown, undefined);
    if (typeof assetId === "string" && assetId.includes(volume.name)) return true;
    return assignment.name.startsWith(`${volume.name}-backup`);
}

/**
 * Mandatory (Checkov CKV_OCI_2): block volumes carry a backup policy, unless the topology declares
 * `backupPolicy: none` for that volume (a reviewed choice, e.g. a ledger that re-syncs).
 */
export const volumeBackup: BlitzStackPolicy = {
    name: "block-volume-backup-policy",
    description: "Every block volume has a backup policy (a VolumeBackupPolicyAssignment, or backupPolicyId) unless the topology declares backupPolicy: none.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create an oci.core.VolumeBackupPolicyAssignment (<volume>-backup-policy) with assetId: volume.id and an Oracle bronze/silver/gold policy.",
    frameworks: { cis: [], checkov: ["CKV_OCI_2"] },
    validateStack: (args, reportViolation) => {
        const assignments = args.resources.filter((r) => r.isType(oci.core.VolumeBackupPolicyAssignment));
        const declaredNone = new Set(policyContext().volumesWithoutBackup);
        for (const volume of args.resources.filter((r) => r.isType(oci.core.Volume))) {
            if (declaredNone.has(volume.name)) continue;
            // Unknown in preview (a computed output): then the assignment is what counts.
            const backupPolicyId = whenKnown(() => volume.props.backupPolicyId as unknown, undefined);
            if (typeof backupPolicyId === "string" && backupPolicyId !== "") continue;
            if (assignments.some((a) => assigns(a, volume))) continue;
            reportViolation(`${volume.name} has no backup policy assignment (and the topology does not declare backupPolicy: none for it)`, volume.urn);
        }
    },
};
