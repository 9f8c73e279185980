/** CIS 6.1 and 6.2: resources live in compartments, never in the tenancy's root compartment. */
import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { cisFull, type BlitzStackPolicy, type ResourceClass } from "../lib/policy";
import { whenKnown } from "../lib/unknown";
import { ociTenancies, reportOffenders, tenancyBlame } from "./aggregate";
import { resourceControl } from "./resourceControl";

/** The root compartment's OCID is the tenancy's: `ocid1.tenancy.…`. */
function inRoot(resource: PolicyResource): boolean {
    const id = whenKnown(() => resource.props.compartmentId, undefined);
    return typeof id === "string" && id.startsWith("ocid1.tenancy.");
}

export const compartmentExists: BlitzStackPolicy = {
    name: "cis-compartments-exist",
    description: "Every tenancy has at least one compartment of its own for its resources.",
    enforcementLevel: "mandatory",
    remediationSteps: "Create the tenancy's compartments (oci.identity.Compartment, e.g. network, security, workload, data) and place resources in them.",
    frameworks: { cis: cisFull("6.1"), checkov: [] },
    validateStack: (args, reportViolation) => {
        const tenancies = ociTenancies(args.resources);
        const missing = tenancies.filter((t) => !t.resources.some((r) => r.isType(oci.identity.Compartment))).map(tenancyBlame);
        reportOffenders(missing, tenancies.length, "tenancies", "have no compartment", reportViolation);
    },
};

/** The resource kinds CIS 6.2's audit query lists (VCN, instance, boot volume, volume, file system, bucket, databases). */
const AUDITED: ResourceClass[] = [
    oci.core.Vcn,
    oci.core.Instance,
    oci.core.BootVolume,
    oci.core.Volume,
    oci.filestorage.FileSystem,
    oci.objectstorage.Bucket,
    oci.database.AutonomousDatabase,
    oci.database.Database,
    oci.database.DbSystem,
];

export const noRootResources = resourceControl({
    name: "cis-no-resources-in-root-compartment",
    enforcementLevel: "mandatory",
    description: "No VCN, instance, volume, file system, bucket or database is created in a tenancy's root compartment.",
    remediationSteps: "Pass the compartment of the resource's concern (network, security, workload, data) as compartmentId instead of the tenancy OCID.",
    frameworks: { cis: cisFull("6.2"), checkov: [] },
    classes: AUDITED,
    noun: "VCNs, instances, volumes, buckets and databases",
    problem: "are in the root compartment",
    satisfied: (r) => !inRoot(r),
});
