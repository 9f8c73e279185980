/**
 * The account's flexible load balancer (Always Free: 10 Mbps minimum = maximum): listeners,
 * backend sets with their health checks, and the VMs' static IPs as backends.
 */
import { createHash } from "node:crypto";
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancerBackendSet, LoadBalancerPlan } from "../plan/types";
import { type AccountContext, childOptions, compartmentFor } from "./accountContext";

/**
 * OCI policy name of a topology policy. OCI's `ROUND_ROBIN` honours each backend's weight,
 * which is what the spec calls weighted round robin.
 */
export const LB_POLICY = {
    WEIGHTED_ROUND_ROBIN: "ROUND_ROBIN",
    LEAST_CONNECTIONS: "LEAST_CONNECTIONS",
    IP_HASH: "IP_HASH",
} as const satisfies Record<LoadBalancerBackendSet["policy"], string>;

/** A public certificate for the HTTPS listeners (stack config `blitzhub-edge:*`), PEM. */
export interface EdgeCertificate {
    /** The server certificate (public). */
    certificate: pulumi.Input<string>;
    /** Its private key (secret). */
    privateKey: pulumi.Input<string>;
    /** The intermediate chain, when the issuer has one. */
    caCertificate?: pulumi.Input<string>;
}

/** TLS at the edge: what every HTTPS listener accepts (OCI's predefined suite without CBC or RSA key exchange). */
export const EDGE_TLS = {
    protocols: ["TLSv1.2", "TLSv1.3"],
    cipherSuiteName: "oci-modern-ssl-cipher-suite-v1",
} as const;

/**
 * TLS from the load balancer to its backends (a backend set whose port says `loadBalancerTls`):
 * the peer verified against the backend CA alone (a leaf directly under it: depth 1), TLS 1.2 and
 * 1.3, and a predefined suite that has both TLS 1.3's ciphers and ECDHE-ECDSA ones for TLS 1.2
 * (the backend CA is ECDSA; Oracle's SSLCipherSuiteDetails lists the suite's ciphers).
 */
export const BACKEND_TLS = {
    protocols: ["TLSv1.2", "TLSv1.3"],
    cipherSuiteName: "oci-tls-12-13-wider-ssl-cipher-suite-v1",
    verifyDepth: 1,
} as const;

/** Name of the rule set of a port-80 listener: a 301 to HTTPS for every path. */
export const HTTPS_REDIRECT_RULE_SET = "https_redirect";

export interface FlexibleLoadBalancerArgs {
    ctx: AccountContext;
    lb: LoadBalancerPlan;
    subnetId: pulumi.Input<string>;
    nsgId: pulumi.Input<string>;
    /** Required when a listener has `tls`: the certificate its HTTPS listeners present. */
    edgeCertificate?: EdgeCertificate;
    /** Required when a backend set has `backendTls`: the backend CA certificate (PEM) it verifies backends with. */
    backendCaCertificate?: pulumi.Input<string>;
    /**
     * VM name → the delivery of its configs. A set that re-encrypts waits for its backends'
     * deliveries: the TLS port and its leaf exist only once delivered, and a set switched to TLS
     * before that would fail every backend still serving clear text.
     */
    deliveries?: Record<string, pulumi.Resource>;
}

export class FlexibleLoadBalancer extends pulumi.ComponentResource {
    readonly loadBalancer: oci.loadbalancer.LoadBalancer;
    /** First IP address of the load balancer (public for FE/BE/SOL, private elsewhere). */
    readonly ipAddress: pulumi.Output<string | undefined>;

