/**
 * The plan baseline (issue 11): the URN of every resource of `plan --stack all --json` and
 * every resource's inputs, against the saved copy in test/fixtures. A refactor changes neither;
 * an intended change regenerates the copy (`npm run plan:baseline`) and commits it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { planJson } from "../../offline/formatJson";
import { sharedPlan } from "../sharedPlan";
import { baselineDiff, type PlanBaseline, planBaseline, readBaseline, REGENERATE } from "./planBaseline";

let saved: PlanBaseline;
let current: PlanBaseline;

beforeAll(async () => {
    saved = readBaseline();
    current = planBaseline(planJson(await sharedPlan()));
});

describe("the plan against its saved baseline", () => {
    it("has the same URNs and the same inputs for every resource", () => {
        const diff = baselineDiff(saved, current);
        const message =
            `${diff.length} resource(s) differ from test/fixtures/plan-baseline.txt:\n${diff.slice(0, 40).join("\n")}` +
            `${diff.length > 40 ? `\n… and ${diff.length - 40} more` : ""}\n` +
            `If the change is intended, regenerate the baseline with \`${REGENERATE}\` and commit it with the change.`;
        expect(diff, message).toEqual([]);
        expect(current.lines.length).toBe(saved.lines.length);
    });

    it("has the same full inputs for the sample resources (a readable diff when they change)", () => {
        expect(Object.keys(saved.samples).length).toBeGreaterThanOrEqual(8);
        for (const [urn, inputs] of Object.entries(saved.samples)) {
            expect(current.samples[urn], `${urn} (regenerate with \`${REGENERATE}\` if intended)`).toEqual(inputs);
        }
    });
});
