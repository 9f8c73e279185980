/**
 * The real Pulumi CLI built by `npm run engine:build` (`.engine/bin/pulumi`), run against a
 * throw-away copy of the project with a local file backend and a passphrase secrets provider:
 * no Pulumi Cloud, no plugin download, nothing of the repository modified.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "../../stacks/config";

export const PULUMI_BIN = path.join(PROJECT_DIR, ".engine", "bin", "pulumi");

/** Why the engine tests cannot run here, or undefined when they can. */
export function engineMissing(): string | undefined {
    return fs.existsSync(PULUMI_BIN) ? undefined : `${path.relative(PROJECT_DIR, PULUMI_BIN)} is not built: run \`npm run engine:build\` (docs/real-engine.md)`;
}

export interface CliRun {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** A temporary project directory with its own PULUMI_HOME and file backend. */
export class CliSandbox {
    readonly dir: string;
    readonly projectDir: string;
    private readonly env: NodeJS.ProcessEnv;

    constructor() {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-engine-"));
        this.projectDir = path.join(this.dir, "project");
        fs.mkdirSync(this.projectDir);
        fs.mkdirSync(path.join(this.dir, "state"));
        this.env = {
            PATH: process.env.PATH,
            HOME: this.dir,
            PULUMI_HOME: path.join(this.dir, "pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, "state")}`,
            // A fresh passphrase per sandbox, in the environment only (never in argv).
            PULUMI_CONFIG_PASSPHRASE: randomBytes(24).toString("base64url"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
    }

    /** Copies files of the repository (relative paths) into the sandbox project unchanged. */
    copyFromRepo(...files: string[]): void {
        for (const file of files) fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(this.projectDir, file));
    }

    /** Runs the CLI asynchronously (a blocked test worker fails the vitest run under load). */
    run(...args: string[]): Promise<CliRun> {
        return new Promise((resolve, reject) => {
            execFile(PULUMI_BIN, [...args, "--non-interactive"], { cwd: this.projectDir, env: this.env, encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
                if (error && typeof error.code !== "number") return reject(error);
                resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
            });
        });
    }

    /** Runs and throws with the CLI's own output when it exits non-zero. */
    async ok(...args: string[]): Promise<string> {
        const result = await this.run(...args);
        if (result.status !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${result.status}:\n${result.stderr}${result.stdout}`);
        return result.stdout;
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
