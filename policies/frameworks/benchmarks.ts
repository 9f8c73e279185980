/**
 * The benchmarks the pack speaks, as data: the CIS OCI Foundations Benchmark v3.0.0
 * recommendations (`data/cis-oci-v3.0.0.json`) and Checkov's OCI checks
 * (`data/checkov-oci-checks.json`), each with its sources and the date it was read.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { UserInputError } from "../../model/errors";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { formatPath } from "../../model/yamlPath";

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-11-29");

/** Billing mode of a tenancy: what the CIS report is computed for. */
export const TENANCY_KINDS = ["alwaysFree", "payAsYouGo"] as const;
export type TenancyKind = (typeof TENANCY_KINDS)[number];

const CisRecommendation = z.strictObject({
    /** `1.1`, `5.1.2`. */
    id: z.string().regex(/^\d+(\.\d+){1,2}$/),
    title: z.string().min(1),
    /** Innermost section id (`5.1` for `5.1.2`). */
    section: z.string().regex(/^\d+(\.\d+)?$/),
    level: z.union([z.literal(1), z.literal(2)]),
    assessment: z.enum(["automated", "manual"]),
    appliesTo: z.array(z.enum(TENANCY_KINDS)).min(1),
    appliesNote: z.string().optional(),
    levelNote: z.string().optional(),
});
export type CisRecommendation = z.infer<typeof CisRecommendation>;

const CisBenchmarkSchema = z.strictObject({
    benchmark: z.string(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/),
    published: IsoDate,
    asOf: IsoDate,
    note: z.string(),
    sources: z.array(z.strictObject({ id: z.string(), url: z.url(), description: z.string(), date: IsoDate })).min(1),
    tenancyKinds: z.record(z.enum(TENANCY_KINDS), z.string()),
    sections: z.array(z.strictObject({ id: z.string(), title: z.string() })),
    recommendations: z.array(CisRecommendation).min(1),
});
export type CisBenchmark = z.infer<typeof CisBenchmarkSchema>;

const CheckovChecksSchema = z.strictObject({
    tool: z.literal("Checkov"),
    asOf: IsoDate,
    note: z.string(),
    source: z.strictObject({ url: z.url(), description: z.string(), date: IsoDate }),
    checks: z.array(z.strictObject({ id: z.string().regex(/^CKV2?_OCI_\d+$/), name: z.string(), resources: z.array(z.string()) })).min(1),
});
export type CheckovChecks = z.infer<typeof CheckovChecksSchema>;

export const CIS_BENCHMARK_FILE = resolve(PROJECT_ROOT, "data", "cis-oci-v3.0.0.json");
export const CHECKOV_CHECKS_FILE = resolve(PROJECT_ROOT, "data", "checkov-oci-checks.json");

function readJson<T>(file: string, schema: z.ZodType<T>): T {
    let data: unknown;
    try {
        data = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
        throw new UserInputError([{ path: file, message: `cannot read the benchmark data: ${(error as Error).message}` }]);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
        throw new UserInputError(
            parsed.error.issues.map((issue) => ({
                path: `${file}: ${formatPath(issue.path.filter((s): s is string | number => typeof s !== "symbol"))}`,
                message: issue.message,
            })),
        );
    }
    return parsed.data;
}

/** Section ids and recommendation ids must resolve; one entry per id. */
function crossCheck(benchmark: CisBenchmark, file: string): CisBenchmark {
    const sections = new Set(benchmark.sections.map((s) => s.id));
    const seen = new Set<string>();
    const problems = benchmark.recommendations.flatMap((r, i) => {
        const out: string[] = [];
        if (seen.has(r.id)) out.push(`recommendations[${i}].id: duplicate recommendation ${r.id}`);
        seen.add(r.id);
        if (!sections.has(r.section)) out.push(`recommendations[${i}].section: unknown section ${r.section}`);
        if (!r.id.startsWith(`${r.section}.`)) out.push(`recommendations[${i}].section: ${r.id} is not in section ${r.section}`);
        return out;
    });
    if (problems.length > 0) throw new UserInputError(problems.map((p) => ({ path: `${file}: ${p.split(":")[0]}`, message: p.slice(p.indexOf(":") + 2) })));
    return benchmark;
}

let cis: CisBenchmark | undefined;
let checkov: CheckovChecks | undefined;

/** The CIS recommendations (the committed file by default; cached). */
export function cisBenchmark(file: string = CIS_BENCHMARK_FILE): CisBenchmark {
    if (file !== CIS_BENCHMARK_FILE) return crossCheck(readJson(file, CisBenchmarkSchema), file);
    cis ??= crossCheck(readJson(file, CisBenchmarkSchema), file);
    return cis;
}

/** Checkov's OCI checks (cached). */
export function checkovChecks(): CheckovChecks {
    checkov ??= readJson(CHECKOV_CHECKS_FILE, CheckovChecksSchema);
    return checkov;
}

/** `CIS OCI Foundations Benchmark v3.0.0`. */
export function cisName(benchmark: CisBenchmark = cisBenchmark()): string {
    return `CIS OCI Foundations Benchmark v${benchmark.version}`;
}

/** Title of a section id (`5.1` → `Object Storage`). */
export function sectionTitle(benchmark: CisBenchmark, id: string): string {
    return benchmark.sections.find((s) => s.id === id)?.title ?? id;
}
