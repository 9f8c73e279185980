/**
 * End to end: `npm run check` over the real program under the offline engine, on the default
 * topology and on topologies changed to break a rule. Where the model already rejects the
 * change, exit 2 with the YAML path is the expected answer.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseDocument, type Document, type YAMLMap, type YAMLSeq } from "yaml";
import { describe, expect, it } from "vitest";
import { policies, topologyPolicies } from "../../policies/all";
import { sarifErrors } from "./sarifSchema";

const ROOT = resolve(__dirname, "..", "..");
const TOPOLOGY = join(ROOT, "topology", "blitzhub.yaml");
const dir = mkdtempSync(join(tmpdir(), "blitzhub-check-"));

interface Run {
    code: number;
    stdout: string;
    stderr: string;
}

function check(...args: string[]): Promise<Run> {
    return new Promise((done) => {
        execFile(
            process.execPath,
            [join(ROOT, "offline", "launch.mjs"), "check", ...args],
            { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) => done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

/** Writes a copy of the default topology with one edit; returns its path. */
function variant(name: string, edit: (doc: Document) => void): string {
    const doc = parseDocument(readFileSync(TOPOLOGY, "utf8"));
    edit(doc);
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, doc.toString());
    return file;
}

/** The mandatory section of the report. */
function mandatory(stdout: string): string {
    return stdout.slice(stdout.indexOf("Mandatory violations"), stdout.indexOf("Advisory violations"));
}

