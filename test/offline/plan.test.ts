/**
 * The real program's plan of all five stacks (issue 2's "what it must show"), through the
 * engine API, plus the JSON contract of docs/design.md §4 and the secret check on the printed JSON.
 */
import { Address4 } from "ip-address";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedResource, PlannedStack } from "../../offline/engine";
import { sharedPlan } from "../sharedPlan";
import { formatPlanJson } from "../../offline/formatJson";
import { dependencyReport, formatPlanTree } from "../../offline/formatTree";
import { mockSecretValue } from "../../offline/mocks";

const INSTANCE = "oci:Core/instance:Instance";
const LB = "oci:LoadBalancer/loadBalancer:LoadBalancer";
const NLB = "oci:NetworkLoadBalancer/networkLoadBalancer:NetworkLoadBalancer";
const PROVIDER = "pulumi:providers:oci";

let stacks: PlannedStack[];
let all: PlannedResource[];
const ofType = (type: string) => all.filter((r) => r.type === type);

beforeAll(async () => {
    stacks = await sharedPlan();
    all = stacks.flatMap((s) => s.resources);
}, 120_000);

describe("the real plan of --stack all", () => {
    it("has the five stacks with their accounts: eu 9, na 2, sa 1, as 2, au 1", () => {
        expect(stacks.map((s) => s.stack)).toEqual(["eu", "na", "sa", "as", "au"]);
        const accounts = (s: PlannedStack) => s.resources.filter((r) => !r.custom && r.type.endsWith("Account")).map((r) => r.name);
        expect(stacks.map((s) => accounts(s).length)).toEqual([9, 2, 1, 2, 1]);
        for (const s of stacks) for (const name of accounts(s)) expect(name.slice(0, 2).toLowerCase(), name).toBe(s.stack);
        expect(new Set(all.map((r) => r.account).filter((a) => a !== null)).size).toBe(15);
    });

    it("has one oci provider per account, a child of the account component, used by every OCI resource of it", () => {
        const providers = ofType(PROVIDER);
        expect(providers).toHaveLength(15);
        const providerOf = new Map(providers.map((p) => [p.account, p.urn]));
        expect(providerOf.size).toBe(15);
        for (const p of providers) {
            const parent = all.find((r) => r.urn === p.parent);
            expect(parent?.name, p.urn).toBe(p.account);
            expect(p.name).toBe(p.account!.toLowerCase());
        }
        const oci = all.filter((r) => r.custom && r.type.startsWith("oci:"));
        expect(oci.length).toBeGreaterThan(100);
        for (const r of oci) {
            expect(r.account, r.urn).not.toBeNull();
            expect(r.provider, r.urn).toBe(providerOf.get(r.account));
        }
    });

    it("has 45 instances: 15 A1 Flex (4 OCPU / 24 GB, 2 / 12 in the 5 Always Free tenancies) and 30 E2 micros", () => {
        const instances = ofType(INSTANCE);
        expect(instances).toHaveLength(45);
        const a1 = instances.filter((i) => i.inputs.shape === "VM.Standard.A1.Flex");
        expect(a1).toHaveLength(15);
        for (const i of a1) expect(i.inputs.shapeConfig, i.name).toMatchObject(/-FE-/.test(String(i.account)) ? { ocpus: 2, memoryInGbs: 12 } : { ocpus: 4, memoryInGbs: 24 });
        expect(instances.filter((i) => i.inputs.shape === "VM.Standard.E2.1.Micro")).toHaveLength(30);
        expect(new Set(instances.map((i) => i.account)).size).toBe(15);
    });

    it("has 15 flexible load balancers at 10/10 Mbps and 3 network load balancers", () => {
        const lbs = ofType(LB);
        expect(lbs).toHaveLength(15);
        for (const lb of lbs) {
            expect(lb.inputs.shape, lb.name).toBe("flexible");
            expect(lb.inputs.shapeDetails, lb.name).toEqual({ minimumBandwidthInMbps: 10, maximumBandwidthInMbps: 10 });
        }
        expect(ofType(NLB).map((n) => n.account).sort()).toEqual(["AS-SOL-01", "EU-NET-01", "EU-SOL-01"]);
    });

    it("gives no two VCNs overlapping CIDRs", () => {
        const cidrs = ofType("oci:Core/vcn:Vcn").flatMap((v) => (v.inputs.cidrBlocks as string[] | undefined) ?? [v.inputs.cidrBlock as string]);
        expect(cidrs).toHaveLength(15);
        const nets = cidrs.map((c) => new Address4(c));
        for (let i = 0; i < nets.length; i++) {
            for (let j = i + 1; j < nets.length; j++) {
                expect(nets[i].isInSubnet(nets[j]) || nets[j].isInSubnet(nets[i]), `${cidrs[i]} / ${cidrs[j]}`).toBe(false);
            }
        }
    });

    it("has unique URNs whose parents exist", () => {
        for (const s of stacks) {
            const urns = new Set(s.resources.map((r) => r.urn));
            expect(urns.size).toBe(s.resources.length);
            for (const r of s.resources) {
                expect(r.urn.startsWith(`urn:pulumi:${s.stack}::blitzhub::`), r.urn).toBe(true);
                if (r.parent) expect(urns.has(r.parent), r.urn).toBe(true);
                if (r.provider) expect(urns.has(r.provider), r.urn).toBe(true);
            }
        }
    });
});

