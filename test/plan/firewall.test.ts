import { beforeAll, describe, expect, it } from "vitest";
import { WIREGUARD_TUNNEL_SPACE } from "../../model/tunnelSpace";
import { loadTopology } from "../../model/load";
import type { Topology } from "../../model/schema";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { FirewallRule, TopologyPlan } from "../../plan/types";
import { fixtureTopology } from "./fixtures";
import { problemsOf } from "../problems";
import { loadOciLimits } from "../../model/ociLimits";

const allowances = loadAllowances();

function ip(plan: TopologyPlan, account: string, vm: string): string {
    return plan.accounts.find((a) => a.name === account)!.vms.find((v) => v.name === vm)!.privateIp;
}

function rulesOn(plan: TopologyPlan, account: string, port: number, target?: string): FirewallRule[] {
    return plan.accounts
        .find((a) => a.name === account)!
        .firewall.filter((r) => r.port === port && (target === undefined || (r.target.kind === "vm" ? r.target.vm === target : r.target.kind === target)));
}

/** Every planned VM (/32) and LB subnet of the plans built in this file, for `sources`. */
const hosts: { ip: number; cidr: string; lbSubnet: boolean }[] = [];

/** Makes `sources` read the hosts of `plan` (each describe block plans its own topology). */
function known(plan: TopologyPlan): TopologyPlan {
    hosts.length = 0;
    for (const a of plan.accounts) {
        for (const v of a.vms) hosts.push({ ip: ipNumber(v.privateIp), cidr: `${v.privateIp}/32`, lbSubnet: false });
        const lb = a.subnets.find((s) => s.name === "lb")!.cidr;
        hosts.push({ ip: ipNumber(lb.split("/")[0]), cidr: lb, lbSubnet: true });
    }
    return plan;
}

function ipNumber(ip: string): number {
    return ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
}

function covers(block: string, ip: number): boolean {
    const [base, bits] = block.split("/");
    return ip >= ipNumber(base) && ip < ipNumber(base) + 2 ** (32 - Number(bits));
}

/**
 * What the rules admit: the planned VMs (as /32s) and LB subnets their sources cover, and the
 * internet. Sources aggregate into blocks (docs/firewall.md); least privilege is about which
 * VMs a block admits, so the tests compare those.
 */
function sources(rules: FirewallRule[]): string[] {
    const out = new Set<string>();
    for (const r of rules) {
        if (r.source === "0.0.0.0/0" || r.source === WIREGUARD_TUNNEL_SPACE) out.add(r.source);
        else for (const h of hosts) if (covers(r.source, h.ip) && (!h.lbSubnet || covers(r.source, ipNumber(h.cidr.split("/")[0]) + 2 ** (32 - Number(h.cidr.split("/")[1])) - 1))) out.add(h.cidr);
    }
    return [...out].sort();
}

