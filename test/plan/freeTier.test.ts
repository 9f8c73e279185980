import { describe, expect, it } from "vitest";
import { loadTopology } from "../../model/load";
import { loadAllowances, type FreeTierAllowances } from "../../model/allowances";
import { overageOf } from "../../plan/freeTier";
import { buildPlan } from "../../plan/index";
import { storageBudget } from "../../plan/storage";
import { fixtureTopology } from "./fixtures";
import { loadOciLimits } from "../../model/ociLimits";

const allowances = loadAllowances();

/** The committed allowances with the A1 allowance of before the 2026 cut. */
function withA1(ocpus: number, memoryGb: number): FreeTierAllowances {
    return { ...allowances, allowances: { ...allowances.allowances, a1: { ...allowances.allowances.a1, ocpus, memoryGb } } };
}

describe("storage budget", () => {
    it("adds boot and block volumes and names the shortfall", () => {
        const topology = fixtureTopology();
        const sol = storageBudget("EU-SOL-01", topology.roles.solana, allowances);
        expect(sol).toMatchObject({ bootGb: 150, blockGb: 150, totalGb: 300, allowanceGb: 200, fits: false, shortfallGb: 100 });
        expect(sol.message).toBe("EU-SOL-01 block storage 300 GB > 200 GB by 100 GB");
        expect(sol.items).toContainEqual({ vm: "validator", kind: "block", name: "ledger", sizeGb: 100 });
        const fe = storageBudget("EU-FE-01", topology.roles.frontend, allowances);
        expect(fe).toMatchObject({ totalGb: 150, fits: true, shortfallGb: 0 });
        expect(fe.message).toBeUndefined();
    });

    it("finds the real Solana tenancies 50 GB over (ledger 100 GB beside three 50 GB boot volumes) and every other one within 200 GB", () => {
        const plan = buildPlan(loadTopology("topology/blitzhub.yaml"), allowances, loadOciLimits());
        const over = plan.accounts.filter((a) => !a.storage.fits);
        expect(over.map((a) => a.storage.message)).toEqual(["EU-SOL-01 block storage 250 GB > 200 GB by 50 GB", "AS-SOL-01 block storage 250 GB > 200 GB by 50 GB"]);
        for (const a of plan.accounts) expect(a.storage.totalGb).toBe(a.vms.reduce((s, v) => s + v.bootVolumeGb + v.blockVolumes.reduce((t, b) => t + b.sizeGb, 0), 0));
    });
});

