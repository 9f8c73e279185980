/**
 * `--format sarif` validates against the OASIS SARIF 2.1.0 schema (test/fixtures/sarif) and
 * carries what code scanning needs: rules with remediation help and CIS/Checkov tags, results
 * located at the topology line where the resource comes from, else at the resource's URN.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { policies, topologyPolicies } from "../../policies/all";
import { checkOutcome } from "../../policies/report/outcome";
import { toSarif, type SarifLog } from "../../policies/report/sarif";
import { TopologyLocator } from "../../policies/report/sourceLocations";
import { parseSuppressions } from "../../policies/suppressions";
import { runPolicies } from "../../policies/runner";
import { compliantAccount, context, modify, plannedStack } from "./fixtures";
import { sarifErrors } from "./sarifSchema";

const ROOT = resolve(__dirname, "..", "..");

async function sarifOf(suppressionsYaml?: string): Promise<SarifLog> {
    const broken = modify(compliantAccount(), "eu-be-01-app-nsg-tcp-22-from-bastion", (r) => ({ inputs: { ...r.inputs, source: "0.0.0.0/0" } }));
    const run = await runPolicies([plannedStack(broken)], { context });
    const suppressions = suppressionsYaml ? parseSuppressions(suppressionsYaml, "policies/suppressions.yaml") : [];
    const outcome = checkOutcome(run, [...policies, ...topologyPolicies], suppressions, new Date("2026-11-29T00:00:00Z"));
    return toSarif(outcome, new TopologyLocator(join(ROOT, "topology", "blitzhub.yaml")));
}

describe("SARIF output", () => {
    it("the schema check itself rejects a log that is not SARIF", () => {
        expect(sarifErrors({ version: "2.1.0", runs: [{ tool: {} }] })).not.toEqual([]);
        expect(sarifErrors({ version: "2.0.0", runs: [] })).not.toEqual([]);
    });

    it("validates against the SARIF 2.1.0 schema, with one rule per policy", async () => {
        const log = await sarifOf();
        expect(sarifErrors(log)).toEqual([]);
        const rules = log.runs[0].tool.driver.rules;
        expect(rules.map((r) => r.id)).toEqual([...policies, ...topologyPolicies].map((p) => p.name));
        const admin = rules.find((r) => r.id === "no-admin-ports-from-internet")!;
        expect(admin.help.text).toBe(policies.find((p) => p.name === admin.id)!.remediationSteps);
        expect(admin.defaultConfiguration.level).toBe("error");
        expect(admin.properties.tags).toEqual(["security", "CIS-OCI-3.0.0:2.1", "CIS-OCI-3.0.0:2.2", "CIS-OCI-3.0.0:2.3", "CIS-OCI-3.0.0:2.4", "CKV_OCI_19", "CKV_OCI_20", "CKV_OCI_22", "CKV2_OCI_2"]);
    });

    it("locates results at the topology entry of the resource and at its URN", async () => {
        const results = (await sarifOf()).runs[0].results;
        expect(results.map((r) => r.ruleId)).toEqual(["no-admin-ports-from-internet", "public-ingress-only-on-listeners"]);
        const [first] = results;
        const topology = readFileSync(join(ROOT, "topology", "blitzhub.yaml"), "utf8").split("\n");
        const region = first.locations[0].physicalLocation!;
        expect(region.artifactLocation.uri).toBe("topology/blitzhub.yaml");
        // The fixture's resource is not a VM of the topology: the account's entry is where it comes from.
        expect(topology[region.region!.startLine - 1]).toContain("name: EU-BE-01");
        expect(first.locations[0].logicalLocations).toEqual([
            { name: "eu-be-01-app-nsg-tcp-22-from-bastion", fullyQualifiedName: expect.stringMatching(/^urn:pulumi:eu::blitzhub::.*::eu-be-01-app-nsg-tcp-22-from-bastion$/), kind: "resource" },
        ]);
        expect(first.level).toBe("error");
    });

    it("a suppressed result carries its justification; an expired suppression is an error notification", async () => {
        const yaml = [
            "suppressions:",
            "  - policy: no-admin-ports-from-internet",
            "    account: EU-BE-01",
            "    resource: eu-be-01-app-nsg-tcp-22-from-bastion",
            "    reason: Migration window, ticket OPS-12.",
            "    expires: 2026-12-31",
            "  - policy: bucket-versioned",
            "    account: EU-BE-01",
            "    resource: eu-be-01-backups",
            "    reason: Versioning off during the restore test.",
            "    expires: 2026-11-01",
            "",
        ].join("\n");
        const log = await sarifOf(yaml);
        expect(sarifErrors(log)).toEqual([]);
        expect(log.runs[0].results[0].suppressions).toEqual([
            {
                kind: "external",
                status: "accepted",
                justification: "Migration window, ticket OPS-12.",
                location: { physicalLocation: { artifactLocation: { uri: "policies/suppressions.yaml" }, region: { startLine: 2 } } },
                properties: { expires: "2026-12-31" },
            },
        ]);
        expect(log.runs[0].invocations[0].exitCode).toBe(1);
        expect(log.runs[0].invocations[0].toolExecutionNotifications.map((n) => n.message.text)).toEqual([
            "Suppression suppressions[1] of bucket-versioned expired on 2026-11-01: it suppresses nothing and fails the check until it is renewed or removed.",
        ]);
    });
});

describe("TopologyLocator", () => {
    const locator = new TopologyLocator(join(ROOT, "topology", "blitzhub.yaml"));
    const lines = readFileSync(join(ROOT, "topology", "blitzhub.yaml"), "utf8").split("\n");

    it("finds a block volume, a VM and an account entry", () => {
        const ledger = locator.locate("EU-SOL-01", "eu-sol-01-validator-ledger")!;
        expect(ledger.yamlPath).toMatch(/^roles\.solana\.vms\[\d+\]\.blockVolumes\[0\]$/);
        expect(lines[ledger.line - 1]).toContain("name: ledger");
        const vm = locator.locate("EU-SOL-01", "eu-sol-01-rpc-gateway")!;
        expect(lines[vm.line - 1]).toContain("name: rpc-gateway");
        const vcn = locator.locate("EU-SOL-01", "eu-sol-01-vcn")!;
        expect(vcn.yamlPath).toMatch(/^accounts\[\d+\]$/);
        expect(locator.locate(null, "x")).toBeUndefined();
    });
});
