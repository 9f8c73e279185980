/**
 * The CIS baseline policies fire on whole classes of resources (every instance without a
 * customer-managed key, every tenancy without an Events rule): one finding per stack names the
 * count and the first few offenders, so a missing control reads as one line, not three hundred.
 */
import type { PolicyResource, ReportViolation } from "@pulumi/policy";
import { accountOf, groupByTenancy } from "../lib/tenancy";

/** How many offenders a message names before `(+N more)`. */
const NAMED = 5;

/** `EU-FE-01/eu-fe-01-app`. */
export function label(resource: PolicyResource): string {
    const account = accountOf(resource);
    return account ? `${account}/${resource.name}` : resource.name;
}

/**
 * Reports `offenders` (of `total` checked) once, blaming the first:
 * `3 of 45 instances boot without a customer-managed key: EU-FE-01/eu-fe-01-app, … (+1 more)`.
 */
export function reportOffenders(offenders: { urn: string; label: string }[], total: number, noun: string, problem: string, report: ReportViolation): void {
    if (offenders.length === 0) return;
    const named = offenders.slice(0, NAMED).map((o) => o.label).join(", ");
    const more = offenders.length > NAMED ? ` (+${offenders.length - NAMED} more)` : "";
    report(`${offenders.length} of ${total} ${noun} ${problem}: ${named}${more}`, offenders[0].urn);
}

/** The OCI tenancies of a stack (resources grouped by their oci provider). */
export function ociTenancies(resources: PolicyResource[]) {
    return groupByTenancy(resources).filter((t) => t.resources.some((r) => r.type.startsWith("oci:")));
}

/** Blame for a tenancy-level gap: the tenancy's VCN, else its first OCI resource. */
export function tenancyBlame(tenancy: ReturnType<typeof ociTenancies>[number]): { urn: string; label: string } {
    const oci = tenancy.resources.filter((r) => r.type.startsWith("oci:"));
    const blamed = oci.find((r) => r.type === "oci:Core/vcn:Vcn") ?? oci[0];
    return { urn: blamed.urn, label: tenancy.label };
}
