/**
 * `npm run diff` in a temporary copy of the repository (a git repository of its own), as a
 * reviewer runs it: a template change, a topology field, an instance shape, a field that
 * forces replacement, and no change at all. Each case plans the eu stack for real.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ResourceChange, StackDiff } from "../../offline/diff/compare";
import { formatDiffText, paletteFor, type DiffReport } from "../../offline/diff/format";
import type { FileChange } from "../../offline/diff/renderedFiles";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { type ChildRun, runChild } from "../childProcess";

const TIMEOUT = 600_000;
let copy = "";

function sh(cwd: string, command: string): string {
    return execFileSync("bash", ["-c", command], { cwd, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
}

/** The working tree's files (tracked and new, not ignored) in a fresh git repository with one commit. */
function repositoryCopy(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-diff-test-"));
    sh(PROJECT_ROOT, `git ls-files -z --cached --others --exclude-standard | xargs -0 tar -cf - --ignore-failed-read | tar -xf - -C "${dir}"`);
    fs.symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
    sh(dir, "git init -q && echo node_modules > .git/info/exclude && git add -A && git -c user.name=test -c user.email=test@example.invalid commit -qm base");
    return dir;
}

/** `npm run -s …` in `cwd` (a run takes a minute: asynchronously, test/childProcess.ts). */
function npm(cwd: string, ...args: string[]): Promise<ChildRun> {
    return runChild("npm", ["run", "-s", ...args], { cwd, env: { ...process.env, NO_COLOR: "1" } });
}

interface JsonReport extends DiffReport {
    stacks: StackDiff[];
    files?: FileChange[];
    summary: Record<string, number>;
}

async function diffJson(...args: string[]): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
    const { code, stdout, stderr } = await npm(copy, "diff", "--", ...args, "--json");
    expect(stdout, stderr).toMatch(/^\{/);
    return { code, report: JSON.parse(stdout) as JsonReport, stderr };
}

/** Replaces one exact text in a file of the copy (and fails when it is not there once). */
function edit(file: string, from: string, to: string): void {
    const full = path.join(copy, file);
    const text = fs.readFileSync(full, "utf8");
    expect(text.split(from).length - 1, `${file}: ${from}`).toBe(1);
    fs.writeFileSync(full, text.replace(from, to));
}

function restore(): void {
    sh(copy, "git checkout -q -- .");
}

const changes = (report: JsonReport): ResourceChange[] => report.stacks.flatMap((s) => s.changes);

