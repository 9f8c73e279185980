import { spawn } from "node:child_process";

export interface ChildRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/**
 * Runs a command to its end without blocking the test worker. A synchronous child (spawnSync,
 * execFileSync) that keeps the worker busy past Vitest's 60 s RPC timeout makes the worker
 * report "Timeout calling onTaskUpdate", which fails the whole run even when every test passed.
 */
export function runChild(file: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; input?: string }): Promise<ChildRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (b: Buffer) => out.push(b));
        child.stderr.on("data", (b: Buffer) => err.push(b));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
        // A child that exits before reading its input closes the pipe: not the test's failure.
        child.stdin.on("error", () => {});
        child.stdin.end(options.input ?? "");
    });
}