    constructor(name: string, args: FlexibleLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:loadbalancing:FlexibleLoadBalancer", name, {}, opts);
        const { ctx, lb } = args;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);
        const reencrypts = lb.backendSets.some((s) => s.backendTls);
        if (lb.listeners.some((l) => l.tls) && !args.edgeCertificate) {
            throw new pulumi.ResourceError(`${lb.account}: ${lb.resourceName} has HTTPS listeners but no edge certificate (stack config blitzhub-edge:certificate and blitzhub-edge:privateKey)`, this);
        }
        if (reencrypts && !args.backendCaCertificate) throw new pulumi.ResourceError(`${lb.account}: ${lb.resourceName} re-encrypts to its backends but has no backend CA certificate`, this);
        const deliveredTo = (vms: string[]): pulumi.Resource[] => vms.flatMap((vm) => (args.deliveries?.[vm] ? [args.deliveries[vm]] : []));

        this.loadBalancer = new oci.loadbalancer.LoadBalancer(lb.resourceName, {
            compartmentId: compartmentFor(ctx, "loadBalancer"),
            displayName: lb.resourceName,
            shape: "flexible",
            shapeDetails: { minimumBandwidthInMbps: lb.bandwidthMbps.min, maximumBandwidthInMbps: lb.bandwidthMbps.max },
            subnetIds: [args.subnetId],
            isPrivate: !lb.public,
            networkSecurityGroupIds: [args.nsgId],
            freeformTags: ctx.tags,
        }, o());
        const loadBalancerId = this.loadBalancer.id;

        // A CA-only certificate bundle: what a backend set verifies its backends with. Named by a
        // hash like the edge certificate (bundles cannot change), so a new CA is a new bundle.
        let backendCa: oci.loadbalancer.Certificate | undefined;
        if (reencrypts) {
            const pem = args.backendCaCertificate!;
            backendCa = new oci.loadbalancer.Certificate(`${lb.resourceName}-backend-ca`, {
                loadBalancerId,
                certificateName: pulumi.output(pem).apply((p) => `backend-ca-${createHash("sha256").update(p).digest("hex").slice(0, 12)}`),
                caCertificate: pem,
            }, o());
        }

        const backendSets = new Map<string, oci.loadbalancer.BackendSet>();
        for (const set of lb.backendSets) {
            const check = set.healthCheck;
            const backendSet = new oci.loadbalancer.BackendSet(`${lb.resourceName}-${set.name}-backend-set`, {
                loadBalancerId,
                name: set.name,
                policy: LB_POLICY[set.policy],
                healthChecker: {
                    protocol: check.protocol,
                    // A re-encrypting set checks each backend on its own port (no port: "the port of the
                    // Backend object"), so a backend still on an old port fails its check instead of
                    // passing one made elsewhere while its traffic fails (the move to the TLS ports).
                    ...(set.backendTls && check.port === set.port ? {} : { port: check.port }),
                    ...(check.protocol === "HTTP" ? { urlPath: check.urlPath ?? "/health", returnCode: check.returnCode ?? 200 } : {}),
                    intervalMs: check.intervalMs,
                    timeoutInMillis: check.timeoutMs,
                    retries: check.retries,
                    // Over TLS, like the traffic: a check in clear text would hit a TLS-only port.
                    ...(set.backendTls ? { isForcePlainText: false } : {}),
                },
                ...(set.backendTls && backendCa
                    ? {
                          sslConfiguration: {
                              certificateName: backendCa.certificateName,
                              verifyPeerCertificate: true,
                              verifyDepth: BACKEND_TLS.verifyDepth,
                              protocols: [...BACKEND_TLS.protocols],
                              cipherSuiteName: BACKEND_TLS.cipherSuiteName,
                          },
                      }
                    : {}),
                ...(set.sessionPersistence
                    ? {
                          lbCookieSessionPersistenceConfiguration: {
                              cookieName: set.sessionPersistence.cookieName,
                              disableFallback: set.sessionPersistence.disableFallback,
                              isHttpOnly: true,
                              path: "/",
                          },
                      }
                    : {}),
            }, o(set.backendTls ? { dependsOn: deliveredTo(set.backends.map((b) => b.vm)) } : undefined));
            backendSets.set(set.name, backendSet);
            for (const backend of set.backends) {
                new oci.loadbalancer.Backend(`${lb.resourceName}-${set.name}-${backend.vm}`, {
                    loadBalancerId,
                    backendsetName: backendSet.name,
                    ipAddress: backend.ip,
                    port: backend.port,
                    weight: backend.weight,
                    ...(backend.backup ? { backup: true } : {}),
                }, o(set.backendTls ? { dependsOn: deliveredTo([backend.vm]) } : undefined));
            }
        }

