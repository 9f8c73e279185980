import { describe, expect, it } from "vitest";
import { loadTopology } from "../../model/load";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import { fixtureTopology } from "./fixtures";
import { problemsOf } from "../problems";
import { loadOciLimits } from "../../model/ociLimits";

const allowances = loadAllowances();

describe("load balancer plans", () => {
    const plan = buildPlan(fixtureTopology(), allowances, loadOciLimits());
    const account = (name: string) => plan.accounts.find((a) => a.name === name)!;

    it("takes backends from the account's VMs running the set's service, with weights and health checks", () => {
        const lb = account("EU-BE-01").loadBalancer;
        expect(lb).toMatchObject({ name: "lb", resourceName: "eu-be-01-lb", public: true, subnet: "lb", bandwidthMbps: { min: 10, max: 10 } });
        const [api, ws] = lb.backendSets;
        expect(api.backends).toEqual([{ vm: "app", vmResourceName: "eu-be-01-app", ip: "10.0.2.18", port: 3000, weight: 1 }]);
        expect(api.healthCheck).toEqual({ protocol: "HTTP", port: 3000, urlPath: "/health", returnCode: 200, intervalMs: 10000, timeoutMs: 3000, retries: 3 });
        expect(api.sessionPersistence).toBeUndefined();
        expect(ws.backends).toEqual([{ vm: "app", vmResourceName: "eu-be-01-app", ip: "10.0.2.18", port: 3001, weight: 3 }]);
        expect(ws.healthCheck).toMatchObject({ port: 3000, urlPath: "/ws/health" });
        expect(ws.sessionPersistence).toEqual({ cookieName: "X-Oracle-BMC-LBS-Route", disableFallback: false });
        expect(ws.policy).toBe("WEIGHTED_ROUND_ROBIN");
    });

    it("plans a set's backup backends with backup: true, after its primaries, each VM once", () => {
        const topology = fixtureTopology();
        const set = topology.roles.backend!.loadBalancer.backendSets[0];
        const backupService = Object.keys(topology.services).find((s) => s !== set.service && topology.roles.backend!.vms.some((v) => v.services.some((p) => (typeof p === "string" ? p : p.service) === s)))!;
        const backupPort = topology.services[backupService]!.ports[0];
        set.backupBackends = [{ service: backupService, port: backupPort.name }];
        const api = buildPlan(topology, allowances, loadOciLimits()).accounts.find((a) => a.name === "EU-BE-01")!.loadBalancer.backendSets[0];
        const primaries = api.backends.filter((b) => !b.backup);
        const backups = api.backends.filter((b) => b.backup);
        expect(primaries.map((b) => `${b.vm}:${b.port}`)).toEqual(["app:3000"]);
        expect(backups.length).toBeGreaterThan(0);
        for (const b of backups) expect(b).toMatchObject({ backup: true, port: backupPort.port });
        expect(api.backends.slice(0, primaries.length)).toEqual(primaries);
    });

    it("backs the frontend LB with all three nginx VMs and keeps private roles private", () => {
        expect(account("EU-FE-01").loadBalancer.backendSets[0].backends.map((b) => `${b.vm}@${b.ip}:${b.port}`)).toEqual(["app@10.0.1.82:80", "edge-1@10.0.1.83:80", "edge-2@10.0.1.84:80"]);
        expect(account("EU-SEC-01").loadBalancer.public).toBe(false);
    });

    it("plans the NLB with its port range and the validator as backend", () => {
        const nlb = account("EU-SOL-01").networkLoadBalancer!;
        expect(nlb).toMatchObject({ resourceName: "eu-sol-01-nlb", public: true });
        expect(nlb.listeners).toEqual([{ name: "gossip", protocol: "TCP_AND_UDP", port: 8000, toPort: 8020, backendSet: "gossip" }]);
        expect(nlb.backendSets[0]).toMatchObject({ port: 8000, toPort: 8020, preserveSourceIp: true, policy: "FIVE_TUPLE", healthCheck: { protocol: "TCP", port: 8899 } });
        expect(nlb.backendSets[0].backends.map((b) => b.vm)).toEqual(["validator"]);
        expect(account("EU-BE-01").networkLoadBalancer).toBeUndefined();
    });

    it("names a backend set whose service runs on no VM of the role, and a weight for a non-backend", () => {
        const topology = fixtureTopology((t) => {
            t.roles.backend.loadBalancer.backendSets[0].service = "redis-exporter";
            t.roles.backend.loadBalancer.backendSets[1].weights = { ghost: 2 };
        });
        const paths = problemsOf(() => buildPlan(topology, allowances, loadOciLimits())).map((p) => p.path);
        expect(paths).toContain("roles.backend.loadBalancer.backendSets[0].port");
        expect(paths).toContain("roles.backend.loadBalancer.backendSets[1].weights.ghost");
        const noVm = fixtureTopology((t) => (t.roles.security.loadBalancer.backendSets[0].service = "redis"));
        expect(problemsOf(() => buildPlan(noVm, allowances, loadOciLimits()))).toContainEqual({ path: "roles.security.loadBalancer.backendSets[0].service", message: 'no VM of role security runs "redis"' });
    });

    it("gives the real topology 15 flexible LBs (10/10 Mbps) and 3 NLBs, every backend a planned VM", () => {
        const real = buildPlan(loadTopology("topology/blitzhub.yaml"), allowances, loadOciLimits());
        expect(real.accounts.map((a) => a.loadBalancer)).toHaveLength(15);
        for (const a of real.accounts) {
            expect(a.loadBalancer.bandwidthMbps).toEqual({ min: 10, max: 10 });
            // The backend's LB is private: the API and WebSocket reach the internet only through the FE path.
            expect(a.loadBalancer.public).toBe(["frontend", "solana"].includes(a.role));
            for (const set of [...a.loadBalancer.backendSets, ...(a.networkLoadBalancer?.backendSets ?? [])]) {
                expect(set.backends.length).toBeGreaterThan(0);
                for (const b of set.backends) expect(a.vms.find((v) => v.name === b.vm)!.privateIp).toBe(b.ip);
            }
        }
        expect(real.accounts.filter((a) => a.networkLoadBalancer).map((a) => a.name).sort()).toEqual(["AS-SOL-01", "EU-NET-01", "EU-SOL-01"]);
    });
});
