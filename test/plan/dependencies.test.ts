import { describe, expect, it } from "vitest";
import type { Topology } from "../../model/schema";
import { addressPlan } from "../../plan/addressPlan";
import { resolveDependencies } from "../../plan/dependencies";
import type { ResolvedDependency } from "../../plan/types";
import { PAYG, fixtureTopology } from "./fixtures";
import { problemsOf } from "../problems";

function resolve(topology: Topology) {
    return resolveDependencies(topology, addressPlan(topology));
}

function dependency(topology: Topology, account: string, vm: string, service: string, target: string): ResolvedDependency {
    const placements = resolve(topology).get(account)!.get(vm)!;
    const placement = placements.find((p) => p.service === service)!;
    return placement.dependencies.find((d) => d.service === target)!;
}

describe("resolveDependencies", () => {
    const topology = fixtureTopology();
    const ipOf = (account: string, vm: string) => addressPlan(topology).byAccount.get(account)!.vms.find((v) => v.vm === vm)!.privateIp;

    it("nearest: the same account first (fastify → both redis VMs of EU-BE-01)", () => {
        const d = dependency(topology, "EU-BE-01", "app", "fastify", "redis");
        expect(d.managed).toBe(false);
        expect(d.targets.map((t) => [t.account, t.vm, t.ip])).toEqual([
            ["EU-BE-01", "cache", ipOf("EU-BE-01", "cache")],
            ["EU-BE-01", "cache-replica", ipOf("EU-BE-01", "cache-replica")],
        ]);
        expect(d.targets[0].ports.map((p) => p.port)).toEqual([6379]);
        expect(d.targets[0].vmResourceName).toBe("eu-be-01-cache");
    });

    it("nearest: falls back to the EU instance when the region has none (AS-FE-01 nginx → EU-BE-01 fastify)", () => {
        const d = dependency(topology, "AS-FE-01", "edge-1", "nginx", "fastify");
        expect(d.targets.map((t) => `${t.account}/${t.vm}`)).toEqual(["EU-BE-01/app"]);
        expect(d.targets[0].ports.map((p) => p.name)).toEqual(["api", "ws"]);
    });

    it("nearest: prefers the same region over the EU", () => {
        const t = fixtureTopology((input) => input.accounts.push({ name: "AS-BE-01", role: "backend", region: "as", billing: PAYG }));
        const d = dependency(t, "AS-FE-01", "app", "nginx", "fastify");
        expect(d.targets.map((x) => x.account)).toEqual(["AS-BE-01"]);
    });

    it("a named account and `account` scope", () => {
        expect(dependency(topology, "AS-SOL-01", "validator", "solana-validator", "vault").targets.map((t) => `${t.account}/${t.vm}`)).toEqual([
            "EU-SEC-01/vault",
            "EU-SEC-01/vault-2",
        ]);
        expect(dependency(topology, "AS-SOL-01", "validator", "solana-validator", "redis").targets.map((t) => `${t.account}/${t.vm}`)).toEqual(["AS-SOL-01/cache"]);
    });

    it("`region` and `all` scopes", () => {
        const t = fixtureTopology((input) => {
            input.services.nginx.dependsOn = [{ service: "redis", scope: "region" }, { service: "vault", scope: "all" }];
        });
        expect(dependency(t, "AS-FE-01", "app", "nginx", "redis").targets.map((x) => `${x.account}/${x.vm}`)).toEqual(["AS-SOL-01/cache"]);
        expect(dependency(t, "AS-FE-01", "app", "nginx", "vault").targets).toHaveLength(2);
    });

    it("a managed oracle-adb resolves to the data role's Autonomous Database, with no VM or IP", () => {
        const d = dependency(topology, "EU-BE-01", "app", "fastify", "oracle-adb");
        expect(d.managed).toBe(true);
        expect(d.targets).toEqual([]);
        expect(d.managedTarget).toMatchObject({ kind: "autonomous-database", account: "EU-DATA-01", name: "adb", dbName: "blitzhub" });
        expect(d.managedTarget!.ports.map((p) => p.port)).toEqual([1521]);
    });

    it("every VM carries its everyVm placements", () => {
        for (const [, byVm] of resolve(topology)) {
            for (const [, placements] of byVm) {
                expect(placements.filter((p) => p.everyVm).map((p) => p.service)).toEqual(["node-exporter", "promtail"]);
            }
        }
    });

    it("names the dependency when no instance is in scope or a port does not exist", () => {
        const noneInScope = fixtureTopology((input) => (input.services.nginx.dependsOn = [{ service: "redis", scope: "account" }]));
        const problems = problemsOf(() => resolve(noneInScope));
        // One line per account that cannot resolve it.
        expect(problems.map((p) => p.path)).toEqual(["services.nginx.dependsOn[0]", "services.nginx.dependsOn[0]"]);
        expect(problems.map((p) => p.message)).toEqual([
            'no VM runs "redis" in scope "account" for EU-FE-01',
            'no VM runs "redis" in scope "account" for AS-FE-01',
        ]);

        const badPort = fixtureTopology((input) => (input.services.nginx.dependsOn = [{ service: "fastify", ports: ["grpc"] }]));
        expect(problemsOf(() => resolve(badPort))).toEqual([
            { path: "services.nginx.dependsOn[0].ports[0]", message: 'service "fastify" has no port "grpc" (it has api, ws)' },
        ]);
        const local = fixtureTopology((input) => (input.services.fastify.dependsOn = [{ service: "nginx", ports: ["status"] }]));
        expect(problemsOf(() => resolve(local))[0].message).toMatch(/local-only/);
    });
});