        // The certificate's name carries a hash of it: OCI certificates are immutable, so a renewed
        // one is a new resource, created before the listeners move to it and the old one goes.
        let certificate: oci.loadbalancer.Certificate | undefined;
        if (lb.listeners.some((l) => l.tls)) {
            const edge = args.edgeCertificate!;
            const certificateName = pulumi.unsecret(pulumi.output(edge.certificate).apply((pem) => `edge-${createHash("sha256").update(pem).digest("hex").slice(0, 12)}`));
            certificate = new oci.loadbalancer.Certificate(`${lb.resourceName}-edge-certificate`, {
                loadBalancerId,
                certificateName,
                publicCertificate: edge.certificate,
                privateKey: pulumi.secret(edge.privateKey),
                ...(edge.caCertificate ? { caCertificate: edge.caCertificate } : {}),
            }, o({ additionalSecretOutputs: ["privateKey"] }));
        }
        const redirects = lb.listeners.filter((l) => l.redirectToHttpsPort !== undefined);
        const redirectRuleSet = redirects.length > 0
            ? new oci.loadbalancer.RuleSet(`${lb.resourceName}-https-redirect`, {
                  loadBalancerId,
                  name: HTTPS_REDIRECT_RULE_SET,
                  items: [{
                      action: "REDIRECT",
                      conditions: [{ attributeName: "PATH", attributeValue: "/", operator: "PREFIX_MATCH" }],
                      redirectUri: { protocol: "HTTPS", port: redirects[0].redirectToHttpsPort!, host: "{host}", path: "{path}", query: "{query}" },
                      responseCode: 301,
                  }],
              }, o())
            : undefined;

        for (const listener of lb.listeners) {
            const backendSet = backendSets.get(listener.backendSet);
            if (!backendSet) throw new pulumi.ResourceError(`${lb.account}: listener ${listener.name} names unknown backend set ${listener.backendSet}`, this);
            new oci.loadbalancer.Listener(`${lb.resourceName}-${listener.name}-listener`, {
                loadBalancerId,
                name: listener.name,
                port: listener.port,
                protocol: listener.protocol,
                defaultBackendSetName: backendSet.name,
                ...(listener.idleTimeoutSeconds
                    ? { connectionConfiguration: { idleTimeoutInSeconds: String(listener.idleTimeoutSeconds) } }
                    : {}),
                ...(listener.tls && certificate
                    ? {
                          sslConfiguration: {
                              certificateName: certificate.certificateName,
                              protocols: [...EDGE_TLS.protocols],
                              cipherSuiteName: EDGE_TLS.cipherSuiteName,
                              serverOrderPreference: "ENABLED",
                              verifyPeerCertificate: false,
                          },
                      }
                    : {}),
                // The rule set's name as a literal (known in a preview, for the TLS policy), the set as a dependency.
                ...(listener.redirectToHttpsPort !== undefined && redirectRuleSet ? { ruleSetNames: [HTTPS_REDIRECT_RULE_SET] } : {}),
            }, o(redirectRuleSet && listener.redirectToHttpsPort !== undefined ? { dependsOn: [redirectRuleSet] } : undefined));
        }

        this.ipAddress = this.loadBalancer.ipAddressDetails.apply((details) => details?.[0]?.ipAddress);
        this.registerOutputs({ loadBalancerId, ipAddress: this.ipAddress });
    }
}
