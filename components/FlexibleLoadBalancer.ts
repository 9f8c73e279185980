/**
 * The account's flexible load balancer (Always Free: 10 Mbps minimum = maximum): listeners,
 * backend sets with their health checks, and the VMs' static IPs as backends.
 */
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

export interface FlexibleLoadBalancerArgs {
    ctx: AccountContext;
    lb: LoadBalancerPlan;
    subnetId: pulumi.Input<string>;
    nsgId: pulumi.Input<string>;
}

export class FlexibleLoadBalancer extends pulumi.ComponentResource {
    readonly loadBalancer: oci.loadbalancer.LoadBalancer;
    /** First IP address of the load balancer (public for FE/BE/SOL, private elsewhere). */
    readonly ipAddress: pulumi.Output<string | undefined>;

    constructor(name: string, args: FlexibleLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:loadbalancing:FlexibleLoadBalancer", name, {}, opts);
        const { ctx, lb } = args;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);

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

        const backendSets = new Map<string, oci.loadbalancer.BackendSet>();
        for (const set of lb.backendSets) {
            const check = set.healthCheck;
            const backendSet = new oci.loadbalancer.BackendSet(`${lb.resourceName}-${set.name}-backend-set`, {
                loadBalancerId,
                name: set.name,
                policy: LB_POLICY[set.policy],
                healthChecker: {
                    protocol: check.protocol,
                    port: check.port,
                    ...(check.protocol === "HTTP" ? { urlPath: check.urlPath ?? "/health", returnCode: check.returnCode ?? 200 } : {}),
                    intervalMs: check.intervalMs,
                    timeoutInMillis: check.timeoutMs,
                    retries: check.retries,
                },
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
            }, o());
            backendSets.set(set.name, backendSet);
            for (const backend of set.backends) {
                new oci.loadbalancer.Backend(`${lb.resourceName}-${set.name}-${backend.vm}`, {
                    loadBalancerId,
                    backendsetName: backendSet.name,
                    ipAddress: backend.ip,
                    port: backend.port,
                    weight: backend.weight,
                }, o());
            }
        }

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
            }, o());
        }

        this.ipAddress = this.loadBalancer.ipAddressDetails.apply((details) => details?.[0]?.ipAddress);
        this.registerOutputs({ loadBalancerId, ipAddress: this.ipAddress });
    }
}
