/**
 * The CLI as users start it — `node offline/launch.mjs <command>`, `npm run <command> -- …` and
 * `npx blitzhub <command>` — in child processes: `--help` of every command, `-s`, relative
 * paths from another directory, colour and the progress line on a (pseudo-)terminal or not.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { SUBCOMMANDS } from "../../offline/cli/commands";
import { runChild } from "../childProcess";

const LAUNCH = path.join(PROJECT_ROOT, "offline", "launch.mjs");
const SGR = /\x1b\[[0-9;]*m/;
/** Every environment variable that could turn colour on or off, removed for a neutral start. */
// The commands run as a person would run them: no colour settings of the test's own, and no
// `CI`, under which Node reports a terminal as monochrome.
const NEUTRAL_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(CI$|FORCE_COLOR|NO_COLOR|NODE_DISABLE_COLORS|INIT_CWD|npm_)/.test(key)));

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
    ms: number;
}

/** A command line run to completion without blocking the test worker (test/childProcess.ts says why). */
async function runAsync(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    const started = Date.now();
    const run = await runChild(command, args, { cwd: options.cwd ?? PROJECT_ROOT, env: { ...NEUTRAL_ENV, ...options.env } });
    return { ...run, ms: Date.now() - started };
}

/** `node offline/launch.mjs args…` from `cwd`. */
function cli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
    return runAsync(process.execPath, [LAUNCH, ...args], options);
}

/** Under a pseudo-terminal (util-linux `script`): stdout and stderr are both the terminal, merged. */
function inTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
    const line = [process.execPath, LAUNCH, ...args].map((a) => `'${a}'`).join(" ");
    return runAsync("script", ["-qfec", line, "/dev/null"], { env: { TERM: "xterm-256color", ...env } });
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-cli-commands-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
    // Builds the bundle if a source changed, so the timings below are of the CLI alone.
    expect((await cli(["--help"])).code).toBe(0);
}, 120_000);

describe("--help", () => {
    it.each(SUBCOMMANDS.map((s) => s.name))("%s --help prints its usage and exits 0 at once", async (name) => {
        const run = await cli([name, "--help"]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`^Usage: blitzhub ${name} \\[options\\]\\n`));
        expect(run.stderr).toBe("");
        expect(run.ms).toBeLessThan(10_000);
    });

    it("plan, render and check take -s as --stack", async () => {
        for (const name of ["plan", "render", "check"]) expect((await cli([name, "--help"])).stdout).toMatch(/^ {2}-s, --stack <stack> +stack to \w+: eu, na, sa, as, au or all$/m);
    });

    it("npm run bench -- --help prints the usage and exits 0 without starting the benchmark", async () => {
        const results = path.join(PROJECT_ROOT, "bench", "results");
        const before = fs.existsSync(results) ? fs.readdirSync(results) : [];
        const started = Date.now();
        const child = await runAsync("npm", ["run", "-s", "bench", "--", "--help"]);
        expect(child.code, child.stderr).toBe(0);
        expect(child.stdout).toMatch(/^Usage: blitzhub bench \[options\]/);
        expect(child.stdout).toContain("--runs <n>");
        // The benchmark announces each case on stderr ("bench: … ×3 …") and takes minutes.
        expect(child.stderr).not.toContain("bench:");
        expect(Date.now() - started).toBeLessThan(15_000);
        expect(fs.existsSync(results) ? fs.readdirSync(results) : []).toEqual(before);
    });

    it("a usage error exits 2 and says what is wrong", async () => {
        const missing = await cli(["plan"]);
        expect(missing.code).toBe(2);
        expect(missing.stderr).toMatch(/^error: required option '-s, --stack <stack>' not specified$/m);
        const conflict = await cli(["plan", "-s", "sa", "--summary", "--json"]);
        expect(conflict.code).toBe(2);
        expect(conflict.stderr).toMatch(/--summary.*cannot be used with.*--json/);
        expect((await cli(["bench", "--runs", "0"])).code).toBe(2);
    });
});

