import { Address4 } from "ip-address";
import { describe, expect, it } from "vitest";
import { loadTopology } from "../../model/load";
import type { Topology } from "../../model/schema";
import { addressPlan, type AddressPlan } from "../../plan/addressPlan";
import { PAYG, fixtureTopology, scaledTopology } from "./fixtures";
import { problemsOf } from "../problems";

const REAL = "topology/blitzhub.yaml";

/** Start and end (inclusive) of a CIDR, computed by ip-address independently of the plan. */
function range(cidr: string): [bigint, bigint] {
    const a = new Address4(cidr);
    return [a.startAddress().bigInt(), a.endAddress().bigInt()];
}

function overlap(a: string, b: string): boolean {
    const [as, ae] = range(a);
    const [bs, be] = range(b);
    return as <= be && bs <= ae;
}

function inside(outer: string, inner: string): boolean {
    return new Address4(inner).isInSubnet(new Address4(outer));
}

/** Every invariant of an address plan, checked pairwise with ip-address. */
function assertSound(plan: AddressPlan, topology: Topology) {
    expect(plan.accounts.map((a) => a.account).sort()).toEqual(topology.accounts.map((a) => a.name).sort());
    const vcns = plan.accounts.map((a) => a.vcnCidr);
    for (let i = 0; i < vcns.length; i++) {
        for (let j = i + 1; j < vcns.length; j++) expect(overlap(vcns[i], vcns[j]), `${vcns[i]} overlaps ${vcns[j]}`).toBe(false);
    }
    const ips = new Set<string>();
    for (const account of plan.accounts) {
        expect(inside(plan.addressSpace, account.vcnCidr)).toBe(true);
        expect(inside(plan.roleBlocks[account.role]!, account.vcnCidr)).toBe(true);
        const subnets = account.subnets.map((s) => s.cidr);
        for (let i = 0; i < subnets.length; i++) {
            expect(inside(account.vcnCidr, subnets[i])).toBe(true);
            for (let j = i + 1; j < subnets.length; j++) expect(overlap(subnets[i], subnets[j])).toBe(false);
        }
        for (const vm of account.vms) {
            const subnet = account.subnets.find((s) => s.name === vm.subnet)!;
            expect(subnet, `${account.account}/${vm.vm} subnet`).toBeDefined();
            const ip = new Address4(vm.privateIp);
            expect(ip.isInSubnet(new Address4(subnet.cidr))).toBe(true);
            const [start, end] = range(subnet.cidr);
            // OCI reserves the first two and the last address of every subnet.
            expect(ip.bigInt() >= start + 2n && ip.bigInt() <= end - 1n, `${vm.privateIp} in ${subnet.cidr}`).toBe(true);
            expect(ips.has(vm.privateIp), `${vm.privateIp} unique`).toBe(false);
            ips.add(vm.privateIp);
            expect(vm.publicIp).toBe(subnet.public);
        }
    }
    const blocks = Object.values(plan.roleBlocks) as string[];
    for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) expect(overlap(blocks[i], blocks[j])).toBe(false);
}

