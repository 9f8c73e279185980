import { describe, expect, it } from "vitest";
import { cisPolicies, policies, topologyPolicies } from "../../policies/all";
import { runPolicies } from "../../policies/runner";
import { compliantAccount, context, modify, plannedStack } from "./fixtures";

describe("the pack", () => {
    it("declares every policy once, with a description, a remediation and mandatory/advisory enforcement", () => {
        const all = [...policies, ...topologyPolicies];
        expect(new Set(all.map((p) => p.name)).size).toBe(all.length);
        for (const p of all) {
            expect(p.description.length, p.name).toBeGreaterThan(10);
            expect(p.remediationSteps.length, p.name).toBeGreaterThan(10);
            expect(["mandatory", "advisory"], p.name).toContain(p.enforcementLevel);
        }
        // Advisory: the priced free-tier overages, and the CIS baseline controls that not every tenancy has yet.
        expect(all.filter((p) => p.enforcementLevel === "advisory" && !cisPolicies.includes(p)).map((p) => p.name).sort()).toEqual([
            "free-tier-a1-allowance",
            "free-tier-block-storage",
        ]);
    });

    it("finds nothing in a compliant tenancy and reports one broken rule with stack, account and resource", async () => {
        const eu = compliantAccount();
        expect((await runPolicies([plannedStack(eu)], { context })).violations).toEqual([]);
        const broken = modify(eu, "eu-be-01-app-nsg-tcp-22-from-bastion", (r) => ({ inputs: { ...r.inputs, source: "0.0.0.0/0" } }));
        const report = await runPolicies([plannedStack(broken)], { context });
        expect(report.violations.map((v) => [v.policy, v.stack, v.account, v.resourceName])).toEqual([
            ["no-admin-ports-from-internet", "eu", "EU-BE-01", "eu-be-01-app-nsg-tcp-22-from-bastion"],
            ["public-ingress-only-on-listeners", "eu", "EU-BE-01", "eu-be-01-app-nsg-tcp-22-from-bastion"],
        ]);
        expect(report.resources).toBe(eu.length);
    });
});

describe("policies/README.md", () => {
    it("documents every policy with its enforcement", async () => {
        const { readFileSync } = await import("node:fs");
        const readme = readFileSync(new URL("../../policies/README.md", import.meta.url), "utf8");
        expect(readme).toContain("pulumi preview -s eu --policy-pack policies");
        for (const p of [...policies, ...topologyPolicies]) {
            expect(readme, p.name).toMatch(new RegExp(`\\| \`${p.name}\` \\| ${p.enforcementLevel} \\|`));
        }
    });
});
