/**
 * The plan baseline: what `npm run plan -- --stack all --json` registers, reduced to one line per
 * resource (`<urn> <hash of its inputs>`), plus the full inputs of a few resources so a change
 * reads as a diff. A refactor must leave it unchanged; a feature that changes the plan on purpose
 * regenerates it with `npm run plan:baseline` and commits the new files with the change.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../model/projectRoot";
import type { PlanJson } from "../../offline/formatJson";

export const BASELINE_FILE = join(PROJECT_ROOT, "test/fixtures/plan-baseline.txt");
export const SAMPLES_FILE = join(PROJECT_ROOT, "test/fixtures/plan-baseline-samples.json");
export const REGENERATE = "npm run plan:baseline";

/**
 * Resources whose whole inputs are kept: one of each kind a refactor of the components is
 * likely to disturb (account, provider, network, VM, load balancer, delivery, vault, database).
 */
export const SAMPLE_URNS = [
    "urn:pulumi:eu::blitzhub::blitzhub:frontend:FrontendAccount::EU-FE-01",
    "urn:pulumi:eu::blitzhub::blitzhub:frontend:FrontendAccount$pulumi:providers:oci::eu-fe-01",
    "urn:pulumi:eu::blitzhub::blitzhub:frontend:FrontendAccount$blitzhub:network:AccountNetwork$oci:Core/vcn:Vcn::eu-fe-01-vcn",
    "urn:pulumi:eu::blitzhub::blitzhub:frontend:FrontendAccount$blitzhub:compute:Vm$oci:Core/instance:Instance::eu-fe-01-nginx-1",
    "urn:pulumi:eu::blitzhub::blitzhub:frontend:FrontendAccount$blitzhub:loadbalancing:FlexibleLoadBalancer$oci:LoadBalancer/loadBalancer:LoadBalancer::eu-fe-01-lb",
    "urn:pulumi:eu::blitzhub::blitzhub:security:SecurityAccount$blitzhub:security:SecretVault$oci:Kms/vault:Vault::eu-sec-01-kms-vault",
    "urn:pulumi:eu::blitzhub::blitzhub:data:DataAccount$blitzhub:data:AutonomousDatabase$oci:Database/autonomousDatabase:AutonomousDatabase::eu-data-01-adb",
    "urn:pulumi:na::blitzhub::blitzhub:backend:BackendAccount$blitzhub:network:AccountNetwork$oci:Core/drgAttachment:DrgAttachment::na-be-01-drg-attachment",
    "urn:pulumi:eu::blitzhub::blitzhub:network:NetworkAccount$blitzhub:delivery:ConfigDelivery$command:local:Command::eu-net-01-haproxy-1-haproxy-config",
    "urn:pulumi:eu::blitzhub::blitzhub:management:ManagementAccount$blitzhub:delivery:ConfigDelivery$command:local:Command::eu-mgmt-01-bastion-1-wireguard-config",
];

/** JSON with object keys sorted, so the hash does not depend on the order inputs were set in. */
export function canonicalJson(value: unknown): string {
    return JSON.stringify(value, (_key, v: unknown) =>
        v !== null && typeof v === "object" && !Array.isArray(v)
            ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
            : v,
    );
}

/** First 16 hex digits of the SHA-256 of the canonical inputs: short, and a change still shows. */
export function inputsHash(inputs: Record<string, unknown>): string {
    return createHash("sha256").update(canonicalJson(inputs)).digest("hex").slice(0, 16);
}

export interface PlanBaseline {
    /** `<urn> <inputsHash>`, sorted by URN. */
    lines: string[];
    /** Full inputs of `SAMPLE_URNS` (the ones the plan has). */
    samples: Record<string, Record<string, unknown>>;
}

export function planBaseline(plan: PlanJson): PlanBaseline {
    const resources = plan.stacks.flatMap((s) => s.resources);
    const lines = resources
        .map((r) => `${r.urn} ${inputsHash(r.inputs)}`)
        .sort();
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const samples = Object.fromEntries(SAMPLE_URNS.filter((urn) => byUrn.has(urn)).map((urn) => [urn, byUrn.get(urn)!.inputs]));
    return { lines, samples };
}

export function readBaseline(): PlanBaseline {
    return {
        lines: readFileSync(BASELINE_FILE, "utf8").split("\n").filter((l) => l !== ""),
        samples: JSON.parse(readFileSync(SAMPLES_FILE, "utf8")) as PlanBaseline["samples"],
    };
}

export function writeBaseline(baseline: PlanBaseline): void {
    writeFileSync(BASELINE_FILE, `${baseline.lines.join("\n")}\n`);
    writeFileSync(SAMPLES_FILE, `${JSON.stringify(JSON.parse(canonicalJson(baseline.samples)), null, 2)}\n`);
}

/** What differs between the saved baseline and the current one, as lines a reviewer can act on. */
export function baselineDiff(saved: PlanBaseline, current: PlanBaseline): string[] {
    const split = (lines: string[]) => new Map(lines.map((l) => [l.slice(0, l.lastIndexOf(" ")), l.slice(l.lastIndexOf(" ") + 1)]));
    const before = split(saved.lines);
    const after = split(current.lines);
    const out: string[] = [];
    for (const urn of before.keys()) if (!after.has(urn)) out.push(`- gone:    ${urn}`);
    for (const urn of after.keys()) if (!before.has(urn)) out.push(`+ new:     ${urn}`);
    for (const [urn, hash] of after) if (before.has(urn) && before.get(urn) !== hash) out.push(`~ inputs:  ${urn}`);
    return out;
}
