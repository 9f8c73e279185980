/**
 * `npm run plan:baseline [-- PLAN.json]`: rewrites the plan baseline
 * (test/fixtures/plan-baseline.txt and plan-baseline-samples.json) from a fresh offline plan of
 * every stack, or from the output of `npm run -s plan -- --stack all --json` saved in PLAN.json.
 * Run it when a change to the plan is intended, and commit the files with that change.
 */
import { readFileSync } from "node:fs";
import { planStacks } from "../../offline/engine";
import { type PlanJson, planJson } from "../../offline/formatJson";
import { BASELINE_FILE, planBaseline, SAMPLES_FILE, writeBaseline } from "./planBaseline";

const from = process.argv[2];
const plan: PlanJson = from
    ? (JSON.parse(readFileSync(from, "utf8")) as PlanJson)
    : planJson(await planStacks({ stacks: ["eu", "na", "sa", "as", "au"] }));
const baseline = planBaseline(plan);
writeBaseline(baseline);
process.stdout.write(`${baseline.lines.length} resources → ${BASELINE_FILE}\n${Object.keys(baseline.samples).length} samples → ${SAMPLES_FILE}\n`);
