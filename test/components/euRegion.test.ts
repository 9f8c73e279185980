import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Account } from "../../components/Account";
import { INSTANCE_IGNORE_CHANGES } from "../../components/Vm";
import { bastionVms } from "../../plan/bastions";
import { WIREGUARD_TUNNEL_SPACE } from "../../plan/tunnelRoutes";
import type { AccountPlan, TopologyPlan } from "../../plan/types";
import { renderCloudInit } from "../../render/index";
import { decodeUserData } from "../../render/userData";
import { deployRegion } from "../../stacks/region";
import { SSH_KEYS, componentPlan, componentTopology, groupOf, remoteHubsOf, settingsOf, tenancyOf } from "./fixture";
import { type Recorded, type RecordedCall, idOf, named, ofType, providerInput, providerName, runWithMocks, valueOf } from "./harness";
import { mockAvailabilityDomains, mockSecretValue } from "../../offline/mocks";

let plan: TopologyPlan;
let resources: Recorded[];
let outputs: Record<string, any>;
let secretValues: pulumi.Output<Record<string, string>>;

/** The account component a resource belongs to (nearest Account ancestor). */
function accountOf(r: Recorded): Account | undefined {
    let parent: pulumi.Resource | undefined = r.parent;
    while (parent) {
        if (parent instanceof Account) return parent;
        parent = (parent as any).__parentResource ?? resources.find((x) => x.resource === parent)?.parent;
    }
    return undefined;
}
const account = (name: string): AccountPlan => plan.accounts.find((a) => a.name === name)!;
const euAccounts = () => plan.accounts.filter((a) => a.region === "eu");
let calls: RecordedCall[] = [];
/** The image the mocks answered first (the newest) for a shape. */
const newestImage = (shape: string) => {
    const images = calls.find((c) => c.token === "oci:Core/getImages:getImages" && c.inputs.shape === shape)!.result.images as { id: string; timeCreated: string }[];
    expect(images.length).toBeGreaterThan(1);
    return images.reduce((newest, image) => (image.timeCreated > newest.timeCreated ? image : newest)).id;
};
/** The Object Storage namespace the mocks answered for a compartment. */
const namespaceOf = (compartmentId: string) => calls.find((c) => c.token === "oci:ObjectStorage/getNamespace:getNamespace" && c.inputs.compartmentId === compartmentId)!.result.namespace;

beforeAll(async () => {
    plan = componentPlan();
    const topology = componentTopology();
    const run = await runWithMocks(() =>
        deployRegion({
            region: "eu",
            topology,
            plan,
            accounts: settingsOf(plan, "eu"),
            sshAuthorizedKeys: SSH_KEYS,
            image: { operatingSystem: "Canonical Ubuntu", version: "22.04" },
            cloudInit: (account, vm, hostKey) => renderCloudInit(plan, account, vm, { operators: [{ name: "tester", sshPublicKeys: SSH_KEYS }], deployPublicKey: SSH_KEYS[0], files: [], hostKey }),
            remoteHubs: remoteHubsOf(plan),
            autonomousDatabaseRemoteClients: ["203.0.113.7"],
        }),
    );
    resources = run.resources;
    calls = run.calls;
    secretValues = run.result.outputs.secretValues as pulumi.Output<Record<string, string>>;
    outputs = (await valueOf(pulumi.output(run.result.outputs))) as Record<string, any>;
});

