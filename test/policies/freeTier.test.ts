import * as oci from "@pulumi/oci";
import { describe, expect, it } from "vitest";
import { a1Allowance } from "../../policies/freeTier/a1Allowance";
import { a1Ceiling } from "../../policies/freeTier/a1Ceiling";
import { autonomousDatabase } from "../../policies/freeTier/autonomousDatabase";
import { blockStorage } from "../../policies/freeTier/blockStorage";
import { loadBalancer } from "../../policies/freeTier/loadBalancer";
import { microInstances } from "../../policies/freeTier/microInstances";
import { networkLoadBalancer } from "../../policies/freeTier/networkLoadBalancer";
import { vaultKeyVersions } from "../../policies/freeTier/vaultKeyVersions";
import { runPolicies } from "../../policies/runner";
import type { PolicyContext } from "../../policies/lib/context";
import { check, compliantAccount, context, modify, plannedStack, ref, resource, usd } from "./fixtures";

const base = compliantAccount();
const shape = (ocpus: number, memoryInGbs: number) => (r: { inputs: Record<string, unknown> }) => ({ inputs: { ...r.inputs, shapeConfig: { ocpus, memoryInGbs } } });
/** A copy of an account resource under another name (same provider, tags, account). */
function extra(name: string, newName: string) {
    const original = base.find((r) => r.name === name)!;
    return { ...original, name: newName, urn: original.urn.replace(/::[^:]+$/, `::${newName}`) };
}

describe("free-tier-a1-allowance (advisory)", () => {
    it("passes an A1 at the 2 OCPU / 12 GB allowance", async () => {
        expect(await check(a1Allowance, base)).toEqual([]);
    });
    it("states the monthly cost of the spec's 4 OCPU / 24 GB A1", async () => {
        expect(await check(a1Allowance, modify(base, "eu-be-01-app", shape(4, 24)))).toEqual([
            {
                policy: "free-tier-a1-allowance",
                enforcement: "advisory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-app",
                // USD 27.74/month with the v3 prices: 2 × 0.01 × 730 + 12 × 0.0015 × 730.
                message: `EU-BE-01: A1 4 OCPU / 24 GB exceeds the Always Free 2 OCPU / 12 GB (${ref}) by 2 OCPU / 12 GB: ${usd(["a1OcpuHour", 2], ["a1MemoryGbHour", 12])}`,
            },
        ]);
    });
});

describe("free-tier-a1-ceiling (mandatory)", () => {
    it("accepts the spec's 4 OCPU / 24 GB (the largest allowance ever granted)", async () => {
        expect(await check(a1Ceiling, modify(base, "eu-be-01-app", shape(4, 24)))).toEqual([]);
    });
    it("rejects an 8-OCPU A1", async () => {
        expect(await check(a1Ceiling, modify(base, "eu-be-01-app", shape(8, 24)))).toEqual([
            {
                policy: "free-tier-a1-ceiling",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-app",
                message: `EU-BE-01: A1 8 OCPU / 24 GB exceeds the 4 OCPU / 24 GB ceiling (largest Always Free allowance ever granted): ${usd(["a1OcpuHour", 6], ["a1MemoryGbHour", 12])} beyond the current allowance`,
            },
        ]);
    });
});

describe("free-tier-micro-instances (mandatory)", () => {
    it("passes two micros", async () => {
        expect(await check(microInstances, base)).toEqual([]);
    });
    it("rejects a third micro in one tenancy and names it", async () => {
        const violations = await check(microInstances, [...base, extra("eu-be-01-cache-2", "eu-be-01-cache-3")]);
        expect(violations).toEqual([
            {
                policy: "free-tier-micro-instances",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-cache-3",
                message: `EU-BE-01: 3 VM.Standard.E2.1.Micro instances exceed the Always Free 2 (${ref}); eu-be-01-cache-3 is not free: ${usd(["microInstanceHour", 1])}`,
            },
        ]);
    });
    it("counts per tenancy (provider): two micros in each of two accounts pass", async () => {
        const other = compliantAccount({ account: "EU-FE-01", role: "frontend", region: "eu", vcnCidr: "10.0.1.0/27" });
        expect(await check(microInstances, [...base, ...other])).toEqual([]);
    });
});

describe("free-tier-load-balancer (mandatory)", () => {
    it("passes one flexible LB at 10/10 Mbps", async () => {
        expect(await check(loadBalancer, base)).toEqual([]);
    });
    it("rejects a second LB and a bandwidth above 10 Mbps", async () => {
        const resources = modify([...base, extra("eu-be-01-lb", "eu-be-01-lb-2")], "eu-be-01-lb-2", (r) => ({
            inputs: { ...r.inputs, shapeDetails: { minimumBandwidthInMbps: 10, maximumBandwidthInMbps: 100 } },
        }));
        expect((await check(loadBalancer, resources)).map((v) => [v.resourceName, v.message])).toEqual([
            ["eu-be-01-lb-2", `EU-BE-01: 2 load balancers exceed the Always Free 1; eu-be-01-lb-2 is not free: ${usd(["flexibleLbHour", 1], ["flexibleLbMbpsHour", 10])}`],
            [
                "eu-be-01-lb-2",
                `EU-BE-01: load balancer eu-be-01-lb-2 has shape flexible at 10-100 Mbps; Always Free is shape flexible at 10-10 Mbps (extra bandwidth: ${usd(["flexibleLbMbpsHour", 90])})`,
            ],
        ]);
    });
});

