/**
 * Suppressions: a live entry marks its finding suppressed (still listed), an expired one fails
 * the check, a malformed one is bad input naming file, field and line.
 */
import { describe, expect, it } from "vitest";
import { formatProblem, isUserInputError, type Problem } from "../../model/errors";
import { policies, topologyPolicies } from "../../policies/all";
import { checkOutcome } from "../../policies/report/outcome";
import { formatText } from "../../policies/report/text";
import { loadSuppressions, parseSuppressions } from "../../policies/suppressions";
import { runPolicies } from "../../policies/runner";
import { compliantAccount, context, modify, plannedStack } from "./fixtures";

const TODAY = new Date("2026-11-29T12:00:00Z");
const FILE = "policies/suppressions.yaml";

function problems(text: string): string[] {
    try {
        parseSuppressions(text, FILE);
    } catch (error) {
        if (isUserInputError(error)) return error.problems.map((p: Problem) => formatProblem(p));
        throw error;
    }
    return [];
}

/** The compliant tenancy with SSH opened to the world: two mandatory findings on one rule. */
async function brokenRun() {
    const broken = modify(compliantAccount(), "eu-be-01-app-nsg-tcp-22-from-bastion", (r) => ({ inputs: { ...r.inputs, source: "0.0.0.0/0" } }));
    return runPolicies([plannedStack(broken)], { context });
}

const entry = (fields: string) => `suppressions:\n  - policy: no-admin-ports-from-internet\n${fields}`;
const LIVE = entry("    account: EU-BE-01\n    resource: eu-be-01-app-nsg-tcp-22-from-bastion\n    reason: Temporary SSH for the migration window, ticket OPS-12.\n    expires: 2026-11-29\n");

describe("the suppression file", () => {
    it("the committed file parses", () => {
        expect(loadSuppressions().every((s) => s.reason.length >= 10)).toBe(true);
    });

    it("reports malformed entries with file, field and line", () => {
        expect(problems(entry("    account: EU-BE-01\n    resource: x\n    reason: because we said so\n    expires: 2026-13-45\n"))).toEqual([
            `${FILE}: suppressions[0].expires:6: is not a calendar date`,
        ]);
        expect(problems(entry("    urn: urn:pulumi:eu::blitzhub::x::y\n    expires: 2027-01-01\n"))).toEqual([`${FILE}: suppressions[0].reason:2: missing required key (why the finding is accepted)`]);
        expect(problems(entry("    reason: a reason long enough\n    expires: 2027-01-01\n"))).toEqual([
            `${FILE}: suppressions[0].account:2: missing required key: a suppression names its resource by urn, or by account and resource`,
        ]);
        expect(problems(entry("    urn: u\n    reason: a reason long enough\n    expires: 2027-01-01\n    until: never\n"))).toEqual([`${FILE}: suppressions[0].until:6: unknown key "until"`]);
        expect(problems("suppressions:\n  - policy: [\n")[0]).toMatch(new RegExp(`^${FILE}:\\d+: YAML syntax: `));
    });

    it("marks a covered finding suppressed and still lists it; the check passes", async () => {
        const outcome = checkOutcome(await brokenRun(), [...policies, ...topologyPolicies], parseSuppressions(LIVE, FILE), TODAY);
        expect(outcome.findings.map((f) => [f.policy, f.suppression?.expires ?? null])).toEqual([
            ["no-admin-ports-from-internet", "2026-11-29"],
            ["public-ingress-only-on-listeners", null],
        ]);
        // The other policy's finding on the same rule is not covered: still blocking.
        expect(outcome.exitCode).toBe(1);
        const text = formatText(outcome);
        expect(text).toContain("Suppressed (still listed; see policies/suppressions.yaml) (1):");
        expect(text).toContain(`      suppressed until 2026-11-29: Temporary SSH for the migration window, ticket OPS-12. (${FILE}:2: suppressions[0] (policy no-admin-ports-from-internet on EU-BE-01/eu-be-01-app-nsg-tcp-22-from-bastion))`);
        expect(text).toMatch(/^FAIL: 1 mandatory, 0 advisory, 1 suppressed \(/m);
    });

    it("an expired entry suppresses nothing and fails the check with a clear message", async () => {
        const outcome = checkOutcome(await brokenRun(), [...policies, ...topologyPolicies], parseSuppressions(LIVE, FILE), new Date("2026-11-30T00:00:00Z"));
        expect(outcome.findings.every((f) => !f.suppression)).toBe(true);
        expect(outcome.expired.map((s) => s.path)).toEqual(["suppressions[0]"]);
        expect(outcome.exitCode).toBe(1);
        expect(formatText(outcome)).toContain(
            `Expired suppressions (1): they suppress nothing and fail the check; fix the finding, or renew the entry with a new reason and date:\n  ${FILE}:2: suppressions[0] (policy no-admin-ports-from-internet on EU-BE-01/eu-be-01-app-nsg-tcp-22-from-bastion) expired on 2026-11-29`,
        );
    });

    it("an expired entry fails even a clean run, and an entry that matches nothing is reported as unused", async () => {
        const clean = await runPolicies([plannedStack(compliantAccount())], { context });
        const expired = checkOutcome(clean, policies, parseSuppressions(LIVE, FILE), new Date("2027-01-01T00:00:00Z"));
        expect(expired.exitCode).toBe(1);
        const unused = checkOutcome(clean, policies, parseSuppressions(LIVE, FILE), TODAY);
        expect(unused.exitCode).toBe(0);
        expect(unused.unused.map((s) => s.path)).toEqual(["suppressions[0]"]);
    });
});
