/**
 * Bad input never leaves the error contract: exit 2, one line per problem naming the file, the
 * YAML path and the line, no stack trace, nothing written. And the Always Free billing mode as
 * `npm run check` enforces it.
 */
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_INPUT_BYTES } from "../../model/yamlInput";
import { runChild } from "../childProcess";
import { writeOutputDir } from "../../offline/outputDir";
import { PROJECT_DIR } from "../../stacks/config";
import { projectCopy } from "../projectCopy";

const LAUNCH = path.join(PROJECT_DIR, "offline", "launch.mjs");
const TOPOLOGY = fs.readFileSync(path.join(PROJECT_DIR, "topology", "blitzhub.yaml"), "utf8");

function run(command: string, args: string[], input?: string) {
    return runChild(process.execPath, [LAUNCH, command, ...args], { cwd: PROJECT_DIR, input });
}

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-limits-"));
}

function file(name: string, text: string): string {
    const f = path.join(tempDir(), name);
    fs.writeFileSync(f, text);
    return f;
}


const BOMB = [
    'a: &a ["x","x","x","x","x","x","x","x","x"]',
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
    "",
].join("\n");
const ALIASES = "aliases expand beyond 100 copies (an alias bomb exhausts memory): write the values out or use fewer aliases";

describe("resource-exhaustion input", () => {
    it("an alias bomb in the topology: exit 2, file and line of the first alias", async () => {
        const f = file("bomb.yaml", BOMB + TOPOLOGY);
        const { code, stdout, stderr } = await run("plan", ["--stack", "sa", "--topology", f]);
        expect(stderr).toBe(`${f}:2: ${ALIASES}\n`);
        expect(code).toBe(2);
        expect(stdout).toBe("");
    });

    it("an alias bomb in Pulumi.<stack>.yaml: exit 2, the stack file and line", async () => {
        const dir = projectCopy();
        const stackFile = path.join(dir, "Pulumi.sa.yaml");
        const bomb = BOMB.trimEnd().split("\n").map((l) => `  blitzhub:${l}`).join("\n");
        fs.writeFileSync(stackFile, `${fs.readFileSync(stackFile, "utf8")}${bomb}\n`);
        const line = fs.readFileSync(stackFile, "utf8").split("\n").findIndex((l) => l.includes("*a")) + 1;
        const { code, stderr } = await run("plan", ["--stack", "sa", "--project-dir", dir, "--topology", path.join(PROJECT_DIR, "topology", "blitzhub.yaml")]);
        expect(stderr).toBe(`Pulumi.sa.yaml:${line}: ${ALIASES}\n`);
        expect(code).toBe(2);
    });

    it("deep nesting and a huge file are refused before parsing", async () => {
        const deep = file("deep.yaml", `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`);
        let r = await run("plan", ["--stack", "sa", "--topology", deep]);
        expect(r.stderr).toBe(`${deep}:1: brackets nested deeper than 64 levels: refused before parsing, as such nesting exhausts the parser\n`);
        expect(r.code).toBe(2);
        const huge = file("huge.yaml", `${TOPOLOGY}\n${"# padding\n".repeat(Math.ceil(MAX_INPUT_BYTES / 10))}`);
        r = await run("plan", ["--stack", "sa", "--topology", huge]);
        expect(r.stderr).toBe(`${huge}: the topology file is too large: at most ${MAX_INPUT_BYTES} bytes are read (${fs.statSync(huge).size} bytes)\n`);
        expect(r.code).toBe(2);
    });

    it("the topology from a stream (--topology /dev/stdin) is read once and plans", async () => {
        const { code, stdout, stderr } = await run("plan", ["--stack", "sa", "--topology", "/dev/stdin"], TOPOLOGY);
        expect(stderr).not.toMatch(/cannot read|\n\s+at /);
        expect(code).toBe(0);
        expect(stdout).toMatch(/^Stack sa: 1 account, \d+ resources$/m);
        expect(stdout).toContain("SA-FE-01: alwaysFree");
    }, 180_000);
});

describe("secrets in plain text in a stack file", () => {
    it("blitzhub-delivery:sshPrivateKey not under secure: is refused with the command that stores it", async () => {
        const dir = projectCopy();
        const stackFile = path.join(dir, "Pulumi.sa.yaml");
        fs.appendFileSync(stackFile, '  blitzhub-delivery:sshPrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----"\n');
        const line = fs.readFileSync(stackFile, "utf8").trimEnd().split("\n").length;
        const { code, stdout, stderr } = await run("plan", ["--stack", "sa", "--project-dir", dir, "--topology", path.join(PROJECT_DIR, "topology", "blitzhub.yaml")]);
        expect(stderr).toBe(
            `Pulumi.sa.yaml: blitzhub-delivery:sshPrivateKey:${line}: a secret in plain text in a committed file: remove it and store it encrypted with ` +
                "`pulumi config set --secret blitzhub-delivery:sshPrivateKey -s sa < <file>` (the value never appears in the repository, the plan or the logs)\n",
        );
        expect(code).toBe(2);
        expect(stdout).not.toContain("BEGIN OPENSSH");
    });
});