describe("account components", () => {
    it("one typed component per eu account, named by the account", () => {
        const components = resources.filter((r) => r.resource instanceof Account);
        expect(components.map((c) => c.name).sort()).toEqual(euAccounts().map((a) => a.name).sort());
        expect(resources.find((r) => r.name === "EU-FE-01")!.type).toBe("blitzhub:frontend:FrontendAccount");
        expect(resources.find((r) => r.name === "EU-DATA-01")!.type).toBe("blitzhub:data:DataAccount");
        expect(resources.find((r) => r.name === "EU-NET-01")!.type).toBe("blitzhub:network:NetworkAccount");
    });

    it("one provider per account, named by slug, child of its component, ignoring Oracle's tags", () => {
        const providers = ofType(resources, "pulumi:providers:oci");
        expect(providers.map((p) => p.name).sort()).toEqual(euAccounts().map((a) => a.slug).sort());
        for (const p of providers) {
            expect(accountOf(p)?.ctx.plan.slug).toBe(p.name);
            expect(providerInput(p, "ignoreDefinedTags")).toEqual(["Oracle-Tags.CreatedBy", "Oracle-Tags.CreatedOn"]);
        }
    });

    it("every OCI resource has a parent and uses its own account's provider", () => {
        const oci = resources.filter((r) => r.custom && r.type.startsWith("oci:"));
        expect(oci.length).toBeGreaterThan(200);
        for (const r of oci) {
            const owner = accountOf(r);
            expect(owner, r.name).toBeDefined();
            expect(providerName(r.provider), `${r.type} ${r.name}`).toBe(owner!.ctx.plan.slug);
            expect(r.name.startsWith(owner!.ctx.plan.slug), r.name).toBe(true);
        }
    });

    it("resource names are unique per type (URNs never collide) and derive from the account slug", () => {
        const keys = resources.map((r) => `${r.type}::${r.name}`);
        expect(new Set(keys).size).toBe(keys.length);
    });

    it("every taggable OCI resource carries account, role, region and managed-by tags", () => {
        const tagged = resources.filter((r) => r.custom && r.type.startsWith("oci:") && "freeformTags" in r.inputs);
        expect(tagged.length).toBeGreaterThan(100);
        for (const r of tagged) {
            const owner = accountOf(r)!.ctx.plan;
            expect(r.inputs.freeformTags).toMatchObject({ account: owner.name, role: owner.role, region: "eu", "managed-by": "pulumi" });
        }
        for (const type of ["oci:Core/vcn:Vcn", "oci:Core/instance:Instance", "oci:LoadBalancer/loadBalancer:LoadBalancer", "oci:Core/subnet:Subnet"]) {
            for (const r of ofType(resources, type)) expect(r.inputs.freeformTags?.["managed-by"], r.name).toBe("pulumi");
        }
    });
});

