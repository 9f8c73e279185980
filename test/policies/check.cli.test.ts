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
        expect(run.stdout).toMatch(/^PASS: 0 mandatory, 12 advisory \(\d+ policies over \d+ resources in stacks eu, na, sa, as, au\)$/m);
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
            listeners.add(copy);
        });
        const run = await check("--stack", "eu", "--topology", file);
        expect(run.code).toBe(2);
        expect(run.stderr).toMatch(/^roles\.frontend\.loadBalancer\.listeners\[1\]\.port(:\d+)?: .*22/m);
        expect(run.stderr).not.toContain("    at ");
    }, 180_000);

    it("refuses overlapping address blocks (the model rejects them: exit 2 with the path)", async () => {
        const file = variant("overlap", (doc) => doc.setIn(["roles", "monitoring", "block"], "10.0.4.0/24"));
        const run = await check("--stack", "all", "--topology", file);
        expect(run.code).toBe(2);
        expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^roles\.monitoring\.block(:\d+)?: block 10\.0\.4\.0\/24 overlaps/)]);
    }, 180_000);

    it("rejects an unknown stack with exit 2", async () => {
        const run = await check("--stack", "mars");
        expect(run.code).toBe(2);
        expect(run.stderr).toBe('--stack: unknown stack "mars" (stacks: eu, na, sa, as, au, all)\n');
    }, 60_000);
});
