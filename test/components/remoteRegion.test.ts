/**
 * A region other than eu (the fixture's `as`): its hub requests remote peering with the EU hub
 * from the eu stack's outputs, and it generates no secret of its own.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { renderCloudInit } from "../../render/index";
import type { TopologyPlan } from "../../plan/types";
import { type GlobalHubOutputs, deployRegion } from "../../stacks/region";
import { SSH_KEYS, componentPlan, componentTopology, groupOf, settingsOf, tenancyOf } from "./fixture";
import { type Recorded, type RecordedCall, idOf, named, ofType, providerName, runWithMocks, valueOf } from "./harness";
import { tunnelRouting } from "../../plan/tunnelRoutes";

let plan: TopologyPlan;
let resources: Recorded[];
let calls: RecordedCall[];
let deliverySecrets: Record<string, pulumi.Output<string>>;
const EU_RPC_FOR_AS = "ocid1.remotepeeringconnection.oc1.eu-frankfurt-1.euforas";

beforeAll(async () => {
    plan = componentPlan();
    const globalHub: GlobalHubOutputs = {
        account: "EU-NET-01",
        tenancyOcid: tenancyOf("EU-NET-01"),
        regionName: "eu-frankfurt-1",
        rpcIds: { as: EU_RPC_FOR_AS },
    };
    const run = await runWithMocks(
        () =>
            deployRegion({
                region: "as",
                topology: componentTopology(),
                plan,
                accounts: settingsOf(plan, "as"),
                sshAuthorizedKeys: SSH_KEYS,
                image: { operatingSystem: "Canonical Ubuntu", version: "22.04" },
                cloudInit: (account, vm, hostKey) => renderCloudInit(plan, account, vm, { operators: [{ name: "tester", sshPublicKeys: SSH_KEYS }], deployPublicKey: SSH_KEYS[0], files: [], hostKey }),
                remoteHubs: [],
                globalHub: pulumi.output(globalHub),
                sharedSecretValues: pulumi.secret<Record<string, string>>({ "secret/redis_password": "from-eu", "secret/jwt_secret": "jwt-from-eu", "secret/adb/admin_password": "adb-from-eu" }),
            }),
        { stack: "as" },
    );
    resources = run.resources;
    calls = run.calls;
    deliverySecrets = run.result.secretValues;
});

describe("a region hub outside eu", () => {
    it("requests its RPC to the EU hub's RPC for this region, after its Endorse statements", () => {
        const hub = plan.stacks.find((s) => s.region === "as")!.hub;
        const slug = hub.toLowerCase();
        const rpc = named(resources, `${slug}-rpc-eu`);
        expect(rpc.inputs).toMatchObject({ peerId: EU_RPC_FOR_AS, peerRegionName: "eu-frankfurt-1", drgId: idOf(resources, `${slug}-drg`) });
        expect(providerName(rpc.provider)).toBe(slug);
        const endorse = named(resources, `${slug}-endorse-eu-net-01-remote-peering`);
        expect(endorse.inputs.statements).toEqual([
            `Define tenancy EUNET01 as ${tenancyOf("EU-NET-01")}`,
            `Allow group id ${groupOf(hub)} to manage remote-peering-from in compartment id ${idOf(resources, `${slug}-network-compartment`)}`,
            `Endorse group id ${groupOf(hub)} to manage remote-peering-to in tenancy EUNET01`,
        ]);
        expect(endorse.inputs.compartmentId).toBe(tenancyOf(hub));
        expect((rpc.opts.dependsOn as pulumi.Resource[]).includes(endorse.resource)).toBe(true);
    });

    it("its spokes attach to its DRG, not to the EU hub's", () => {
        const hub = plan.stacks.find((s) => s.region === "as")!.hub.toLowerCase();
        expect(ofType(resources, "oci:Core/drg:Drg").map((d) => d.name)).toEqual([`${hub}-drg`]);
        for (const a of ofType(resources, "oci:Core/drgAttachment:DrgAttachment")) expect(a.inputs.drgId).toBe(idOf(resources, `${hub}-drg`));
        expect(ofType(resources, "oci:Core/remotePeeringConnection:RemotePeeringConnection").length).toBe(1);
    });

    it("sends the operators' tunnel /24s from its VCN attachments across its peering toward eu (static DRG rules)", () => {
        const slug = plan.stacks.find((s) => s.region === "as")!.hub.toLowerCase();
        const drg = named(resources, `${slug}-drg`);
        const rpc = named(resources, `${slug}-rpc-eu`);
        // The RPC's DRG attachment is OCI's: looked up by the RPC's id.
        const lookups = calls.filter((c) => c.token === "oci:Core/getDrgAttachments:getDrgAttachments");
        expect(lookups.map((c) => ({ networkId: c.inputs.networkId, attachmentType: c.inputs.attachmentType, compartmentId: c.inputs.compartmentId }))).toEqual([
            { networkId: rpc.id, attachmentType: "REMOTE_PEERING_CONNECTION", compartmentId: idOf(resources, `${slug}-network-compartment`) },
        ]);
        const rpcAttachment = lookups[0].result.drgAttachments[0];
        expect(rpcAttachment).toMatchObject({ networkId: rpc.id, drgId: drg.id });
        const rules = ofType(resources, "oci:Core/drgRouteTableRouteRule:DrgRouteTableRouteRule");
        const bastions = tunnelRouting(plan).bastions;
        expect(bastions.length).toBe(2);
        expect(rules.map((r) => r.inputs)).toEqual(bastions.map((b) => ({
            drgRouteTableId: drg.state.defaultDrgRouteTables[0].vcn,
            destination: b.cidr,
            destinationType: "CIDR_BLOCK",
            nextHopDrgAttachmentId: rpcAttachment.id,
        })));
        for (const r of rules) expect(providerName(r.provider)).toBe(slug);
    });

    it("generates no secret: the values come from the eu stack and stay secret", async () => {
        expect(ofType(resources, "random:index/randomPassword:RandomPassword")).toEqual([]);
        expect(resources.some((r) => r.type === "blitzhub:security:CatalogueSecrets")).toBe(false);
        expect(await pulumi.isSecret(deliverySecrets["secret/redis_password"])).toBe(true);
        expect(await valueOf(deliverySecrets["secret/redis_password"])).toBe("from-eu");
    });
});
