/**
 * `npm run check` for people: findings by enforcement (each with its benchmark ids and what to
 * change), suppressed ones apart, suppression problems, then a summary line.
 */
import type { Frameworks } from "../lib/policy";
import type { Finding } from "../suppressions";
import { describeSuppression } from "../suppressions";
import type { CheckOutcome } from "./outcome";

/** `CIS 2.1, 2.3 · CKV_OCI_19`; empty for a project-only rule. */
export function frameworkLabel(frameworks: Frameworks | undefined): string {
    if (!frameworks) return "";
    const parts = [];
    if (frameworks.cis.length > 0) parts.push(`CIS ${frameworks.cis.map((c) => c.id + (c.coverage === "partial" ? " (part)" : "")).join(", ")}`);
    if (frameworks.checkov.length > 0) parts.push(frameworks.checkov.join(", "));
    return parts.join(" · ");
}

function formatFinding(f: Finding, outcome: CheckOutcome): string {
    const where = [f.stack ? `[${f.stack}]` : undefined, f.account ?? "(no account)", f.resourceName ?? "(stack)"].filter(Boolean).join(" ");
    const policy = outcome.policies.get(f.policy);
    const label = frameworkLabel(policy?.frameworks);
    const lines = [`  ${f.policy}  ${where}${label ? `  (${label})` : ""}`, `      ${f.message}`];
    if (policy) lines.push(`      fix: ${policy.remediationSteps}`);
    if (f.suppression) lines.push(`      suppressed until ${f.suppression.expires}: ${f.suppression.reason} (${describeSuppression(f.suppression)})`);
    return lines.join("\n");
}

function section(title: string, findings: Finding[], outcome: CheckOutcome): string[] {
    return [`${title} (${findings.length}):`, ...(findings.length > 0 ? findings.map((f) => formatFinding(f, outcome)) : ["  none"])];
}

/** The human report: mandatory, advisory, suppressed, suppression problems, then the summary line. */
export function formatText(outcome: CheckOutcome): string {
    const { report, findings } = outcome;
    const open = findings.filter((f) => !f.suppression);
    const mandatory = open.filter((f) => f.enforcement === "mandatory");
    const advisory = open.filter((f) => f.enforcement === "advisory");
    const suppressed = findings.filter((f) => f.suppression);
    const lines: string[] = [...section("Mandatory violations", mandatory, outcome), "", ...section("Advisory violations", advisory, outcome)];
    if (suppressed.length > 0) lines.push("", ...section("Suppressed (still listed; see policies/suppressions.yaml)", suppressed, outcome));
    if (outcome.expired.length > 0) {
        lines.push("", `Expired suppressions (${outcome.expired.length}): they suppress nothing and fail the check; fix the finding, or renew the entry with a new reason and date:`);
        lines.push(...outcome.expired.map((s) => `  ${describeSuppression(s)} expired on ${s.expires}`));
    }
    if (outcome.unused.length > 0) {
        lines.push("", `Suppressions that matched no finding (${outcome.unused.length}): remove them if the finding was fixed:`);
        lines.push(...outcome.unused.map((s) => `  ${describeSuppression(s)}`));
    }
    const idle = Object.entries(report.applied).filter(([, n]) => n === 0).map(([name]) => name);
    if (idle.length > 0) lines.push("", `Not applicable to these stacks (no matching resource): ${idle.join(", ")}`);
    const extra = [suppressed.length > 0 ? `, ${suppressed.length} suppressed` : "", outcome.expired.length > 0 ? `, ${outcome.expired.length} expired suppression(s)` : ""].join("");
    lines.push(
        "",
        `${outcome.exitCode === 0 ? "PASS" : "FAIL"}: ${mandatory.length} mandatory, ${advisory.length} advisory${extra} ` +
            `(${report.policies} policies over ${report.resources} resources in stacks ${report.stacks.join(", ")})`,
    );
    return `${lines.join("\n")}\n`;
}