describe("network", () => {
    it("VCN and subnet CIDRs are the plan's; private subnets prohibit public IPs", () => {
        for (const a of euAccounts()) {
            expect(named(resources, `${a.slug}-vcn`).inputs.cidrBlocks).toEqual([a.vcnCidr]);
            for (const s of a.subnets) {
                const subnet = named(resources, `${s.resourceName}-subnet`).inputs;
                expect(subnet.cidrBlock).toBe(s.cidr);
                expect(subnet.prohibitPublicIpOnVnic).toBe(!s.public);
            }
        }
        expect(named(resources, "eu-sec-01-vm-subnet").inputs.prohibitPublicIpOnVnic).toBe(true);
    });

    it("route tables send the address space to the DRG the VCN is attached to", () => {
        const hubDrg = idOf(resources, "eu-net-01-drg");
        const routes = ofType(resources, "oci:Core/routeTable:RouteTable");
        expect(routes.length).toBeGreaterThanOrEqual(euAccounts().length);
        for (const r of routes) {
            const rule = r.inputs.routeRules.find((x: any) => x.destination === plan.addressSpace);
            expect(rule, r.name).toBeDefined();
            expect(rule.networkEntityId).toBe(hubDrg);
        }
    });

    it("the default security list is taken over with no ingress (OCI's default opens 22 to the world)", () => {
        for (const r of ofType(resources, "oci:Core/defaultSecurityList:DefaultSecurityList")) expect(r.inputs.ingressSecurityRules ?? []).toEqual([]);
    });

    it("an NSG ingress rule per plan firewall rule, with its source and ports", () => {
        const rules = ofType(resources, "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule").filter((r) => r.inputs.direction === "INGRESS");
        const planned = euAccounts().flatMap((a) => a.firewall);
        expect(rules.length).toBe(planned.length);
        for (const rule of planned) {
            const r = named(rules, `${account(rule.account).slug}-${rule.key}`).inputs;
            expect(r.source).toBe(rule.source);
            const options = rule.protocol === "tcp" ? r.tcpOptions : r.udpOptions;
            expect(options.destinationPortRange).toEqual({ min: rule.port, max: rule.toPort ?? rule.port });
            expect(r.protocol).toBe(rule.protocol === "tcp" ? "6" : "17");
        }
    });

    it("redis 6379 is open only to the /32s of its clients; nothing opens 22 or 3389 to 0.0.0.0/0", () => {
        const rules = ofType(resources, "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule").filter((r) => r.inputs.direction === "INGRESS");
        const redis = rules.filter((r) => r.inputs.tcpOptions?.destinationPortRange?.min === 6379);
        expect(redis.length).toBeGreaterThan(0);
        const fastifyIp = account("EU-BE-01").vms.find((v) => v.name === "app")!.privateIp;
        const beRedis = redis.filter((r) => r.name.startsWith("eu-be-01-"));
        expect(beRedis.map((r) => r.inputs.source)).toContain(`${fastifyIp}/32`);
        for (const r of redis) expect(r.inputs.source).toMatch(/\/32$/);
        for (const r of rules) {
            if (r.inputs.source !== "0.0.0.0/0") continue;
            const range = r.inputs.tcpOptions?.destinationPortRange ?? r.inputs.udpOptions?.destinationPortRange;
            for (const port of [22, 3389]) expect(range.min <= port && port <= range.max, r.name).toBe(false);
        }
    });

    it("route tables send the operators' tunnel space to the DRG, last (an update that only appends); only bastions forward", () => {
        const hubDrg = idOf(resources, "eu-net-01-drg");
        const creationTables = ofType(resources, "oci:Core/routeTable:RouteTable").filter((r) => !r.name.includes("-tunnel-"));
        expect(creationTables.length).toBeGreaterThan(euAccounts().length);
        for (const r of creationTables) {
            const last = r.inputs.routeRules[r.inputs.routeRules.length - 1];
            expect(last, r.name).toMatchObject({ destination: WIREGUARD_TUNNEL_SPACE, destinationType: "CIDR_BLOCK", networkEntityId: hubDrg });
        }
        const forwarding = ofType(resources, "oci:Core/instance:Instance").filter((i) => i.inputs.createVnicDetails.skipSourceDestCheck === true).map((i) => i.name);
        expect(forwarding.sort()).toEqual(bastionVms(euAccounts()).map((b) => b.vm.resourceName).sort());
        expect(forwarding.length).toBeGreaterThan(0);
    });

    it("the bastions' VCN routes each bastion's tunnel /24 to that bastion's private IP, in its subnets and its DRG attachment's ingress table", async () => {
        const home = account(bastionVms(euAccounts())[0].account.name);
        const bastions = bastionVms([home]).map(({ vm }, n) => ({ vm, cidr: `172.29.${n}.0/24` }));
        expect(bastions.length).toBe(2);
        // The private IP each rule names is the one OCI lists for the bastion's address in its subnet, looked up once the instance exists.
        const privateIpId = (vm: (typeof bastions)[number]["vm"]) => {
            const subnetId = idOf(resources, `${home.subnets.find((s) => s.name === vm.subnet)!.resourceName}-subnet`);
            const lookup = calls.filter((c) => c.token === "oci:Core/getPrivateIps:getPrivateIps" && c.inputs.ipAddress === vm.privateIp);
            expect(lookup.map((c) => c.inputs.subnetId)).toEqual([subnetId]);
            expect(lookup[0].result.privateIps).toHaveLength(1);
            return lookup[0].result.privateIps[0].id as string;
        };
        const bastionRules = bastions.map(({ vm, cidr }) => ({ destination: cidr, destinationType: "CIDR_BLOCK", networkEntityId: privateIpId(vm) }));
        for (const rule of bastionRules) expect(rule.networkEntityId).toMatch(/^ocid1\.privateip\./);

        // Ingress (transit): the VCN's default route table, set on the DRG attachment, holds only the /24s.
        const vcn = named(resources, `${home.slug}-vcn`);
        const ingress = named(resources, `${home.slug}-drg-ingress-route-table`);
        expect(ingress.type).toBe("oci:Core/defaultRouteTable:DefaultRouteTable");
        expect(ingress.inputs.manageDefaultResourceId).toBe(vcn.state.defaultRouteTableId);
        expect(ingress.inputs.routeRules).toEqual(bastionRules.map((r) => expect.objectContaining(r)));
        expect(named(resources, `${home.slug}-drg-attachment`).inputs.networkDetails).toEqual({ type: "VCN", id: vcn.id, routeTableId: vcn.state.defaultRouteTableId });
        for (const other of euAccounts().filter((a) => a !== home)) {
            expect(named(resources, `${other.slug}-drg-attachment`).inputs.networkDetails.routeTableId, other.name).toBeUndefined();
        }
        expect(ofType(resources, "oci:Core/defaultRouteTable:DefaultRouteTable").map((r) => r.name)).toEqual([ingress.name]);

        // Subnets: a second table per kind, the creation table's rules then the /24s, attached to every subnet of that kind.
        for (const kind of ["public", "private"] as const) {
            const creation = named(resources, `${home.slug}-${kind}-route-table`);
            const tunnel = named(resources, `${home.slug}-${kind}-tunnel-route-table`);
            expect(tunnel.inputs.vcnId).toBe(vcn.id);
            expect(tunnel.inputs.routeRules.slice(0, creation.inputs.routeRules.length)).toEqual(creation.inputs.routeRules);
            expect(tunnel.inputs.routeRules.slice(creation.inputs.routeRules.length)).toEqual(bastionRules.map((r) => expect.objectContaining(r)));
            for (const subnet of home.subnets.filter((s) => s.public === (kind === "public"))) {
                const resource = named(resources, `${subnet.resourceName}-subnet`);
                expect(resource.inputs.routeTableId, subnet.name).toBe(creation.id);
                expect(resource.opts.ignoreChanges, subnet.name).toEqual(["routeTableId"]);
                const attachment = named(resources, `${subnet.resourceName}-tunnel-route-table-attachment`);
                expect(attachment.inputs).toEqual({ subnetId: resource.id, routeTableId: tunnel.id });
            }
        }
        expect(ofType(resources, "oci:Core/routeTableAttachment:RouteTableAttachment").length).toBe(home.subnets.length);
        // No other VCN's subnets change their table after creation.
        for (const other of euAccounts().filter((a) => a !== home)) {
            for (const subnet of other.subnets) expect(named(resources, `${subnet.resourceName}-subnet`).opts.ignoreChanges ?? [], subnet.name).toEqual([]);
        }
    });

    it("the EU hub's DRG sends each tunnel /24 to the bastions' VCN attachment, from its VCN attachments and its remote peerings (static rules)", () => {
        const home = account(bastionVms(euAccounts())[0].account.name);
        const drg = named(resources, "eu-net-01-drg");
        const tables = drg.state.defaultDrgRouteTables[0];
        const attachment = idOf(resources, `${home.slug}-drg-attachment`);
        const rules = ofType(resources, "oci:Core/drgRouteTableRouteRule:DrgRouteTableRouteRule");
        const cidrs = bastionVms([home]).map((_, n) => `172.29.${n}.0/24`);
        expect(rules.map((r) => r.inputs).sort((a, b) => `${a.drgRouteTableId}${a.destination}`.localeCompare(`${b.drgRouteTableId}${b.destination}`))).toEqual(
            [tables.vcn, tables.remotePeeringConnection]
                .flatMap((table) => cidrs.map((destination) => ({ drgRouteTableId: table, destination, destinationType: "CIDR_BLOCK", nextHopDrgAttachmentId: attachment })))
                .sort((a, b) => `${a.drgRouteTableId}${a.destination}`.localeCompare(`${b.drgRouteTableId}${b.destination}`)),
        );
        expect(tables.vcn).not.toBe(tables.remotePeeringConnection);
        for (const r of rules) expect(providerName(r.provider)).toBe("eu-net-01");
        // The EU hub's own peerings are not looked up: every /24 ends in this region.
        expect(calls.filter((c) => c.token === "oci:Core/getDrgAttachments:getDrgAttachments")).toEqual([]);
    });

    it("each VM's VNIC is in its own NSG", () => {
        for (const a of euAccounts()) {
            for (const vm of a.vms) {
                expect(named(resources, vm.resourceName).inputs.createVnicDetails.nsgIds).toEqual([idOf(resources, `${a.slug}-${vm.name}-nsg`)]);
            }
        }
    });
});

