/**
 * Private connectivity of one tenancy across tenancies: the hub DRG (region hubs), the IAM
 * `Endorse`/`Admit` statements of every pair it belongs to, and the remote peering connections
 * between each region hub and the EU hub (EU-NET-01).
 *
 * Pairs and who creates what:
 * - spoke → region hub (same region): the spoke (VCN owner) creates the cross-tenancy DRG
 *   attachment. Spoke tenancy: `Endorse … manage drg-attachment in tenancy <hub>`; hub tenancy:
 *   `Admit … of tenancy <spoke> to manage drg-attachment in compartment id <network>`.
 * - region hub → EU hub (other region): the region hub requests the RPC (`peerId` = the EU
 *   hub's RPC for its region). Region hub: `Allow … remote-peering-from` (its network
 *   compartment) and `Endorse … remote-peering-to in tenancy <eu hub>`; EU hub: `Admit … to
 *   manage remote-peering-to` in its network compartment. An Endorse statement names the other
 *   tenancy only (it cannot name a compartment there); the Admit side does the narrowing.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { type AccountContext, childOptions, compartmentFor } from "./accountContext";
import {
    admitAttachmentStatements,
    admitRemotePeeringStatements,
    endorseAttachmentStatements,
    endorseRemotePeeringStatements,
} from "../plan/iamStatements";

/** Another tenancy of a pair, as IAM statements name it. */
export interface PeerTenancy {
    /** Account name (`EU-FE-01`). */
    account: string;
    tenancyOcid: string;
    /** Group of that tenancy allowed to manage the attachment/RPC. */
    networkAdminGroupOcid: string;
}

/** A region hub that peers with the EU hub (seen from the EU hub). */
export interface RemoteHub extends PeerTenancy {
    /** Region key (`na`). */
    region: string;
}

export interface PeeringArgs {
    ctx: AccountContext;
    /** Group of this tenancy that manages its side of every pair. */
    networkAdminGroupOcid: string;
    /** Spokes only: the region hub whose DRG the VCN attaches to. */
    hub?: PeerTenancy & { drgId: pulumi.Input<string> };
    /** Region hubs: the spokes of the region attaching to this DRG. */
    spokes?: PeerTenancy[];
    /** EU hub only: the other regions' hubs, one acceptor RPC each. */
    remoteHubs?: RemoteHub[];
    /** Region hubs outside eu: the EU hub and its RPC for this region. */
    globalHub?: { account: string; tenancyOcid: pulumi.Input<string>; rpcId: pulumi.Input<string>; regionName: pulumi.Input<string> };
}

// The statements are pure (plan/iamStatements.ts), so the plan counts them against OCI's limits.
export {
    admitAttachmentStatements,
    admitRemotePeeringStatements,
    endorseAttachmentStatements,
    endorseRemotePeeringStatements,
    tenancyAlias,
} from "../plan/iamStatements";
export class Peering extends pulumi.ComponentResource {
    /** The DRG this account's VCN attaches to (its own for hubs, the region hub's otherwise). */
    readonly drgId: pulumi.Output<string>;
    /** The account's own DRG (hubs only). */
    readonly drg?: oci.core.Drg;
    /** Hub: Admit policy per spoke account; a spoke's attachment waits for its own. */
    readonly admitPolicies: Record<string, oci.identity.Policy> = {};
    /** Spoke: the Endorse policy its attachment waits for. */
    readonly endorsePolicy?: oci.identity.Policy;
    /** RPC ids by peer: the region key (EU hub) or `eu` (other region hubs). */
    readonly rpcIds: Record<string, pulumi.Output<string>> = {};

    constructor(name: string, args: PeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:network:Peering", name, {}, opts);
        const { ctx } = args;
        const slug = ctx.plan.slug;
        const o = (extra?: pulumi.CustomResourceOptions) => childOptions(this, ctx, extra);
        // Admit and Allow statements reach the network compartment only (DRG, attachments, RPCs).
        const networkCompartment = pulumi.output(compartmentFor(ctx, "drg"));
        const policy = (resourceName: string, description: string, statements: pulumi.Input<string[]>, extra?: pulumi.CustomResourceOptions) =>
            new oci.identity.Policy(resourceName, {
                compartmentId: ctx.tenancyOcid,
                name: resourceName,
                description,
                statements,
                freeformTags: ctx.tags,
            }, o(extra));

        if (args.hub) {
            this.drgId = pulumi.output(args.hub.drgId);
            const hubSlug = args.hub.account.toLowerCase();
            this.endorsePolicy = policy(
                `${slug}-endorse-${hubSlug}-drg-attachment`,
                `${ctx.plan.name} attaches its VCN to the ${args.hub.account} DRG (cross-tenancy)`,
                endorseAttachmentStatements(args.networkAdminGroupOcid, args.hub),
            );
        } else {
            this.drg = new oci.core.Drg(`${slug}-drg`, {
                compartmentId: compartmentFor(ctx, "drg"),
                displayName: `${slug}-drg`,
                freeformTags: ctx.tags,
            }, o());
            this.drgId = this.drg.id;
        }

        for (const spoke of args.spokes ?? []) {
            this.admitPolicies[spoke.account] = policy(
                `${slug}-admit-${spoke.account.toLowerCase()}-drg-attachment`,
                `${spoke.account} attaches its VCN to this DRG (cross-tenancy)`,
                networkCompartment.apply((id) => admitAttachmentStatements(spoke, id)),
            );
        }

        for (const remote of args.remoteHubs ?? []) {
            const admit = policy(
                `${slug}-admit-${remote.account.toLowerCase()}-remote-peering`,
                `${remote.account} (${remote.region}) peers its hub DRG with this DRG`,
                networkCompartment.apply((id) => admitRemotePeeringStatements(remote, id)),
            );
            const rpc = new oci.core.RemotePeeringConnection(`${slug}-rpc-${remote.region}`, {
                compartmentId: compartmentFor(ctx, "remotePeering"),
                drgId: this.drgId,
                displayName: `${slug}-rpc-${remote.region}`,
                freeformTags: ctx.tags,
            }, o({ dependsOn: [admit] }));
            this.rpcIds[remote.region] = rpc.id;
        }

        if (args.globalHub) {
            const endorse = policy(
                `${slug}-endorse-${args.globalHub.account.toLowerCase()}-remote-peering`,
                `${ctx.plan.name} peers its hub DRG with the ${args.globalHub.account} DRG`,
                pulumi.all([args.globalHub.tenancyOcid, networkCompartment]).apply(([tenancyOcid, id]) =>
                    endorseRemotePeeringStatements(args.networkAdminGroupOcid, { account: args.globalHub!.account, tenancyOcid }, id),
                ),
            );
            const rpc = new oci.core.RemotePeeringConnection(`${slug}-rpc-eu`, {
                compartmentId: compartmentFor(ctx, "remotePeering"),
                drgId: this.drgId,
                displayName: `${slug}-rpc-eu`,
                peerId: args.globalHub.rpcId,
                peerRegionName: args.globalHub.regionName,
                freeformTags: ctx.tags,
            }, o({ dependsOn: [endorse] }));
            this.rpcIds.eu = rpc.id;
        }

        this.registerOutputs({ drgId: this.drgId, rpcIds: this.rpcIds });
    }
}
