/** CIS 1.2: only the Administrators group manages all resources of a tenancy. */
import * as oci from "@pulumi/oci";
import type { BlitzResourcePolicy } from "../lib/policy";

/** `Allow group X to manage all-resources in tenancy` for a group other than Administrators. */
const MANAGE_ALL = /^\s*allow\s+group\s+(.+?)\s+to\s+manage\s+all-resources\s+in\s+tenancy\b/i;

export const manageAllOnlyAdministrators: BlitzResourcePolicy = {
    name: "cis-manage-all-only-administrators",
    description: "No IAM policy of the program lets a group other than Administrators manage all-resources in the tenancy.",
    enforcementLevel: "mandatory",
    remediationSteps: "Grant the group the resource families it needs (virtual-network-family, instance-family, ...) in its compartment, never all-resources in tenancy.",
    // Partial: the tenancy's own policies (made outside the program) need the console review.
    frameworks: { cis: [{ id: "1.2", coverage: "partial" }], checkov: [] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.identity.Policy)) args.notApplicable("applies to IAM policies");
        const statements = Array.isArray(args.props.statements) ? (args.props.statements as unknown[]) : [];
        for (const statement of statements.filter((s): s is string => typeof s === "string")) {
            const group = MANAGE_ALL.exec(statement)?.[1];
            if (group !== undefined && group.replace(/^'|'$/g, "").split("/").pop() !== "Administrators") {
                reportViolation(`${args.name} lets group ${group} manage all-resources in tenancy ("${statement.trim()}")`);
            }
        }
    },
};
