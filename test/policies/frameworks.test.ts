/**
 * The benchmark data and the policies' framework metadata agree: every CIS id a policy names is
 * a recommendation of the benchmark file, every Checkov id is one of Checkov's OCI checks, and
 * every recommendation is answered (by a policy in full, or by the project's assessment).
 */
import { describe, expect, it } from "vitest";
import { policies, topologyPolicies } from "../../policies/all";
import { checkovChecks, cisBenchmark } from "../../policies/frameworks/benchmarks";
import { CIS_ASSESSMENTS } from "../../policies/frameworks/cisAssessment";
import { checkOutcome } from "../../policies/report/outcome";
import { cisReport } from "../../policies/report/cisReport";
import { runPolicies } from "../../policies/runner";
import { compliantAccount, context, modify, plannedStack } from "./fixtures";

const all = [...policies, ...topologyPolicies];
const benchmark = cisBenchmark();
const ids = new Set(benchmark.recommendations.map((r) => r.id));

describe("data/cis-oci-v3.0.0.json", () => {
    it("lists the 54 recommendations of CIS OCI v3.0.0 in six sections, with sources and dates", () => {
        expect(benchmark.version).toBe("3.0.0");
        expect(benchmark.recommendations).toHaveLength(54);
        expect([...new Set(benchmark.recommendations.map((r) => r.section.split(".")[0]))]).toEqual(["1", "2", "3", "4", "5", "6"]);
        expect(benchmark.sources.map((s) => s.id)).toContain("cis-oci-benchmark");
        // Only paid services and Cloud Guard are outside what an Always Free tenancy can have.
        expect(benchmark.recommendations.filter((r) => !r.appliesTo.includes("alwaysFree")).map((r) => r.id)).toEqual(["2.6", "2.7", "4.14", "4.15", "5.3.1"]);
    });
});

describe("policy framework metadata", () => {
    it("names only recommendations of the benchmark and checks of Checkov", () => {
        const checkov = new Set(checkovChecks().checks.map((c) => c.id));
        for (const p of all) {
            for (const ref of p.frameworks.cis) expect(ids, `${p.name} names CIS ${ref.id}`).toContain(ref.id);
            for (const id of p.frameworks.checkov) expect(checkov, `${p.name} names ${id}`).toContain(id);
        }
    });

    it("accounts for every recommendation: a policy checks it in full, or the project says why not", () => {
        const full = new Set(all.flatMap((p) => p.frameworks.cis.filter((c) => c.coverage === "full").map((c) => c.id)));
        const assessed = new Set(Object.keys(CIS_ASSESSMENTS));
        for (const id of ids) expect(full.has(id) || assessed.has(id), `CIS ${id}`).toBe(true);
        for (const id of assessed) {
            expect(ids, `assessment of ${id}`).toContain(id);
            expect(full.has(id), `CIS ${id} has a full policy and an assessment`).toBe(false);
        }
    });
});

describe("the CIS report", () => {
    const report = async (resources = compliantAccount(), kind: "alwaysFree" | "payAsYouGo" = "alwaysFree") => {
        const run = await runPolicies([plannedStack(resources)], { context });
        return cisReport(checkOutcome(run, all, []), kind, new Set(resources.map((r) => r.type)));
    };

    it("answers every recommendation of the applicable sections, in the benchmark's order", async () => {
        const r = await report();
        expect(r.items.map((i) => i.id)).toEqual(benchmark.recommendations.map((x) => x.id));
        expect(r.totals.pass + r.totals.fail + r.totals["not applicable"] + r.totals.manual).toBe(54);
        for (const item of r.items) expect(item.why.length, item.id).toBeGreaterThan(10);
    });

    it("passes an item only when a policy checked it in full and found nothing", async () => {
        const r = await report();
        const full = new Set(all.flatMap((p) => p.frameworks.cis.filter((c) => c.coverage === "full").map((c) => c.id)));
        for (const item of r.items.filter((i) => i.status === "pass")) {
            expect(full.has(item.id), item.id).toBe(true);
            expect(item.findings, item.id).toBe(0);
        }
        // The compliant tenancy passes the controls the fixture has, e.g. 4.13 flow logs and 6.1 compartments.
        expect(r.items.find((i) => i.id === "4.13")?.status).toBe("pass");
        expect(r.items.find((i) => i.id === "6.1")?.status).toBe("pass");
        // Identity-domain settings cannot be seen in a plan: manual, with why.
        expect(r.items.find((i) => i.id === "1.4")).toMatchObject({ status: "manual", why: expect.stringContaining("identity domain") });
        // The fixture's key has a version of the context's day: 4.16 passes; without a Vault key it has nothing to check.
        expect(r.items.find((i) => i.id === "4.16")?.status).toBe("pass");
        const keyless = await report(compliantAccount().filter((x) => !x.type.startsWith("oci:Kms/")));
        expect(keyless.items.find((i) => i.id === "4.16")?.status).toBe("not applicable");
    });

    it("fails the items whose policies find something, and keeps partial checks manual", async () => {
        const broken = modify(compliantAccount(), "eu-be-01-vm-subnet-flow-log", (x) => ({ inputs: { ...x.inputs, configuration: { source: { service: "none" } } } }));
        const r = await report(broken);
        expect(r.items.find((i) => i.id === "4.13")).toMatchObject({ status: "fail", policies: ["cis-subnet-flow-logs"], findings: 1 });
        expect(r.items.find((i) => i.id === "2.8")).toMatchObject({ status: "manual", why: expect.stringContaining("cis-autonomous-database-access-restricted checks the part") });
    });

    it("answers by kind of tenancy: Cloud Guard is not applicable to Always Free, checked for Pay As You Go", async () => {
        expect((await report(undefined, "alwaysFree")).items.find((i) => i.id === "4.14")?.status).toBe("not applicable");
        expect((await report(undefined, "payAsYouGo")).items.find((i) => i.id === "4.14")).toMatchObject({ policies: ["cis-cloud-guard-enabled"] });
        expect((await report(undefined, "payAsYouGo")).items.find((i) => i.id === "4.14")?.status).not.toBe("manual");
        // File Storage on a paid tenancy: not applicable while the plan has no file system.
        expect((await report(undefined, "payAsYouGo")).items.find((i) => i.id === "5.3.1")).toMatchObject({ status: "not applicable", why: "the plan has no File Storage file system" });
    });
});
