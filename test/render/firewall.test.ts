/** The host firewall covers exactly the plan's ingress rules of each VM, compactly enough for OCI's 32 KB user data. */
import { Address4 } from "ip-address";
import { describe, expect, it } from "vitest";
import type { FirewallRule } from "../../plan/types";
import { renderCloudInit, sshHostKeyFromSeed } from "../../render/index";
import { groupRules } from "../../render/firewall";
import { realPlan } from "./fixtures";

const { plan, files } = realPlan();

function rule(source: string, port: number, protocol: "tcp" | "udp" = "tcp"): FirewallRule {
    return { account: "X", target: { kind: "vm", vm: "app" }, protocol, port, source, sourceDescription: source, reason: `r${port}`, key: `${port}-${source}` };
}

describe("host firewall", () => {
    it("groups sources by protocol and port and drops sources another one covers", () => {
        const g = groupRules([rule("10.0.1.0/24", 80), rule("0.0.0.0/0", 80), rule("10.0.2.8/32", 6379), rule("10.0.2.9/32", 6379), rule("10.0.2.8/32", 6379, "udp")]);
        expect(g.map((x) => `${x.protocol} ${x.ports} ${x.sources.join(",")}`)).toEqual(["tcp 80 0.0.0.0/0", "tcp 6379 10.0.2.8/32,10.0.2.9/32", "udp 6379 10.0.2.8/32"]);
    });

    it("admits every plan rule of every VM and nothing else (source within a listed source, same protocol and port)", () => {
        for (const a of plan.accounts) for (const vm of a.vms) {
            const nft = files.find((f) => f.account === a.name && f.vm === vm.name && f.path === "/etc/nftables.conf")!.content;
            const lines = [...nft.matchAll(/ip saddr (\{[^}]*\}|\S+) (tcp|udp) dport (\S+) accept/g)].map((m) => ({
                sources: m[1].replace(/[{}]/g, "").split(",").map((s) => s.trim()).filter(Boolean),
                protocol: m[2],
                ports: m[3],
            }));
            for (const r of vm.firewall) {
                const ports = r.toPort !== undefined && r.toPort !== r.port ? `${r.port}-${r.toPort}` : String(r.port);
                const line = lines.find((l) => l.protocol === r.protocol && l.ports === ports);
                expect(line, `${a.name}/${vm.name} ${r.protocol}/${ports}`).toBeDefined();
                expect(line!.sources.some((s) => new Address4(r.source).isInSubnet(new Address4(s))), `${a.name}/${vm.name} ${r.source} → ${ports}`).toBe(true);
            }
            const planned = new Set(vm.firewall.map((r) => `${r.protocol} ${r.toPort !== undefined && r.toPort !== r.port ? `${r.port}-${r.toPort}` : r.port}`));
            for (const l of lines) expect(planned.has(`${l.protocol} ${l.ports}`), `${a.name}/${vm.name} opens ${l.protocol}/${l.ports} the plan does not`).toBe(true);
            expect(nft).toMatch(/policy drop;/);
        }
    });

    it("keeps every VM's user data under OCI's 32,000-byte metadata limit (base64, three operators, the host key)", () => {
        const keys = Array.from({ length: 3 }, (_, i) => `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${"x".repeat(43)}${i} operator${i}@blitzhub`);
        for (const a of plan.accounts) for (const vm of a.vms) {
            const operators = keys.map((k, i) => ({ name: `operator${i}`, sshPublicKeys: [k], sudoPasswordHash: `$6$${"s".repeat(16)}$${"h".repeat(86)}` }));
            const hostKey = sshHostKeyFromSeed(Buffer.alloc(32, 1).toString("base64"), vm.resourceName);
            const userData = Buffer.from(renderCloudInit(plan, a, vm, { operators, deployPublicKey: keys[0], hostKey })).toString("base64");
            expect(userData.length + keys.join("\n").length, vm.resourceName).toBeLessThan(32_000);
        }
    });
});
