/**
 * The real program of every region stack, run by the offline engine with the committed stack
 * files, the real topology and the example OCI config (plus the engine's placeholder delivery
 * key, so config delivery is exercised): the plan the whole test run shares. Asserts what
 * docs/design.md §2 and issue 3 require of the whole plan.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedResource, PlannedStack } from "../../offline/engine";
import { OFFLINE_SECRET_DEFAULTS } from "../../offline/stackInputs";
import { sharedPlan } from "../sharedPlan";

let stacks: PlannedStack[];
const all = () => stacks.flatMap((s) => s.resources);
const ofType = (type: string) => all().filter((r) => r.type === type);
const byUrn = () => new Map(all().map((r) => [r.urn, r]));
const nameOfUrn = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const stackOf = (name: string) => stacks.find((s) => s.stack === name)!;

beforeAll(async () => {
    stacks = await sharedPlan();
}, 240_000);

describe("the whole topology", () => {
    it("15 accounts over 5 stacks, one provider each, 45 instances, 15 flexible LBs, 3 NLBs", () => {
        const accounts = (s: PlannedStack) => s.resources.filter((r) => r.type.endsWith("Account") && r.type.startsWith("blitzhub:")).length;
        expect(Object.fromEntries(stacks.map((s) => [s.stack, accounts(s)]))).toEqual({ eu: 9, na: 2, sa: 1, as: 2, au: 1 });
        expect(ofType("pulumi:providers:oci").length).toBe(15);
        const instances = ofType("oci:Core/instance:Instance");
        expect(instances.length).toBe(45);
        const a1 = (ocpus: number, memoryInGbs: number) =>
            instances.filter((i) => i.inputs.shape === "VM.Standard.A1.Flex" && (i.inputs.shapeConfig as any)?.ocpus === ocpus && (i.inputs.shapeConfig as any)?.memoryInGbs === memoryInGbs).length;
        // The spec's 4 OCPU / 24 GB in pay-as-you-go tenancies; the five Always Free frontends fit the 2 / 12 allowance.
        expect(a1(4, 24)).toBe(10);
        expect(a1(2, 12)).toBe(5);
        expect(instances.filter((i) => i.inputs.shape === "VM.Standard.E2.1.Micro").length).toBe(30);
        const lbs = ofType("oci:LoadBalancer/loadBalancer:LoadBalancer");
        expect(lbs.length).toBe(15);
        for (const lb of lbs) expect(lb.inputs).toMatchObject({ shape: "flexible", shapeDetails: { minimumBandwidthInMbps: 10, maximumBandwidthInMbps: 10 } });
        expect(ofType("oci:NetworkLoadBalancer/networkLoadBalancer:NetworkLoadBalancer").length).toBe(3);
    });

    it("the stacks export what the eu ADB access list needs of clients elsewhere: their NAT egress IP", () => {
        const eu = stackOf("eu").outputs as Record<string, any>;
        const remote: string[] = eu.autonomousDatabaseRemoteClients;
        expect(remote.length).toBeGreaterThan(0);
        for (const source of remote) {
            const ip = source.replace(/\/32$/, "");
            const owner = stacks.flatMap((s) => Object.values((s.outputs as Record<string, any>).accounts ?? {}) as any[]).find((a) => Object.values(a.vmPrivateIps).includes(ip));
            expect(owner, source).toBeDefined();
            expect(owner.natEgressIp, owner.account).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        }
    });

    it("every resource of an account uses that account's provider, which is a child of the account", () => {
        const urns = byUrn();
        for (const r of all().filter((x) => x.custom && x.type.startsWith("oci:"))) {
            expect(r.account, r.urn).not.toBeNull();
            expect(r.provider, r.urn).not.toBeNull();
            const provider = urns.get(r.provider!) ?? urns.get(r.provider!.slice(0, r.provider!.lastIndexOf("::")))!;
            expect(provider, r.urn).toBeDefined();
            expect(provider.name).toBe(r.account!.toLowerCase());
            expect(provider.account).toBe(r.account);
        }
        for (const p of ofType("pulumi:providers:oci")) expect(nameOfUrn(p.parent!)).toBe(p.account);
    });

    it("an NSG rule from 0.0.0.0/0 opens only a public listener port or WireGuard", () => {
        const open = ofType("oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule").filter(
            (r) => r.inputs.direction === "INGRESS" && r.inputs.source === "0.0.0.0/0",
        );
        expect(open.length).toBeGreaterThan(0);
        const publicLbPorts = new Map<string, Set<number>>();
        for (const lb of ofType("oci:LoadBalancer/loadBalancer:LoadBalancer").filter((x) => x.inputs.isPrivate === false)) {
            const ports = ofType("oci:LoadBalancer/listener:Listener").filter((l) => l.account === lb.account).map((l) => l.inputs.port as number);
            publicLbPorts.set(lb.account!, new Set(ports));
        }
        const urns = byUrn();
        for (const rule of open) {
            const range = ((rule.inputs.tcpOptions ?? rule.inputs.udpOptions) as any).destinationPortRange;
            const nsg = urns.get(rule.propertyDependencies.networkSecurityGroupId[0])!.name;
            const slug = rule.account!.toLowerCase();
            const wireguard = rule.inputs.protocol === "17" && range.min === 51820 && range.max === 51820 && /bastion/.test(nsg);
            const nlb = nsg === `${slug}-nlb-nsg` && range.min >= 3001 && range.max <= 8020;
            const lb = nsg === `${slug}-lb-nsg` && range.min === range.max && publicLbPorts.get(rule.account!)?.has(range.min) === true;
            // A public NLB that preserves the client's address: its backends see internet sources.
            const account = stacks.flatMap((st) => st.plan.accounts).find((a) => a.name === rule.account)!;
            const nlbBackend = (account.networkLoadBalancer?.public ?? false) && account.networkLoadBalancer!.backendSets.some(
                (set) => set.preserveSourceIp && set.port <= range.min && range.max <= (set.toPort ?? set.port) && set.backends.some((b) => nsg === `${slug}-${b.vm}-nsg`),
            );
            expect(wireguard || nlb || lb || nlbBackend, `${rule.name} on ${nsg} ${JSON.stringify(range)}`).toBe(true);
            for (const port of [22, 3389]) expect(range.min <= port && port <= range.max).toBe(false);
        }
    });

    it("every region hub peers with the EU hub: RPCs and IAM statements on both sides", () => {
        const eu = stackOf("eu");
        const euRpcs = eu.resources.filter((r) => r.type === "oci:Core/remotePeeringConnection:RemotePeeringConnection");
        expect(euRpcs.map((r) => r.name).sort()).toEqual(["eu-net-01-rpc-as", "eu-net-01-rpc-au", "eu-net-01-rpc-na", "eu-net-01-rpc-sa"]);
        const euHubTenancy = (eu.outputs.globalHub as any).tenancyOcid as string;
        expect(euHubTenancy).toMatch(/^ocid1\.tenancy\./);
        for (const region of ["na", "sa", "as", "au"]) {
            const stack = stackOf(region);
            const hub = stack.plan.stacks.find((s) => s.region === region)!.hub;
            const slug = hub.toLowerCase();
            const rpc = stack.resources.find((r) => r.name === `${slug}-rpc-eu`)!;
            expect(rpc, region).toBeDefined();
            expect(rpc.inputs.peerRegionName).toBe("eu-frankfurt-1");
            expect(rpc.account).toBe(hub);
            const euRpc = euRpcs.find((r) => r.name === `eu-net-01-rpc-${region}`)!;
            expect(rpc.inputs.peerId).toBe(((eu.outputs.globalHub as any).rpcIds as Record<string, string>)[region]);
            expect(typeof euRpc.inputs.drgId).toBe("string");
            const endorse = stack.resources.find((r) => r.name === `${slug}-endorse-eu-net-01-remote-peering`)!;
            expect(endorse.inputs.statements).toContain(`Define tenancy EUNET01 as ${euHubTenancy}`);
            expect((endorse.inputs.statements as string[]).some((s) => s.startsWith("Endorse group id ") && s.endsWith("to manage remote-peering-to in tenancy EUNET01"))).toBe(true);
            const admit = eu.resources.find((r) => r.name === `eu-net-01-admit-${slug}-remote-peering`)!;
            const alias = hub.replace(/-/g, "");
            const euNetwork = eu.resources.find((r) => r.name === "eu-net-01-network-compartment")!;
            expect(euNetwork.inputs.name).toBe("blitzhub-network");
            expect(admit.inputs.statements as string[]).toContainEqual(expect.stringMatching(new RegExp(`^Admit group ${alias}NetworkAdmins of tenancy ${alias} to manage remote-peering-to in compartment id ocid1\\.compartment\\.`)));
            const hubTenancy = (stack.outputs.accounts as any)[hub].tenancyOcid;
            expect(admit.inputs.statements).toContain(`Define tenancy ${alias} as ${hubTenancy}`);
        }
    });

    it("spokes of a region attach to their hub's DRG; every VCN routes 10.0.0.0/16 to it", () => {
        for (const stack of stacks) {
            const hub = stack.plan.stacks.find((s) => s.region === stack.stack)!.hub.toLowerCase();
            const drg = stack.resources.find((r) => r.type === "oci:Core/drg:Drg")!;
            expect(drg.name).toBe(`${hub}-drg`);
            for (const attachment of stack.resources.filter((r) => r.type === "oci:Core/drgAttachment:DrgAttachment")) {
                expect(attachment.propertyDependencies.drgId).toEqual([drg.urn]);
            }
            for (const rt of stack.resources.filter((r) => r.type === "oci:Core/routeTable:RouteTable")) {
                expect((rt.inputs.routeRules as any[]).some((rule) => rule.destination === "10.0.0.0/16" && rt.propertyDependencies.routeRules.includes(drg.urn))).toBe(true);
            }
        }
    });

    it("stateful resources are protected", () => {
        for (const type of ["oci:Database/autonomousDatabase:AutonomousDatabase", "oci:Core/volume:Volume", "oci:ObjectStorage/bucket:Bucket", "oci:Kms/vault:Vault", "oci:Kms/key:Key"]) {
            const found = ofType(type);
            expect(found.length, type).toBeGreaterThan(0);
            for (const r of found) expect(r.protect || r.retainOnDelete, r.urn).toBe(true);
        }
        expect(ofType("oci:Database/autonomousDatabase:AutonomousDatabase")[0].inputs).toMatchObject({ isFreeTier: true, adminPassword: "[secret]" });
    });
});

describe("config delivery", () => {
    it("one ConfigDelivery per VM with a command per service, in its account, secrets never in the plan", () => {
        const deliveries = ofType("blitzhub:delivery:ConfigDelivery");
        expect(deliveries.length).toBe(45);
        const commands = ofType("command:local:Command");
        expect(commands.length).toBeGreaterThan(200);
        const deliveryUrns = new Set(deliveries.map((d) => d.urn));
        for (const c of commands) expect(deliveryUrns.has(c.parent!), c.urn).toBe(true);
        for (const d of deliveries) {
            expect(d.account, d.urn).not.toBeNull();
            expect(commands.filter((c) => c.parent === d.urn).length, d.urn).toBeGreaterThan(0);
        }
        expect((stackOf("eu").outputs.configDelivery as any).deliveries + (stackOf("na").outputs.configDelivery as any).deliveries).toBeGreaterThan(0);
        for (const c of commands) {
            expect(c.secretInputPaths).toContain("environment");
            expect(JSON.stringify(c.inputs)).not.toContain(OFFLINE_SECRET_DEFAULTS["blitzhub-delivery:sshPrivateKey"]);
            expect((c.inputs.triggers as string[])[0]).toMatch(/^[0-9a-f]{64}$/);
        }
        expect((stackOf("eu").outputs.configDelivery as any).enabled).toBe(true);
    });

    it("the management account tells operators each WireGuard endpoint, its instance and the jump host", () => {
        const mgmt = (stackOf("eu").outputs.accounts as any)["EU-MGMT-01"].wireguardEndpoints;
        expect(Object.keys(mgmt)).toEqual(["bastion-1", "bastion-2"]);
        const instances = ofType("oci:Core/instance:Instance");
        for (const [vm, endpoint] of Object.entries(mgmt as Record<string, { endpoint: string; instanceId: string; jumpHost: string }>)) {
            expect(endpoint.endpoint, vm).toMatch(/:51820$/);
            expect(endpoint.jumpHost, vm).toMatch(/^10\.0\.6\.\d+$/);
            expect(instances.some((i) => i.name === `eu-mgmt-01-${vm}`), vm).toBe(true);
        }
        for (const s of stacks) {
            for (const [name, account] of Object.entries(s.outputs.accounts as Record<string, { wireguardEndpoints?: unknown }>)) {
                if (name !== "EU-MGMT-01") expect(account.wireguardEndpoints, name).toBeUndefined();
            }
        }
    });

    it("each delivery waits for its instance; eu deliveries also for the bastion they jump through", () => {
        const urns = byUrn();
        const eu = stackOf("eu").resources.filter((r) => r.type === "command:local:Command");
        const bastion = stackOf("eu").resources.find((r) => r.type === "oci:Core/instance:Instance" && r.name === "eu-mgmt-01-bastion-1")!;
        expect(bastion).toBeDefined();
        for (const c of eu) {
            const deps = c.dependsOn.map((u) => urns.get(u)!).filter(Boolean);
            const instances = deps.filter((d) => d.type === "oci:Core/instance:Instance").map((d) => d.name);
            expect(instances, c.name).toContain(bastion.name);
            expect(instances.some((n) => c.name.startsWith(`${n}-`)), c.name).toBe(true);
        }
    });
    it("a backend set that re-encrypts, and each of its backends, wait for the delivery of the backend's TLS port", () => {
        const sets = ofType("oci:LoadBalancer/backendSet:BackendSet").filter((r) => r.inputs.sslConfiguration);
        expect(sets.length).toBe(7);
        const backends = ofType("oci:LoadBalancer/backend:Backend");
        for (const set of sets) {
            const members = backends.filter((b) => b.parent === set.parent && b.inputs.backendsetName === set.inputs.name);
            expect(members.length, set.name).toBeGreaterThan(0);
            for (const backend of members) {
                // `<slug>-<vm>` of the backend's VM, by its private IP; then that VM's Nginx or gateway config command.
                const vm = ofType("oci:Core/instance:Instance").find((i) => (i.inputs.createVnicDetails as { privateIp?: string })?.privateIp === backend.inputs.ipAddress)!;
                expect(vm, backend.name).toBeDefined();
                const delivered = (r: PlannedResource) => r.dependsOn.map(nameOfUrn).filter((n) => n === `${vm.name}-nginx-config` || n === `${vm.name}-rpc-gateway-config`);
                expect(delivered(set), `${set.name} ← ${vm.name}`).toHaveLength(1);
                expect(delivered(backend), `${backend.name} ← ${vm.name}`).toHaveLength(1);
            }
        }
    });
});

describe("dependency graph", () => {
    /** Longest chain of custom resources (dependsOn, explicit or through inputs). */
    function longestChain(stack: PlannedStack): PlannedResource[] {
        const urns = new Map(stack.resources.map((r) => [r.urn, r]));
        const memo = new Map<string, PlannedResource[]>();
        const chain = (r: PlannedResource): PlannedResource[] => {
            const known = memo.get(r.urn);
            if (known) return known;
            let best: PlannedResource[] = [];
            for (const dep of r.dependsOn) {
                const d = urns.get(dep);
                if (!d) continue;
                const c = chain(d);
                if (c.length > best.length) best = c;
            }
            const result = r.custom ? [...best, r] : best;
            memo.set(r.urn, result);
            return result;
        };
        return stack.resources.reduce<PlannedResource[]>((best, r) => {
            const c = chain(r);
            return c.length > best.length ? c : best;
        }, []);
    }

    it("accounts deploy in parallel: cross-account dependencies are peering (DRG, IAM) and the ADB's client VCNs only", () => {
        const allowed = new Set([
            "oci:Core/drgAttachment:DrgAttachment<-oci:Core/drg:Drg",
            "oci:Core/drgAttachment:DrgAttachment<-oci:Identity/policy:Policy",
            "oci:Core/routeTable:RouteTable<-oci:Core/drg:Drg",
            // The hub DRG's static rule to the bastions' VCN attachment (a leaf: nothing waits for it).
            "oci:Core/drgRouteTableRouteRule:DrgRouteTableRouteRule<-oci:Core/drgAttachment:DrgAttachment",
            "oci:Database/autonomousDatabase:AutonomousDatabase<-oci:Core/vcn:Vcn",
            "command:local:Command<-oci:Core/instance:Instance",
            // Delivery pins the bastion's host key, derived from its seed (a leaf: no wait).
            "command:local:Command<-random:index/randomBytes:RandomBytes",
        ]);
        for (const stack of stacks) {
            const urns = new Map(stack.resources.map((r) => [r.urn, r]));
            for (const r of stack.resources) {
                for (const dep of r.dependsOn) {
                    const d = urns.get(dep);
                    if (!d || !d.account || !r.account || d.account === r.account) continue;
                    expect(allowed.has(`${r.type}<-${d.type}`), `${r.urn} <- ${d.urn}`).toBe(true);
                }
            }
        }
    });

    it("the longest chain stays short (measured: see the closing note)", () => {
        const lengths = Object.fromEntries(stacks.map((s) => [s.stack, longestChain(s).length]));
        const eu = longestChain(stackOf("eu"));
        console.log(`longest chains: ${JSON.stringify(lengths)}; eu: ${eu.map((r) => r.name).join(" → ")}`);
        for (const length of Object.values(lengths)) expect(length).toBeLessThanOrEqual(10);
    });
});
