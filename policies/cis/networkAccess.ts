/** CIS 2.5 and 2.8: nothing reaches the default security lists or the Autonomous Database from anywhere. */
import * as oci from "@pulumi/oci";
import { cisFull, type BlitzResourcePolicy } from "../lib/policy";
import { isInternet, securityListIngress } from "../lib/props";

export const defaultSecurityListRestricted: BlitzResourcePolicy = {
    name: "cis-default-security-list-restricted",
    description: "Default security lists admit nothing from 0.0.0.0/0 and send nothing to 0.0.0.0/0 on all protocols.",
    enforcementLevel: "mandatory",
    remediationSteps: "Manage the VCN's default security list (oci.core.DefaultSecurityList) with empty rules, or only ICMP from inside the VCN; open ports on NSGs.",
    frameworks: { cis: cisFull("2.5"), checkov: [] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.core.DefaultSecurityList)) args.notApplicable("applies to default security lists");
        for (const rule of securityListIngress(args.props).filter((r) => isInternet(r.source))) {
            reportViolation(`${args.name} admits ${rule.protocol} from ${rule.source}`);
        }
        const egress = Array.isArray(args.props.egressSecurityRules) ? (args.props.egressSecurityRules as Record<string, unknown>[]) : [];
        for (const rule of egress.filter((r) => r !== null && isInternet(r.destination) && String(r.protocol).toLowerCase() === "all")) {
            reportViolation(`${args.name} sends all protocols to ${String(rule.destination)}`);
        }
    },
};

export const autonomousDatabaseAccess: BlitzResourcePolicy = {
    name: "cis-autonomous-database-access-restricted",
    description: "Autonomous Databases admit only listed clients (whitelistedIps without 0.0.0.0/0) or sit on a private endpoint (subnetId).",
    enforcementLevel: "mandatory",
    remediationSteps: "Set whitelistedIps to the client VCNs and IPs (the plan's dependencies) or give the database a private endpoint (subnetId, nsgIds).",
    // Partial: whether the listed clients are the right ones is the review CIS 2.8 asks for.
    frameworks: { cis: [{ id: "2.8", coverage: "partial" }], checkov: [] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.database.AutonomousDatabase)) args.notApplicable("applies to Autonomous Databases");
        const allowed = Array.isArray(args.props.whitelistedIps) ? (args.props.whitelistedIps as unknown[]) : [];
        const open = allowed.filter((a) => typeof a === "string" && isInternet(a.split(";").pop()));
        if (open.length > 0) reportViolation(`${args.name} admits the whole internet (whitelistedIps ${open.join(", ")})`);
        else if (allowed.length === 0 && !args.props.subnetId) reportViolation(`${args.name} has neither an access control list (whitelistedIps) nor a private endpoint (subnetId): any client may connect`);
    },
};
