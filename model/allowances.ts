/**
 * Always Free allowances and overage list prices, read from `data/free-tier-allowances.yaml`.
 *
 * The file is data, not constants (Oracle changed the A1 allowance in 2026): it carries a
 * `version`, an `asOf` date, its `sources` (URL, description, date) and the superseded values
 * under `history`. Every problem is a `UserInputError` naming the path (and line) in the file.
 */
import { resolve } from "node:path";
import { isMap, isSeq, LineCounter, type Document, type Node as YamlNode } from "yaml";
import { z } from "zod";
import { MICRO_SHAPE } from "./shapes";
import { UserInputError, type Problem } from "./errors";
import { PROJECT_ROOT } from "./projectRoot";
import { parseYamlInput, readInputFile } from "./yamlInput";

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-07-15");
const SourceId = z.string().regex(/^[a-z0-9-]+$/, "must be a source id (a-z, 0-9, '-')");
const Count = z.number().int().min(0);
const Amount = z.number().min(0);

const Source = z.strictObject({
    id: SourceId,
    url: z.url(),
    description: z.string().min(1),
    /** When the source was read. */
    date: IsoDate,
});

const Price = z.strictObject({
    amount: Amount,
    unit: z.string().min(1),
    note: z.string().optional(),
    source: SourceId,
});

export const PRICE_KEYS = [
    "a1OcpuHour",
    "a1MemoryGbHour",
    "microInstanceHour",
    "blockStorageGbMonth",
    "blockPerformanceBalancedGbMonth",
    "flexibleLbHour",
    "flexibleLbMbpsHour",
    "networkLbHour",
    "autonomousDbEcpuHour",
    "autonomousDbStorageGbMonth",
    "objectStorageGbMonth",
] as const;
export type PriceKey = (typeof PRICE_KEYS)[number];

/** The services of the CIS baseline the allowances file answers for. */
export const SECURITY_SERVICES = ["notifications", "events", "logging", "audit", "budgets", "vault", "cloudGuard", "securityZones", "vulnerabilityScanning"] as const;
export type SecurityService = (typeof SECURITY_SERVICES)[number];

export const FreeTierAllowancesSchema = z.strictObject({
    version: z.number().int().min(1),
    asOf: IsoDate,
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO currency code such as USD"),
    hoursPerMonth: z.number().positive(),
    sources: z.array(Source).min(1),
    allowances: z.strictObject({
        a1: z.strictObject({ ocpus: Amount, memoryGb: Amount, validFrom: IsoDate, note: z.string().optional(), source: SourceId }),
        microInstances: z.strictObject({ count: Count, shape: z.literal(MICRO_SHAPE), source: SourceId }),
        blockStorage: z.strictObject({
            totalGb: Count,
            bootVolumeMinGb: Count,
            blockVolumeMinGb: Count,
            source: SourceId,
        }),
        flexibleLoadBalancers: z.strictObject({ count: Count, bandwidthMbps: Count, source: SourceId }),
        networkLoadBalancers: z.strictObject({ count: Count, source: SourceId }),
        autonomousDatabases: z.strictObject({ count: Count, storageGbEach: Count, source: SourceId }),
        objectStorage: z.strictObject({ storageGb: Count, apiRequestsPerMonth: Count, source: SourceId }),
        vault: z.strictObject({ secrets: Count, hsmKeyVersions: Count, source: SourceId }),
        /** Gateways a private subnet needs; 0 where the free tier has none (`LimitExceeded`). */
        natGateways: z.strictObject({ count: Count, source: SourceId }),
        serviceGateways: z.strictObject({ count: Count, source: SourceId }),
    }),
    history: z
        .array(
            z.strictObject({
                resource: z.enum(["a1", "microInstances", "blockStorage", "flexibleLoadBalancers", "networkLoadBalancers", "autonomousDatabases", "objectStorage", "vault", "natGateways", "serviceGateways"]),
                ocpus: Amount.optional(),
                memoryGb: Amount.optional(),
                count: Count.optional(),
                totalGb: Count.optional(),
                validFrom: IsoDate,
                validTo: IsoDate,
                note: z.string().optional(),
                source: SourceId,
            }),
        )
        .default([]),
    prices: z.record(z.enum(PRICE_KEYS), Price),
    /**
     * The security and governance services of the CIS baseline (plan/securityBaseline.ts): whether
     * an Always Free tenancy has them, within what, and where that was read.
     */
    securityServices: z.record(
        z.enum(SECURITY_SERVICES),
        z.strictObject({ alwaysFree: z.boolean(), limit: z.string().optional(), note: z.string().optional(), source: SourceId }),
    ),
});

