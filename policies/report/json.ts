/**
 * `npm run check -- --format json`: the runner's report (violations, resources, policies, stacks,
 * applied) with each violation's frameworks and suppression, plus the suppression problems.
 */
import type { CheckOutcome } from "./outcome";

export function toJson(outcome: CheckOutcome): unknown {
    const { report } = outcome;
    const where = (s: { file: string; line?: number; path: string }) => ({ file: s.file, line: s.line ?? null, path: s.path });
    return {
        ...report,
        violations: outcome.findings.map(({ suppression, ...v }) => ({
            ...v,
            frameworks: outcome.policies.get(v.policy)?.frameworks ?? { cis: [], checkov: [] },
            suppressed: suppression ? { reason: suppression.reason, expires: suppression.expires, ...where(suppression) } : null,
        })),
        expiredSuppressions: outcome.expired.map((s) => ({ policy: s.policy, expires: s.expires, ...where(s) })),
        unusedSuppressions: outcome.unused.map((s) => ({ policy: s.policy, expires: s.expires, ...where(s) })),
        exitCode: outcome.exitCode,
    };
}
