/**
 * The bastions' VCN routes each bastion's tunnel /24 to that bastion's private IP
 * (plan/tunnelRoutes.ts), so that replies to an operator's own tunnel address find their way back.
 *
 * A route rule names the private IP's OCID, which exists only once the bastion does, and the
 * bastion needs its subnet, which names its route table at creation: a cycle. It is broken after
 * the bastions exist, without touching the subnets' creation tables:
 * - each subnet kind (public, private) gets a second route table with the same rules plus the /24
 *   rules, attached to the kind's subnets with `RouteTableAttachment` (an `UpdateSubnet`; the
 *   subnets ignore `routeTableId` from then on);
 * - the DRG attachment's ingress (transit) table is the VCN's default route table, which exists
 *   with the VCN (`AccountNetwork` sets it on the attachment); its rules are managed here.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { TunnelRoute } from "../plan/tunnelRoutes";
import type { AccountNetwork } from "./AccountNetwork";
import { type AccountContext, childOptions, compartmentFor, invokeOptions } from "./accountContext";

export interface BastionRoutesArgs {
    ctx: AccountContext;
    /** The account's network: its VCN, subnets and the rules of their creation route tables. */
    network: AccountNetwork;
    /** Rules every subnet of the VCN adds (`TunnelRouting.vcn`, next hop a bastion). */
    subnetRoutes: TunnelRoute[];
    /** Rules of the DRG attachment's ingress table (`TunnelRouting.attachmentIngress`). */
    ingressRoutes: TunnelRoute[];
    /** The account's instances by VM name (the bastions among them). */
    instances: Record<string, oci.core.Instance>;
}

export class BastionRoutes extends pulumi.ComponentResource {
    /** Private IP OCID per bastion VM name: the next hop of its /24. */
    readonly privateIpIds: Record<string, pulumi.Output<string>> = {};
    /** The subnets' route tables with the bastion rules, by subnet kind. */
    readonly routeTables: Partial<Record<"public" | "private", oci.core.RouteTable>> = {};
    /** The DRG attachment's ingress route table (the VCN's default one). */
    readonly ingressRouteTable: oci.core.DefaultRouteTable;

    constructor(name: string, args: BastionRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:network:BastionRoutes", name, {}, opts);
        const { ctx, network } = args;
        const { plan } = ctx;
        const slug = plan.slug;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);

        const privateIpOf = (route: TunnelRoute): pulumi.Output<string> => {
            const hop = route.nextHop;
            if (hop.kind !== "bastion") throw new pulumi.ResourceError(`${slug}: tunnel route to ${route.destination} via ${hop.kind} is not a route to a bastion`, this);
            const known = this.privateIpIds[hop.vm];
            if (known) return known;
            const vm = plan.vms.find((v) => v.name === hop.vm);
            const instance = args.instances[hop.vm];
            const subnet = vm && network.subnets[vm.subnet];
            if (hop.account !== plan.name || !vm || !instance || !subnet) throw new pulumi.ResourceError(`${slug}: tunnel route to ${route.destination} names bastion ${hop.account}/${hop.vm}, not a VM of this account`, this);
            // The instance's id gates the lookup: its primary private IP exists once the instance does.
            const subnetId = pulumi.all([instance.id, subnet.id]).apply(([, id]) => id);
            const id = oci.core.getPrivateIpsOutput({ ipAddress: hop.privateIp, subnetId }, invokeOptions(this, ctx)).privateIps.apply((ips) => {
                if (ips.length !== 1) throw new pulumi.ResourceError(`${slug}: expected one private IP ${hop.privateIp} for ${hop.vm} in its subnet, found ${ips.length}`, this);
                return ips[0].id;
            });
            this.privateIpIds[hop.vm] = id;
            return id;
        };
        const rule = (route: TunnelRoute): oci.types.input.Core.RouteTableRouteRule => ({
            destination: route.destination,
            destinationType: "CIDR_BLOCK",
            networkEntityId: privateIpOf(route),
            description: route.reason,
        });

        // Every route is checked (and its private IP looked up) before the first child exists.
        const ingressRules = args.ingressRoutes.map(rule);
        const bastionRules = args.subnetRoutes.map(rule);
        this.ingressRouteTable = new oci.core.DefaultRouteTable(`${slug}-drg-ingress-route-table`, {
            manageDefaultResourceId: network.vcn.defaultRouteTableId,
            displayName: `${slug}-drg-ingress-route-table`,
            routeRules: ingressRules,
            freeformTags: ctx.tags,
        }, o());

        for (const kind of ["public", "private"] as const) {
            const rules = network.routeRules[kind];
            const subnets = plan.subnets.filter((s) => s.public === (kind === "public"));
            if (!rules || subnets.length === 0) continue;
            const table = new oci.core.RouteTable(`${slug}-${kind}-tunnel-route-table`, {
                compartmentId: compartmentFor(ctx, "routeTable"),
                vcnId: network.vcn.id,
                displayName: `${slug}-${kind}-tunnel-route-table`,
                routeRules: [...rules, ...bastionRules],
                freeformTags: ctx.tags,
            }, o());
            this.routeTables[kind] = table;
            for (const subnet of subnets) {
                new oci.core.RouteTableAttachment(`${subnet.resourceName}-tunnel-route-table-attachment`, {
                    subnetId: network.subnets[subnet.name]!.id,
                    routeTableId: table.id,
                }, o());
            }
        }

        this.registerOutputs({ privateIpIds: this.privateIpIds, ingressRouteTableId: this.ingressRouteTable.id });
    }
}
