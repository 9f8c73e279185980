/**
 * What `npm run check` concludes from a policy run and the suppression file: every finding
 * (suppressed ones marked, never dropped), the expired suppressions, and the exit code.
 */
import type { BlitzPolicy } from "../lib/policy";
import type { PolicyReport } from "../runner";
import { applySuppressions, type Finding, type Suppression } from "../suppressions";

export interface CheckOutcome {
    report: PolicyReport;
    findings: Finding[];
    expired: Suppression[];
    unused: Suppression[];
    /** Policies of the run, by name (for their frameworks and remediation). */
    policies: Map<string, BlitzPolicy>;
    /** Unsuppressed mandatory findings. */
    blocking: Finding[];
    /** 1 when a mandatory finding is not suppressed or a suppression has expired; else 0. */
    exitCode: 0 | 1;
}

export function checkOutcome(report: PolicyReport, policies: BlitzPolicy[], suppressions: Suppression[], today: Date = new Date()): CheckOutcome {
    const { findings, expired, unused } = applySuppressions(report.violations, suppressions, today);
    const blocking = findings.filter((f) => f.enforcement === "mandatory" && !f.suppression);
    return {
        report,
        findings,
        expired,
        unused,
        policies: new Map(policies.map((p) => [p.name, p])),
        blocking,
        exitCode: blocking.length > 0 || expired.length > 0 ? 1 : 0,
    };
}
