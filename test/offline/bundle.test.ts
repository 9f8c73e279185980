/**
 * The offline CLIs' bundle (`offline/bundle.mjs`): built once, reused while no input's content
 * changes, rebuilt into a new folder when one does, and what it runs is the current source.
 */
import { execFile, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ensureBundle } from "../../offline/bundle.mjs";
import { PROJECT_ROOT } from "../../model/projectRoot";

function project(): { root: string; options: Parameters<typeof ensureBundle>[0] } {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-bundle-"));
    fs.mkdirSync(path.join(root, "src"));
    fs.writeFileSync(path.join(root, "src", "main.ts"), 'import { greeting } from "./greeting";\nconsole.log(greeting("world"));\n');
    fs.writeFileSync(path.join(root, "src", "greeting.ts"), "export const greeting = (name: string): string => `hello ${name}`;\n");
    fs.writeFileSync(path.join(root, "build.json"), "{}\n");
    return { root, options: { root, buildRoot: path.join(root, ".build"), entryPoints: { main: "src/main.ts" }, buildInputs: ["build.json"] } };
}

const run = (file: string) => spawnSync(process.execPath, [file], { encoding: "utf8" }).stdout.trim();

/** Rewrites a file with an mtime in the past, as `cp -p` or `rsync -t` of an older copy would. */
function writeWithOldMtime(file: string, content: string): void {
    fs.writeFileSync(file, content);
    const longAgo = new Date(Date.now() - 24 * 60 * 60 * 1000);
    fs.utimesSync(file, longAgo, longAgo);
}

describe("offline bundle", () => {
    it("builds once, then reuses the build while no input changes", async () => {
        const { options } = project();
        const first = await ensureBundle(options);
        expect(first.rebuilt).toBe(true);
        expect(first.inputs).toEqual(["build.json", "src/greeting.ts", "src/main.ts"]);
        expect(run(first.entry("main"))).toBe("hello world");
        const second = await ensureBundle(options);
        expect(second.rebuilt).toBe(false);
        expect(second.dir).toBe(first.dir);
    });

    it("rebuilds into a new folder when an imported source or a build input changes, leaving the old build intact", async () => {
        const { root, options } = project();
        const first = await ensureBundle(options);
        fs.writeFileSync(path.join(root, "src", "greeting.ts"), "export const greeting = (name: string): string => `hi ${name}`;\n");
        const second = await ensureBundle(options);
        expect(second.rebuilt).toBe(true);
        expect(second.dir).not.toBe(first.dir);
        expect(run(second.entry("main"))).toBe("hi world");
        expect(run(first.entry("main"))).toBe("hello world");

        fs.writeFileSync(path.join(root, "build.json"), '{ "changed": true }\n');
        expect((await ensureBundle(options)).rebuilt).toBe(true);
    });

    it("goes by content, not by time: an older copy is rebuilt, a touch alone is not", async () => {
        const { root, options } = project();
        await ensureBundle(options);
        writeWithOldMtime(path.join(root, "src", "greeting.ts"), "export const greeting = (name: string): string => `hey ${name}`;\n");
        const restored = await ensureBundle(options);
        expect(restored.rebuilt).toBe(true);
        expect(run(restored.entry("main"))).toBe("hey world");
        const now = new Date();
        fs.utimesSync(path.join(root, "src", "main.ts"), now, now);
        expect((await ensureBundle(options)).rebuilt).toBe(false);
    });

    it("builds again when an input was saved during the build", async () => {
        const { root, options } = project();
        const first = await ensureBundle(options);
        // An mtime after the build started: esbuild may have read the file before or after the save.
        const later = new Date(Date.now() + 60_000);
        fs.utimesSync(path.join(root, "src", "greeting.ts"), later, later);
        fs.rmSync(path.join(options.buildRoot, "current.json"));
        const second = await ensureBundle(options);
        expect(second.rebuilt).toBe(true);
        expect(second.inputsHash).toBe("");
        expect((await ensureBundle(options)).rebuilt).toBe(true);
        expect(first.inputsHash).toMatch(/^[0-9a-f]{64}$/);
    });

    it("keeps a replaced build for ten minutes after it stops being current, however old it is", async () => {
        const { root, options } = project();
        const dirOf = (b: { dir: string }) => path.join(options.buildRoot, b.dir);
        const longAgo = new Date(Date.now() - 60 * 60 * 1000);
        const first = await ensureBundle(options);
        // Current for an hour: a run that started from it a second ago still imports from it.
        fs.utimesSync(dirOf(first), longAgo, longAgo);
        fs.writeFileSync(path.join(root, "src", "greeting.ts"), "export const greeting = (name: string): string => `hi ${name}`;\n");
        const second = await ensureBundle(options);
        expect(second.rebuilt).toBe(true);
        expect(fs.existsSync(dirOf(first))).toBe(true);
        // Replaced an hour ago: nothing can still be using it.
        fs.utimesSync(dirOf(first), longAgo, longAgo);
        fs.writeFileSync(path.join(root, "src", "greeting.ts"), "export const greeting = (name: string): string => `hey ${name}`;\n");
        const third = await ensureBundle(options);
        expect(third.rebuilt).toBe(true);
        expect(fs.existsSync(dirOf(first))).toBe(false);
        expect(fs.existsSync(dirOf(second))).toBe(true);
    });

    it("rebuilds when an input disappears or a new entry point is asked for", async () => {
        const { root, options } = project();
        await ensureBundle(options);
        fs.writeFileSync(path.join(root, "src", "other.ts"), 'console.log("other");\n');
        const widened = await ensureBundle({ ...options, entryPoints: { ...options.entryPoints, other: "src/other.ts" } });
        expect(widened.rebuilt).toBe(true);
        expect(run(widened.entry("other"))).toBe("other");
        fs.rmSync(path.join(root, "build.json"));
        expect((await ensureBundle(options)).rebuilt).toBe(true);
    });

    it("the repository's plan CLI runs from the bundle with the same output as through tsx", async () => {
        // Asynchronous, so the test worker stays responsive to vitest during the two plans.
        const planOf = (args: string[]) =>
            new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
                execFile(process.execPath, args, { cwd: PROJECT_ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
                    done({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
                );
            });
        const viaLauncher = await planOf([path.join(PROJECT_ROOT, "offline", "launch.mjs"), "plan", "--stack", "sa", "--json"]);
        const viaTsx = await planOf(["--import", "tsx", path.join(PROJECT_ROOT, "offline", "cli", "main.ts"), "plan", "--stack", "sa", "--json"]);
        expect(viaLauncher.status, viaLauncher.stderr).toBe(0);
        expect(viaTsx.status, viaTsx.stderr).toBe(0);
        expect(viaLauncher.stdout).toBe(viaTsx.stdout);
        expect(JSON.parse(viaLauncher.stdout).stacks.map((s: { stack: string }) => s.stack)).toEqual(["sa"]);
        // Two plans of eu and sa, one after the other: minutes on a busy 2-core machine.
    }, 300_000);

    it("launch.mjs names the commands on a wrong one and exits 2", () => {
        const child = spawnSync(process.execPath, [path.join(PROJECT_ROOT, "offline", "launch.mjs"), "deploy"], { encoding: "utf8" });
        expect(child.status).toBe(2);
        expect(child.stdout).toBe("");
        expect(child.stderr).toMatch(/^error: unknown command 'deploy'\n/);
        expect(child.stderr).toContain("(commands: plan, render, check, bench");
    });
});
