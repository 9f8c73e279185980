import { describe, expect, it } from "vitest";
import { loadTopology } from "../../model/load";
import { placementsOf } from "../../model/query";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import { scrapeJobs } from "../../plan/scrapeTargets";
import { fixtureTopology } from "./fixtures";
import { loadOciLimits } from "../../model/ociLimits";

const allowances = loadAllowances();

describe("planScrapeTargets", () => {
    it("scrapes every metrics port of every placed service on every VM, by static IP", () => {
        const topology = fixtureTopology();
        const plan = buildPlan(topology, allowances, loadOciLimits());
        let expected = 0;
        for (const account of topology.accounts) {
            for (const vm of topology.roles[account.role].vms) {
                expected += placementsOf(vm, topology).reduce((n, p) => n + p.def.ports.filter((port) => port.metrics).length, 0);
            }
        }
        expect(plan.scrapeTargets).toHaveLength(expected);
        const cache = plan.scrapeTargets.filter((t) => t.account === "EU-BE-01" && t.vm === "cache");
        expect(cache.map((t) => `${t.job}@${t.address}`)).toEqual(["redis-exporter@10.0.2.19:9121", "node-exporter@10.0.2.19:9100", "promtail@10.0.2.19:9080"]);
        const vault = plan.scrapeTargets.find((t) => t.job === "vault")!;
        expect(vault).toMatchObject({ account: "EU-SEC-01", vm: "vault", vmResourceName: "eu-sec-01-vault", port: 8200, metricsPath: "/v1/sys/metrics", region: "eu", role: "security" });
    });

    it("leaves out metrics ports that are local-only", () => {
        const topology = fixtureTopology((t) => (t.services["redis-exporter"].ports![0].localOnly = true));
        const plan = buildPlan(topology, allowances, loadOciLimits());
        expect(plan.scrapeTargets.filter((t) => t.job === "redis-exporter")).toEqual([]);
        expect(plan.accounts.flatMap((a) => a.firewall).filter((r) => r.port === 9121)).toEqual([]);
    });

    it("groups targets into one job per service", () => {
        const plan = buildPlan(fixtureTopology(), allowances, loadOciLimits());
        const jobs = scrapeJobs(plan.scrapeTargets);
        expect(jobs.get("node-exporter")).toHaveLength(plan.totals.vms);
        for (const [job, targets] of jobs) for (const t of targets) expect(t.service).toBe(job);
    });

    it("covers node_exporter on all 45 VMs of the real topology, each at its VM's IP", () => {
        const plan = buildPlan(loadTopology("topology/blitzhub.yaml"), allowances, loadOciLimits());
        const node = plan.scrapeTargets.filter((t) => t.service === "node-exporter");
        expect(node).toHaveLength(45);
        const vmIps = plan.accounts.flatMap((a) => a.vms.map((v) => `${a.name}/${v.name}=${v.privateIp}`)).sort();
        expect(node.map((t) => `${t.account}/${t.vm}=${t.ip}`).sort()).toEqual(vmIps);
        expect(new Set(plan.scrapeTargets.map((t) => `${t.address}${t.metricsPath}`)).size).toBe(plan.scrapeTargets.length);
    });
});
