import * as oci from "@pulumi/oci";
import type { PolicyResource } from "@pulumi/policy";
import { isTrue } from "../lib/props";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { groupByTenancy } from "../lib/tenancy";
import { whenKnown } from "../lib/unknown";

function ownersOf(resource: PolicyResource, lbs: PolicyResource[]): PolicyResource[] {
    const direct = resource.propertyDependencies?.loadBalancerId?.filter((d) => lbs.includes(d)) ?? [];
    return direct.length > 0 ? direct : lbs;
}

/** Why a backend set's `sslConfiguration` does not re-encrypt with a verified peer; undefined when it does. */
export function backendTlsGap(sslConfiguration: unknown): string | undefined {
    if (sslConfiguration === undefined || sslConfiguration === null) return "no sslConfiguration: the hop to the backends is clear text";
    const ssl = sslConfiguration as { verifyPeerCertificate?: unknown; certificateName?: unknown; certificateIds?: unknown[]; trustedCertificateAuthorityIds?: unknown[] };
    // The provider's default for verifyPeerCertificate is true; only an explicit false turns it off.
    if (ssl.verifyPeerCertificate !== undefined && !isTrue(ssl.verifyPeerCertificate)) return "sslConfiguration with verifyPeerCertificate false: any host on the path could answer as a backend";
    const trusts = Boolean(ssl.certificateName) || (ssl.certificateIds ?? []).length > 0 || (ssl.trustedCertificateAuthorityIds ?? []).length > 0;
    if (!trusts) return "sslConfiguration that names no CA (certificateName, certificateIds or trustedCertificateAuthorityIds): nothing to verify the backends against";
    return undefined;
}

/**
 * Mandatory: a backend set of a public load balancer that an HTTP listener sends to re-encrypts
 * to its backends and verifies them (`sslConfiguration` with a CA and `verifyPeerCertificate`).
 * An HTTP listener ends the client's TLS at the load balancer; without this, logins and sessions
 * cross the VCN in clear text. Sets behind TCP listeners only (TLS passed through) are not its
 * concern, nor are private load balancers.
 */
export const publicBackendWithoutTls: BlitzStackPolicy = {
    name: "no-public-lb-backend-without-tls",
    description: "Every backend set an HTTP listener of a public load balancer uses re-encrypts to its backends and verifies them (sslConfiguration with a CA, verifyPeerCertificate).",
    enforcementLevel: "mandatory",
    // CIS OCI v3.0.0 and Checkov's OCI checks have no load-balancer backend TLS rule.
    frameworks: PROJECT_RULE,
    remediationSteps:
        "Give the backend set's service port `loadBalancerTls: true` in the topology (Nginx and the RPC gateway serve it with their backend-CA leaf, render/backendPki.ts) and point the backend set at that port; the load balancer then gets the backend CA bundle and the set an sslConfiguration that verifies it.",
    validateStack: (args, reportViolation) => {
        for (const tenancy of groupByTenancy(args.resources)) {
            const lbs = tenancy.resources.filter((r) => r.isType(oci.loadbalancer.LoadBalancer));
            const listeners = tenancy.resources.filter((r) => r.isType(oci.loadbalancer.Listener));
            for (const set of tenancy.resources.filter((r) => r.isType(oci.loadbalancer.BackendSet))) {
                const owners = ownersOf(set, lbs);
                if (!owners.some((lb) => !isTrue(whenKnown(() => lb.props.isPrivate, true)))) continue;
                const name = String(whenKnown(() => set.props.name, ""));
                const users = listeners.filter((l) => String(whenKnown(() => l.props.defaultBackendSetName, "")) === name && ownersOf(l, lbs).some((lb) => owners.includes(lb)));
                const http = users.filter((l) => String(whenKnown(() => l.props.protocol, "") ?? "").toUpperCase().startsWith("HTTP"));
                // Only TCP listeners: the client's TLS (if any) passes through to the backend untouched.
                if (users.length > 0 && http.length === 0) continue;
                // A value not known in a preview (the bundle's name) counts as present: the plan says what it will be.
                const gap = whenKnown(() => backendTlsGap(set.props.sslConfiguration), undefined);
                if (!gap) continue;
                const via = http.map((l) => `${l.name} (port ${whenKnown(() => l.props.port, "?")})`).join(", ") || "no listener yet";
                reportViolation(`${set.name}: backend set "${name}" of a public load balancer, used by ${via}: ${gap}`, set.urn);
            }
        }
    },
};
