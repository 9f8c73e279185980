import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../model/errors";
import { problemsOf as problemsThrownBy } from "../problems";
import { DEFAULT_ALLOWANCES_FILE, loadAllowances, monthlyUnitPrice, parseAllowances, PRICE_KEYS } from "../../model/allowances";

const committed = readFileSync(DEFAULT_ALLOWANCES_FILE, "utf8");

function problemsOf(text: string): Problem[] {
    return problemsThrownBy(() => parseAllowances(text, "allowances.yaml"));
}

describe("free-tier allowances file", () => {
    it("loads the committed file: versioned, dated, sourced", () => {
        const a = loadAllowances();
        expect(a.version).toBeGreaterThanOrEqual(1);
        expect(a.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(a.sources.length).toBeGreaterThan(0);
        for (const s of a.sources) expect(s.url).toMatch(/^https:\/\//);
        expect(a.hoursPerMonth).toBe(730);
    });

    it("holds the 2026 A1 cut (2 OCPU / 12 GB) and keeps 4 / 24 as dated history", () => {
        const a = loadAllowances();
        expect(a.allowances.a1).toMatchObject({ ocpus: 2, memoryGb: 12 });
        const previous = a.history.find((h) => h.resource === "a1");
        expect(previous).toMatchObject({ ocpus: 4, memoryGb: 24 });
        expect(previous!.validTo < a.allowances.a1.validFrom).toBe(true);
    });

    it("holds the other per-tenancy allowances", () => {
        const { allowances } = loadAllowances();
        expect(allowances.microInstances.count).toBe(2);
        expect(allowances.blockStorage).toMatchObject({ totalGb: 200, bootVolumeMinGb: 50 });
        expect(allowances.flexibleLoadBalancers).toMatchObject({ count: 1, bandwidthMbps: 10 });
        expect(allowances.networkLoadBalancers.count).toBe(1);
        expect(allowances.autonomousDatabases).toMatchObject({ count: 2, storageGbEach: 20 });
        expect(allowances.objectStorage.storageGb).toBeGreaterThan(0);
        expect(allowances.vault.secrets).toBeGreaterThan(0);
    });

    it("prices every key, hourly ones × 730 per month", () => {
        const a = loadAllowances();
        for (const key of PRICE_KEYS) expect(a.prices[key].amount).toBeGreaterThanOrEqual(0);
        expect(monthlyUnitPrice(a, "a1OcpuHour")).toEqual({ unitPrice: a.prices.a1OcpuHour.amount, unitsPerMonth: 730 });
        expect(monthlyUnitPrice(a, "blockStorageGbMonth").unitsPerMonth).toBe(1);
    });

    it("rejects an unknown key with its path and line", () => {
        const text = committed.replace("  microInstances:\n", "  microInstances:\n    colour: blue\n");
        const problems = problemsOf(text);
        expect(problems).toHaveLength(1);
        expect(problems[0].path).toBe("allowances.microInstances.colour");
        expect(problems[0].message).toMatch(/unknown key/);
        const line = text.split("\n").findIndex((l) => l.includes("colour: blue")) + 1;
        expect(problems[0].line).toBe(line);
    });

    it("rejects wrong types and a missing price", () => {
        const text = committed.replace(/  a1:\n    ocpus: 2/, "  a1:\n    ocpus: two").replace(/  networkLbHour:\n(    .*\n)+?(?=  [a-zA-Z])/, "");
        const paths = problemsOf(text).map((p) => p.path);
        expect(paths).toContain("allowances.a1.ocpus");
        expect(paths).toContain("prices.networkLbHour");
    });

    it("rejects a source id that is not declared", () => {
        const text = committed.replace("    source: a1-cut-2026-reports\n  microInstances", "    source: nowhere\n  microInstances");
        const problems = problemsOf(text);
        expect(problems.map((p) => p.path)).toEqual(["allowances.a1.source"]);
        expect(problems[0].message).toMatch(/unknown source "nowhere"/);
    });

    it("reports YAML syntax errors and a missing file as UserInputError", () => {
        expect(problemsOf("version: [1\n")[0].message.length).toBeGreaterThan(0);
        expect(() => loadAllowances("/nonexistent/allowances.yaml")).toThrowError(/^\/nonexistent\/allowances\.yaml: cannot read the allowances file: no such file$/);
    });
});