describe("compute", () => {
    it("instances have the plan's static IP, shape, boot volume, IMDSv2 only, in-transit encryption", () => {
        const instances = ofType(resources, "oci:Core/instance:Instance");
        expect(instances.length).toBe(euAccounts().reduce((n, a) => n + a.vms.length, 0));
        for (const a of euAccounts()) {
            for (const vm of a.vms) {
                const r = named(resources, vm.resourceName);
                expect(r.inputs.createVnicDetails.privateIp).toBe(vm.privateIp);
                expect(r.inputs.createVnicDetails.assignPublicIp).toBe(String(vm.publicIp));
                expect(r.inputs.shape).toBe(vm.shape);
                if (vm.shape === "VM.Standard.A1.Flex") expect(r.inputs.shapeConfig).toEqual({ ocpus: vm.ocpus, memoryInGbs: vm.memoryGb });
                expect(r.inputs.sourceDetails).toMatchObject({ sourceType: "image", bootVolumeSizeInGbs: String(vm.bootVolumeGb), sourceId: newestImage(vm.shape) });
                expect(r.inputs.instanceOptions).toEqual({ areLegacyImdsEndpointsDisabled: true });
                expect(r.inputs.launchOptions.isPvEncryptionInTransitEnabled).toBe(true);
                expect(r.inputs.agentConfig.isMonitoringDisabled).toBe(false);
                expect(r.inputs.availabilityDomain).toBe(mockAvailabilityDomains(a.homeRegion)[0]);
                expect(r.opts.ignoreChanges).toEqual(INSTANCE_IGNORE_CHANGES);
                const userData = decodeUserData(r.inputs.metadata.user_data);
                expect(userData.startsWith("#cloud-config")).toBe(true);
                expect(r.inputs.metadata.ssh_authorized_keys).toBe(SSH_KEYS.join("\n"));
            }
        }
        expect(INSTANCE_IGNORE_CHANGES).toEqual(["sourceDetails.sourceId", "metadata.user_data", "metadata.ssh_authorized_keys"]);
    });

    it("block volumes exist where the plan says, protected and attached", () => {
        const planned = euAccounts().flatMap((a) => a.vms.flatMap((vm) => vm.blockVolumes));
        const volumes = ofType(resources, "oci:Core/volume:Volume");
        expect(volumes.map((v) => v.name).sort()).toEqual(planned.map((v) => v.resourceName).sort());
        for (const v of planned) {
            const r = named(resources, v.resourceName);
            expect(r.inputs.sizeInGbs).toBe(String(v.sizeGb));
            expect(r.opts.protect).toBe(true);
            expect(named(resources, `${v.resourceName}-attachment`).inputs.volumeId).toBe(idOf(resources, v.resourceName));
        }
    });

    it("each volume attaches at the device path the VM's cloud-init mounts", () => {
        const withVolumes = euAccounts().flatMap((a) => a.vms.filter((vm) => vm.blockVolumes.length > 0).map((vm) => ({ a, vm })));
        expect(withVolumes.length).toBeGreaterThan(0);
        for (const { a, vm } of withVolumes) {
            const cloudInit = renderCloudInit(plan, a, vm, { operators: [{ name: "tester", sshPublicKeys: SSH_KEYS }], deployPublicKey: SSH_KEYS[0], files: [] });
            for (const v of vm.blockVolumes) {
                const device = named(resources, `${v.resourceName}-attachment`).inputs.device as string;
                expect(device, v.resourceName).toMatch(/^\/dev\/oracleoci\/oraclevd[b-z]$/);
                expect(cloudInit, `${vm.resourceName} mounts ${device}`).toContain(device);
            }
        }
    });
});

