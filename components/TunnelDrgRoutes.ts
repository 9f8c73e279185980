/**
 * A hub DRG's static routes for the operators' tunnel /24s (plan/tunnelRoutes.ts `drg`): the tunnel
 * space is no VCN's CIDR, so no attachment exports it and every DRG on the way needs a static rule.
 * The rules go into the DRG's default route tables: the one VCN attachments use and the one
 * remote peering attachments use (OCI accepts static rules in any DRG route table, the default
 * ones included; a static rule wins over a dynamic route to the same destination).
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import type { TunnelRoute } from "../plan/tunnelRoutes";
import { type AccountContext, childOptions, compartmentFor, invokeOptions } from "./accountContext";

export interface TunnelDrgRoutesArgs {
    /** The hub account's context (its provider: the DRG is in its tenancy). */
    ctx: AccountContext;
    /** The hub's DRG. */
    drg: oci.core.Drg;
    /** Rules of the table of its VCN attachments and of its remote peering attachments. */
    routes: { vcnAttachments: TunnelRoute[]; remotePeerings: TunnelRoute[] };
    /** DRG attachment id of each VCN a rule sends traffic to, by account name. */
    vcnAttachmentIds: Record<string, pulumi.Input<string>>;
    /** The hub's remote peering connections by peer region (`Peering.rpcIds`). */
    rpcIds: Record<string, pulumi.Input<string>>;
}

export class TunnelDrgRoutes extends pulumi.ComponentResource {
    readonly rules: oci.core.DrgRouteTableRouteRule[] = [];

    constructor(name: string, args: TunnelDrgRoutesArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:network:TunnelDrgRoutes", name, {}, opts);
        const { ctx } = args;
        const slug = ctx.plan.slug;
        const o = () => childOptions(this, ctx);
        const tables = args.drg.defaultDrgRouteTables.apply((all) => {
            const table = all[0];
            if (!table?.vcn || !table.remotePeeringConnection) throw new pulumi.ResourceError(`${slug}: the DRG reports no default route table for VCN or remote peering attachments`, this);
            return { vcn: table.vcn, remotePeering: table.remotePeeringConnection };
        });

        // A remote peering connection's DRG attachment is made by OCI, not by the program: look it up.
        const rpcAttachments = new Map<string, pulumi.Output<string>>();
        const rpcAttachment = (region: string): pulumi.Output<string> => {
            const known = rpcAttachments.get(region);
            if (known) return known;
            const rpcId = args.rpcIds[region];
            if (rpcId === undefined) throw new pulumi.ResourceError(`${slug}: a tunnel route goes through the remote peering toward ${region}, which this hub does not have`, this);
            const id = oci.core.getDrgAttachmentsOutput({
                compartmentId: compartmentFor(ctx, "remotePeering"),
                networkId: rpcId,
                attachmentType: "REMOTE_PEERING_CONNECTION",
            }, invokeOptions(this, ctx)).drgAttachments.apply((found) => {
                if (found.length !== 1) throw new pulumi.ResourceError(`${slug}: expected one DRG attachment for the remote peering toward ${region}, found ${found.length}`, this);
                return found[0].id;
            });
            rpcAttachments.set(region, id);
            return id;
        };
        const nextHop = (route: TunnelRoute): pulumi.Input<string> => {
            const hop = route.nextHop;
            if (hop.kind === "remotePeering") return rpcAttachment(hop.region);
            if (hop.kind === "vcnAttachment") {
                const id = args.vcnAttachmentIds[hop.account];
                if (id === undefined) throw new pulumi.ResourceError(`${slug}: a tunnel route goes to the VCN attachment of ${hop.account}, which is not in this stack`, this);
                return id;
            }
            throw new pulumi.ResourceError(`${slug}: tunnel route to ${route.destination} via ${hop.kind} is not a DRG route`, this);
        };

        const add = (table: "vcn" | "remotePeering", routes: TunnelRoute[]) => {
            const label = table === "vcn" ? "vcn-attachments" : "remote-peerings";
            for (const route of routes) {
                this.rules.push(new oci.core.DrgRouteTableRouteRule(`${slug}-drg-${label}-${route.destination.replace(/[./]/g, "-")}`, {
                    drgRouteTableId: tables[table],
                    destination: route.destination,
                    destinationType: "CIDR_BLOCK",
                    nextHopDrgAttachmentId: nextHop(route),
                }, o()));
            }
        };
        add("vcn", args.routes.vcnAttachments);
        add("remotePeering", args.routes.remotePeerings);

        this.registerOutputs({ ruleIds: this.rules.map((r) => r.id) });
    }
}
