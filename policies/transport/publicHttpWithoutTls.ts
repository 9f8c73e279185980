import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { isTrue } from "../lib/props";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { groupByTenancy } from "../lib/tenancy";
import { whenKnown } from "../lib/unknown";

/** True when a rule set answers every path with a redirect to HTTPS (what a port-80 listener may do). */
export function redirectsEverythingToHttps(ruleSet: PolicyResource): boolean {
    const items = whenKnown(() => ruleSet.props.items, undefined) as
        | { action?: string; conditions?: { attributeName?: string; attributeValue?: string; operator?: string }[]; redirectUri?: { protocol?: string } }[]
        | undefined;
    return (items ?? []).some(
        (item) =>
            item.action === "REDIRECT" &&
            String(item.redirectUri?.protocol ?? "").toUpperCase() === "HTTPS" &&
            (item.conditions ?? []).some((c) => c.attributeName === "PATH" && c.attributeValue === "/" && c.operator === "PREFIX_MATCH"),
    );
}

function ownerOf(resource: PolicyResource, lbs: PolicyResource[]): PolicyResource[] {
    const direct = resource.propertyDependencies?.loadBalancerId?.filter((d) => lbs.includes(d)) ?? [];
    return direct.length > 0 ? direct : lbs;
}

/**
 * Mandatory: a public load balancer's HTTP listener terminates TLS (`sslConfiguration`) or only
 * redirects to HTTPS (a rule set whose REDIRECT covers every path). Otherwise credentials and
 * sessions cross the internet in clear text.
 */
export const publicHttpWithoutTls: BlitzStackPolicy = {
    name: "no-public-http-listener-without-tls",
    description: "Every HTTP listener of a public load balancer serves HTTPS (sslConfiguration) or only redirects to HTTPS.",
    enforcementLevel: "mandatory",
    // CIS OCI v3.0.0 and Checkov's OCI checks have no load-balancer TLS rule.
    frameworks: PROJECT_RULE,
    remediationSteps:
        "Give the listener `tls: true` in the topology (the stack's edge certificate, blitzhub-edge:*), or make it a port-80 listener with `redirectToHttps: true`, or make the load balancer private.",
    validateStack: (args, reportViolation) => {
        for (const tenancy of groupByTenancy(args.resources)) {
            const lbs = tenancy.resources.filter((r) => r.isType(oci.loadbalancer.LoadBalancer));
            const ruleSets = tenancy.resources.filter((r) => r.isType(oci.loadbalancer.RuleSet));
            for (const listener of tenancy.resources.filter((r) => r.isType(oci.loadbalancer.Listener))) {
                const protocol = String(whenKnown(() => listener.props.protocol, "") ?? "").toUpperCase();
                if (!protocol.startsWith("HTTP")) continue;
                const owners = ownerOf(listener, lbs);
                if (!owners.some((lb) => !isTrue(whenKnown(() => lb.props.isPrivate, true)))) continue;
                if (whenKnown(() => listener.props.sslConfiguration, { known: false }) !== undefined) continue;
                const names = whenKnown(() => listener.props.ruleSetNames as string[] | undefined, undefined) ?? [];
                const redirecting = ruleSets.filter((rs) => names.includes(String(whenKnown(() => rs.props.name, ""))) && ownerOf(rs, lbs).some((lb) => owners.includes(lb)));
                if (redirecting.some(redirectsEverythingToHttps)) continue;
                const port = whenKnown(() => listener.props.port, "?");
                reportViolation(
                    `${listener.name}: public ${protocol} listener on port ${port} without TLS and without a redirect to HTTPS: logins and sessions cross the internet in clear text`,
                    listener.urn,
                );
            }
        }
    },
};
