/**
 * The two sides of a diff. The base is either a plan JSON (`npm run plan -- --json`) or a git
 * revision: its tree is exported with `git archive` into a temporary folder (no worktree, no
 * change to the repository), given the working tree's `node_modules` through a symlink, and
 * planned and rendered by its own `npm run plan` / `npm run render` — the same offline engine
 * settings and the same `--stack` as the working tree. The head is the working tree.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { UserInputError } from "../../model/errors";
import type { PlanJson } from "../formatJson";

export interface BaseSide {
    /** How the base was named (`HEAD~1 (3f2a9c1)`, `base.json`). */
    label: string;
    plan: PlanJson;
    /** Its render directory; undefined for a plan JSON (no rendered files to compare). */
    renderDir?: string;
}

/** Runs `npm run -s <script> -- <args>` in `cwd`; resolves with stdout, rejects with stderr. */
export function runNpmScript(cwd: string, script: string, args: string[]): Promise<string> {
    return new Promise((resolvePromise, reject) => {
        const child = spawn("npm", ["run", "-s", script, "--", ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code === 0) resolvePromise(Buffer.concat(out).toString("utf8"));
            else reject(new Error(`npm run ${script} ${args.join(" ")} (in ${cwd}) exited ${code}:\n${Buffer.concat(err).toString("utf8").trim()}`));
        });
    });
}

function parsePlanJson(text: string, shownAs: string): PlanJson {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (error) {
        throw new UserInputError([{ path: shownAs, message: `not a plan JSON: ${(error as Error).message}` }]);
    }
    const stacks = (parsed as PlanJson | null)?.stacks;
    if (!Array.isArray(stacks) || stacks.some((s) => typeof s?.stack !== "string" || !Array.isArray(s.resources))) {
        throw new UserInputError([{ path: shownAs, message: 'not a plan JSON: expected {"stacks":[{"stack","resources":[...]}]} (npm run plan -- --json)' }]);
    }
    return parsed as PlanJson;
}

/** The commit a revision names, or a UserInputError naming `--base`. */
function resolveRevision(projectDir: string, rev: string): string {
    try {
        return execFileSync("git", ["-C", projectDir, "rev-parse", "--verify", "--quiet", `${rev}^{commit}`], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
        throw new UserInputError([{ path: "--base", message: `"${rev}" is neither a plan JSON file nor a git revision of ${projectDir}` }]);
    }
}

/** What `--base` names: a plan JSON file or a commit. Checked before anything is planned. */
export type BaseRef = { kind: "file"; base: string; file: string } | { kind: "revision"; base: string; commit: string };

/** Resolves `--base`; a UserInputError when it names neither a plan JSON nor a revision. */
export function resolveBase(base: string, projectDir: string): BaseRef {
    const asFile = resolve(base);
    if (base.endsWith(".json") || (existsSync(asFile) && !base.includes(":"))) {
        if (!existsSync(asFile)) throw new UserInputError([{ path: "--base", message: `${base}: no such file` }]);
        return { kind: "file", base, file: asFile };
    }
    return { kind: "revision", base, commit: resolveRevision(projectDir, base) };
}

/**
 * Plans (and renders) the base. `workDir` receives the exported tree and the render output;
 * the caller removes it.
 */
export async function planBase(options: { base: BaseRef; stack: string; projectDir: string; workDir: string }): Promise<BaseSide> {
    const { stack, projectDir, workDir } = options;
    if (options.base.kind === "file") {
        return { label: options.base.base, plan: parsePlanJson(readFileSync(options.base.file, "utf8"), options.base.base) };
    }
    const { base, commit } = options.base;
    const tree = join(workDir, "tree");
    execFileSync("mkdir", ["-p", tree]);
    execFileSync("bash", ["-c", 'git -C "$1" archive --format=tar "$2" | tar -x -C "$3"', "archive", projectDir, commit, tree]);
    const modules = join(projectDir, "node_modules");
    const link = join(tree, "node_modules");
    rmSync(link, { recursive: true, force: true });
    if (existsSync(modules)) symlinkSync(modules, link, "dir");
    const renderDir = join(workDir, "render");
    // One after the other: both would build the same offline bundle in the exported tree.
    const planText = await runNpmScript(tree, "plan", ["--stack", stack, "--json"]);
    await runNpmScript(tree, "render", ["--stack", stack, "--out", renderDir]);
    return { label: `${base} (${commit.slice(0, 10)})`, plan: parsePlanJson(planText, `${base}: npm run plan --json`), renderDir };
}

/** A fresh temporary folder for one diff run. */
export function diffWorkDir(): { dir: string; remove: () => void } {
    const dir = mkdtempSync(join(tmpdir(), "blitzhub-diff-"));
    return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
