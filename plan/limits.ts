/**
 * OCI's documented limits on what the plan computes (data/oci-limits.yaml): security rules per
 * NSG, NSGs per VNIC, VCN attachments and remote peering connections per DRG, IAM statements
 * per policy and per tenancy. Checked on the finished plan, before any resource exists; every
 * problem names the YAML path that causes the count and links to Oracle's documentation.
 */
import type { Problem } from "../model/errors";
import { limitUrl, type OciLimits } from "../model/ociLimits";
import type { Topology } from "../model/schema";
import { formatPath } from "../model/yamlPath";
import { admitAttachmentStatements, admitRemotePeeringStatements, endorseAttachmentStatements, endorseRemotePeeringStatements } from "./iamStatements";
import type { AccountPlan, FirewallTarget, TopologyPlan } from "./types";

/** NSGs a VNIC joins: its own target's (components: a VM's, the LB's, the NLB's). */
function nsgsOfTarget(account: AccountPlan, target: FirewallTarget): number {
    return new Set(account.firewall.filter((r) => sameTarget(r.target, target)).map((r) => targetId(r.target))).size || 1;
}

function targetId(target: FirewallTarget): string {
    return target.kind === "vm" ? `vm:${target.vm}` : target.kind;
}

function sameTarget(a: FirewallTarget, b: FirewallTarget): boolean {
    return targetId(a) === targetId(b);
}

/** Where a target comes from in the topology. */
function targetPath(topology: Topology, account: AccountPlan, target: FirewallTarget): string {
    const role = topology.roles[account.role];
    if (target.kind === "lb") return formatPath(["roles", account.role, "loadBalancer"]);
    if (target.kind === "nlb") return formatPath(["roles", account.role, "networkLoadBalancer"]);
    const index = role.vms.findIndex((vm) => vm.name === target.vm);
    return formatPath(["roles", account.role, "vms", index, "services"]);
}

/** Every limit problem of the plan (empty when it fits). */
export function planLimitProblems(topology: Topology, plan: TopologyPlan, limits: OciLimits): Problem[] {
    const l = limits.limits;
    const problems: Problem[] = [];
    const cite = (key: Parameters<typeof limitUrl>[1]) => `(${limitUrl(limits, key)})`;

    for (const account of plan.accounts) {
        const perTarget = new Map<string, { target: FirewallTarget; rules: number }>();
        for (const rule of account.firewall) {
            const id = targetId(rule.target);
            const entry = perTarget.get(id) ?? { target: rule.target, rules: 0 };
            entry.rules++;
            perTarget.set(id, entry);
        }
        const egressOf = (id: string) => account.egress.filter((r) => targetId(r.target) === id).length;
        for (const { target, rules } of perTarget.values()) {
            const egress = egressOf(targetId(target));
            const total = rules + egress;
            if (total > l.securityRulesPerNsg.max) {
                problems.push({
                    path: targetPath(topology, account, target),
                    message:
                        `${account.name}: the NSG of ${targetId(target)} would hold ${total} security rules (${rules} ingress + ${egress} egress); ` +
                        `OCI allows ${l.securityRulesPerNsg.max} per NSG ${cite("securityRulesPerNsg")}: fewer client groups or dependencies on this VM`,
                });
            }
            const nsgs = nsgsOfTarget(account, target);
            if (nsgs > l.nsgsPerVnic.max) {
                problems.push({ path: targetPath(topology, account, target), message: `${account.name}: ${targetId(target)} would join ${nsgs} NSGs; OCI allows ${l.nsgsPerVnic.max} per VNIC ${cite("nsgsPerVnic")}` });
            }
        }
    }

    // DRGs: a region hub takes every VCN of its region; the EU hub one RPC per other region.
    for (const stack of plan.stacks) {
        const attachments = plan.accounts.filter((a) => a.region === stack.region).length;
        const hubPath = formatPath(["regions", stack.region, "hub"]);
        if (attachments > l.drgVcnAttachments.max) {
            problems.push({ path: hubPath, message: `the ${stack.hub} DRG would take ${attachments} VCN attachments; OCI allows ${l.drgVcnAttachments.max} per DRG ${cite("drgVcnAttachments")}` });
        }
        const hub = plan.accounts.find((a) => a.name === stack.hub);
        const rpcs = hub?.connectivity.isGlobalHub ? plan.stacks.length - 1 : hub?.connectivity.peersWith ? 1 : 0;
        if (rpcs > l.drgRemotePeeringConnections.max) {
            problems.push({ path: hubPath, message: `the ${stack.hub} DRG would hold ${rpcs} remote peering connections; OCI allows ${l.drgRemotePeeringConnections.max} per DRG ${cite("drgRemotePeeringConnections")}` });
        }
    }

    // IAM: the peering policies each tenancy holds (components/Peering.ts), counted from the same builders.
    const peer = (account: string) => ({ account, tenancyOcid: "ocid1.tenancy.oc1..counted", networkAdminGroupOcid: "ocid1.group.oc1..counted" });
    for (const account of plan.accounts) {
        const policies: string[][] = [];
        const c = account.connectivity;
        if (c.attachesTo) policies.push(endorseAttachmentStatements("ocid1.group.oc1..counted", peer(c.attachesTo)));
        if (c.isRegionHub) {
            for (const spoke of plan.accounts.filter((a) => a.connectivity.attachesTo === account.name)) policies.push(admitAttachmentStatements(peer(spoke.name)));
        }
        if (c.isGlobalHub) {
            for (const remote of plan.accounts.filter((a) => a.connectivity.peersWith === account.name)) policies.push(admitRemotePeeringStatements(peer(remote.name)));
        }
        if (c.peersWith) policies.push(endorseRemotePeeringStatements("ocid1.group.oc1..counted", peer(c.peersWith)));
        const at = formatPath(["accounts", topology.accounts.findIndex((a) => a.name === account.name), "name"]);
        const largest = Math.max(0, ...policies.map((p) => p.length));
        if (largest > l.iamStatementsPerPolicy.max) {
            problems.push({ path: at, message: `${account.name}: a peering policy would hold ${largest} statements; OCI allows ${l.iamStatementsPerPolicy.max} per policy ${cite("iamStatementsPerPolicy")}` });
        }
        if (policies.length > l.iamPoliciesPerTenancy.max) {
            problems.push({ path: at, message: `${account.name}: the tenancy would hold ${policies.length} peering policies; OCI allows ${l.iamPoliciesPerTenancy.max} per tenancy ${cite("iamPoliciesPerTenancy")}` });
        }
        const statements = policies.reduce((sum, p) => sum + p.length, 0);
        if (statements > l.iamStatementsPerCompartmentPath.max) {
            problems.push({
                path: at,
                message: `${account.name}: the root compartment would hold ${statements} policy statements; OCI allows ${l.iamStatementsPerCompartmentPath.max} from the root to any leaf compartment ${cite("iamStatementsPerCompartmentPath")}`,
            });
        }
    }
    return problems;
}