/** The parsed allowances file. */
export type FreeTierAllowances = z.infer<typeof FreeTierAllowancesSchema>;

/** Path of the committed allowances file. */
export const DEFAULT_ALLOWANCES_FILE = resolve(PROJECT_ROOT, "data", "free-tier-allowances.yaml");

function lineOf(doc: Document, counter: LineCounter, path: (string | number)[]): number | undefined {
    let node: unknown = doc.contents;
    let found: YamlNode | undefined = doc.contents ?? undefined;
    for (const key of path) {
        if (isMap(node)) {
            const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
            if (!pair) break;
            found = (pair.key as YamlNode) ?? found;
            node = pair.value;
        } else if (isSeq(node) && typeof key === "number") {
            node = node.items[key];
            found = (node as YamlNode) ?? found;
        } else break;
    }
    const offset = found?.range?.[0];
    return offset === undefined ? undefined : counter.linePos(offset).line;
}

function formatPath(path: PropertyKey[]): string {
    return path.reduce<string>((acc, key) => (typeof key === "number" ? `${acc}[${key}]` : acc === "" ? String(key) : `${acc}.${String(key)}`), "");
}

/** Cross-field checks: every `source` names a declared source; dates are ordered. */
function crossCheck(value: FreeTierAllowances): { path: (string | number)[]; message: string }[] {
    const problems: { path: (string | number)[]; message: string }[] = [];
    const ids = new Set<string>();
    value.sources.forEach((s, i) => {
        if (ids.has(s.id)) problems.push({ path: ["sources", i, "id"], message: `duplicate source id "${s.id}"` });
        ids.add(s.id);
    });
    const checkSource = (source: string, path: (string | number)[]) => {
        if (!ids.has(source)) problems.push({ path, message: `unknown source "${source}" (declare it under sources)` });
    };
    for (const [key, allowance] of Object.entries(value.allowances)) checkSource(allowance.source, ["allowances", key, "source"]);
    for (const [key, price] of Object.entries(value.prices)) checkSource(price.source, ["prices", key, "source"]);
    for (const [key, service] of Object.entries(value.securityServices)) checkSource(service.source, ["securityServices", key, "source"]);
    value.history.forEach((h, i) => {
        checkSource(h.source, ["history", i, "source"]);
        if (h.validTo < h.validFrom) problems.push({ path: ["history", i, "validTo"], message: `validTo ${h.validTo} is before validFrom ${h.validFrom}` });
    });
    return problems;
}

/** Parses allowances YAML text. Throws `UserInputError` with one problem per mistake. */
export function parseAllowances(text: string, fileName = "free-tier-allowances.yaml"): FreeTierAllowances {
    const { doc, lines: counter, data } = parseYamlInput(text, fileName);
    const result = FreeTierAllowancesSchema.safeParse(data);
    const problems: Problem[] = [];
    if (!result.success) {
        for (const issue of result.error.issues) {
            const path = issue.path.filter((k): k is string | number => typeof k !== "symbol");
            const unknownKeys = issue.code === "unrecognized_keys" ? issue.keys : [];
            if (unknownKeys.length > 0) {
                for (const key of unknownKeys) {
                    problems.push({ path: formatPath([...path, key]), message: `unknown key "${key}"`, line: lineOf(doc, counter, [...path, key]) });
                }
            } else {
                problems.push({ path: formatPath(path), message: issue.message, line: lineOf(doc, counter, path) });
            }
        }
        throw new UserInputError(problems);
    }
    for (const p of crossCheck(result.data)) problems.push({ path: formatPath(p.path), message: p.message, line: lineOf(doc, counter, p.path) });
    if (problems.length > 0) throw new UserInputError(problems);
    return result.data;
}

/** Reads and validates the allowances file (the committed one by default). */
export function loadAllowances(file: string = DEFAULT_ALLOWANCES_FILE): FreeTierAllowances {
    return parseAllowances(readInputFile(file, file, "the allowances file"), file);
}

/** Monthly cost of one unit of `key` (hourly prices × hours per month). */
export function monthlyUnitPrice(allowances: FreeTierAllowances, key: PriceKey): { unitPrice: number; unitsPerMonth: number } {
    const price = allowances.prices[key];
    const unitsPerMonth = /-hour$/.test(price.unit) ? allowances.hoursPerMonth : 1;
    return { unitPrice: price.amount, unitsPerMonth };
}