describe("npm run check", () => {
    it("passes the default topology on every stack and prints the advisory overages", async () => {
        const run = await check("--stack", "all");
        expect(run.stderr).not.toContain("check failed");
        expect(run.code).toBe(0);
        expect(run.stdout).toContain("Mandatory violations (0):");
        // The 10 pay-as-you-go tenancies keep the spec's 4 OCPU / 24 GB A1 (costed); two Solana ledgers over 200 GB.
        expect(run.stdout).toMatch(/^Billing modes \(5 alwaysFree, 10 payAsYouGo\):$/m);
        expect(run.stdout.match(/^ {2}free-tier-a1-allowance /gm)).toHaveLength(10);
        expect(run.stdout).toMatch(/free-tier-block-storage {2}\[eu\] EU-SOL-01 eu-sol-01-validator-ledger\n {6}EU-SOL-01: block storage 250 GB \(boot 150 \+ block 100\) exceeds the Always Free 200 GB .* by 50 GB: USD \d+\.\d{2}\/month/);
        expect(run.stdout).toMatch(/free-tier-block-storage {2}\[as\] AS-SOL-01/);
        // 12 free-tier overages (pay-as-you-go tenancies), and per stack one finding per CIS control still advisory.
        expect(run.stdout).toMatch(/^PASS: 0 mandatory, \d+ advisory \(\d+ policies over \d+ resources in stacks eu, na, sa, as, au\)$/m);
        expect(run.stdout.match(/^ {2}cis-instance-secure-boot /gm)).toHaveLength(5);
        expect(run.stdout.match(/^ {2}cis-created-by-tag-default /gm)).toBeNull();
        expect(run.stdout.match(/^ {2}cis-key-rotation /gm)).toBeNull();
        expect(run.stdout.match(/^ {2}cis-subnet-flow-logs /gm)).toBeNull();
        // Each finding: policy and where, the message, then what to change (the policy's remediation).
        const remediation = new Map([...policies, ...topologyPolicies].map((p) => [p.name, p.remediationSteps]));
        const advisory = Number(/^PASS: 0 mandatory, (\d+) advisory/m.exec(run.stdout)![1]);
        const blocks = [...run.stdout.matchAll(/^ {2}(\S+) {2}\[\w+\] .*\n {6}.*\n {6}fix: (.*)$/gm)];
        expect(blocks).toHaveLength(advisory);
        for (const [, policy, fix] of blocks) expect(fix, policy).toBe(remediation.get(policy));
    }, 180_000);

    it("fails a third micro in one account, naming account, resource and rule", async () => {
        const file = variant("third-micro", (doc) => {
            const vms = doc.getIn(["roles", "security", "vms"]) as YAMLSeq;
            const copy = doc.createNode((vms.items[2] as YAMLMap).toJSON()) as YAMLMap;
            copy.set("name", "vault-4");
            vms.add(copy);
        });
        const run = await check("--stack", "eu", "--topology", file);
        expect(run.code).toBe(1);
        expect(mandatory(run.stdout)).toContain(
            "free-tier-micro-instances  [eu] EU-SEC-01 eu-sec-01-vault-4\n      EU-SEC-01: 3 VM.Standard.E2.1.Micro instances exceed the Always Free 2",
        );
        expect(mandatory(run.stdout)).toMatch(/eu-sec-01-vault-4\n.*\n {6}fix: Move the extra micro's services onto the tenancy's A1 or another micro, or into another tenancy\.\n/);
    }, 180_000);

    it("fails an 8-OCPU A1", async () => {
        const file = variant("a1-8-ocpu", (doc) => doc.setIn(["roles", "security", "vms", 0, "ocpus"], 8));
        const run = await check("--stack", "eu", "--topology", file);
        expect(run.code).toBe(1);
        expect(mandatory(run.stdout)).toContain(
            "free-tier-a1-ceiling  [eu] EU-SEC-01 eu-sec-01-vault-1\n      EU-SEC-01: A1 8 OCPU / 24 GB exceeds the 4 OCPU / 24 GB ceiling",
        );
    }, 180_000);

    it("refuses SSH open to the world through a public listener (the model rejects it: exit 2 with the path)", async () => {
        const file = variant("ssh-listener", (doc) => {
            const listeners = doc.getIn(["roles", "frontend", "loadBalancer", "listeners"]) as YAMLSeq;
            const copy = doc.createNode((listeners.items[0] as YAMLMap).toJSON()) as YAMLMap;
            copy.set("name", "ssh");
            copy.set("port", 22);
            copy.set("protocol", "TCP");
            copy.delete("tls");
            listeners.add(copy);
        });
        const run = await check("--stack", "eu", "--topology", file);
        expect(run.code).toBe(2);
        // The frontend has two listeners (HTTPS 443, the redirecting 80): the SSH one is the third.
        // Each line names the topology file, then the YAML path and its line.
        expect(run.stderr.split("\n").some((line) => line.startsWith(`${file}: roles.frontend.loadBalancer.listeners[2].port:`) && line.includes("22")), run.stderr).toBe(true);
        expect(run.stderr).not.toContain("    at ");
    }, 180_000);

    it("refuses overlapping address blocks (the model rejects them: exit 2 with the path)", async () => {
        const file = variant("overlap", (doc) => doc.setIn(["roles", "monitoring", "block"], "10.0.4.0/24"));
        const run = await check("--stack", "all", "--topology", file);
        expect(run.code).toBe(2);
        const [line, ...others] = run.stderr.trim().split("\n");
        expect(others).toEqual([]);
        expect(line.startsWith(`${file}: roles.monitoring.block:`) && line.includes("block 10.0.4.0/24 overlaps"), line).toBe(true);
    }, 180_000);

    it("rejects an unknown stack with exit 2", async () => {
        const run = await check("--stack", "mars");
        expect(run.code).toBe(2);
        expect(run.stderr).toBe('--stack: unknown stack "mars" (stacks: eu, na, sa, as, au, all)\n');
    }, 60_000);

    it("--format sarif: a SARIF 2.1.0 log; an expired suppression fails the check (exit 1), a live one is listed as suppressed", async () => {
        const suppressions = join(dir, "suppressions.yaml");
        writeFileSync(
            suppressions,
            [
                "suppressions:",
                "  - policy: free-tier-block-storage",
                "    account: EU-SOL-01",
                "    resource: eu-sol-01-validator-ledger",
                "    reason: The ledger needs 100 GB; the overage is priced and accepted.",
                "    expires: 2999-12-31",
                "  - policy: free-tier-a1-allowance",
                "    account: EU-SEC-01",
                "    resource: eu-sec-01-vault-1",
                "    reason: Accepted until the A1 allowance was re-checked.",
                "    expires: 2020-01-01",
                "",
            ].join("\n"),
        );
        const run = await check("--stack", "eu", "--format", "sarif", "--suppressions", suppressions);
        expect(run.code).toBe(1);
        const log = JSON.parse(run.stdout) as { runs: { results: { ruleId: string; suppressions?: unknown[]; locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[]; invocations: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
        expect(sarifErrors(log)).toEqual([]);
        const ledger = log.runs[0].results.filter((r) => r.ruleId === "free-tier-block-storage");
        expect(ledger).toHaveLength(1);
        expect(ledger[0].suppressions).toHaveLength(1);
        expect(ledger[0].locations[0].physicalLocation?.artifactLocation.uri).toBe("topology/blitzhub.yaml");
        expect(log.runs[0].invocations[0].toolExecutionNotifications[0].message.text).toMatch(/^Suppression suppressions\[1\] of free-tier-a1-allowance expired on 2020-01-01/);
    }, 180_000);

    it("--today: a key whose newest rotation is 366 days old fails cis-key-rotation (mandatory); a day that does not exist exits 2", async () => {
        const rotated = variant("rotated-2026-01-15", (doc) => doc.set("keyRotations", ["2026-01-15"]));
        const late = await check("--stack", "au", "--topology", rotated, "--today", "2027-01-16");
        expect(late.code).toBe(1);
        // AU-FE-01 is the au stack's one tenancy: one finding for its key.
        expect(mandatory(late.stdout)).toMatch(/^ {2}cis-key-rotation {2}\[au\] AU-FE-01 au-fe-01-cmk {2}\(CIS 4\.16\)\n {6}AU-FE-01\/au-fe-01-cmk is not rotated within 365 days: the newest version \(2026-01-15\) is 366 days old on 2027-01-16, more than 365$/m);
        const bad = await check("--stack", "au", "--today", "2027-02-30");
        expect(bad.code).toBe(2);
        expect(bad.stderr).toMatch(/--today: "2027-02-30" is not a date such as 2026-11-30/);
    }, 120_000);

    it("a malformed suppression file exits 2 naming file, field and line, before planning", async () => {
        const suppressions = join(dir, "bad-suppressions.yaml");
        writeFileSync(suppressions, "suppressions:\n  - policy: bucket-versioned\n    urn: urn:x\n    reason: short\n    expires: tomorrow\n");
        const run = await check("--stack", "eu", "--suppressions", suppressions);
        expect(run.code).toBe(2);
        expect(run.stderr.trim().split("\n")).toEqual([
            expect.stringMatching(/bad-suppressions\.yaml: suppressions\[0\]\.reason:4: must say why the finding is accepted/),
            expect.stringMatching(/bad-suppressions\.yaml: suppressions\[0\]\.expires:5: must be a date such as 2027-06-30/),
        ]);
    }, 60_000);

    it("--cis-report: every CIS recommendation answered for each kind of tenancy the plan has", async () => {
        const run = await check("--stack", "eu", "--cis-report", "--format", "json");
        expect(run.code).toBe(0);
        const { cisReports } = JSON.parse(run.stdout) as { cisReports: { tenancyKind: string; items: { id: string; status: string; why: string }[] }[] };
        // eu holds EU-FE-01 (alwaysFree) and eight payAsYouGo tenancies (topology accounts[].billing).
        expect(cisReports.map((r) => r.tenancyKind)).toEqual(["alwaysFree", "payAsYouGo"]);
        for (const { tenancyKind, items } of cisReports) {
            expect(items).toHaveLength(54);
            const status = (id: string) => items.find((i) => i.id === id)?.status;
            // Network, compute, compartments, detective controls and customer-managed keys pass.
            // The CreatedBy tag default (4.1) and key rotation as code (4.16) too.
            const passing = ["2.1", "2.3", "2.5", "3.1", "3.3", "4.1", "4.2", "4.3", "4.12", "4.13", "4.16", "4.17", "4.18", "5.1.1", "5.1.2", "5.1.3", "5.2.1", "5.2.2", "6.1", "6.2"];
            expect(passing.map(status), tenancyKind).toEqual(Array(passing.length).fill("pass"));
            // Not applied, and the finding says why: Secure Boot would replace every existing VM.
            expect(status("3.2"), tenancyKind).toBe("fail");
            expect(items.find((i) => i.id === "3.2")!.why, tenancyKind).toMatch(/not applied: turning it on replaces each existing instance/);
            // Cloud Guard: not applicable to Always Free tenancies, enabled in pay-as-you-go ones.
            const cloudGuard = tenancyKind === "alwaysFree" ? "not applicable" : "pass";
            expect(["4.14", "4.15"].map(status), tenancyKind).toEqual([cloudGuard, cloudGuard]);
            expect(items.filter((i) => i.status === "manual").every((i) => i.why.length > 20)).toBe(true);
        }
    }, 180_000);
});