describe("the dependency report", () => {
    it("finds a chain where each resource depends on the next, and no longer one", () => {
        const { chain, crossAccount } = dependencyReport(stacks);
        expect(chain.length).toBeGreaterThan(1);
        for (let i = 0; i + 1 < chain.length; i++) expect(chain[i].dependsOn, chain[i].urn).toContain(chain[i + 1].urn);
        const byUrn = new Map(all.map((r) => [r.urn, r]));
        const depth = new Map<string, number>();
        const depthOf = (r: PlannedResource): number => {
            if (!depth.has(r.urn)) {
                depth.set(r.urn, 1);
                const deps = r.dependsOn.map((u) => byUrn.get(u)).filter((d): d is PlannedResource => d !== undefined && d.custom);
                depth.set(r.urn, 1 + Math.max(0, ...deps.map(depthOf)));
            }
            return depth.get(r.urn)!;
        };
        expect(Math.max(...all.filter((r) => r.custom).map(depthOf))).toBe(chain.length);
        for (const [from, to] of crossAccount) expect(from.account).not.toBe(to.account);
    });
});

describe("the printed plan", () => {
    it("--json is exactly the docs/design.md §4 shape", () => {
        const json = JSON.parse(formatPlanJson(stacks));
        expect(Object.keys(json)).toEqual(["stacks"]);
        for (const s of json.stacks) {
            expect(Object.keys(s)).toEqual(["stack", "region", "resources"]);
            for (const r of s.resources) expect(Object.keys(r)).toEqual(["urn", "type", "name", "account", "parent", "inputs"]);
        }
        expect(json.stacks.reduce((n: number, s: { resources: unknown[] }) => n + s.resources.length, 0)).toBe(all.length);
    });

    it("never prints a generated secret, in the clear or base64, and marks every secret input [secret]", () => {
        const text = formatPlanJson(stacks) + formatPlanTree(stacks);
        const generated = all.filter((r) => r.type === "random:index/randomPassword:RandomPassword" || r.type === "random:index/randomString:RandomString");
        expect(generated.length).toBeGreaterThan(0);
        for (const r of generated) {
            const value = mockSecretValue(r.type, r.name, Number(r.inputs.length));
            expect(text.includes(value), r.name).toBe(false);
            expect(text.includes(Buffer.from(value).toString("base64")), r.name).toBe(false);
        }
        expect(text).not.toContain("offline-placeholder-not-a-private-key");
        const withSecrets = all.filter((r) => r.secretInputPaths.length > 0);
        expect(withSecrets.length).toBeGreaterThan(0);
        for (const r of withSecrets) {
            for (const p of r.secretInputPaths) {
                const value = p.split(/\.|\[(\d+)\]/).filter(Boolean).reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], r.inputs);
                expect(value, `${r.urn} ${p}`).toBe("[secret]");
            }
        }
    });

    it("the tree ends with the six totals lines", () => {
        const lines = formatPlanTree(stacks).trimEnd().split("\n");
        const tail = lines.slice(-6);
        expect(tail[0]).toMatch(/^Totals: 5 stacks \(eu, na, sa, as, au\), 15 accounts, \d+ resources/);
        expect(tail[1]).toBe("  providers: 15 oci");
        expect(tail[2]).toBe("  instances: 45 (30 VM.Standard.E2.1.Micro, 5 VM.Standard.A1.Flex 2 OCPU/12 GB, 10 VM.Standard.A1.Flex 4 OCPU/24 GB)");
        expect(tail[3]).toMatch(/^ {2}load balancers: 15 flexible \(15 flexible 10\/10 Mbps\), 3 network$/);
        expect(tail[4]).toMatch(/^ {2}network: 15 VCNs, /);
        expect(tail[5]).toMatch(/^ {2}free tier: overage \d+\.\d{2} USD\/month; storage over the allowance in \d+ of 15 accounts$/);
    });
});
