/** The security, validator, CD and frontend files: plan addresses and ports, placeholders for secrets. */
import { describe, expect, it } from "vitest";
import { containsAddress, overlaps, parseNetwork } from "../../plan/cidr";
import { WIREGUARD_TUNNEL_SPACE } from "../../render/wireguard";
import { realPlan } from "./fixtures";

const { plan, files } = realPlan();
const filesAt = (path: string) => files.filter((f) => f.path === path);
const vmOf = (account: string, name: string) => plan.accounts.find((a) => a.name === account)!.vms.find((v) => v.name === name)!;

describe("WireGuard on the MGMT bastions", () => {
    const wg = filesAt("/etc/wireguard/wg0.conf");

    it("renders wg0.conf exactly on the VMs that run wireguard", () => {
        const bastions = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "wireguard")).map((v) => `${a.name}/${v.name}`));
        expect(bastions.length).toBeGreaterThan(0);
        expect(wg.map((f) => `${f.account}/${f.vm}`)).toEqual(bastions);
    });

    it("gives each bastion its own tunnel /24 outside the address space, listens on 51820 and routes into the address space", () => {
        const space = parseNetwork(plan.addressSpace);
        const tunnel = parseNetwork(WIREGUARD_TUNNEL_SPACE);
        expect(overlaps(space, tunnel)).toBe(false);
        const subnets = new Set<string>();
        for (const f of wg) {
            const address = /^Address = (\d+\.\d+\.\d+\.\d+)\/24$/m.exec(f.content)?.[1];
            expect(address, f.vm).toBeDefined();
            expect(containsAddress(tunnel, address!)).toBe(true);
            subnets.add(address!.split(".").slice(0, 3).join("."));
            expect(f.content).toMatch(/^ListenPort = 51820$/m);
            expect(f.content).toContain(`ip daddr ${plan.addressSpace} masquerade`);
            expect(f.content).toContain(vmOf(f.account, f.vm).privateIp);
            expect(f.content).toMatch(/^PrivateKey = @@secret:secret\/wireguard\/bastion_private_key@@$/m);
            expect(f.secretRefs).toEqual(["secret/wireguard/bastion_private_key"]);
            expect(f.mode).toBe("0600");
        }
        expect(subnets.size).toBe(wg.length);
    });
});
