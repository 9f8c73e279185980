import * as oci from "@pulumi/oci";
import { describe, expect, it } from "vitest";
import { adminPorts } from "../../policies/exposure/adminPorts";
import { loadPolicyContext } from "../../policies/lib/context";
import { privateEgress } from "../../policies/exposure/privateEgress";
import { privateInstances } from "../../policies/exposure/privateInstances";
import { privateSubnets } from "../../policies/exposure/privateSubnets";
import { publicIngress } from "../../policies/exposure/publicIngress";
import { vcnAddressSpace } from "../../policies/exposure/vcnAddressSpace";
import { vcnOverlap, vcnOverlapTopology } from "../../policies/exposure/vcnOverlap";
import { check, compliantAccount, modify, resource } from "./fixtures";

const base = compliantAccount();
const withInputs = (inputs: Record<string, unknown>) => (r: { inputs: Record<string, unknown> }) => ({ inputs: { ...r.inputs, ...inputs } });
const sshFromInternet = { source: "0.0.0.0/0", tcpOptions: { destinationPortRange: { min: 22, max: 22 } } };

describe("no-admin-ports-from-internet (mandatory)", () => {
    it("passes SSH from the bastion and 443 from the internet", async () => {
        expect(await check(adminPorts, base)).toEqual([]);
    });
    it("rejects an NSG rule opening SSH to the world", async () => {
        const resources = modify(base, "eu-be-01-app-nsg-tcp-22-from-bastion", withInputs(sshFromInternet));
        expect(await check(adminPorts, resources)).toEqual([
            {
                policy: "no-admin-ports-from-internet",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-app-nsg-tcp-22-from-bastion",
                message: "eu-be-01-app-nsg-tcp-22-from-bastion opens SSH 22 to 0.0.0.0/0 (tcp 22)",
            },
        ]);
    });
    it("rejects a security list rule of all protocols from the world (covers 22 and 3389)", async () => {
        const resources = modify(base, "eu-be-01-vm-sl", withInputs({ ingressSecurityRules: [{ protocol: "all", source: "0.0.0.0/0" }] }));
        expect((await check(adminPorts, resources)).map((v) => v.message)).toEqual([
            "eu-be-01-vm-sl opens SSH 22 and RDP 3389 to 0.0.0.0/0 (all all ports)",
        ]);
    });
});

describe("public-ingress-only-on-listeners (mandatory)", () => {
    it("passes 443 from the internet on a public LB listener", async () => {
        expect(await check(publicIngress, base)).toEqual([]);
    });
    it("passes WireGuard 51820/udp from the internet", async () => {
        const wg = resource(
            oci.core.NetworkSecurityGroupSecurityRule,
            "eu-be-01-bastion-udp-51820",
            { direction: "INGRESS", protocol: "17", source: "0.0.0.0/0", udpOptions: { destinationPortRange: { min: 51820, max: 51820 } } },
            { account: "EU-BE-01", provider: base[0].urn },
        );
        expect(await check(publicIngress, [...base, wg])).toEqual([]);
    });
    it("rejects Redis 6379 opened to the internet", async () => {
        const resources = modify(base, "eu-be-01-app-nsg-tcp-22-from-bastion", withInputs({ source: "0.0.0.0/0", tcpOptions: { destinationPortRange: { min: 6379, max: 6379 } } }));
        expect(await check(publicIngress, resources)).toEqual([
            {
                policy: "public-ingress-only-on-listeners",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-app-nsg-tcp-22-from-bastion",
                message:
                    "EU-BE-01: eu-be-01-app-nsg-tcp-22-from-bastion opens tcp 6379 to 0.0.0.0/0, which is neither a public listener port nor WireGuard (allowed: udp 51820, tcp 443)",
            },
        ]);
    });
    it("rejects 443 from the internet when the only load balancer is private", async () => {
        const resources = modify(base, "eu-be-01-lb", withInputs({ isPrivate: true }));
        expect((await check(publicIngress, resources)).map((v) => v.resourceName)).toEqual(["eu-be-01-lb-nsg-tcp-443-from-internet"]);
    });
});