describe("addressPlan on the real topology", () => {
    const topology = loadTopology(REAL);
    const plan = addressPlan(topology);

    it("gives 15 non-overlapping VCNs inside 10.0.0.0/16, subnets inside them, unique static IPs", () => {
        expect(plan.accounts).toHaveLength(15);
        expect(plan.addressSpace).toBe("10.0.0.0/16");
        assertSound(plan, topology);
        expect(plan.accounts.flatMap((a) => a.vms)).toHaveLength(45);
    });

    it("cuts the five frontends as /27 slices of 10.0.1.0/24 in name order", () => {
        const fe = plan.accounts.filter((a) => a.role === "frontend").sort((a, b) => a.slice - b.slice);
        expect(fe.map((a) => [a.account, a.vcnCidr])).toEqual([
            ["AS-FE-01", "10.0.1.0/27"],
            ["AU-FE-01", "10.0.1.32/27"],
            ["EU-FE-01", "10.0.1.64/27"],
            ["NA-FE-01", "10.0.1.96/27"],
            ["SA-FE-01", "10.0.1.128/27"],
        ]);
    });

    it("puts the management bastions in a public subnet of a private account", () => {
        const mgmt = plan.byAccount.get("EU-MGMT-01")!;
        const publicVm = mgmt.subnets.find((s) => s.name === "public-vm")!;
        expect(publicVm.public).toBe(true);
        expect(mgmt.subnets.find((s) => s.name === "vm")!.public).toBe(false);
        const bastions = mgmt.vms.filter((v) => v.subnet === "public-vm");
        expect(bastions.length).toBeGreaterThanOrEqual(2);
        for (const b of bastions) expect(b.publicIp).toBe(true);
    });
});

