import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { policyContext } from "../lib/context";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { freeformTags, isInternet, protocolName } from "../lib/props";
import { groupByTenancy } from "../lib/tenancy";
import { whenKnown } from "../lib/unknown";

/** An egress rule normalized from an NSG rule or a security list's `egressSecurityRules`. */
interface EgressRule {
    protocol: string;
    destination: string;
}

function egressRules(resource: PolicyResource): EgressRule[] {
    const p = resource.props;
    if (resource.isType(oci.core.NetworkSecurityGroupSecurityRule)) {
        if (String(p.direction ?? "").toUpperCase() !== "EGRESS") return [];
        return [{ protocol: protocolName(p.protocol), destination: String(p.destination ?? "") }];
    }
    const list = Array.isArray(p.egressSecurityRules) ? (p.egressSecurityRules as Record<string, unknown>[]) : [];
    return list.map((r) => ({ protocol: protocolName(r.protocol), destination: String(r.destination ?? "") }));
}

/**
 * Mandatory: a tenancy whose role keeps its VMs private sends nothing to the internet on every
 * protocol: its NSGs and security lists open only the ports its installs and services need
 * (plan/egress.ts). A VM taken over then cannot reach any port of any host outside.
 */
export const privateEgress: BlitzStackPolicy = {
    name: "private-egress-not-all-protocols",
    description: "NSGs and security lists of private roles allow no egress to 0.0.0.0/0 on all protocols.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Allow the address space on all protocols if needed, and the internet only on the ports the VM's installs and services need (80/443, NTP, a service's own ports): plan/egress.ts derives them.",
    // CIS OCI and Checkov check ingress from 0.0.0.0/0, not egress: a project rule.
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const { roleExposure } = policyContext();
        for (const tenancy of groupByTenancy(args.resources)) {
            const role = tenancy.resources.map((r) => whenKnown(() => freeformTags(r.props).role, undefined)).find((x) => x !== undefined);
            if (!role || roleExposure[role]?.vms !== "private") continue;
            for (const resource of tenancy.resources) {
                const isRule = resource.isType(oci.core.NetworkSecurityGroupSecurityRule) || resource.isType(oci.core.SecurityList) || resource.isType(oci.core.DefaultSecurityList);
                if (!isRule) continue;
                for (const rule of egressRules(resource)) {
                    if (rule.protocol !== "all" || !isInternet(rule.destination)) continue;
                    reportViolation(
                        `${tenancy.label} (role ${role}, private): ${resource.name} allows egress to ${rule.destination} on all protocols; ` +
                            "allow the address space, and the internet only on the ports installs and services need",
                        resource.urn,
                    );
                }
            }
        }
    },
};