describe("load balancers", () => {
    it("a flexible 10/10 Mbps LB per account with the plan's backends and health checks", () => {
        for (const a of euAccounts()) {
            const lb = named(resources, a.loadBalancer.resourceName).inputs;
            expect(lb.shape).toBe("flexible");
            expect(lb.shapeDetails).toEqual({ minimumBandwidthInMbps: 10, maximumBandwidthInMbps: 10 });
            expect(lb.isPrivate).toBe(!a.loadBalancer.public);
            for (const set of a.loadBalancer.backendSets) {
                const bs = named(resources, `${a.loadBalancer.resourceName}-${set.name}-backend-set`).inputs;
                expect(bs.healthChecker.urlPath).toBe(set.healthCheck.urlPath);
                expect(bs.healthChecker.port).toBe(set.healthCheck.port);
                expect(bs.policy).toBe(set.policy === "WEIGHTED_ROUND_ROBIN" ? "ROUND_ROBIN" : set.policy);
                expect(Boolean(bs.lbCookieSessionPersistenceConfiguration)).toBe(Boolean(set.sessionPersistence));
                for (const b of set.backends) {
                    const backend = named(resources, `${a.loadBalancer.resourceName}-${set.name}-${b.vm}`).inputs;
                    expect(backend).toMatchObject({ ipAddress: b.ip, port: b.port, weight: b.weight, backendsetName: set.name });
                }
            }
        }
    });

    it("the backend WebSocket set checks /ws/health and keeps session persistence", () => {
        const ws = named(resources, "eu-be-01-lb-ws-backend-set").inputs;
        expect(ws.healthChecker.urlPath).toBe("/ws/health");
        expect(ws.lbCookieSessionPersistenceConfiguration.cookieName).toBe("X-Oracle-BMC-LBS-Route");
        expect(named(resources, "eu-be-01-lb-api-backend-set").inputs.healthChecker.urlPath).toBe("/health");
        expect(named(resources, "eu-be-01-lb-ws-app").inputs.weight).toBe(3);
    });

    it("the Solana NLB passes 8000-8020 through (port 0 listener, NSG opens only the range)", () => {
        const listener = named(resources, "eu-sol-01-nlb-gossip-listener").inputs;
        expect(listener).toMatchObject({ protocol: "TCP_AND_UDP", port: 0 });
        const validatorIp = account("EU-SOL-01").vms.find((v) => v.name === "validator")!.privateIp;
        expect(named(resources, "eu-sol-01-nlb-gossip-validator").inputs).toMatchObject({ ipAddress: validatorIp, port: 0 });
        const nlbRules = ofType(resources, "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule").filter(
            (r) => r.inputs.networkSecurityGroupId === idOf(resources, "eu-sol-01-nlb-nsg") && r.inputs.direction === "INGRESS",
        );
        expect(nlbRules.length).toBeGreaterThan(0);
        for (const r of nlbRules) {
            const range = r.inputs.tcpOptions?.destinationPortRange ?? r.inputs.udpOptions?.destinationPortRange;
            expect(range.min >= 8000 && range.max <= 8020, r.name).toBe(true);
        }
    });
});