describe("free-tier usage and overage", () => {
    it("costs the A1 excess over 2 OCPU / 12 GB at list price × 730 h", () => {
        const plan = buildPlan(fixtureTopology(), allowances, loadOciLimits());
        const fe = plan.accounts.find((a) => a.name === "EU-FE-01")!.freeTier;
        expect(fe.fits).toBe(false);
        expect(fe.shortfalls).toEqual(["EU-FE-01 A1 OCPU 4 > 2 by 2", "EU-FE-01 A1 memory 24 GB > 12 GB by 12 GB"]);
        // 2 OCPU × $0.01 × 730 = 14.60; 12 GB × $0.0015 × 730 = 13.14.
        expect(fe.overage.lines.map((l) => [l.priceKey, l.excess, l.unitPrice, l.unitsPerMonth, l.monthlyCost])).toEqual([
            ["a1OcpuHour", 2, 0.01, 730, 14.6],
            ["a1MemoryGbHour", 12, 0.0015, 730, 13.14],
        ]);
        expect(fe.overage.monthlyCost).toBe(27.74);
        expect(fe.overage.currency).toBe("USD");
    });

    it("costs storage beyond 200 GB per GB-month, storage and Balanced performance", () => {
        const plan = buildPlan(fixtureTopology(), allowances, loadOciLimits());
        const sol = plan.accounts.find((a) => a.name === "EU-SOL-01")!.freeTier;
        // 100 GB × $0.0255 = 2.55; 100 GB × $0.017 = 1.70.
        expect(sol.overage.lines.filter((l) => l.resource === "block-storage-gb").map((l) => [l.priceKey, l.monthlyCost])).toEqual([
            ["blockStorageGbMonth", 2.55],
            ["blockPerformanceBalancedGbMonth", 1.7],
        ]);
        expect(sol.overage.monthlyCost).toBe(27.74 + 4.25);
    });

    it("reports no A1 overage under the pre-2026 allowance (4 OCPU / 24 GB)", () => {
        const plan = buildPlan(fixtureTopology(), withA1(4, 24), loadOciLimits());
        const fe = plan.accounts.find((a) => a.name === "EU-FE-01")!.freeTier;
        expect(fe.fits).toBe(true);
        expect(fe.overage.monthlyCost).toBe(0);
        // Only the two Solana tenancies pay, for storage.
        expect(plan.freeTier.monthlyOverage).toBe(8.5);
        expect(plan.freeTier.accounts.filter((u) => !u.fits).map((u) => u.account)).toEqual(["EU-SOL-01", "AS-SOL-01"]);
    });

    it("counts micros, LBs, NLBs, ADBs and their storage; sums every account into the total", () => {
        const topology = fixtureTopology((t) => {
            t.roles.data.vms.push({ name: "m1", shape: "VM.Standard.E2.1.Micro", ocpus: 1, memoryGb: 1, bootVolumeGb: 50, services: ["haproxy"] });
            t.roles.data.vms.push({ name: "m2", shape: "VM.Standard.E2.1.Micro", ocpus: 1, memoryGb: 1, bootVolumeGb: 50, services: ["haproxy"] });
            t.roles.data.vms.push({ name: "m3", shape: "VM.Standard.E2.1.Micro", ocpus: 1, memoryGb: 1, bootVolumeGb: 97, services: ["haproxy"] });
            t.roles.data.autonomousDatabase!.dataStorageGb = 30;
            t.roles.data.loadBalancer.bandwidthMbps = { min: 10, max: 20 };
        });
        const plan = buildPlan(topology, allowances, loadOciLimits());
        const data = plan.accounts.find((a) => a.name === "EU-DATA-01")!.freeTier;
        const line = (r: string) => data.lines.find((l) => l.resource === r)!;
        expect(line("micro-instances")).toMatchObject({ used: 3, allowed: 2, excess: 1, message: "EU-DATA-01 E2.1.Micro instances 3 > 2 by 1" });
        expect(line("block-storage-gb")).toMatchObject({ used: 247, excess: 47 });
        expect(line("autonomous-databases")).toMatchObject({ used: 1, allowed: 2, fits: true });
        expect(line("autonomous-database-storage-gb")).toMatchObject({ used: 30, allowed: 20, excess: 10 });
        expect(line("flexible-lb-bandwidth-mbps")).toMatchObject({ used: 20, allowed: 10, excess: 10 });
        expect(line("network-load-balancers")).toMatchObject({ used: 0, fits: true });
        const cost = Object.fromEntries(data.overage.lines.map((l) => [l.priceKey, l.monthlyCost]));
        expect(cost).toEqual({
            a1OcpuHour: 14.6,
            a1MemoryGbHour: 13.14,
            microInstanceHour: 19.35, // 1 × $0.0265 × 730 = 19.345
            blockStorageGbMonth: 1.2, // 47 × $0.0255 = 1.1985
            blockPerformanceBalancedGbMonth: 0.8, // 47 × $0.017 = 0.799
            flexibleLbMbpsHour: 0.73, // 10 × $0.0001 × 730
            autonomousDbStorageGbMonth: 1.16, // 10 × $0.1156
        });
        expect(data.overage.monthlyCost).toBe(50.98);
        const sum = plan.accounts.reduce((s, a) => s + a.freeTier.overage.monthlyCost, 0);
        expect(plan.freeTier.monthlyOverage).toBe(Math.round(sum * 100) / 100);
        expect(plan.totals.monthlyOverage).toBe(plan.freeTier.monthlyOverage);
    });

    it("costs an extra Autonomous Database at 2 ECPUs", () => {
        const lines = [{ resource: "autonomous-databases" as const, used: 3, allowed: 2, unit: "databases", fits: false, excess: 1 }];
        const overage = overageOf(lines, allowances);
        expect(overage.lines[0]).toMatchObject({ priceKey: "autonomousDbEcpuHour", unitsPerMonth: 1460, monthlyCost: 490.56 });
    });

    it("prices the real topology: the 10 pay-as-you-go tenancies over on A1, the two Solana ones also on storage; the 5 Always Free ones cost nothing", () => {
        const plan = buildPlan(loadTopology("topology/blitzhub.yaml"), allowances, loadOciLimits());
        expect(plan.freeTier).toMatchObject({ allowancesVersion: String(allowances.version), allowancesAsOf: allowances.asOf, fits: false, currency: "USD" });
        // 10 × 27.74 (A1) + 2 × (1.275 + 0.85) (50 GB storage + performance).
        expect(plan.freeTier.monthlyOverage).toBe(281.64);
        expect(plan.freeTier.accounts.find((u) => u.account === "EU-SOL-01")!.shortfalls).toContain("EU-SOL-01 block storage 250 GB > 200 GB by 50 GB");
        for (const u of plan.freeTier.accounts.filter((x) => x.billing.mode === "alwaysFree")) expect(u.overage.monthlyCost, u.account).toBe(0);
    });
});
