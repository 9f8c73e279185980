/**
 * `npm run check -- --cis-report`: every recommendation of the CIS OCI Foundations Benchmark for
 * one kind of tenancy, answered from this run. An item is `pass` only when a policy that checks
 * it in full ran on the plan's resources and found nothing; `fail` when a policy that checks it
 * (in full or in part) found something, suppressed or not; `not applicable` when it does not
 * concern this kind of tenancy or the plan has nothing it concerns; `manual` otherwise, with why.
 */
import { CIS_ASSESSMENTS } from "../frameworks/cisAssessment";
import { cisBenchmark, sectionTitle, type CisBenchmark, type CisRecommendation, type TenancyKind } from "../frameworks/benchmarks";
import type { BlitzPolicy } from "../lib/policy";
import type { Finding } from "../suppressions";
import type { CheckOutcome } from "./outcome";

export type CisStatus = "pass" | "fail" | "not applicable" | "manual";

export interface CisItem {
    id: string;
    title: string;
    section: string;
    level: 1 | 2;
    assessment: "automated" | "manual";
    status: CisStatus;
    why: string;
    /** Policies that check it (in full or in part). */
    policies: string[];
    /** Findings of those policies (suppressed ones included). */
    findings: number;
}

export interface CisReport {
    benchmark: string;
    version: string;
    tenancyKind: TenancyKind;
    stacks: string[];
    items: CisItem[];
    totals: Record<CisStatus, number>;
}

/** The resource types of the plan, for "the plan has no ..." answers. */
export type PlanTypes = ReadonlySet<string>;

function examples(findings: Finding[]): string {
    const first = findings[0];
    const where = [first.account, first.resourceName].filter(Boolean).join("/");
    const more = findings.length > 1 ? ` (+${findings.length - 1} more)` : "";
    return `${where ? `${where}: ` : ""}${first.message}${more}`;
}

function evaluate(rec: CisRecommendation, kind: TenancyKind, outcome: CheckOutcome, types: PlanTypes): Omit<CisItem, "id" | "title" | "section" | "level" | "assessment"> {
    const all = [...outcome.policies.values()];
    const refs = (p: BlitzPolicy) => p.frameworks.cis.filter((c) => c.id === rec.id);
    const full = all.filter((p) => refs(p).some((c) => c.coverage === "full"));
    const partial = all.filter((p) => refs(p).some((c) => c.coverage === "partial") && !full.includes(p));
    const checking = [...full, ...partial];
    const names = checking.map((p) => p.name);
    const findings = outcome.findings.filter((f) => names.includes(f.policy));
    const base = { policies: names, findings: findings.length };
    if (!rec.appliesTo.includes(kind)) {
        return { ...base, status: "not applicable", why: rec.appliesNote ?? `does not concern ${kind} tenancies` };
    }
    if (findings.length > 0) {
        const suppressed = findings.filter((f) => f.suppression).length;
        const byPolicy = names.filter((n) => findings.some((f) => f.policy === n)).join(", ");
        return {
            ...base,
            status: "fail",
            why: `${byPolicy}: ${findings.length} finding(s)${suppressed > 0 ? `, ${suppressed} suppressed` : ""}; ${examples(findings)}`,
        };
    }
    const applied = (p: BlitzPolicy) => outcome.report.applied[p.name] ?? 0;
    if (full.length > 0) {
        const ran = full.filter((p) => applied(p) > 0);
        if (ran.length === 0) return { ...base, status: "not applicable", why: `the plan has nothing ${full.map((p) => p.name).join(", ")} applies to` };
        return { ...base, status: "pass", why: `${ran.map((p) => `${p.name} (${applied(p)} checked)`).join(", ")}: no violation` };
    }
    const assessment = CIS_ASSESSMENTS[rec.id];
    const partly = partial.length > 0 ? `; ${partial.map((p) => p.name).join(", ")} checks the part the plan shows: no violation` : "";
    if (!assessment) return { ...base, status: "manual", why: `no policy checks it on the plan and the project has no assessment of it${partly}` };
    if (assessment.kind === "absent") {
        const present = assessment.types.some((t) => types.has((t as unknown as { __pulumiType: string }).__pulumiType));
        if (!present) return { ...base, status: "not applicable", why: `the plan has no ${assessment.what}` };
    }
    return { ...base, status: "manual", why: `${assessment.why}${partly}` };
}

/** The CIS report of one check run for one kind of tenancy. */
export function cisReport(outcome: CheckOutcome, kind: TenancyKind, types: PlanTypes, benchmark: CisBenchmark = cisBenchmark()): CisReport {
    const items = benchmark.recommendations.map((rec) => ({
        id: rec.id,
        title: rec.title,
        section: rec.section,
        level: rec.level,
        assessment: rec.assessment,
        ...evaluate(rec, kind, outcome, types),
    }));
    const totals: Record<CisStatus, number> = { pass: 0, fail: 0, "not applicable": 0, manual: 0 };
    for (const item of items) totals[item.status]++;
    return { benchmark: benchmark.benchmark, version: benchmark.version, tenancyKind: kind, stacks: outcome.report.stacks, items, totals };
}

/** The report for people: one line per recommendation under its section, then the totals. */
export function formatCisReport(report: CisReport, benchmark: CisBenchmark = cisBenchmark()): string {
    const lines = [`${report.benchmark} v${report.version}: ${report.tenancyKind} tenancies, stacks ${report.stacks.join(", ")}`];
    let section: string | undefined;
    for (const item of report.items) {
        if (item.section !== section) {
            section = item.section;
            lines.push("", `${section} ${sectionTitle(benchmark, section)}`);
        }
        const status = item.status === "manual" ? "MANUAL" : item.status === "not applicable" ? "N/A" : item.status.toUpperCase();
        lines.push(`  ${item.id.padEnd(6)} ${status.padEnd(6)} ${item.title} (L${item.level}, ${item.assessment})`);
        lines.push(`         ${item.status === "manual" ? "manual: " : ""}${item.why}`);
    }
    const t = report.totals;
    lines.push("", `${report.items.length} recommendations: ${t.pass} pass, ${t.fail} fail, ${t["not applicable"]} not applicable, ${t.manual} manual`);
    return `${lines.join("\n")}\n`;
}