/** Invariants every plan's firewall keeps. */
function assertFirewallInvariants(plan: TopologyPlan, topology: Topology) {
    const all = plan.accounts.flatMap((a) => a.firewall);
    // Never 22 or 3389 from the internet, also not inside a port range.
    for (const r of all.filter((r) => r.source === "0.0.0.0/0")) {
        for (const never of [22, 3389]) expect(never >= r.port && never <= (r.toPort ?? r.port), `${r.account} ${r.key}`).toBe(false);
    }
    const bastionIps = new Set(plan.accounts.filter((a) => a.role === "management").flatMap((a) => a.vms.filter((v) => v.publicIp).map((v) => `${v.privateIp}/32`)));
    expect(bastionIps.size).toBeGreaterThanOrEqual(2);
    // SSH reaches a VM only from the bastions; the bastions themselves only from inside the management account.
    const mgmtIps = new Set(plan.accounts.filter((a) => a.role === "management").flatMap((a) => a.vms.map((v) => `${v.privateIp}/32`)));
    for (const r of all.filter((r) => r.port === 22 && r.protocol === "tcp")) {
        const target = r.target.kind === "vm" ? `${ip(plan, r.account, r.target.vm)}/32` : "";
        // The operators' tunnel space: outside the address space, so it admits no VM, only the operators the bastions route.
        if (r.source === WIREGUARD_TUNNEL_SPACE) continue;
        const admitted = sources([r]).filter((a) => a.endsWith("/32"));
        const ok = admitted.length > 0 && admitted.every((a) => (bastionIps.has(target) ? mgmtIps.has(a) : bastionIps.has(a)));
        expect(ok, `${r.account} ${r.key}`).toBe(true);
    }
    // Internet only on public LB listeners, NLB ports and the bastions' WireGuard.
    for (const r of all.filter((r) => r.source === "0.0.0.0/0")) {
        const account = plan.accounts.find((a) => a.name === r.account)!;
        if (r.target.kind === "lb") {
            expect(account.loadBalancer.public).toBe(true);
            expect(account.loadBalancer.listeners.map((l) => l.port)).toContain(r.port);
        } else if (r.target.kind === "nlb") {
            expect(account.networkLoadBalancer?.public).toBe(true);
        } else {
            const vm = r.target.vm;
            const isNlbBackend = account.networkLoadBalancer?.backendSets.some((s) => s.preserveSourceIp && s.backends.some((b) => b.vm === vm) && s.port === r.port);
            const isWireGuard = bastionIps.has(`${ip(plan, r.account, vm)}/32`) && r.protocol === "udp" && r.service === "wireguard";
            expect(isNlbBackend || isWireGuard, `${r.account} ${r.key}`).toBe(true);
        }
    }
    // Sources are blocks that admit at least one planned VM or LB subnet, or the internet.
    for (const r of all) expect(r.source === "0.0.0.0/0" || sources([r]).length > 0, `${r.account} ${r.key} ${r.source}`).toBe(true);
    // Keys are unique per account; host firewalls are the account's VM rules.
    for (const account of plan.accounts) {
        expect(new Set(account.firewall.map((r) => r.key)).size).toBe(account.firewall.length);
        for (const vm of account.vms) expect(vm.firewall).toEqual(account.firewall.filter((r) => r.target.kind === "vm" && r.target.vm === vm.name));
    }
    expect(topology.accounts.length).toBe(plan.accounts.length);
}

