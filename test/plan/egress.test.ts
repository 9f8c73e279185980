/**
 * Least egress (issue 14, gap 5): what each NSG and host firewall lets out, derived from the
 * services a VM runs; nothing to the internet on all protocols.
 */
import { describe, expect, it } from "vitest";
import { INTERNET, SERVICE_INTERNET_EGRESS, VCN_RESOLVER } from "../../plan/egress";
import { realPlan } from "../render/fixtures";

const { plan, files } = realPlan();
const summary = (r: { protocol: string; destination: string; port?: number; toPort?: number }) =>
    `${r.protocol} ${r.port ?? "all"}${r.toPort !== undefined ? `-${r.toPort}` : ""} → ${r.destination === INTERNET ? "internet" : r.destination}`;

describe("egress rules", () => {
    it("never allow all protocols to the internet; every VM reaches the address space, the resolver and the internet on 80, 443 and NTP only", () => {
        for (const a of plan.accounts) {
            expect(a.egress.filter((r) => r.protocol === "all" && r.destination === INTERNET)).toEqual([]);
            expect(new Set(a.egress.map((r) => r.key)).size).toBe(a.egress.length);
            for (const vm of a.vms) {
                const rules = vm.egress.map(summary);
                expect(rules.slice(0, 6), `${a.name}/${vm.name}`).toEqual([
                    `all all → ${plan.addressSpace}`,
                    `udp 53 → ${VCN_RESOLVER}`,
                    `tcp 53 → ${VCN_RESOLVER}`,
                    "tcp 80 → internet",
                    "tcp 443 → internet",
                    "udp 123 → internet",
                ]);
                const extra = rules.slice(6);
                const expected = new Set<string>();
                for (const s of vm.services) {
                    for (const e of SERVICE_INTERNET_EGRESS[s.service] ?? []) expected.add(`${e.protocol} ${e.port}${e.toPort !== undefined ? `-${e.toPort}` : ""} → internet`);
                    for (const d of s.dependencies) for (const p of d.managedTarget?.ports ?? []) expected.add(`${p.protocol} ${p.port} → internet`);
                }
                expect(new Set(extra), `${a.name}/${vm.name}`).toEqual(expected);
            }
        }
    });

    it("open Solana's peer ports on validators only, and the Autonomous Database's listener to its clients only", () => {
        const withPorts = (port: number) => plan.accounts.flatMap((a) => a.vms.filter((v) => v.egress.some((r) => r.port === port && r.destination === INTERNET)).map((v) => v.resourceName));
        expect(withPorts(8000).sort()).toEqual(plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.service === "solana-validator")).map((v) => v.resourceName)).sort());
        const adbClients = plan.accounts.flatMap((a) => a.vms.filter((v) => v.services.some((s) => s.dependencies.some((d) => d.managed))).map((v) => v.resourceName));
        expect(adbClients.length).toBeGreaterThan(0);
        expect(withPorts(1521).sort()).toEqual(adbClients.sort());
    });

    it("let load balancers reach their backends in the address space and nothing else", () => {
        for (const a of plan.accounts) {
            const lbRules = a.egress.filter((r) => r.target.kind !== "vm");
            expect(lbRules.map(summary)).toEqual([`all all → ${plan.addressSpace}`, ...(a.networkLoadBalancer ? [`all all → ${plan.addressSpace}`] : [])]);
        }
    });
});

describe("host firewall output chain", () => {
    it("drops by default, keeps the metadata service for root, and accepts exactly the VM's egress rules", () => {
        for (const a of plan.accounts) for (const vm of a.vms) {
            const nft = files.find((f) => f.account === a.name && f.vm === vm.name && f.path === "/etc/nftables.conf")!.content;
            const output = nft.slice(nft.indexOf("chain output {"), nft.indexOf("\n    }", nft.indexOf("chain output {")) + 1);
            expect(output).toContain("type filter hook output priority filter; policy drop;");
            const metadataRoot = output.indexOf("ip daddr 169.254.169.254 tcp dport 80 meta skuid 0 accept");
            const metadataDrop = output.indexOf('ip daddr 169.254.169.254 tcp dport != 53 log prefix "blitzhub-metadata-refused: " level info drop');
            const http = output.indexOf("tcp dport 80 accept\n");
            expect(metadataRoot).toBeGreaterThan(0);
            expect(metadataDrop).toBeGreaterThan(metadataRoot);
            // The non-root drop comes before the internet's port 80, which would otherwise admit it.
            expect(http).toBeGreaterThan(metadataDrop);
            for (const r of vm.egress) {
                const ports = r.port === undefined ? "" : ` dport ${r.port}${r.toPort !== undefined ? `-${r.toPort}` : ""}`;
                const line = `${r.destination === INTERNET ? "" : `ip daddr ${r.destination}${r.protocol === "all" ? "" : " "}`}${r.protocol === "all" ? "" : `${r.protocol}${ports}`} accept`;
                expect(output, `${a.name}/${vm.name}: ${line}`).toContain(`        ${line}\n`);
            }
            expect(output.match(/ accept\n/g)!.length).toBe(new Set(vm.egress.map((r) => `${r.destination}|${r.protocol}|${r.port}|${r.toPort}`)).size + 4 + (nft.includes("WireGuard: handshakes") ? 1 : 0));
        }
    });
});
