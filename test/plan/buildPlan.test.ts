import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadTopology } from "../../model/load";
import { loadAllowances } from "../../model/allowances";
import { accountPlan, buildPlan } from "../../plan/index";
import { fixtureTopology, scaledTopology } from "./fixtures";
import { loadOciLimits } from "../../model/ociLimits";

const allowances = loadAllowances();
const topology = loadTopology("topology/blitzhub.yaml");

describe("buildPlan on the real topology", () => {
    const plan = buildPlan(topology, allowances, loadOciLimits());

    it("plans 15 accounts, 45 VMs (10 A1 4 OCPU / 24 GB, 5 Always Free A1 2 / 12, 30 micros), 15 LBs, 3 NLBs, 1 ADB", () => {
        expect(plan.totals).toMatchObject({ accounts: 15, vms: 45, a1Vms: 15, microVms: 30, loadBalancers: 15, networkLoadBalancers: 3, autonomousDatabases: 1 });
        for (const a of plan.accounts) {
            for (const vm of a.vms.filter((v) => v.shape === "VM.Standard.A1.Flex")) expect([vm.ocpus, vm.memoryGb]).toEqual(a.freeTier.billing.mode === "alwaysFree" ? [2, 12] : [4, 24]);
        }
        expect(plan.totals.firewallRules).toBe(plan.accounts.reduce((n, a) => n + a.firewall.length, 0));
        expect(plan.totals.scrapeTargets).toBe(plan.scrapeTargets.length);
    });

    it("groups the stacks by region: eu 9, na 2, sa 1, as 2, au 1, each with its home region and hub", () => {
        expect(plan.stacks.map((s) => [s.region, s.accounts.length, s.homeRegion, s.hub])).toEqual([
            ["eu", 9, "eu-frankfurt-1", topology.regions.eu.hub],
            ["na", 2, "us-ashburn-1", topology.regions.na.hub],
            ["sa", 1, "sa-saopaulo-1", topology.regions.sa.hub],
            ["as", 2, "ap-singapore-1", topology.regions.as.hub],
            ["au", 1, "ap-sydney-1", topology.regions.au.hub],
        ]);
    });

    it("names everything from the account slug and role names", () => {
        const fe = accountPlan(plan, "EU-FE-01");
        expect(fe.slug).toBe("eu-fe-01");
        expect(fe.subnets.map((s) => s.resourceName)).toEqual(["eu-fe-01-lb", "eu-fe-01-vm"]);
        for (const vm of plan.accounts.flatMap((a) => a.vms)) expect(vm.resourceName).toBe(`${vm.account.toLowerCase()}-${vm.name}`);
        expect(fe.loadBalancer.resourceName).toBe("eu-fe-01-lb");
    });

    it("connects non-hub tenancies to their region hub and region hubs to the EU hub", () => {
        const globalHub = topology.regions.eu.hub;
        for (const a of plan.accounts) {
            expect(a.regionHub).toBe(topology.regions[a.region].hub);
            expect(a.connectivity.globalHub).toBe(globalHub);
            if (!a.isRegionHub) expect(a.connectivity.attachesTo).toBe(a.regionHub);
            else expect(a.connectivity.peersWith).toBe(a.name === globalHub ? undefined : globalHub);
        }
        expect(plan.accounts.filter((a) => a.connectivity.peersWith).map((a) => a.region).sort()).toEqual(["as", "au", "na", "sa"]);
    });

    it("limits the Autonomous Database to the VMs that depend on it", () => {
        const adb = plan.accounts.find((a) => a.autonomousDatabase)!.autonomousDatabase!;
        const clients = plan.accounts
            .flatMap((a) => a.vms)
            .filter((v) => v.services.some((s) => s.dependencies.some((d) => d.managed && d.managedTarget?.name === adb.name)))
            .map((v) => `${v.privateIp}/32`)
            .sort();
        expect(clients.length).toBeGreaterThan(0);
        expect(adb.allowedSources).toEqual(clients);
    });

    it("is deterministic", () => {
        expect(JSON.stringify(buildPlan(topology, allowances, loadOciLimits()))).toBe(JSON.stringify(plan));
    });
});

describe("buildPlan at scale", () => {
    // How fast is `npm run bench`'s concern (its ×10 row and the per-resource ratio), not a timed test's.
    it("plans the ×10 synthetic topology (150 accounts, 450 VMs), every account and VM addressed", () => {
        const scaled = scaledTopology(topology, 10);
        const plan = buildPlan(scaled, allowances, loadOciLimits(), { addressSpace: "10.0.0.0/12" });
        expect(plan.totals).toMatchObject({ accounts: 150, vms: 450 });
        expect(new Set(plan.accounts.map((a) => a.vcnCidr)).size).toBe(150);
        expect(new Set(plan.accounts.flatMap((a) => a.vms.map((v) => v.privateIp))).size).toBe(450);
    });

    it("plans the fixture ×4 with the address space widened", () => {
        const plan = buildPlan(scaledTopology(fixtureTopology(), 4), allowances, loadOciLimits(), { addressSpace: "10.0.0.0/14" });
        expect(plan.addressSpace).toBe("10.0.0.0/14");
        expect(plan.totals.accounts).toBe(44);
    });
});

describe("plan layer purity", () => {
    it("imports nothing from @pulumi", () => {
        for (const file of readdirSync("plan").filter((f) => f.endsWith(".ts"))) {
            expect(readFileSync(`plan/${file}`, "utf8"), file).not.toMatch(/from\s+["']@pulumi\//);
        }
    });
});