describe("public-ingress-only-on-listeners with a wildcard NLB listener (port 0)", () => {
    const rule = (name: string, protocol: string, min: number, max: number) =>
        resource(
            oci.core.NetworkSecurityGroupSecurityRule,
            name,
            { direction: "INGRESS", protocol, source: "0.0.0.0/0", [protocol === "6" ? "tcpOptions" : "udpOptions"]: { destinationPortRange: { min, max } } },
            { account: "EU-BE-01", provider: base[0].urn },
        );
    const nlb = [
        resource(oci.networkloadbalancer.NetworkLoadBalancer, "eu-be-01-nlb", { isPrivate: false }, { account: "EU-BE-01", provider: base[0].urn }),
        resource(oci.networkloadbalancer.Listener, "eu-be-01-nlb-gossip-listener", { port: 0, protocol: "TCP_AND_UDP" }, { account: "EU-BE-01", provider: base[0].urn }),
    ];
    it("admits the range the topology declares for the NLB (8000-8020 tcp and udp)", async () => {
        expect(await check(publicIngress, [...base, ...nlb, rule("gossip-tcp", "6", 8000, 8020), rule("gossip-udp", "17", 8000, 8020)])).toEqual([]);
    });
    it("does not admit every port: Redis 6379 from the internet still fails", async () => {
        expect((await check(publicIngress, [...base, ...nlb, rule("redis-from-internet", "6", 6379, 6379)])).map((v) => v.resourceName)).toEqual([
            "redis-from-internet",
        ]);
    });
});

describe("policy context of the default topology (what the pack loads under the CLI)", () => {
    it("builds the plan: address space, private roles, public bastions, WireGuard, NLB ranges, unbacked ledgers", () => {
        const loaded = loadPolicyContext();
        expect(loaded.addressSpace).toBe("10.0.0.0/16");
        // The BE load balancer is private: the API reaches the internet only through the FE path (Nginx).
        expect(loaded.roleExposure.backend).toEqual({ vms: "private", loadBalancer: "private" });
        expect(loaded.roleExposure.management).toEqual({ vms: "private", loadBalancer: "private" });
        expect(loaded.vmExposure.management).toEqual({ ops: "private", "bastion-1": "public", "bastion-2": "public" });
        expect(loaded.wireGuardPorts).toEqual([51820]);
        expect(loaded.nlbListenerRanges["EU-SOL-01"]).toEqual([{ protocol: "tcp+udp", min: 8000, max: 8020 }]);
        expect(loaded.volumesWithoutBackup.sort()).toEqual(["as-sol-01-validator-ledger", "eu-sol-01-validator-ledger"]);
    });
});

describe("private-subnets-prohibit-public-ip (mandatory)", () => {
    it("passes a private VM subnet that prohibits public IPs, and a public LB subnet that does not", async () => {
        expect(await check(privateSubnets, base)).toEqual([]);
    });
    it("rejects a private-role VM subnet that allows public IPs", async () => {
        const resources = modify(base, "eu-be-01-vm-subnet", withInputs({ prohibitPublicIpOnVnic: false }));
        expect(await check(privateSubnets, resources)).toEqual([
            {
                policy: "private-subnets-prohibit-public-ip",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-vm-subnet",
                message: "eu-be-01-vm-subnet (role backend) is a private subnet but does not set prohibitPublicIpOnVnic: true",
            },
        ]);
    });
});

describe("private-instances-no-public-ip (mandatory)", () => {
    it("passes private VMs without public IPs and a public bastion with one", async () => {
        const mgmt = compliantAccount({ account: "EU-MGMT-01", role: "management", region: "eu", vcnCidr: "10.0.6.0/27" });
        const bastion = modify(mgmt, "eu-mgmt-01-cache", (r) => ({ name: "eu-mgmt-01-bastion", inputs: { ...r.inputs, createVnicDetails: { assignPublicIp: "true" } } }));
        expect(await check(privateInstances, base)).toEqual([]);
        expect(await check(privateInstances, bastion)).toEqual([]);
    });
    it("rejects a private-role VM with a public IP", async () => {
        const resources = modify(base, "eu-be-01-cache", withInputs({ createVnicDetails: { assignPublicIp: "true" } }));
        expect(await check(privateInstances, resources)).toEqual([
            {
                policy: "private-instances-no-public-ip",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-cache",
                message: "eu-be-01-cache (role backend) is a private VM but createVnicDetails.assignPublicIp is true",
            },
        ]);
    });
});

