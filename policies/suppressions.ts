/**
 * Suppressions: a reviewed, dated exception to one policy on one resource, kept in
 * `policies/suppressions.yaml`. A suppressed finding is still reported (as suppressed, with its
 * reason); an expired entry suppresses nothing and fails the check until it is renewed or removed.
 *
 *     suppressions:
 *       - policy: free-tier-block-storage
 *         account: EU-SOL-01                # with `resource`, or instead of both: urn
 *         resource: eu-sol-01-validator-ledger
 *         reason: The ledger needs 100 GB; priced and accepted in review #42.
 *         expires: 2027-06-30
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { UserInputError, type Problem, yamlTypeName } from "../model/errors";
import { PROJECT_ROOT } from "../model/projectRoot";
import { formatPath, lineOfPath, type PathSegment } from "../model/yamlPath";
import type { Violation } from "./runner";

/** The committed suppression file. */
export const DEFAULT_SUPPRESSIONS_FILE = resolve(PROJECT_ROOT, "policies", "suppressions.yaml");

const IsoDate = z
    .string({ error: (issue) => (issue.input === undefined ? "missing required key (a date such as 2027-06-30)" : `expected a date such as 2027-06-30, got ${yamlTypeName(issue.input)}`) })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date such as 2027-06-30", abort: true })
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "is not a calendar date");

const Text = (what: string) =>
    z
        .string({ error: (issue) => (issue.input === undefined ? `missing required key (${what})` : `expected ${what}, got ${yamlTypeName(issue.input)}`) })
        .trim()
        .min(1, `must not be empty (${what})`);

const Entry = z
    .strictObject({
        policy: Text("a policy name"),
        urn: Text("a resource URN").optional(),
        account: Text("an account name such as EU-FE-01").optional(),
        resource: Text("a resource name").optional(),
        reason: Text("why the finding is accepted").refine((r) => r.length >= 10, "must say why the finding is accepted (10 characters or more)"),
        expires: IsoDate,
    })
    .superRefine((entry, ctx) => {
        const byName = entry.account !== undefined || entry.resource !== undefined;
        if (entry.urn !== undefined && byName) ctx.addIssue({ code: "custom", path: ["urn"], message: "name the resource either by urn or by account and resource, not both" });
        else if (entry.urn === undefined && !(entry.account !== undefined && entry.resource !== undefined)) {
            ctx.addIssue({ code: "custom", path: [entry.account === undefined ? "account" : "resource"], message: "missing required key: a suppression names its resource by urn, or by account and resource" });
        }
    });

const SuppressionFile = z.strictObject({ suppressions: z.array(Entry).nullable().default([]) });

/** One entry of the suppression file, with where it is. */
export interface Suppression {
    policy: string;
    urn?: string;
    account?: string;
    resource?: string;
    reason: string;
    /** Last day the suppression holds (`2027-06-30`, inclusive). */
    expires: string;
    /** File as shown to users (relative to the project) and 1-based line of the entry. */
    file: string;
    line?: number;
    /** `suppressions[3]`. */
    path: string;
}

/** A violation with the suppression that covers it, if any. */
export interface Finding extends Violation {
    suppression?: Suppression;
}

export interface SuppressionResult {
    findings: Finding[];
    /** Entries past their expiry date: they suppress nothing and fail the check. */
    expired: Suppression[];
    /** Entries that matched no finding (stale: the finding was fixed, or the entry is wrong). */
    unused: Suppression[];
}

function shown(file: string): string {
    const rel = relative(PROJECT_ROOT, file);
    return rel.startsWith("..") ? file : rel;
}

/**
 * Reads a suppression file. A missing default file means no suppressions; a missing file named
 * explicitly, bad YAML or a malformed entry throws `UserInputError` (file, field, line).
 */
export function loadSuppressions(file: string = DEFAULT_SUPPRESSIONS_FILE, options: { required?: boolean } = {}): Suppression[] {
    const name = shown(file);
    if (!existsSync(file)) {
        if (options.required) throw new UserInputError([{ path: name, message: "no such suppression file" }]);
        return [];
    }
    return parseSuppressions(readFileSync(file, "utf8"), name);
}

/** Parses suppression YAML; `name` is how the file is shown in messages. */
export function parseSuppressions(text: string, name: string): Suppression[] {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
        throw new UserInputError(
            doc.errors.map((e) => ({ path: name, message: `YAML syntax: ${e.message.split("\n")[0]}`, line: lineCounter.linePos(e.pos[0]).line })),
        );
    }
    // `expires: 2027-06-30` is a string in YAML 1.2 (the yaml package's default): no Date coercion.
    const data: unknown = doc.toJS() ?? { suppressions: [] };
    const where = (segments: PathSegment[], key = false): Pick<Problem, "path" | "line"> => {
        const line = lineOfPath(doc, lineCounter, segments, { key });
        return { path: `${name}: ${formatPath(segments) || "(root)"}`, ...(line === undefined ? {} : { line }) };
    };
    const parsed = SuppressionFile.safeParse(data);
    if (!parsed.success) {
        throw new UserInputError(
            parsed.error.issues.flatMap((issue) => {
                const path = issue.path.filter((s): s is PathSegment => typeof s !== "symbol");
                if (issue.code === "unrecognized_keys") return issue.keys.map((k) => ({ ...where([...path, k], true), message: `unknown key "${k}"` }));
                return [{ ...where(path), message: issue.message }];
            }),
        );
    }
    return (parsed.data.suppressions ?? []).map((entry, i) => {
        const at = where(["suppressions", i]);
        return { ...entry, file: name, path: `suppressions[${i}]`, ...(at.line === undefined ? {} : { line: at.line }) };
    });
}

/** True when `s` names the violation's policy and resource. */
function covers(s: Suppression, v: Violation): boolean {
    if (s.policy !== v.policy) return false;
    if (s.urn !== undefined) return s.urn === v.urn;
    return s.account === v.account && s.resource === v.resourceName;
}

/** `today` as `YYYY-MM-DD` in UTC. */
export function isoDay(date: Date): string {
    return date.toISOString().slice(0, 10);
}

/**
 * Marks the violations that a live suppression covers. An entry holds through its `expires` day
 * (UTC); from the day after, it is expired and suppresses nothing.
 */
export function applySuppressions(violations: Violation[], suppressions: Suppression[], today: Date = new Date()): SuppressionResult {
    const day = isoDay(today);
    const expired = suppressions.filter((s) => s.expires < day);
    const live = suppressions.filter((s) => s.expires >= day);
    const used = new Set<Suppression>();
    const findings = violations.map((v): Finding => {
        const suppression = live.find((s) => covers(s, v));
        if (!suppression) return { ...v };
        used.add(suppression);
        return { ...v, suppression };
    });
    return { findings, expired, unused: live.filter((s) => !used.has(s)) };
}

/** `policies/suppressions.yaml:12: suppressions[3] (policy X on EU-SOL-01/eu-sol-01-ledger) expired on 2026-10-01`. */
export function describeSuppression(s: Suppression): string {
    const target = s.urn ?? `${s.account}/${s.resource}`;
    return `${s.file}${s.line === undefined ? "" : `:${s.line}`}: ${s.path} (policy ${s.policy} on ${target})`;
}