describe("peering", () => {
    it("the EU hub has its DRG; spokes attach cross-tenancy to it after both IAM sides exist", () => {
        expect(named(resources, "eu-net-01-drg").type).toBe("oci:Core/drg:Drg");
        expect(ofType(resources, "oci:Core/drg:Drg").length).toBe(1);
        for (const a of euAccounts().filter((x) => x.name !== "EU-NET-01")) {
            const attachment = named(resources, `${a.slug}-drg-attachment`);
            expect(attachment.inputs.drgId).toBe(idOf(resources, "eu-net-01-drg"));
            expect(attachment.inputs.networkDetails).toMatchObject({ type: "VCN", id: idOf(resources, `${a.slug}-vcn`) });
            const deps = (attachment.opts.dependsOn as pulumi.Resource[]).map((d) => resources.find((x) => x.resource === d)!.name).sort();
            expect(deps).toEqual([`eu-net-01-admit-${a.slug}-drg-attachment`, `${a.slug}-endorse-eu-net-01-drg-attachment`].sort());
        }
        expect(named(resources, "eu-net-01-drg-attachment").inputs.drgId).toBe(idOf(resources, "eu-net-01-drg"));
    });

    it("Endorse in the spoke and Admit in the hub, naming each other's tenancy and the spoke's group", () => {
        const endorse = named(resources, "eu-fe-01-endorse-eu-net-01-drg-attachment").inputs;
        expect(endorse.compartmentId).toBe(tenancyOf("EU-FE-01"));
        expect(endorse.statements).toContain(`Define tenancy EUNET01 as ${tenancyOf("EU-NET-01")}`);
        expect(endorse.statements).toContain(`Endorse group id ${groupOf("EU-FE-01")} to manage drg-attachment in tenancy EUNET01`);
        const admit = named(resources, "eu-net-01-admit-eu-fe-01-drg-attachment").inputs;
        expect(admit.compartmentId).toBe(tenancyOf("EU-NET-01"));
        expect(admit.statements).toContain(`Define tenancy EUFE01 as ${tenancyOf("EU-FE-01")}`);
        expect(admit.statements).toContain(`Define group EUFE01NetworkAdmins as ${groupOf("EU-FE-01")}`);
        // The spoke's admins reach the hub's network compartment only, never the whole tenancy.
        expect(admit.statements).toContain(`Admit group EUFE01NetworkAdmins of tenancy EUFE01 to manage drg-attachment in compartment id ${idOf(resources, "eu-net-01-network-compartment")}`);
        expect(admit.statements).toContain(`Admit group EUFE01NetworkAdmins of tenancy EUFE01 to use drg in compartment id ${idOf(resources, "eu-net-01-network-compartment")}`);
        expect((admit.statements as string[]).filter((s) => / in tenancy$/.test(s))).toEqual([]);
    });

    it("the EU hub accepts one RPC per other region, after admitting that region's hub", () => {
        const others = plan.stacks.filter((s) => s.region !== "eu");
        expect(others.length).toBeGreaterThan(0);
        for (const s of others) {
            const rpc = named(resources, `eu-net-01-rpc-${s.region}`);
            expect(rpc.inputs.drgId).toBe(idOf(resources, "eu-net-01-drg"));
            expect(rpc.inputs.peerId).toBeUndefined();
            const admit = named(resources, `eu-net-01-admit-${s.hub.toLowerCase()}-remote-peering`).inputs;
            const alias = s.hub.replace(/-/g, "");
            expect(admit.statements).toContain(`Admit group ${alias}NetworkAdmins of tenancy ${alias} to manage remote-peering-to in compartment id ${idOf(resources, "eu-net-01-network-compartment")}`);
            expect(admit.statements).toContain(`Define tenancy ${alias} as ${tenancyOf(s.hub)}`);
        }
        expect(Object.keys(outputs.globalHub.rpcIds).sort()).toEqual(others.map((s) => s.region).sort());
    });
});

