/**
 * The routes that would let the tunnel carry operators' own addresses (plan/tunnelRoutes.ts), on
 * the real plan: every VCN reaches the tunnel space through its DRG, the bastions' VCN sends each
 * /24 to its bastion, the EU hub sends it to the bastions' VCN, the other hubs across their peering.
 */
import { describe, expect, it } from "vitest";
import { parseNetwork, overlaps } from "../../model/cidr";
import { bastionVms } from "../../plan/bastions";
import { tunnelRouting, WIREGUARD_TUNNEL_SPACE } from "../../plan/tunnelRoutes";
import { instancesOf } from "../../render/lookup";
import { realPlan, TOPOLOGY_FILE } from "../render/fixtures";
import { loadTopology } from "../../model/load";
import { loadAllowances } from "../../model/allowances";
import { loadOciLimits } from "../../model/ociLimits";
import { buildPlan } from "../../plan/index";
import { scaledTopology } from "./fixtures";

const { plan } = realPlan();
const routing = tunnelRouting(plan);

describe("tunnel routing", () => {
    it("gives each bastion its own /24 of the tunnel space, in the order the WireGuard configs use", () => {
        expect(routing.bastions.map((b) => `${b.account}/${b.vm} ${b.cidr} via ${b.privateIp}`)).toEqual(
            instancesOf(plan, "wireguard").map((i, n) => `${i.account.name}/${i.vm.name} 172.29.${n}.0/24 via ${i.vm.privateIp}`),
        );
        expect(routing.bastions.length).toBe(bastionVms(plan.accounts).length);
        expect(routing.bastions.length).toBeGreaterThan(0);
        expect(overlaps(parseNetwork(WIREGUARD_TUNNEL_SPACE), parseNetwork(plan.addressSpace))).toBe(false);
    });

    it("routes the tunnel space to the DRG in every VCN, and each /24 to its bastion in the bastions' VCN", () => {
        const home = routing.bastions[0].account;
        expect(Object.keys(routing.vcn).sort()).toEqual(plan.accounts.map((a) => a.name).sort());
        for (const account of plan.accounts) {
            const rules = routing.vcn[account.name];
            expect(rules[0], account.name).toMatchObject({ destination: WIREGUARD_TUNNEL_SPACE, nextHop: { kind: "drg" } });
            expect(rules.length, account.name).toBe(account.name === home ? 1 + routing.bastions.length : 1);
        }
        const specific = routing.vcn[home].slice(1);
        expect(specific.map((r) => [r.destination, r.nextHop])).toEqual(routing.bastions.map((b) => [b.cidr, { kind: "bastion", account: b.account, vm: b.vm, privateIp: b.privateIp }]));
        expect(routing.attachmentIngress).toEqual({ [home]: specific });
    });

    it("the EU hub sends each /24 to the bastions' VCN, from spokes and from peered regions; the other hubs across their peering", () => {
        const homeAccount = plan.accounts.find((a) => a.name === routing.bastions[0].account)!;
        expect(Object.keys(routing.drg).sort()).toEqual(plan.stacks.map((s) => s.hub).sort());
        for (const stack of plan.stacks) {
            const tables = routing.drg[stack.hub];
            if (stack.hub === homeAccount.regionHub) {
                for (const rules of [tables.vcnAttachments, tables.remotePeerings]) {
                    expect(rules.map((r) => [r.destination, r.nextHop])).toEqual(routing.bastions.map((b) => [b.cidr, { kind: "vcnAttachment", account: homeAccount.name }]));
                }
            } else {
                expect(tables.vcnAttachments.map((r) => [r.destination, r.nextHop])).toEqual(routing.bastions.map((b) => [b.cidr, { kind: "remotePeering", region: homeAccount.region }]));
                expect(tables.remotePeerings).toEqual([]);
            }
        }
    });

    it("lets the bastions forward (source/destination check off)", () => {
        expect(routing.skipSourceDestCheck).toEqual(routing.bastions.map((b) => ({ account: b.account, vm: b.vm })));
    });

    it("counts what a real stack would add", () => {
        const vcnRules = Object.values(routing.vcn).flat().length;
        const drgRules = Object.values(routing.drg).flatMap((t) => [...t.vcnAttachments, ...t.remotePeerings]).length;
        // 15 VCNs × 1 + 2 bastion /24s in the MGMT VCN; EU hub 2 + 2, four other hubs 2 each.
        expect({ vcnRules, ingress: Object.values(routing.attachmentIngress).flat().length, drgRules }).toEqual({
            vcnRules: plan.accounts.length + routing.bastions.length,
            ingress: routing.bastions.length,
            drgRules: routing.bastions.length * 2 + (plan.stacks.length - 1) * routing.bastions.length,
        });
    });
});

describe("tunnel routing with bastions in several accounts (the bench's synthetic topologies)", () => {
    const scaled = buildPlan(scaledTopology(loadTopology(TOPOLOGY_FILE), 4), loadAllowances(), loadOciLimits(), { addressSpace: "10.0.0.0/14" });
    const many = tunnelRouting(scaled);
    const accounts = [...new Set(many.bastions.map((b) => b.account))];

    it("routes each bastion's /24 to that bastion in its own VCN and to its own attachment on its hub", () => {
        expect(accounts.length).toBe(4);
        expect(new Set(many.bastions.map((b) => b.cidr)).size).toBe(many.bastions.length);
        for (const b of many.bastions) {
            const own = scaled.accounts.find((a) => a.name === b.account)!;
            expect(many.vcn[b.account]).toContainEqual(expect.objectContaining({ destination: b.cidr, nextHop: { kind: "bastion", account: b.account, vm: b.vm, privateIp: b.privateIp } }));
            expect(many.attachmentIngress[b.account].map((r) => r.destination)).toContain(b.cidr);
            expect(many.drg[own.regionHub].vcnAttachments).toContainEqual(expect.objectContaining({ destination: b.cidr, nextHop: { kind: "vcnAttachment", account: b.account } }));
            // No other VCN sends that /24 anywhere but its DRG.
            for (const other of scaled.accounts.filter((a) => a.name !== b.account)) {
                expect(many.vcn[other.name].filter((r) => r.destination === b.cidr)).toEqual([]);
            }
        }
    });
});