beforeAll(async () => {
    copy = repositoryCopy();
    const base = await npm(copy, "plan", "--", "--stack", "eu", "--json");
    expect(base.code, base.stderr).toBe(0);
    fs.writeFileSync(path.join(copy, "base.json"), base.stdout);
}, TIMEOUT);
afterAll(() => {
    if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

describe("npm run diff", () => {
    it("a one-line template change: only the delivery commands of that file change, with the config lines shown", async () => {
        edit("templates/nginx/nginx.conf.hbs", "    keepalive_timeout 65;\n", "    keepalive_timeout 30;\n");
        try {
            const { code, report, stderr } = await diffJson("--base", "HEAD", "-s", "eu");
            expect(code, stderr).toBe(3);
            const all = changes(report);
            // The file changed on every VM whose Nginx renders it (the FE edge and the Solana RPC gateway).
            const files = report.files!;
            expect(files.map((f) => f.path)).toEqual(files.map(() => "/etc/nginx/nginx.conf"));
            expect(files.map((f) => `${f.account}/${f.vm}`)).toEqual(expect.arrayContaining(["EU-FE-01/app", "EU-FE-01/edge-1", "EU-FE-01/edge-2"]));
            for (const f of files) {
                expect(f.patch).toContain(`--- a/${f.file}`);
                expect(f.patch).toContain("-    keepalive_timeout 65;\n+    keepalive_timeout 30;");
            }
            // Exactly the delivery commands of those files, and nothing else.
            expect(all.map((c) => c.name).sort()).toEqual(files.map((f) => `${f.account.toLowerCase()}-${f.vm}-${f.service}-config`).sort());
            for (const c of all) {
                expect(c.type, c.urn).toBe("command:local:Command");
                // pulumi-command replaces on `triggers` (the content hash of the delivered files).
                expect(c.op, c.urn).toBe("replace");
                expect(c.replaceBecause).toEqual(["triggers"]);
                expect(c.paths.map((p) => p.path).sort()).toEqual(["stdin", "triggers[0]"]);
            }
            const text = formatDiffText(report, paletteFor({ isTTY: false }, {}));
            expect(text).toContain("+- command:local:Command  eu-fe-01-app-nginx-config  replace [replace: triggers]");
            expect(text).toMatch(/^ +- {5}keepalive_timeout 65;$/m);
            expect(text).toMatch(/^ +\+ {5}keepalive_timeout 30;$/m);
            expect(report.summary).toMatchObject({ create: 0, update: 0, replace: files.length, delete: 0 });
        } finally {
            restore();
        }
    }, TIMEOUT);

    it("a one-field topology change: exactly the backend set it shapes, exactly that path", async () => {
        edit("topology/blitzhub.yaml", "healthCheck: { protocol: HTTP, path: /api/health } }", "healthCheck: { protocol: HTTP, path: /api/health, intervalMs: 20000 } }");
        try {
            const { code, report, stderr } = await diffJson("--base", "base.json", "-s", "eu");
            expect(code, stderr).toBe(3);
            expect(report.files).toBeUndefined();
            expect(changes(report).map((c) => ({ account: c.account, type: c.type, op: c.op, paths: c.paths.map((p) => [p.path, p.old, p.new]) }))).toEqual([
                { account: "EU-MON-01", type: "oci:LoadBalancer/backendSet:BackendSet", op: "update", paths: [["healthChecker.intervalMs", 10000, 20000]] },
            ]);
        } finally {
            restore();
        }
    }, TIMEOUT);

    it("an instance shape change is an update in place (shape is not ForceNew in oci_core_instance)", async () => {
        edit(
            "topology/blitzhub.yaml",
            "      - name: alertmanager\n        shape: VM.Standard.E2.1.Micro\n        ocpus: 1\n        memoryGb: 1\n",
            "      - name: alertmanager\n        shape: VM.Standard.A1.Flex\n        ocpus: 1\n        memoryGb: 6\n",
        );
        try {
            const { code, report, stderr } = await diffJson("--base", "base.json", "-s", "eu");
            expect(code, stderr).toBe(3);
            const instance = changes(report).find((c) => c.type === "oci:Core/instance:Instance");
            expect(instance?.name).toBe("eu-mon-01-alertmanager");
            expect(instance?.op).toBe("update");
            expect(instance?.replaceBecause).toEqual([]);
            const shape = instance!.paths.find((p) => p.path === "shape");
            expect(shape).toMatchObject({ old: "VM.Standard.E2.1.Micro", new: "VM.Standard.A1.Flex", forcesReplacement: [] });
            expect(changes(report).filter((c) => c.op === "replace")).toEqual([]);
        } finally {
            restore();
        }
    }, TIMEOUT);

    it("a field that forces replacement: the volume's backup policy assignment is replaced, naming policy_id", async () => {
        edit("topology/blitzhub.yaml", "mountPath: /var/lib/observability, backupPolicy: bronze", "mountPath: /var/lib/observability, backupPolicy: silver");
        try {
            const { code, report, stderr } = await diffJson("--base", "base.json", "-s", "eu");
            expect(code, stderr).toBe(3);
            const all = changes(report);
            expect(all.map((c) => [c.type, c.op, c.replaceBecause])).toEqual([["oci:Core/volumeBackupPolicyAssignment:VolumeBackupPolicyAssignment", "replace", ["policy_id"]]]);
            expect(all[0].paths).toEqual([expect.objectContaining({ path: "policyId", kind: "update", forcesReplacement: ["policy_id"] })]);
        } finally {
            restore();
        }
    }, TIMEOUT);

    it("no change: exit 0 and 'no changes'", async () => {
        const { code, stdout, stderr } = await npm(copy, "diff", "--", "--base", "base.json", "-s", "eu");
        expect(code, stderr).toBe(0);
        expect(stdout).toMatch(/^Stack eu: no changes, \d+ unchanged$/m);
        expect(stdout).toMatch(/^Resources: no changes$/m);
        expect(stdout).not.toContain("\x1b[");
    }, TIMEOUT);

    it("bad input: a base that is neither a plan JSON nor a revision exits 2 naming --base", async () => {
        const { code, stdout, stderr } = await npm(copy, "diff", "--", "--base", "no-such-revision", "-s", "eu");
        expect(code).toBe(2);
        expect(stdout).toBe("");
        expect(stderr.trim()).toBe('--base: "no-such-revision" is neither a plan JSON file nor a git revision of ' + fs.realpathSync(copy));
    }, TIMEOUT);
});
