/**
 * `npm run plan` as a user runs it (`node offline/launch.mjs plan`): a child process, its exit code, stdout and stderr.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { mockSecretValue } from "../../offline/mocks";
import { PROJECT_DIR } from "../../stacks/config";
import { projectCopy } from "../projectCopy";
import { throwawayTestCertificate } from "../../render/internalPki";

/** Asynchronous, so the test worker stays responsive to vitest while a whole plan runs. */
function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((done) => {
        execFile(
            process.execPath,
            [path.join(PROJECT_DIR, "offline", "launch.mjs"), "plan", ...args],
            { cwd: PROJECT_DIR, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 },
            (error, stdout, stderr) => done({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
    });
}

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-cli-test-"));
}


describe("npm run plan", { timeout: 300_000 }, () => {
    it("--stack all --json prints the docs/design.md §4 JSON of all 15 accounts with secrets as [secret]", async () => {
        const { code, stdout, stderr } = await plan("--stack", "all", "--json");
        expect(code, stderr).toBe(0);
        const json = JSON.parse(stdout) as { stacks: { stack: string; region: string; resources: Record<string, unknown>[] }[] };
        expect(json.stacks.map((s) => s.stack)).toEqual(["eu", "na", "sa", "as", "au"]);
        const resources = json.stacks.flatMap((s) => s.resources);
        for (const r of resources) expect(Object.keys(r)).toEqual(["urn", "type", "name", "account", "parent", "inputs"]);
        const count = (type: string) => resources.filter((r) => r.type === type).length;
        expect(count("pulumi:providers:oci")).toBe(15);
        expect(count("oci:Core/instance:Instance")).toBe(45);
        expect(count("oci:LoadBalancer/loadBalancer:LoadBalancer")).toBe(15);
        expect(count("oci:NetworkLoadBalancer/networkLoadBalancer:NetworkLoadBalancer")).toBe(3);
        expect(new Set(resources.map((r) => r.account).filter(Boolean)).size).toBe(15);
        expect(stdout).toContain('"[secret]"');
        for (const r of resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword")) {
            const value = mockSecretValue(String(r.type), String(r.name), Number((r.inputs as { length: number }).length));
            expect(stdout.includes(value), String(r.name)).toBe(false);
        }
    });

    it("prints a tree by account that ends with the totals", async () => {
        const { code, stdout, stderr } = await plan("--stack", "sa");
        expect(code, stderr).toBe(0);
        expect(stdout).toMatch(/^Stack sa: 1 account, \d+ resources$/m);
        expect(stdout).toMatch(/^ {2}SA-FE-01: \d+ resources/m);
        expect(stdout).toMatch(/^ {4}SA-FE-01 {2}<blitzhub:frontend:FrontendAccount>$/m);
        const tail = stdout.trimEnd().split("\n").slice(-6);
        expect(tail[0]).toMatch(/^Totals: 1 stack \(sa\), 1 account, /);
        expect(tail[2]).toBe("  instances: 3 (2 VM.Standard.E2.1.Micro, 1 VM.Standard.A1.Flex 2 OCPU/12 GB)");
    });

    it("exits 2 on an unknown stack", async () => {
        const { code, stdout, stderr } = await plan("--stack", "mars");
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr.trim()).toBe('--stack: unknown stack "mars" (stacks: eu, na, sa, as, au, all)');
    });

    it("exits 2 with one line per problem for a malformed topology, and plans nothing", async () => {
        const dir = tempDir();
        const file = path.join(dir, "topology.yaml");
        const text = fs.readFileSync(path.join(PROJECT_DIR, "topology", "blitzhub.yaml"), "utf8");
        fs.writeFileSync(file, `${text.replace(/^addressSpace: .*$/m, "addressSpace: 10.0.0/16")}\nsurprise: true\n`);
        const { code, stdout, stderr } = await plan("--stack", "all", "--json", "--topology", file);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        const lines = stderr.trim().split("\n");
        expect(lines.some((l) => /addressSpace/.test(l))).toBe(true);
        expect(lines.some((l) => /surprise/.test(l))).toBe(true);
        // Each line names the file first: the topology given on the command line.
        for (const line of lines) expect(line.startsWith(`${file}: `), line).toBe(true);
        expect(stderr).not.toMatch(/^\s+at /m);
    });

    it("delivers Alertmanager once the stack file holds its three manual Slack secrets (encrypted), and not before", async () => {
        const dir = projectCopy();
        const topology = path.join(PROJECT_DIR, "topology", "blitzhub.yaml");
        const deliveries = async () => {
            const { code, stdout, stderr } = await plan("--stack", "eu", "--json", "--project-dir", dir, "--topology", topology);
            expect(code, stderr).toBe(0);
            const json = JSON.parse(stdout) as { stacks: { resources: { type: string; name: string; inputs: Record<string, unknown> }[] }[] };
            return json.stacks[0].resources.filter((r) => r.type === "command:local:Command" && r.name.startsWith("eu-mon-01-alertmanager-alertmanager-"));
        };
        expect(await deliveries()).toEqual([]);
        const eu = path.join(dir, "Pulumi.eu.yaml");
        const secure = (name: string) => `  blitzhub-secrets:alertmanager/slack_${name}_url:\n    secure: v1:c2FsdA==:ZmFrZS1jaXBoZXJ0ZXh0\n`;
        fs.appendFileSync(eu, ["critical", "warning", "operators"].map(secure).join(""));
        const delivered = await deliveries();
        expect(delivered.map((c) => c.name)).toEqual(["eu-mon-01-alertmanager-alertmanager-config"]);
        // The webhook URLs reach the VM through the delivery's secret environment, never the plan.
        expect(JSON.stringify(delivered[0].inputs)).not.toContain("fake-ciphertext");
    });

    it("exits 2 with the file, key and line of a bad stack config, and plans nothing", async () => {
        const dir = projectCopy();
        const na = path.join(dir, "Pulumi.na.yaml");
        fs.writeFileSync(
            na,
            fs.readFileSync(na, "utf8").replace("ocid1.group.oc1..examplenafe01networkadmins", "not-an-ocid").replace("  blitzhub:region: na\n", "  blitzhub:region: na\n  blitzhub:regoin: na\n"),
        );
        const topology = path.join(PROJECT_DIR, "topology", "blitzhub.yaml");
        const { code, stdout, stderr } = await plan("--stack", "na", "--project-dir", dir, "--topology", topology);
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr.trim().split("\n").sort()).toEqual([
            expect.stringMatching(/^Pulumi\.na\.yaml: blitzhub:accounts\.NA-FE-01\.networkAdminGroupOcid:\d+: must be an OCI group OCID$/),
            expect.stringMatching(/^Pulumi\.na\.yaml: blitzhub:regoin:\d+: unknown key$/),
        ]);
    });

    it("exits 2 naming the line of a WireGuard peer whose key is not a wg key, and plans nothing", async () => {
        const dir = projectCopy();
        const eu = path.join(dir, "Pulumi.eu.yaml");
        const text = fs.readFileSync(eu, "utf8");
        const key = /publicKey: "([^"]+)"/.exec(text)![1];
        fs.writeFileSync(eu, text.replace(key, "ssh-ed25519 AAAA"));
        const line = text.split("\n").findIndex((l) => l.includes(key)) + 1;
        const { code, stdout, stderr } = await plan("--stack", "eu", "--project-dir", dir, "--topology", path.join(PROJECT_DIR, "topology", "blitzhub.yaml"));
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr.trim()).toBe(`Pulumi.eu.yaml: blitzhub:wireguardPeers[0].publicKey:${line}: must be a WireGuard public key (44 characters of base64, from wg pubkey)`);
    });

    it("exits 2 naming the line of an edge certificate OCI would refuse (Ed25519), and plans nothing", async () => {
        const dir = projectCopy();
        const eu = path.join(dir, "Pulumi.eu.yaml");
        const ed25519 = throwawayTestCertificate({ dnsNames: ["app.example.com"] }).certPem;
        const block = ed25519.trim().split("\n").map((l) => `    ${l}`).join("\n");
        fs.writeFileSync(eu, `${fs.readFileSync(eu, "utf8").trimEnd()}\n  blitzhub-edge:certificate: |\n${block}\n`);
        const line = fs.readFileSync(eu, "utf8").split("\n").findIndex((l) => l.startsWith("  blitzhub-edge:certificate:")) + 1;
        const { code, stdout, stderr } = await plan("--stack", "eu", "--project-dir", dir, "--topology", path.join(PROJECT_DIR, "topology", "blitzhub.yaml"));
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr.trim()).toBe(
            `Pulumi.eu.yaml: blitzhub-edge:certificate:${line}: the certificate has an Ed25519 key, which OCI's load balancer does not serve (it takes RSA of 2048 bits or more, or ECDSA on P-256 or P-384)`,
        );
    });
});
