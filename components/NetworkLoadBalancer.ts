/**
 * A network load balancer (layer 4 pass-through): WebSocket TCP to HAProxy in EU-NET-01, the
 * Solana gossip/TPU range (UDP+TCP 8000-8020) in the Solana accounts.
 *
 * An OCI NLB listener takes one port or 0 (any). A port range is a listener on port 0 whose
 * backends keep the destination port (backend port 0); the NLB's NSG opens only the range.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { NetworkLoadBalancerPlan } from "../plan/types";
import { type AccountContext, childOptions, compartmentFor } from "./accountContext";

export interface NetworkLoadBalancerArgs {
    ctx: AccountContext;
    nlb: NetworkLoadBalancerPlan;
    subnetId: pulumi.Input<string>;
    nsgId: pulumi.Input<string>;
}

/** Listener/backend port: the port itself, or 0 (any, destination kept) for a range. */
export function nlbPort(port: number, toPort?: number): number {
    return toPort !== undefined && toPort !== port ? 0 : port;
}

export class NetworkLoadBalancer extends pulumi.ComponentResource {
    readonly networkLoadBalancer: oci.networkloadbalancer.NetworkLoadBalancer;
    readonly ipAddress: pulumi.Output<string | undefined>;

    constructor(name: string, args: NetworkLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:loadbalancing:NetworkLoadBalancer", name, {}, opts);
        const { ctx, nlb } = args;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);

        this.networkLoadBalancer = new oci.networkloadbalancer.NetworkLoadBalancer(nlb.resourceName, {
            compartmentId: compartmentFor(ctx, "networkLoadBalancer"),
            displayName: nlb.resourceName,
            subnetId: args.subnetId,
            isPrivate: !nlb.public,
            isPreserveSourceDestination: false,
            networkSecurityGroupIds: [args.nsgId],
            freeformTags: ctx.tags,
        }, o());
        const networkLoadBalancerId = this.networkLoadBalancer.id;

        const backendSets = new Map<string, oci.networkloadbalancer.BackendSet>();
        for (const set of nlb.backendSets) {
            const backendSet = new oci.networkloadbalancer.BackendSet(`${nlb.resourceName}-${set.name}-backend-set`, {
                networkLoadBalancerId,
                name: set.name,
                policy: set.policy,
                isPreserveSource: set.preserveSourceIp,
                healthChecker: {
                    protocol: set.healthCheck.protocol,
                    port: set.healthCheck.port,
                    ...(set.healthCheck.urlPath ? { urlPath: set.healthCheck.urlPath, returnCode: 200 } : {}),
                },
            }, o());
            backendSets.set(set.name, backendSet);
            for (const backend of set.backends) {
                new oci.networkloadbalancer.Backend(`${nlb.resourceName}-${set.name}-${backend.vm}`, {
                    networkLoadBalancerId,
                    backendSetName: backendSet.name,
                    name: `${backend.vmResourceName}`,
                    ipAddress: backend.ip,
                    port: nlbPort(set.port, set.toPort),
                    weight: backend.weight,
                }, o());
            }
        }

        for (const listener of nlb.listeners) {
            const backendSet = backendSets.get(listener.backendSet);
            if (!backendSet) throw new pulumi.ResourceError(`${nlb.account}: listener ${listener.name} names unknown backend set ${listener.backendSet}`, this);
            new oci.networkloadbalancer.Listener(`${nlb.resourceName}-${listener.name}-listener`, {
                networkLoadBalancerId,
                name: listener.name,
                port: nlbPort(listener.port, listener.toPort),
                protocol: listener.protocol,
                defaultBackendSetName: backendSet.name,
            }, o());
        }

        this.ipAddress = this.networkLoadBalancer.ipAddresses.apply((ips) => ips?.[0]?.ipAddress);
        this.registerOutputs({ networkLoadBalancerId, ipAddress: this.ipAddress });
    }
}
