import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { policyContext, type ListenerRange } from "../lib/context";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { formatPorts, isInternet, isTrue, nsgIngress, securityListIngress, toNumber, type IngressRule } from "../lib/props";
import { groupByTenancy } from "../lib/tenancy";

type Allowed = { protocol: "tcp" | "udp"; min: number; max: number; why: string };

/** The load balancer a listener belongs to: its `loadBalancerId` dependency under the CLI, else the tenancy's ones. */
function ownersOf(listener: PolicyResource, key: string, candidates: PolicyResource[]): PolicyResource[] {
    const direct = listener.propertyDependencies?.[key]?.filter((d) => candidates.includes(d)) ?? [];
    return direct.length > 0 ? direct : candidates;
}

/**
 * Ports the tenancy legitimately exposes: public LB/NLB listeners and WireGuard. A wildcard
 * NLB listener (port 0, OCI's "every port") admits only the ranges the topology declares for
 * the account's NLB listeners (Solana gossip/TPU 8000-8020), not every port.
 */
function allowedPublicPorts(resources: PolicyResource[], wireGuardPorts: number[], declared: ListenerRange[]): Allowed[] {
    const allowed: Allowed[] = wireGuardPorts.map((port) => ({ protocol: "udp", min: port, max: port, why: "WireGuard" }));
    const lbs = resources.filter((r) => r.isType(oci.loadbalancer.LoadBalancer));
    for (const listener of resources.filter((r) => r.isType(oci.loadbalancer.Listener))) {
        if (!ownersOf(listener, "loadBalancerId", lbs).some((lb) => !isTrue(lb.props.isPrivate))) continue;
        const port = toNumber(listener.props.port);
        if (port !== undefined) allowed.push({ protocol: "tcp", min: port, max: port, why: `listener ${listener.name}` });
    }
    const nlbs = resources.filter((r) => r.isType(oci.networkloadbalancer.NetworkLoadBalancer));
    for (const listener of resources.filter((r) => r.isType(oci.networkloadbalancer.Listener))) {
        if (!ownersOf(listener, "networkLoadBalancerId", nlbs).some((nlb) => !isTrue(nlb.props.isPrivate))) continue;
        const port = toNumber(listener.props.port);
        if (port === undefined) continue;
        const protocol = String(listener.props.protocol ?? "").toUpperCase();
        const ranges =
            port === 0
                ? declared.map((d) => ({ min: d.min, max: d.max, tcp: d.protocol !== "udp", udp: d.protocol !== "tcp" }))
                : [{ min: port, max: port, tcp: true, udp: true }];
        for (const range of ranges) {
            const why = `listener ${listener.name}`;
            if (protocol !== "UDP" && range.tcp) allowed.push({ protocol: "tcp", min: range.min, max: range.max, why });
            if (protocol !== "TCP" && range.udp) allowed.push({ protocol: "udp", min: range.min, max: range.max, why });
        }
    }
    return allowed;
}

/** True when every port of the rule is inside one allowed entry of its protocol. */
function isAllowed(rule: IngressRule, allowed: Allowed[]): boolean {
    if (rule.protocol !== "tcp" && rule.protocol !== "udp") return false;
    for (let port = rule.ports.min; port <= rule.ports.max; port++) {
        if (!allowed.some((a) => a.protocol === rule.protocol && a.min <= port && port <= a.max)) return false;
    }
    return true;
}

/** Mandatory: 0.0.0.0/0 reaches only public load-balancer listener ports and WireGuard. */
export const publicIngress: BlitzStackPolicy = {
    name: "public-ingress-only-on-listeners",
    description: "Ingress from 0.0.0.0/0 only on the tenancy's public (N)LB listener ports and the WireGuard port.",
    enforcementLevel: "mandatory",
    remediationSteps: "Open the port to the sources that use it (their /32s or subnets, from the service dependencies), or put it behind a public listener.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const { wireGuardPorts, nlbListenerRanges } = policyContext();
        for (const tenancy of groupByTenancy(args.resources)) {
            const allowed = allowedPublicPorts(tenancy.resources, wireGuardPorts, nlbListenerRanges[tenancy.label] ?? []);
            for (const resource of tenancy.resources) {
                const rules = resource.isType(oci.core.SecurityList) || resource.isType(oci.core.DefaultSecurityList)
                    ? securityListIngress(resource.props)
                    : resource.isType(oci.core.NetworkSecurityGroupSecurityRule)
                      ? nsgIngress(resource.props)
                      : [];
                for (const rule of rules.filter((r) => isInternet(r.source))) {
                    if (isAllowed(rule, allowed)) continue;
                    reportViolation(
                        `${tenancy.label}: ${resource.name} opens ${rule.protocol} ${formatPorts(rule.ports)} to ${rule.source}, ` +
                            `which is neither a public listener port nor WireGuard (allowed: ${describe(allowed)})`,
                        resource.urn,
                    );
                }
            }
        }
    },
};

function describe(allowed: Allowed[]): string {
    const parts = [...new Set(allowed.map((a) => `${a.protocol} ${formatPorts({ min: a.min, max: a.max })}`))];
    return parts.length > 0 ? parts.join(", ") : "none";
}
