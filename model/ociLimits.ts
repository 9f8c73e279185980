/**
 * OCI's documented limits (`data/oci-limits.yaml`): values the API refuses beyond, each with
 * the source it was read from. Read once per process; the model, the plan and render check
 * against it, and every message links to Oracle's page (`limitText`).
 */
import { resolve } from "node:path";
import { z } from "zod";
import { UserInputError, type Problem } from "./errors";
import { PROJECT_ROOT } from "./projectRoot";
import { parseYamlInput, readInputFile } from "./yamlInput";
import { formatPath, lineOfPath } from "./yamlPath";

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date such as 2026-11-29");
const SourceId = z.string().regex(/^[a-z0-9-]+$/, "must be a source id (a-z, 0-9, '-')");
const Max = z.strictObject({ max: z.number().int().min(1), source: SourceId });

export const OciLimitsSchema = z.strictObject({
    version: z.number().int().min(1),
    asOf: IsoDate,
    sources: z.array(z.strictObject({ id: SourceId, url: z.url(), description: z.string().min(1), date: IsoDate })).min(1),
    limits: z.strictObject({
        bootVolumeGb: z.strictObject({ min: z.number().int().min(1), max: z.number().int().min(1), source: SourceId }),
        displayNameChars: Max,
        hostnameLabelChars: Max,
        dnsLabelChars: Max,
        userDataBytes: Max,
        securityRulesPerNsg: Max,
        nsgsPerVnic: Max,
        iamStatementsPerPolicy: Max,
        iamPoliciesPerTenancy: Max,
        iamStatementsPerCompartmentPath: Max,
        drgVcnAttachments: Max,
        drgRemotePeeringConnections: Max,
        lbListeners: Max,
        lbBackendSets: Max,
    }),
});
export type OciLimits = z.infer<typeof OciLimitsSchema>;
export type OciLimitKey = keyof OciLimits["limits"];

/** Path of the committed limits file. */
export const DEFAULT_OCI_LIMITS_FILE = resolve(PROJECT_ROOT, "data", "oci-limits.yaml");

/** Parses limits YAML text; every mistake is a problem naming its path and line. */
export function parseOciLimits(text: string, fileName = "oci-limits.yaml"): OciLimits {
    const { doc, lines, data } = parseYamlInput(text, fileName);
    const result = OciLimitsSchema.safeParse(data);
    const at = (path: (string | number)[], message: string): Problem => {
        const line = lineOfPath(doc, lines, path);
        return { path: `${fileName}: ${formatPath(path)}`, message, ...(line === undefined ? {} : { line }) };
    };
    if (!result.success) {
        throw new UserInputError(
            result.error.issues.map((issue) => at(issue.path.filter((k): k is string | number => typeof k !== "symbol"), issue.message)),
        );
    }
    const ids = new Set(result.data.sources.map((s) => s.id));
    const problems: Problem[] = [];
    for (const [key, limit] of Object.entries(result.data.limits)) {
        if (!ids.has(limit.source)) problems.push(at(["limits", key, "source"], `unknown source "${limit.source}" (declare it under sources)`));
    }
    const boot = result.data.limits.bootVolumeGb;
    if (boot.max < boot.min) problems.push(at(["limits", "bootVolumeGb", "max"], `max ${boot.max} is below min ${boot.min}`));
    if (problems.length > 0) throw new UserInputError(problems);
    return result.data;
}

let loaded: { file: string; limits: OciLimits } | undefined;

/** The limits of `file` (the committed one by default), read and validated once per process. */
export function loadOciLimits(file: string = DEFAULT_OCI_LIMITS_FILE): OciLimits {
    if (loaded?.file === file) return loaded.limits;
    const limits = parseOciLimits(readInputFile(file, file, "the OCI limits file"), file);
    loaded = { file, limits };
    return limits;
}

/** Where a limit comes from, for messages: `OCI allows at most 120 (https://docs.oracle.com/…)`. */
export function limitUrl(limits: OciLimits, key: OciLimitKey | "versions"): string {
    const id = key === "versions" ? "apt-version-pins" : limits.limits[key].source;
    return limits.sources.find((s) => s.id === id)?.url ?? "data/oci-limits.yaml";
}