describe("free-tier-network-load-balancer (mandatory)", () => {
    const nlb = (name: string) =>
        resource(oci.networkloadbalancer.NetworkLoadBalancer, name, { isPrivate: false }, { account: "EU-BE-01", provider: base[0].urn });
    it("passes one NLB", async () => {
        expect(await check(networkLoadBalancer, [...base, nlb("eu-be-01-nlb")])).toEqual([]);
    });
    it("rejects a second NLB", async () => {
        expect(await check(networkLoadBalancer, [...base, nlb("eu-be-01-nlb"), nlb("eu-be-01-nlb-2")])).toEqual([
            {
                policy: "free-tier-network-load-balancer",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-nlb-2",
                message: `EU-BE-01: 2 network load balancers exceed the Always Free 1; eu-be-01-nlb-2 is beyond it: ${usd(["networkLbHour", 1])}`,
            },
        ]);
    });
});

describe("free-tier-block-storage (advisory)", () => {
    it("passes 3 × 50 GB boot + 50 GB block = 200 GB", async () => {
        expect(await check(blockStorage, base)).toEqual([]);
    });
    it("costs a 100 GB ledger beside three boot volumes", async () => {
        const resources = modify(base, "eu-be-01-app-data", (r) => ({ inputs: { ...r.inputs, sizeInGbs: "100" } }));
        expect(await check(blockStorage, resources)).toEqual([
            {
                policy: "free-tier-block-storage",
                enforcement: "advisory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-app-data",
                message: `EU-BE-01: block storage 250 GB (boot 150 + block 100) exceeds the Always Free 200 GB (${ref}) by 50 GB: ${usd(["blockStorageGbMonth", 50])}`,
            },
        ]);
    });
});

describe("free-tier-autonomous-database (mandatory)", () => {
    it("passes a free-tier ADB", async () => {
        expect(await check(autonomousDatabase, base)).toEqual([]);
    });
    it("rejects an ADB without isFreeTier and a third free one", async () => {
        const paid = modify(base, "eu-be-01-adb", (r) => ({ inputs: { ...r.inputs, isFreeTier: false } }));
        expect((await check(autonomousDatabase, paid)).map((v) => [v.resourceName, v.message])).toEqual([
            [
                "eu-be-01-adb",
                `EU-BE-01: Autonomous Database eu-be-01-adb does not set isFreeTier: true, so it is billed: ${usd(["autonomousDbEcpuHour", 2], ["autonomousDbStorageGbMonth", 20])}`,
            ],
        ]);
        const three = [...base, extra("eu-be-01-adb", "eu-be-01-adb-2"), extra("eu-be-01-adb", "eu-be-01-adb-3")];
        expect((await check(autonomousDatabase, three)).map((v) => [v.resourceName, v.message])).toEqual([
            [
                "eu-be-01-adb-3",
                `EU-BE-01: 3 Always Free Autonomous Databases exceed the allowance of 2; eu-be-01-adb-3 cannot be created as free (paid: ${usd(["autonomousDbEcpuHour", 2], ["autonomousDbStorageGbMonth", 20])})`,
            ],
        ]);
    });
});

describe("free-tier-vault-key-versions (mandatory, Always Free tenancies)", () => {
    const alwaysFree = { ...context, billing: { "EU-BE-01": { mode: "alwaysFree" as const, reason: "test" } } };
    const run = async (resources: typeof base, ctx: PolicyContext = alwaysFree) =>
        (await runPolicies([plannedStack(resources)], { policies: [vaultKeyVersions], topologyPolicies: [], context: ctx })).violations.map((v) => [v.resourceName, v.message]);
    /** The fixture's key with `n` more yearly rotations after its first. */
    const rotated = (n: number) => {
        const version = base.find((r) => r.type === "oci:Kms/keyVersion:KeyVersion")!;
        return [...base, ...Array.from({ length: n }, (_, i) => ({ ...version, name: `eu-be-01-cmk-rotation-${2028 + i}-01-01`, urn: version.urn.replace(/::[^:]+$/, `::eu-be-01-cmk-rotation-${2028 + i}-01-01`) }))];
    };
    it("passes a key with up to 19 rotations (20 versions)", async () => {
        expect(await run(base)).toEqual([]);
        expect(await run(rotated(18))).toEqual([]);
    });
    it("rejects the 21st version, naming the tenancy and the allowance", async () => {
        expect(await run(rotated(19))).toEqual([
            ["eu-be-01-cmk-rotation-2046-01-01", "EU-BE-01: 1 HSM key(s) with 20 rotation(s) hold 21 key versions, more than the Always Free 20 (allowances.vault.hsmKeyVersions); the API would answer LimitExceeded"],
        ]);
    });
    it("leaves pay-as-you-go tenancies alone (extra versions are billed) and does not count software keys", async () => {
        expect(await run(rotated(19), context)).toEqual([]);
        expect(await run(modify(rotated(19), "eu-be-01-cmk", (r) => ({ inputs: { ...r.inputs, protectionMode: "SOFTWARE" } })))).toEqual([]);
    });
});
