import * as oci from "@pulumi/oci";
import { cisFull, type BlitzResourcePolicy } from "../lib/policy";
import { covers, formatPorts, isInternet, nsgIngress, securityListIngress, type IngressRule } from "../lib/props";

/** SSH and RDP: never reachable from the internet (SSH goes through the MGMT bastions' WireGuard). */
export const ADMIN_PORTS: { port: number; name: string; protocols: string[] }[] = [
    { port: 22, name: "SSH", protocols: ["tcp"] },
    { port: 3389, name: "RDP", protocols: ["tcp", "udp"] },
];

/** Admin ports an ingress rule opens to the internet. */
export function adminPortsOpenToInternet(rule: IngressRule): string[] {
    if (!isInternet(rule.source)) return [];
    return ADMIN_PORTS.filter((a) => (rule.protocol === "all" || a.protocols.includes(rule.protocol)) && covers(rule.ports, a.port)).map(
        (a) => `${a.name} ${a.port}`,
    );
}

/** Mandatory: no security list or NSG rule opens 22 or 3389 to 0.0.0.0/0. */
export const adminPorts: BlitzResourcePolicy = {
    name: "no-admin-ports-from-internet",
    description: "No security list or NSG rule opens SSH (22) or RDP (3389) to 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    remediationSteps: "Reach VMs over the MGMT bastions' WireGuard; SSH rules take the bastions' /32s or the operators' routed tunnel space as source, never 0.0.0.0/0.",
    frameworks: { cis: cisFull("2.1", "2.2", "2.3", "2.4"), checkov: ["CKV_OCI_19", "CKV_OCI_20", "CKV_OCI_22", "CKV2_OCI_2"] },
    validateResource: (args, reportViolation) => {
        const rules = args.isType(oci.core.SecurityList) || args.isType(oci.core.DefaultSecurityList)
            ? securityListIngress(args.props)
            : args.isType(oci.core.NetworkSecurityGroupSecurityRule)
              ? nsgIngress(args.props)
              : args.notApplicable("applies to security lists and NSG rules");
        for (const rule of rules) {
            const open = adminPortsOpenToInternet(rule);
            if (open.length > 0) {
                reportViolation(`${args.name} opens ${open.join(" and ")} to ${rule.source} (${rule.protocol} ${formatPorts(rule.ports)})`);
            }
        }
    },
};