describe("data and secrets", () => {
    it("the Always Free ADB is protected, mTLS only, and admits its clients' VCN/IP", () => {
        const adbPlan = account("EU-DATA-01").autonomousDatabase!;
        const adb = named(resources, adbPlan.resourceName);
        expect(adb.inputs).toMatchObject({ isFreeTier: true, isMtlsConnectionRequired: true, dbName: adbPlan.dbName });
        expect(adb.opts.protect).toBe(true);
        const fastifyIp = account("EU-BE-01").vms.find((v) => v.name === "app")!.privateIp;
        expect(adb.inputs.whitelistedIps).toContain(`${idOf(resources, "eu-be-01-vcn")};${fastifyIp}`);
        expect(adb.inputs.whitelistedIps.length).toBeGreaterThan(0);
    });

    it("the ADB also admits the egress addresses of its clients in other regions, from stack config", () => {
        const adb = named(resources, account("EU-DATA-01").autonomousDatabase!.resourceName);
        expect(adb.inputs.whitelistedIps).toContain("203.0.113.7");
    });

    it("the backup bucket is private, versioned and protected", () => {
        const bucket = named(resources, "eu-data-01-backups");
        // The namespace is the tenancy's; the bucket sits in the account's data compartment, under the tenancy's key.
        expect(bucket.inputs).toMatchObject({ accessType: "NoPublicAccess", versioning: "Enabled", namespace: namespaceOf(tenancyOf("EU-DATA-01")), objectEventsEnabled: true });
        expect(bucket.inputs.compartmentId).toBe(idOf(resources, "eu-data-01-data-compartment"));
        expect(bucket.inputs.kmsKeyId).toBe(idOf(resources, "eu-data-01-cmk"));
        expect(bucket.opts.protect).toBe(true);
    });

    it("vault and master key are protected; one OCI secret per random catalogue secret, none for manual ones", () => {
        expect(named(resources, "eu-sec-01-vault-vault").opts.protect).toBe(true);
        const key = named(resources, "eu-sec-01-vault-master-key");
        expect(key.opts.protect).toBe(true);
        expect(key.inputs.managementEndpoint).toBe(named(resources, "eu-sec-01-vault-vault").state.managementEndpoint);
        expect(key.inputs.managementEndpoint).toMatch(/^https:\/\/\S+-management\.kms\.eu-frankfurt-1\.oraclecloud\.com$/);
        const secrets = ofType(resources, "oci:Vault/secret:Secret");
        expect(secrets.map((s) => s.inputs.secretName).sort()).toEqual(["adb-admin_password", "jwt_secret", "redis_password"]);
        expect(secrets.every((s) => s.inputs.vaultId === idOf(resources, "eu-sec-01-vault-vault") && s.inputs.keyId === idOf(resources, "eu-sec-01-vault-master-key"))).toBe(true);
        const redis = named(resources, "eu-sec-01-redis-password").inputs;
        expect(redis.secretContent.contentType).toBe("BASE64");
        const generated = named(resources, "secret-redis-password");
        expect(generated.type).toBe("random:index/randomPassword:RandomPassword");
        expect(generated.inputs.length).toBe(32);
        expect(Buffer.from(redis.secretContent.content, "base64").toString()).toBe(mockSecretValue("random:index/randomPassword:RandomPassword", "secret-redis-password", 32));
        expect(named(resources, "secret-jwt-secret").inputs.length).toBe(64);
        expect(resources.some((r) => r.name.includes("vault-unseal-keys"))).toBe(false);
        expect(outputs.manualSecrets).toEqual(["secret/vault_unseal_keys"]);
    });

    it("each tenancy's key gets one version per rotation date, protected and kept on delete (CIS 4.16)", () => {
        for (const a of euAccounts()) {
            const key = a.ociVault ? named(resources, `${a.slug}-${a.ociVault.name}-master-key`) : named(resources, `${a.slug}-cmk`, "oci:Kms/key:Key");
            const versions = ofType(resources, "oci:Kms/keyVersion:KeyVersion").filter((v) => v.name.startsWith(`${a.slug}-`));
            expect(versions.map((v) => v.name), a.name).toEqual([`${a.slug}-cmk-rotation-2026-11-30`, `${a.slug}-cmk-rotation-2027-11-01`]);
            for (const v of versions) {
                expect(v.inputs).toEqual({ keyId: key.id, managementEndpoint: key.state.managementEndpoint });
                expect(v.opts).toMatchObject({ protect: true, retainOnDelete: true });
                expect(v.parent, v.name).toBe(resources.find((r) => r.type === "blitzhub:security:CustomerManagedKey" && r.name === `${a.slug}-cmk`)!.resource);
            }
        }
    });

    it("each tenancy defines BlitzHub.CreatedBy and defaults it to the creator; namespace and tag outlive a destroy (CIS 4.1)", () => {
        for (const a of euAccounts()) {
            const namespace = named(resources, `${a.slug}-tag-namespace`);
            expect(namespace.inputs).toMatchObject({ compartmentId: tenancyOf(a.name), name: "BlitzHub" });
            const tag = named(resources, `${a.slug}-created-by-tag`);
            expect(tag.inputs).toMatchObject({ tagNamespaceId: namespace.id, name: "CreatedBy" });
            expect([namespace.opts.retainOnDelete, tag.opts.retainOnDelete]).toEqual([true, true]);
            const tagDefault = named(resources, `${a.slug}-created-by-tag-default`);
            expect(tagDefault.inputs).toEqual({ compartmentId: tenancyOf(a.name), tagDefinitionId: tag.id, value: "${iam.principal.name}", isRequired: false });
            expect(tagDefault.opts.retainOnDelete).toBeFalsy();
        }
    });

    it("pay-as-you-go tenancies target their root with Oracle's configuration and activity detectors and responder; Always Free ones have no Cloud Guard", () => {
        const oracleRecipe = (token: string, collection: string, displayName: string) => {
            const call = calls.find((c) => c.token === token && c.inputs.displayName === displayName)!;
            const item = call.result[collection][0].items[0];
            expect(item.owner).toBe("ORACLE");
            return item.id as string;
        };
        const detectors = ["OCI Configuration Detector Recipe", "OCI Activity Detector Recipe"].map((n) =>
            oracleRecipe("oci:CloudGuard/getDetectorRecipes:getDetectorRecipes", "detectorRecipeCollections", n),
        );
        const responder = oracleRecipe("oci:CloudGuard/getResponderRecipes:getResponderRecipes", "responderRecipeCollections", "OCI Responder Recipe");
        const paid = euAccounts().filter((a) => a.freeTier.billing.mode === "payAsYouGo");
        expect(paid.length).toBeGreaterThan(0);
        for (const a of euAccounts()) {
            const target = resources.find((r) => r.name === `${a.slug}-cloud-guard-target`);
            if (a.freeTier.billing.mode === "alwaysFree") {
                expect(target, a.name).toBeUndefined();
                continue;
            }
            // The lookups answer per tenancy: the ids are the mocks' for that tenancy's region, the same recipes.
            expect(target!.inputs, a.name).toMatchObject({
                compartmentId: tenancyOf(a.name),
                targetResourceId: tenancyOf(a.name),
                targetResourceType: "COMPARTMENT",
                targetDetectorRecipes: detectors.map((detectorRecipeId) => ({ detectorRecipeId })),
                targetResponderRecipes: [{ responderRecipeId: responder }],
            });
            expect(target!.opts.dependsOn, a.name).toContain(named(resources, `${a.slug}-cloud-guard`).resource);
        }
    });

    it("the ADB's ADMIN password is the generated catalogue secret, capped at the 30 characters ADB accepts", () => {
        expect(named(resources, "secret-adb-admin-password").inputs.length).toBe(30);
        const adb = named(resources, account("EU-DATA-01").autonomousDatabase!.resourceName).inputs;
        expect(adb.adminPassword).toBe(mockSecretValue("random:index/randomPassword:RandomPassword", "secret-adb-admin-password", 30));
        expect(adb.adminPassword).toHaveLength(30);
        const secretsComponent = resources.find((r) => r.type === "blitzhub:security:CatalogueSecrets")!;
        expect(accountOf(named(resources, "secret-adb-admin-password"))).toBeUndefined();
        expect(secretsComponent.parent).toBeUndefined();
    });

    it("secret values, secret contents and the ADB password stay Pulumi secrets", async () => {
        expect(await pulumi.isSecret(secretValues)).toBe(true);
        const values = await valueOf(secretValues);
        expect(Object.keys(values).sort()).toEqual(["secret/adb/admin_password", "secret/jwt_secret", "secret/redis_password"]);
        const isSecretAt = (r: Recorded, path: string) => r.secretPaths.some((p) => path === p || path.startsWith(`${p}.`));
        expect(isSecretAt(named(resources, "eu-sec-01-redis-password"), "secretContent.content")).toBe(true);
        expect(isSecretAt(named(resources, account("EU-DATA-01").autonomousDatabase!.resourceName), "adminPassword")).toBe(true);
        expect(isSecretAt(named(resources, "eu-sec-01-redis-password"), "secretName")).toBe(false);
    });
});