describe("relative paths", () => {
    const render = (cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) => cli(["render", "-s", "sa", ...args], { cwd, env });

    it("--out and --topology resolve against the directory the command runs in", async () => {
        const dir = fs.mkdtempSync(path.join(tmp, "cwd-"));
        fs.copyFileSync(path.join(PROJECT_ROOT, "topology", "blitzhub.yaml"), path.join(dir, "topo.yaml"));
        const run = await render(dir, ["--out", "rendered-here", "--topology", "topo.yaml"]);
        expect(run.code, run.stderr).toBe(0);
        expect(fs.existsSync(path.join(dir, "rendered-here", "manifest.json"))).toBe(true);
        expect(run.stdout).toMatch(new RegExp(`^rendered \\d+ files for 3 VMs into rendered-here \\(${path.join(dir, "rendered-here")}\\) \\(manifest\\.json\\)$`, "m"));
        expect(fs.existsSync(path.join(PROJECT_ROOT, "rendered-here"))).toBe(false);
    });

    it("a missing --topology names the path as given and as resolved, exit 2", async () => {
        const dir = fs.mkdtempSync(path.join(tmp, "cwd-"));
        for (const command of ["render", "plan", "check"]) {
            const run = await cli([command, "-s", "sa", "--topology", "nope.yaml", ...(command === "render" ? ["--out", "x"] : [])], { cwd: dir });
            expect(run.code, command).toBe(2);
            expect(run.stderr, command).toBe(`--topology: nope.yaml (${path.join(dir, "nope.yaml")}): no such file\n`);
            expect(run.stdout, command).toBe("");
        }
    });

    it("npm run from a subdirectory of the project resolves there (INIT_CWD), and so does npx blitzhub", async () => {
        const sub = fs.mkdtempSync(path.join(PROJECT_ROOT, ".build", "cwd-test-"));
        try {
            const viaNpm = await runAsync("npm", ["run", "-s", "render", "--", "-s", "sa", "--out", "by-npm"], { cwd: sub });
            expect(viaNpm.code, viaNpm.stderr).toBe(0);
            expect(fs.existsSync(path.join(sub, "by-npm", "manifest.json"))).toBe(true);
            expect(viaNpm.stdout).toContain(`into by-npm (${path.join(sub, "by-npm")})`);
            const viaNpx = await runAsync("npx", ["--no-install", "blitzhub", "render", "-s", "sa", "--out", "by-npx"], { cwd: sub });
            expect(viaNpx.code, viaNpx.stderr).toBe(0);
            expect(fs.existsSync(path.join(sub, "by-npx", "manifest.json"))).toBe(true);
            expect(fs.existsSync(path.join(PROJECT_ROOT, "by-npm"))).toBe(false);
        } finally {
            fs.rmSync(sub, { recursive: true, force: true });
        }
    }, 120_000);
});

describe.concurrent("colour and progress", () => {
    it("into pipes: -s works, no colour, no progress line", async () => {
        const run = await runAsync(process.execPath, [LAUNCH, "plan", "-s", "sa", "--summary"]);
        expect(run.code, run.stderr).toBe(0);
        // (no account): the stack, the eu stack reference and the internal PKI component.
        expect(run.stdout).toMatch(/^Stack sa: 1 account, \d+ resources\n {2}SA-FE-01: \d+ resources .*\n {2}\(no account\): 3 resources .*\n\n/);
        expect(run.stdout).not.toMatch(/\x1b/);
        expect(run.stderr).not.toMatch(/\x1b|planning/);
    }, 300_000);

    it("FORCE_COLOR colours even a pipe (and check prints each remediation)", async () => {
        const run = await runAsync(process.execPath, [LAUNCH, "check", "-s", "sa"], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(SGR);
        expect(run.stdout).toContain("\x1b[32mPASS\x1b[39m: 0 mandatory");
        // SA-FE-01 is Always Free and fits (limits' billing modes): the remediation shown is a CIS one.
        expect(run.stdout).toContain("fix: Set platformConfig: { type: <the shape's platform type>, isSecureBootEnabled: true } on shapes that support Shielded instances.");
        expect(run.stderr).not.toContain("planning");
    }, 300_000);

    it("on a terminal: colour, and a progress line once the run passes 2 s", async () => {
        const run = await inTerminal(["plan", "-s", "sa", "--summary"], {});
        expect(run.code, run.stdout).toBe(0);
        expect(run.stdout).toMatch(SGR);
        expect(run.stdout).toContain("\x1b[1mStack sa: 1 account");
        expect(run.stdout).toMatch(/\r\x1b\[Kplanning eu… 1\/2 stacks, \d+ resources/);
        expect(run.stdout).toMatch(/\r\x1b\[Kplanning sa… 2\/2 stacks, \d+ resources/);
        // The line is cleared before the plan is printed.
        expect(run.stdout).toMatch(/\r\x1b\[K\x1b\[1mStack sa:/);
    }, 300_000);

    it("on a terminal with NO_COLOR: no colour, the progress line still", async () => {
        const run = await inTerminal(["plan", "-s", "sa", "--summary"], { NO_COLOR: "1" });
        expect(run.code, run.stdout).toBe(0);
        expect(run.stdout).not.toMatch(SGR);
        expect(run.stdout).toContain("Stack sa: 1 account");
        expect(run.stdout).toMatch(/\r\x1b\[Kplanning sa… 2\/2 stacks/);
    }, 300_000);

    it("--outputs prints the eu stack's outputs with its secrets as [secret]", async () => {
        const run = await runAsync(process.execPath, [LAUNCH, "plan", "-s", "eu", "--outputs"]);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(/^Stack eu\nCurrent stack outputs \(\d+\):\n {4}OUTPUT {2,}VALUE\n/);
        expect(run.stdout).toMatch(/^ {4}secretValues {2,}\[secret\]$/m);
        expect(run.stdout).toMatch(/^ {4}region {2,}eu$/m);
    }, 300_000);
});
