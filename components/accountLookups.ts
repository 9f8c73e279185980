/**
 * Data-source lookups of one tenancy: availability domain, latest image per shape and the
 * Oracle-defined volume backup policies. Configured overrides skip the lookup.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { type AccountContext, invokeOptions } from "./accountContext";

export interface ImageQuery {
    operatingSystem: string;
    version: string;
}

/**
 * The availability domain for the account's VMs and volumes: the override when configured
 * (A1 capacity differs by domain: "out of host capacity"), else the first of the tenancy.
 */
export function availabilityDomainOf(parent: pulumi.Resource, ctx: AccountContext, override?: string): pulumi.Output<string> {
    if (override) return pulumi.output(override);
    return oci.identity
        .getAvailabilityDomainsOutput({ compartmentId: ctx.tenancyOcid }, invokeOptions(parent, ctx))
        .availabilityDomains.apply((domains) => {
            const first = domains[0];
            if (!first) throw new pulumi.ResourceError(`${ctx.plan.name}: the tenancy lists no availability domain`, parent);
            return first.name;
        });
}

/** The newest image of `query` compatible with `shape`, unless an image OCID is configured for it. */
export function imageOf(
    parent: pulumi.Resource,
    ctx: AccountContext,
    shape: string,
    query: ImageQuery,
    overrides: Record<string, string> = {},
): pulumi.Output<string> {
    const override = overrides[shape];
    if (override) return pulumi.output(override);
    return oci.core
        .getImagesOutput({
            compartmentId: ctx.tenancyOcid,
            operatingSystem: query.operatingSystem,
            operatingSystemVersion: query.version,
            shape,
            state: "AVAILABLE",
            sortBy: "TIMECREATED",
            sortOrder: "DESC",
        }, invokeOptions(parent, ctx))
        .images.apply((images) => {
            const latest = images[0];
            if (!latest) throw new pulumi.ResourceError(`${ctx.plan.name}: no ${query.operatingSystem} ${query.version} image for ${shape}`, parent);
            return latest.id;
        });
}

/** Oracle-defined volume backup policies (`bronze`, `silver`, `gold`) by lower-case name. */
export function backupPolicyIdsOf(parent: pulumi.Resource, ctx: AccountContext): pulumi.Output<Record<string, string>> {
    return oci.core
        .getVolumeBackupPoliciesOutput({}, invokeOptions(parent, ctx))
        .volumeBackupPolicies.apply((policies) =>
            Object.fromEntries(policies.map((p) => [p.displayName.toLowerCase(), p.id])),
        );
}