describe("render --out", () => {
    it("a file, or a non-empty directory without --force, is refused and left as it was", async () => {
        const f = file("out.txt", "keep me");
        let r = await run("render", ["--stack", "sa", "--out", f]);
        expect(r.stderr).toBe(`--out ${f}: is a file, not a directory: name a directory to render into\n`);
        expect(r.code).toBe(2);
        expect(fs.readFileSync(f, "utf8")).toBe("keep me");
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "mine.txt"), "keep me");
        r = await run("render", ["--stack", "sa", "--out", dir]);
        expect(r.stderr).toBe(`--out ${dir}: is not empty: render never merges into existing files; name a new or empty directory, or pass --force to replace it\n`);
        expect(r.code).toBe(2);
        expect(fs.readdirSync(dir)).toEqual(["mine.txt"]);
    });

    it("--force replaces a non-empty directory as a whole: nothing of the old content stays", async () => {
        const dir = tempDir();
        fs.writeFileSync(path.join(dir, "mine.txt"), "old");
        const r = await run("render", ["--stack", "sa", "--out", dir, "--force"]);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
        expect(fs.existsSync(path.join(dir, "mine.txt"))).toBe(false);
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8")) as { file: string }[];
        for (const entry of manifest) expect(fs.existsSync(path.join(dir, entry.file)), entry.file).toBe(true);
        expect(fs.readdirSync(path.dirname(dir)).filter((n) => n.startsWith(`.${path.basename(dir)}.render-`))).toEqual([]);
    });

    it("an unwritable place is refused (a read-only mount)", async () => {
        if (process.getuid?.() !== 0 || spawnSync("unshare", ["--help"]).status !== 0) return expect.fail("needs root and unshare (CI runs as root)");
        const ro = tempDir();
        const script = `mount -t tmpfs -o ro tmpfs ${ro} && exec ${process.execPath} ${LAUNCH} render --stack sa --out ${ro}/out`;
        const child = await runChild("unshare", ["-m", "sh", "-c", script], { cwd: PROJECT_DIR });
        expect(child.stderr).toBe(`--out ${ro}/out: cannot write into ${ro}: read-only file system\n`);
        expect(child.code).toBe(2);
    });

    it("an error while writing leaves neither the directory nor a temporary one", async () => {
        const parent = tempDir();
        const out = path.join(parent, "out");
        expect(() =>
            writeOutputDir(out, (temp) => {
                fs.writeFileSync(path.join(temp, "half.txt"), "half");
                throw new Error("interrupted");
            }),
        ).toThrow("interrupted");
        expect(fs.readdirSync(parent)).toEqual([]);
    });

    it("Ctrl-C at any moment leaves either nothing or the whole rendering, never a temporary directory", async () => {
        for (const delay of [300, 1500]) {
            const parent = tempDir();
            const out = path.join(parent, "out");
            const child = spawn(process.execPath, [LAUNCH, "render", "--stack", "eu", "--out", out], { cwd: PROJECT_DIR, stdio: "ignore" });
            // Listen before waiting: a child that ends within the delay would otherwise emit
            // "exit" unheard, and the test would hang instead of checking what it left.
            const exited = new Promise((resolve) => child.once("exit", resolve));
            await new Promise((resolve) => setTimeout(resolve, delay));
            child.kill("SIGINT");
            await exited;
            const left = fs.readdirSync(parent);
            expect(left.filter((n) => n !== "out"), `after ${delay} ms`).toEqual([]);
            if (left.includes("out")) {
                const manifest = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as { file: string }[];
                for (const entry of manifest) expect(fs.existsSync(path.join(out, entry.file))).toBe(true);
            }
        }
    }, 120_000);
});

describe("a read-only checkout", () => {
    it("plans without writing the bundle (sources run unbundled)", async () => {
        if (process.getuid?.() !== 0 || spawnSync("unshare", ["--help"]).status !== 0) return expect.fail("needs root and unshare (CI runs as root)");
        const build = path.join(PROJECT_DIR, ".build");
        fs.mkdirSync(build, { recursive: true });
        const script = `mount -t tmpfs -o ro tmpfs ${build} && exec ${process.execPath} ${LAUNCH} plan --stack sa`;
        const child = await runChild("unshare", ["-m", "sh", "-c", script], { cwd: PROJECT_DIR });
        expect(child.stderr).toMatch(/^note: .*\.build is not writable \((EROFS|ENOENT)\); running the sources unbundled\n/);
        expect(child.stderr).not.toMatch(/\n\s+at /);
        expect(child.code).toBe(0);
        expect(child.stdout).toMatch(/^Stack sa: 1 account, \d+ resources$/m);
    }, 300_000);
});

describe("npm run check with billing modes", () => {
    it("an Always Free tenancy over its A1 allowance is a mandatory violation naming the resource and the allowance", async () => {
        const text = TOPOLOGY.replace(/(- name: app\n\s+shape: VM.Standard.A1.Flex\n\s+)ocpus: 2\n(\s+)memoryGb: 12/, "$1ocpus: 4\n$2memoryGb: 24");
        const f = file("topology.yaml", text);
        const { code, stdout, stderr } = await run("check", ["--stack", "sa", "--topology", f]);
        expect(stderr).not.toMatch(/\n\s+at |failed/);
        expect(stdout).toContain("Billing modes (1 alwaysFree, 0 payAsYouGo):\n  SA-FE-01: alwaysFree — ");
        expect(stdout).toContain(
            "  free-tier-always-free-tenancy  [sa] SA-FE-01 sa-fe-01-app\n" +
                "      SA-FE-01 (alwaysFree): A1 4 OCPU (sa-fe-01-app) exceeds the Always Free 2 OCPU (allowances.a1.ocpus) (allowances v5 of 2026-11-30); the API would answer LimitExceeded\n",
        );
        expect(stdout).toMatch(/^FAIL: 2 mandatory, \d+ advisory/m);
        expect(stdout).toContain("SA-FE-01 (alwaysFree): A1 24 GB of memory (sa-fe-01-app) exceeds the Always Free 12 GB (allowances.a1.memoryGb)");
        expect(code).toBe(1);
    }, 300_000);
});