describe("planFirewall on the fixture", () => {
    const topology = fixtureTopology();
    const plan = buildPlan(topology, allowances, loadOciLimits());
    beforeAll(() => known(plan));

    it("keeps every invariant", () => assertFirewallInvariants(plan, topology));

    it("opens Redis 6379 only to its clients: fastify in EU-BE-01, the validator in each SOL account", () => {
        expect(sources(rulesOn(plan, "EU-BE-01", 6379, "cache"))).toEqual([`${ip(plan, "EU-BE-01", "app")}/32`]);
        expect(sources(rulesOn(plan, "EU-BE-01", 6379, "cache-replica"))).toEqual([`${ip(plan, "EU-BE-01", "app")}/32`]);
        expect(sources(rulesOn(plan, "EU-SOL-01", 6379))).toEqual([`${ip(plan, "EU-SOL-01", "validator")}/32`]);
        expect(sources(rulesOn(plan, "AS-SOL-01", 6379))).toEqual([`${ip(plan, "AS-SOL-01", "validator")}/32`]);
        expect(rulesOn(plan, "EU-BE-01", 6379)[0]).toMatchObject({ protocol: "tcp", service: "redis", reason: "fastify → redis:redis", sourceDescription: "EU-BE-01/app (fastify)" });
    });

    it("opens Vault 8200 on its VMs only to consumers, its LB subnet and Prometheus (vault exports metrics on 8200)", () => {
        const expected = [
            `${ip(plan, "EU-BE-01", "app")}/32`,
            `${ip(plan, "EU-SOL-01", "validator")}/32`,
            `${ip(plan, "AS-SOL-01", "validator")}/32`,
            `${ip(plan, "EU-MON-01", "prometheus")}/32`,
            plan.accounts.find((a) => a.name === "EU-SEC-01")!.subnets.find((s) => s.name === "lb")!.cidr,
        ].sort();
        // The validators of both Solana tenancies are clients: the Solana role is the unit that
        // talks, so both Solana VCNs are admitted (docs/firewall.md); nothing else beyond the clients.
        const solanaVms = plan.accounts.filter((a) => a.role === "solana").flatMap((a) => a.vms.map((v) => `${v.privateIp}/32`));
        const vaultSources = sources(rulesOn(plan, "EU-SEC-01", 8200, "vault"));
        for (const client of expected.filter((c) => c.endsWith("/32"))) expect(vaultSources).toContain(client);
        for (const admitted of vaultSources.filter((a) => a.endsWith("/32"))) expect([...expected, ...solanaVms]).toContain(admitted);
        const lbSubnet = expected.find((c) => !c.endsWith("/32"))!;
        expect(rulesOn(plan, "EU-SEC-01", 8200, "vault").some((r) => covers(r.source, ipNumber(lbSubnet.split("/")[0])))).toBe(true);
        // The private LB takes the consumers and the bastions, not the internet.
        const lbClients = [`${ip(plan, "EU-BE-01", "app")}/32`, `${ip(plan, "EU-SOL-01", "validator")}/32`, `${ip(plan, "AS-SOL-01", "validator")}/32`, `${ip(plan, "EU-MGMT-01", "bastion-1")}/32`, `${ip(plan, "EU-MGMT-01", "bastion-2")}/32`];
        const lbSources = sources(rulesOn(plan, "EU-SEC-01", 8200, "lb"));
        for (const client of lbClients) expect(lbSources).toContain(client);
        for (const admitted of lbSources.filter((a) => a.endsWith("/32"))) expect([...lbClients, ...solanaVms]).toContain(admitted);
        expect(lbSources).not.toContain("0.0.0.0/0");
    });

    it("opens 9100 on every VM only to the Prometheus VM", () => {
        const prometheus = `${ip(plan, "EU-MON-01", "prometheus")}/32`;
        for (const account of plan.accounts) {
            for (const vm of account.vms) {
                const rules = vm.firewall.filter((r) => r.port === 9100);
                if (account.name === "EU-MON-01" && vm.name === "prometheus") expect(rules).toEqual([]);
                else expect(sources(rules), `${account.name}/${vm.name}`).toEqual([prometheus]);
            }
        }
    });

    it("opens SSH on every VM to both bastions and the operators' tunnel space, and nothing else", () => {
        const bastions = [`${ip(plan, "EU-MGMT-01", "bastion-1")}/32`, `${ip(plan, "EU-MGMT-01", "bastion-2")}/32`].sort();
        let tunnelRules = 0;
        for (const account of plan.accounts) {
            for (const vm of account.vms) {
                const expected = [...bastions.filter((b) => b !== `${vm.privateIp}/32`), WIREGUARD_TUNNEL_SPACE].sort();
                const ssh = vm.firewall.filter((r) => r.port === 22);
                expect(sources(ssh).sort(), `${account.name}/${vm.name}`).toEqual(expected);
                // The tunnel space is its own rule, TCP 22 only: one NSG rule per VM.
                const tunnel = vm.firewall.filter((r) => r.source === WIREGUARD_TUNNEL_SPACE);
                expect(tunnel.map((r) => [r.protocol, r.port, r.toPort]), `${account.name}/${vm.name}`).toEqual([["tcp", 22, undefined]]);
                tunnelRules += tunnel.length;
            }
        }
        expect(tunnelRules).toBe(plan.accounts.reduce((n, a) => n + a.vms.length, 0));
    });

    it("makes WireGuard 51820/udp public on the bastions only", () => {
        const wg = plan.accounts.flatMap((a) => a.firewall).filter((r) => r.port === 51820);
        expect(wg.map((r) => [r.account, r.target.kind === "vm" && r.target.vm, r.protocol, r.source])).toEqual([
            ["EU-MGMT-01", "bastion-1", "udp", "0.0.0.0/0"],
            ["EU-MGMT-01", "bastion-2", "udp", "0.0.0.0/0"],
        ]);
    });

    it("opens public listeners to the internet and LB backends to the LB subnet, health-check port included", () => {
        const be = plan.accounts.find((a) => a.name === "EU-BE-01")!;
        const lbSubnet = be.subnets.find((s) => s.name === "lb")!.cidr;
        expect(be.firewall.filter((r) => r.target.kind === "lb").map((r) => [r.port, r.source])).toEqual([
            [443, "0.0.0.0/0"],
            [3001, "0.0.0.0/0"],
        ]);
        const fromLb = be.firewall.filter((r) => r.source === lbSubnet).map((r) => [r.target.kind === "vm" && r.target.vm, r.port]);
        expect(fromLb).toEqual([
            ["app", 3000],
            ["app", 3001],
        ]);
    });

    it("passes the public NLB's port range, TCP and UDP, to the validator", () => {
        const sol = plan.accounts.find((a) => a.name === "EU-SOL-01")!;
        const gossip = sol.firewall.filter((r) => r.port === 8000);
        expect(gossip.every((r) => r.toPort === 8020)).toBe(true);
        expect(gossip.map((r) => `${r.target.kind === "vm" ? r.target.vm : r.target.kind}/${r.protocol}/${r.source}`).sort()).toEqual(
            ["nlb/tcp/0.0.0.0/0", "nlb/udp/0.0.0.0/0", "validator/tcp/0.0.0.0/0", "validator/udp/0.0.0.0/0", `validator/tcp/${sol.subnets[0].cidr}`, `validator/udp/${sol.subnets[0].cidr}`].sort(),
        );
    });

    it("never opens local-only ports", () => {
        expect(plan.accounts.flatMap((a) => a.firewall).filter((r) => r.port === 8081)).toEqual([]);
    });

    it("refuses a public listener on 22 or an NLB range covering 3389, naming it", () => {
        const ssh = fixtureTopology((t) => (t.roles.frontend.loadBalancer.listeners[0].port = 22));
        expect(problemsOf(() => buildPlan(ssh, allowances, loadOciLimits()))).toEqual([
            { path: "roles.frontend.loadBalancer.listeners[0].port", message: "a public listener on 22 would open it to the internet; 22 and 3389 never face the internet" },
        ]);
        const rdp = fixtureTopology((t) => {
            t.roles.solana.networkLoadBalancer!.listeners[0].port = 3000;
            t.roles.solana.networkLoadBalancer!.listeners[0].toPort = 4000;
        });
        expect(problemsOf(() => buildPlan(rdp, allowances, loadOciLimits()))[0].path).toBe("roles.solana.networkLoadBalancer.listeners[0]");
    });
});

