/**
 * `npm run check -- --format sarif`: the findings as a SARIF 2.1.0 log for code scanning. One
 * rule per policy (help = its remediation, tags = its CIS and Checkov ids), one result per
 * finding, located at the topology entry the resource comes from (physical location) and always
 * at the resource's URN (logical location). Suppressed findings carry a SARIF `suppressions`
 * entry pointing at the suppression file; expired suppressions are error notifications.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { cisBenchmark } from "../frameworks/benchmarks";
import type { BlitzPolicy } from "../lib/policy";
import type { Finding, Suppression } from "../suppressions";
import type { CheckOutcome } from "./outcome";
import type { TopologyLocator } from "./sourceLocations";

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/** The subset of SARIF 2.1.0 this writer produces (the schema test checks the whole log). */
export interface SarifLog {
    $schema: string;
    version: "2.1.0";
    runs: SarifRun[];
}

interface Message {
    text: string;
    markdown?: string;
}

interface PhysicalLocation {
    artifactLocation: { uri: string };
    region?: { startLine: number };
}

interface Location {
    physicalLocation?: PhysicalLocation;
    logicalLocations?: { name?: string; fullyQualifiedName?: string; kind?: string }[];
}

interface SarifRule {
    id: string;
    shortDescription: Message;
    fullDescription: Message;
    help: Message;
    defaultConfiguration: { level: "error" | "warning" };
    properties: { tags: string[]; enforcement: string; cis: string[]; checkov: string[] };
}

interface SarifResult {
    ruleId: string;
    ruleIndex: number;
    level: "error" | "warning";
    message: Message;
    locations: Location[];
    partialFingerprints: Record<string, string>;
    suppressions?: { kind: "external"; status: "accepted"; justification: string; location?: Location; properties: { expires: string } }[];
    properties: { stack: string | null; account: string | null };
}

interface SarifRun {
    tool: { driver: { name: string; version: string; semanticVersion: string; rules: SarifRule[] } };
    invocations: {
        executionSuccessful: boolean;
        exitCode: number;
        toolExecutionNotifications: { level: "error" | "warning"; message: Message; locations?: Location[] }[];
    }[];
    results: SarifResult[];
    properties: { benchmark: string; stacks: string[] };
}

/** `CIS-OCI-3.0.0:2.1`: a tag code-scanning UIs can filter on. */
export function cisTag(id: string): string {
    return `CIS-OCI-${cisBenchmark().version}:${id}`;
}

function packVersion(): string {
    const pkg = JSON.parse(readFileSync(resolve(PROJECT_ROOT, "policies", "package.json"), "utf8")) as { version: string };
    return pkg.version;
}

function levelOf(policy: Pick<BlitzPolicy, "enforcementLevel">): "error" | "warning" {
    return policy.enforcementLevel === "mandatory" ? "error" : "warning";
}

function rule(policy: BlitzPolicy): SarifRule {
    const { cis, checkov } = policy.frameworks;
    const refs = [
        ...cis.map((c) => `CIS OCI v${cisBenchmark().version} ${c.id}${c.coverage === "partial" ? " (in part)" : ""}`),
        ...checkov.map((id) => `Checkov ${id}`),
    ];
    return {
        id: policy.name,
        shortDescription: { text: policy.description },
        fullDescription: { text: `${policy.description} Enforcement: ${policy.enforcementLevel}.${refs.length > 0 ? ` Implements ${refs.join(", ")}.` : ""}` },
        help: {
            text: policy.remediationSteps,
            markdown: `**Remediation:** ${policy.remediationSteps}${refs.length > 0 ? `\n\n**Benchmarks:** ${refs.join(", ")}` : ""}`,
        },
        defaultConfiguration: { level: levelOf(policy) },
        properties: {
            tags: ["security", ...cis.map((c) => cisTag(c.id)), ...checkov],
            enforcement: policy.enforcementLevel,
            cis: cis.map((c) => c.id),
            checkov: [...checkov],
        },
    };
}

function suppressionLocation(s: Suppression): Location {
    return { physicalLocation: { artifactLocation: { uri: s.file.split("\\").join("/") }, ...(s.line === undefined ? {} : { region: { startLine: s.line } }) } };
}

function fingerprint(f: Finding): string {
    return createHash("sha256").update(`${f.policy}\0${f.urn ?? f.stack ?? ""}\0${f.message}`).digest("hex").slice(0, 32);
}

function result(f: Finding, ruleIndex: number, policy: BlitzPolicy, locator: TopologyLocator | undefined): SarifResult {
    const logical = f.urn
        ? { name: f.resourceName ?? undefined, fullyQualifiedName: f.urn, kind: "resource" }
        : { name: f.stack ? `stack ${f.stack}` : "all stacks", kind: "module" };
    const source = locator?.locate(f.account, f.resourceName);
    const location: Location = {
        ...(source ? { physicalLocation: { artifactLocation: { uri: source.file }, region: { startLine: source.line } } } : {}),
        logicalLocations: [logical],
    };
    return {
        ruleId: f.policy,
        ruleIndex,
        level: levelOf(policy),
        message: { text: f.account && !f.message.startsWith(f.account) ? `${f.account}: ${f.message}` : f.message },
        locations: [location],
        partialFingerprints: { "blitzhubFinding/v1": fingerprint(f) },
        ...(f.suppression
            ? {
                  suppressions: [
                      {
                          kind: "external" as const,
                          status: "accepted" as const,
                          justification: f.suppression.reason,
                          location: suppressionLocation(f.suppression),
                          properties: { expires: f.suppression.expires },
                      },
                  ],
              }
            : {}),
        properties: { stack: f.stack, account: f.account },
    };
}

/** The SARIF log of one check run. `locator` finds topology lines; without it results carry URNs only. */
export function toSarif(outcome: CheckOutcome, locator?: TopologyLocator): SarifLog {
    const policies = [...outcome.policies.values()];
    const index = new Map(policies.map((p, i) => [p.name, i]));
    const version = packVersion();
    const notifications = outcome.expired.map((s) => ({
        level: "error" as const,
        message: { text: `Suppression ${s.path} of ${s.policy} expired on ${s.expires}: it suppresses nothing and fails the check until it is renewed or removed.` },
        locations: [suppressionLocation(s)],
    }));
    return {
        $schema: SARIF_SCHEMA_URI,
        version: "2.1.0",
        runs: [
            {
                tool: { driver: { name: "blitzhub-policies", version, semanticVersion: version, rules: policies.map(rule) } },
                invocations: [{ executionSuccessful: true, exitCode: outcome.exitCode, toolExecutionNotifications: notifications }],
                results: outcome.findings.map((f) => {
                    const policy = outcome.policies.get(f.policy);
                    if (!policy) throw new Error(`finding of unknown policy ${f.policy}`);
                    return result(f, index.get(f.policy)!, policy, locator);
                }),
                properties: { benchmark: `CIS Oracle Cloud Infrastructure Foundations Benchmark v${cisBenchmark().version}`, stacks: outcome.report.stacks },
            },
        ],
    };
}