describe("addressPlan rules", () => {
    it("numbers VMs from the third address of their subnet by role position", () => {
        const plan = addressPlan(fixtureTopology());
        const be = plan.byAccount.get("EU-BE-01")!;
        expect(be.vcnCidr).toBe("10.0.2.0/26");
        expect(be.subnets.map((s) => [s.name, s.cidr, s.public])).toEqual([
            ["lb", "10.0.2.0/28", true],
            ["vm", "10.0.2.16/28", false],
        ]);
        expect(be.vms.map((v) => v.privateIp)).toEqual(["10.0.2.18", "10.0.2.19", "10.0.2.20"]);
        const vmSubnet = be.subnets.find((s) => s.name === "vm")!;
        expect([vmSubnet.firstHost, vmSubnet.lastHost]).toEqual(["10.0.2.18", "10.0.2.30"]);
    });

    it("keeps existing VCNs and IPs when a next-numbered account is added (EU-FE-02 after AS-FE-01 and EU-FE-01)", () => {
        const before = addressPlan(fixtureTopology());
        const topology = fixtureTopology((t) => {
            t.accounts.push({ name: "EU-FE-02", role: "frontend", region: "eu", billing: PAYG });
            t.accounts.push({ name: "AS-FE-02", role: "frontend", region: "as", billing: PAYG });
        });
        const after = addressPlan(topology);
        for (const a of before.accounts) {
            expect(after.byAccount.get(a.account)!.vcnCidr).toBe(a.vcnCidr);
            expect(after.byAccount.get(a.account)!.vms).toEqual(a.vms);
        }
        assertSound(after, topology);
        expect(after.byAccount.get("AS-FE-02")!.slice).toBe(2);
        expect(after.byAccount.get("EU-FE-02")!.slice).toBe(3);
    });

    it("keeps other VMs' IPs when a VM moves to a public-vm subnet", () => {
        const before = addressPlan(fixtureTopology());
        const after = addressPlan(fixtureTopology((t) => (t.roles.backend.vms[1].exposure = "public")));
        const b = before.byAccount.get("EU-BE-01")!;
        const a = after.byAccount.get("EU-BE-01")!;
        expect(a.vms[0]).toEqual(b.vms[0]);
        expect(a.vms[2]).toEqual(b.vms[2]);
        expect(a.vms[1].subnet).toBe("public-vm");
        expect(a.subnets.filter((s) => s.name !== "public-vm")).toEqual(b.subnets);
    });

    it("gives a private-vm subnet to a VM that is private in a public role", () => {
        const plan = addressPlan(fixtureTopology((t) => (t.roles.frontend.vms[0].exposure = "private")));
        const fe = plan.byAccount.get("EU-FE-01")!;
        expect(fe.subnets.map((s) => [s.name, s.cidr, s.public, s.dnsLabel])).toEqual([
            ["lb", "10.0.1.64/28", true, "lb"],
            ["vm", "10.0.1.80/28", true, "vm"],
            ["private-vm", "10.0.1.96/28", false, "privatevm"],
        ]);
        expect(fe.vms[0]).toEqual({ vm: "app", subnet: "private-vm", privateIp: "10.0.1.98", publicIp: false });
        expect(fe.vms[1]).toMatchObject({ subnet: "vm", privateIp: "10.0.1.83", publicIp: true });
    });

    it.each([4, 10])("stays sound for the ×%i synthetic topology in a widened address space", (factor) => {
        const topology = scaledTopology(fixtureTopology(), factor);
        const plan = addressPlan(topology, { addressSpace: factor === 4 ? "10.0.0.0/14" : "10.0.0.0/12" });
        expect(plan.accounts).toHaveLength(topology.accounts.length);
        assertSound(plan, topology);
        expect(plan.roleBlocks.frontend).toBe(factor === 4 ? "10.0.4.0/22" : "10.0.16.0/20");
    });

    it("refuses the ×10 topology in 10.0.0.0/16, naming the role block", () => {
        const problems = problemsOf(() => addressPlan(scaledTopology(fixtureTopology(), 20)));
        expect(problems.map((p) => p.path)).toContain("roles.frontend.block");
        expect(problems.find((p) => p.path === "roles.frontend.block")!.message).toMatch(/too small for 40 account/);
    });

    it("refuses a block too small for its accounts", () => {
        const problems = problemsOf(() =>
            addressPlan(
                fixtureTopology((t) => {
                    t.roles.frontend.block = "10.0.1.0/26";
                    t.accounts.push({ name: "NA-FE-01", role: "frontend", region: "na", billing: PAYG });
                    t.accounts.push({ name: "SA-FE-01", role: "frontend", region: "sa", billing: PAYG });
                    t.accounts.push({ name: "AU-FE-01", role: "frontend", region: "au", billing: PAYG });
                }),
            ),
        );
        expect(problems).toHaveLength(1);
        expect(problems[0].path).toBe("roles.frontend.block");
        expect(problems[0].message).toMatch(/too small for 5 account/);
    });

    it("refuses a subnet too small for its VMs", () => {
        const problems = problemsOf(() =>
            addressPlan(
                fixtureTopology((t) => {
                    t.roles.monitoring.block = "10.0.5.0/26";
                    for (let i = 2; i <= 4; i++) t.roles.monitoring.vms.push({ ...t.roles.monitoring.vms[0], name: `extra-${i}` });
                }),
            ),
        );
        expect(problems.map((p) => p.path)).toEqual(["roles.monitoring.block", "roles.monitoring.block"]);
        expect(problems[0].message).toMatch(/vm subnet is a \/30 with 1 usable addresses, the role needs 4/);
        expect(problems[1].message).toMatch(/lb subnet is a \/30 with 1 usable addresses, its load balancers need 2/);
    });

    it("refuses overlapping role blocks, blocks outside the space and a narrower override", () => {
        expect(problemsOf(() => addressPlan(fixtureTopology((t) => (t.roles.backend.block = "10.0.1.128/25"))))).toEqual([
            { path: "roles.backend.block", message: "10.0.1.128/25 overlaps roles.frontend.block 10.0.1.0/24" },
        ]);
        expect(problemsOf(() => addressPlan(fixtureTopology((t) => (t.roles.backend.block = "10.1.2.0/24"))))[0]).toMatchObject({
            path: "roles.backend.block",
            message: expect.stringMatching(/outside the address space 10.0.0.0\/16/),
        });
        expect(problemsOf(() => addressPlan(fixtureTopology((t) => (t.roles.backend.block = "10.0.2.1/24"))))[0].message).toMatch(/host bits/);
        expect(problemsOf(() => addressPlan(fixtureTopology(), { addressSpace: "10.0.0.0/20" }))[0].path).toBe("addressSpace");
        expect(problemsOf(() => addressPlan(fixtureTopology(), { addressSpace: "banana" }))[0].path).toBe("addressSpace");
    });
});