describe("planFirewall on the real topology", () => {
    const topology = loadTopology("topology/blitzhub.yaml");
    const plan = buildPlan(topology, allowances, loadOciLimits());
    beforeAll(() => known(plan));

    it("keeps every invariant", () => assertFirewallInvariants(plan, topology));

    it("opens Redis 6379 only to fastify (and the replica link) in BE, only to the validator in SOL", () => {
        for (const account of plan.accounts.filter((a) => a.role === "backend")) {
            const api = account.vms.find((v) => v.services.some((s) => s.service === "fastify"))!;
            const redisPeers = account.vms.filter((v) => v.services.some((s) => s.service === "redis")).map((v) => `${v.privateIp}/32`);
            for (const rule of account.firewall.filter((r) => r.port === 6379)) {
                for (const admitted of sources([rule])) expect([`${api.privateIp}/32`, ...redisPeers], `${account.name} ${rule.key}`).toContain(admitted);
            }
            for (const vm of ["redis-primary", "redis-replica"]) expect(sources(rulesOn(plan, account.name, 6379, vm))).toContain(`${api.privateIp}/32`);
        }
        for (const account of plan.accounts.filter((a) => a.role === "solana")) {
            const validator = account.vms.find((v) => v.services.some((s) => s.service === "solana-validator"))!;
            expect(sources(account.firewall.filter((r) => r.port === 6379))).toEqual([`${validator.privateIp}/32`]);
        }
        // Nobody outside the accounts that use Redis may reach 6379.
        expect(plan.accounts.filter((a) => a.firewall.some((r) => r.port === 6379)).map((a) => a.role).sort()).toEqual(["backend", "backend", "solana", "solana"]);
    });

    it("keeps every NSG (one per target) under OCI's 120 rules", () => {
        for (const account of plan.accounts) {
            const perTarget = new Map<string, number>();
            for (const r of account.firewall) {
                const key = r.target.kind === "vm" ? r.target.vm : r.target.kind;
                perTarget.set(key, (perTarget.get(key) ?? 0) + 1);
            }
            for (const [target, count] of perTarget) expect(count, `${account.name} ${target}`).toBeLessThanOrEqual(120);
        }
    });

    it("scrapes node_exporter on all 45 VMs from EU-MON-01 only", () => {
        const mon = plan.accounts.find((a) => a.name === "EU-MON-01")!;
        const prometheus = mon.vms.filter((v) => v.services.some((s) => s.service === "prometheus")).map((v) => `${v.privateIp}/32`);
        let count = 0;
        for (const vm of plan.accounts.flatMap((a) => a.vms)) {
            const rules = vm.firewall.filter((r) => r.port === 9100);
            if (prometheus.includes(`${vm.privateIp}/32`)) continue;
            expect(sources(rules)).toEqual(prometheus);
            count++;
        }
        expect(count + prometheus.length).toBe(45);
    });
});