describe("private-egress-not-all-protocols (mandatory)", () => {
    const egress = (account: string, name: string, inputs: Record<string, unknown>, provider: string) =>
        resource(oci.core.NetworkSecurityGroupSecurityRule, name, { direction: "EGRESS", destinationType: "CIDR_BLOCK", stateless: false, ...inputs }, { account, provider });
    it("passes a private role's egress to the address space on all protocols and to the internet on 443", async () => {
        const ok = [
            ...base,
            egress("EU-BE-01", "eu-be-01-app-egress-all-all-to-address-space", { protocol: "all", destination: "10.0.0.0/16" }, base[0].urn),
            egress("EU-BE-01", "eu-be-01-app-egress-tcp-443-to-internet", { protocol: "6", destination: "0.0.0.0/0", tcpOptions: { destinationPortRange: { min: 443, max: 443 } } }, base[0].urn),
        ];
        expect(await check(privateEgress, ok)).toEqual([]);
    });
    it("rejects a private role's NSG egress to 0.0.0.0/0 on all protocols (the rule every NSG had)", async () => {
        const bad = [...base, egress("EU-BE-01", "eu-be-01-app-nsg-egress", { protocol: "all", destination: "0.0.0.0/0" }, base[0].urn)];
        expect(await check(privateEgress, bad)).toEqual([
            {
                policy: "private-egress-not-all-protocols",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-app-nsg-egress",
                message:
                    "EU-BE-01 (role backend, private): eu-be-01-app-nsg-egress allows egress to 0.0.0.0/0 on all protocols; allow the address space, and the internet only on the ports installs and services need",
            },
        ]);
    });
    it("rejects it in a private role's security list too, and leaves a public role to its own rules", async () => {
        const sl = modify(base, "eu-be-01-vm-sl", withInputs({ egressSecurityRules: [{ protocol: "all", destination: "0.0.0.0/0" }] }));
        expect((await check(privateEgress, sl)).map((v) => v.resourceName)).toEqual(["eu-be-01-vm-sl"]);
        const fe = compliantAccount({ account: "EU-FE-01", role: "frontend", region: "eu", vcnCidr: "10.0.1.0/27" });
        expect(await check(privateEgress, [...fe, egress("EU-FE-01", "eu-fe-01-app-nsg-egress", { protocol: "all", destination: "0.0.0.0/0" }, fe[0].urn)])).toEqual([]);
    });
});

describe("vcn-inside-address-space (mandatory)", () => {
    it("passes a VCN inside 10.0.0.0/16", async () => {
        expect(await check(vcnAddressSpace, base)).toEqual([]);
    });
    it("rejects a VCN outside it", async () => {
        const resources = modify(base, "eu-be-01-vcn", withInputs({ cidrBlocks: ["10.1.2.0/27"] }));
        expect(await check(vcnAddressSpace, resources)).toEqual([
            {
                policy: "vcn-inside-address-space",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-vcn",
                message: "eu-be-01-vcn CIDR 10.1.2.0/27 is outside the address space 10.0.0.0/16",
            },
        ]);
    });
});

describe("no-overlapping-vcn-cidrs (mandatory)", () => {
    const fe = compliantAccount({ account: "EU-FE-01", role: "frontend", region: "eu", vcnCidr: "10.0.1.0/27" });
    it("passes disjoint VCNs in one stack", async () => {
        expect(await check(vcnOverlap, [...base, ...fe])).toEqual([]);
    });
    it("rejects two VCNs of one stack that overlap", async () => {
        const overlapping = modify(fe, "eu-fe-01-vcn", withInputs({ cidrBlocks: ["10.0.2.0/26"] }));
        expect(await check(vcnOverlap, [...base, ...overlapping])).toEqual([
            {
                policy: "no-overlapping-vcn-cidrs",
                enforcement: "mandatory",
                account: "EU-FE-01",
                resourceName: "eu-fe-01-vcn",
                message: "EU-FE-01/eu-fe-01-vcn CIDR 10.0.2.0/26 overlaps EU-BE-01/eu-be-01-vcn CIDR 10.0.2.0/27 in this stack",
            },
        ]);
    });
});

describe("no-overlapping-vcn-cidrs-topology (mandatory, all stacks together)", () => {
    const na = compliantAccount({ account: "NA-FE-01", role: "frontend", region: "na", vcnCidr: "10.0.1.32/27" });
    it("passes disjoint VCNs in two stacks", async () => {
        expect(await check(vcnOverlapTopology, base, na)).toEqual([]);
    });
    it("rejects a VCN of the na stack overlapping one of the eu stack", async () => {
        const overlapping = modify(na, "na-fe-01-vcn", withInputs({ cidrBlocks: ["10.0.2.16/28"] }));
        expect(await check(vcnOverlapTopology, base, overlapping)).toEqual([
            {
                policy: "no-overlapping-vcn-cidrs-topology",
                enforcement: "mandatory",
                account: "NA-FE-01",
                resourceName: "na-fe-01-vcn",
                message: "NA-FE-01/na-fe-01-vcn CIDR 10.0.2.16/28 overlaps EU-BE-01/eu-be-01-vcn CIDR 10.0.2.0/27 in another stack",
            },
        ]);
    });
});

describe("default security lists count as security lists", () => {
    it("rejects a default security list opening RDP to the world", async () => {
        const dsl = resource(
            oci.core.DefaultSecurityList,
            "eu-be-01-default-security-list",
            { ingressSecurityRules: [{ protocol: "6", source: "0.0.0.0/0", tcpOptions: { min: 3389, max: 3389 } }] },
            { account: "EU-BE-01", provider: base[0].urn },
        );
        expect((await check(adminPorts, [...base, dsl])).map((v) => v.message)).toEqual([
            "eu-be-01-default-security-list opens RDP 3389 to 0.0.0.0/0 (tcp 3389)",
        ]);
    });
});
