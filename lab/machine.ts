/**
 * A lab VM's filesystem and process space: a holder process inside the VM's network namespace
 * owns a private mount namespace (and UTS namespace, for its hostname) where a copy-on-write
 * overlay of the host's `/` is the VM's root. Every command of the VM runs there through
 * `nsenter` + `chroot`, so the real delivery scripts install files at their VM paths and each
 * daemon reads its own rendered /etc, while the host's files are never written.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { PROJECT_ROOT } from "../model/projectRoot";
import type { LabHost } from "./namespaces";

/** What a command run in a VM returned. */
export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

export interface RunOptions {
    /** Extra environment (secrets reach scripts only this way, never in argv). */
    env?: Record<string, string>;
    /** Standard input. */
    input?: string;
    /** Seconds before the command is killed (default 120). */
    timeout?: number;
}

const VM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

export class LabMachine {
    private holder?: ChildProcess;
    private innerPid?: number;
    /** The VM's root as seen from inside its mount namespace. */
    readonly root: string;

    constructor(
        /** `EU-FE-01/app`. */
        readonly label: string,
        /** The VM's hostname (`eu-fe-01-app`). */
        readonly hostname: string,
        readonly host: LabHost,
        /** Lab scratch directory of this VM on the host (mounted over by a tmpfs inside the VM). */
        readonly scratch: string,
    ) {
        this.root = `${scratch}/root`;
    }

    /** Starts the holder: tmpfs scratch, overlay of `/`, fresh /proc /sys /run /tmp, hostname. */
    async boot(): Promise<void> {
        mkdirSync(this.scratch, { recursive: true });
        const s = this.scratch;
        const setup = [
            "set -e",
            `mount -t tmpfs -o mode=0755 lab ${s}`,
            `mkdir -p ${s}/upper ${s}/work ${s}/root`,
            `mount -t overlay overlay -o lowerdir=/,upperdir=${s}/upper,workdir=${s}/work ${s}/root`,
            `mount -t proc proc ${s}/root/proc`,
            `mount -t sysfs sysfs ${s}/root/sys`,
            `mount --rbind /dev ${s}/root/dev`,
            `mount -t tmpfs -o mode=0755 run ${s}/root/run`,
            `mount -t tmpfs -o mode=1777 tmp ${s}/root/tmp`,
            // A VM's root home is its own: the host's (its tool settings, any credentials) stays out.
            `mount -t tmpfs -o mode=0700 roothome ${s}/root/root`,
            // The project (stand-ins, their node_modules) stays visible read-only, wherever it lives:
            // a checkout under /tmp or /root would otherwise vanish under the VM's own tmpfs.
            `mkdir -p ${s}/root${PROJECT_ROOT}`,
            `mount --bind ${PROJECT_ROOT} ${s}/root${PROJECT_ROOT}`,
            `mount -o remount,bind,ro ${s}/root${PROJECT_ROOT}`,
            `hostname ${this.hostname}`,
            "echo ready",
            "exec sleep infinity",
        ].join("\n");
        const holder = spawn("ip", ["netns", "exec", this.host.netns, "unshare", "-m", "-u", "--propagation", "private", "sh", "-c", setup], {
            stdio: ["ignore", "pipe", "pipe"],
        });
        this.holder = holder;
        await new Promise<void>((resolve, reject) => {
            let err = "";
            holder.stderr!.on("data", (d) => (err += d));
            holder.stdout!.on("data", (d) => (String(d).includes("ready") ? resolve() : undefined));
            holder.on("exit", (code) => reject(new Error(`${this.label}: VM root setup failed (${code}): ${err.trim()}`)));
        });
    }

    /** The pid whose namespaces are the VM's (the holder's `sleep`, after its `exec`). */
    private get pid(): number {
        if (!this.holder?.pid) throw new Error(`${this.label}: not booted`);
        if (this.innerPid) return this.innerPid;
        // ip netns exec → unshare → sh exec's sleep: the sleep is unshare's child.
        const children = spawnSync("pgrep", ["-P", String(this.holder.pid)], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);
        const inner = children.length ? Number(children[0]) : this.holder.pid;
        const grandchildren = spawnSync("pgrep", ["-P", String(inner)], { encoding: "utf8" }).stdout.trim().split("\n").filter(Boolean);
        this.innerPid = grandchildren.length ? Number(grandchildren[0]) : inner;
        return this.innerPid;
    }

    private nsenterArgs(): string[] {
        return ["-t", String(this.pid), "-m", "-n", "-u", "--", "chroot", this.root];
    }

    /** Runs a bash script inside the VM as root, waits for it. */
    run(script: string, options: RunOptions = {}): RunResult {
        const env = { PATH: VM_PATH, HOME: "/root", LANG: "C.UTF-8", ...(options.env ?? {}) };
        const r = spawnSync("nsenter", [...this.nsenterArgs(), "/usr/bin/env", "-i", ...Object.keys(env).map((k) => `${k}=${(env as Record<string, string>)[k]}`), "/bin/bash", "-c", script], {
            input: options.input,
            encoding: "utf8",
            timeout: (options.timeout ?? 120) * 1000,
            maxBuffer: 64 * 1024 * 1024,
        });
        return { code: r.status ?? (r.signal ? 124 : 1), stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
    }

    /** `run`, without blocking the lab: VMs provision side by side. */
    runAsync(script: string, options: RunOptions = {}): Promise<RunResult> {
        const env = { PATH: VM_PATH, HOME: "/root", LANG: "C.UTF-8", ...(options.env ?? {}) };
        const child = spawn("nsenter", [...this.nsenterArgs(), "/usr/bin/env", "-i", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), "/bin/bash", "-c", script], {
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", (d) => (stdout += d));
        child.stderr!.on("data", (d) => (stderr += d));
        // A script that exits before reading its stdin closes the pipe: that is not an error of the lab.
        child.stdin!.on("error", () => undefined);
        child.stdin!.end(options.input ?? "");
        return new Promise((resolve) => {
            const timer = setTimeout(() => child.kill("SIGKILL"), (options.timeout ?? 120) * 1000);
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                resolve({ code: code ?? (signal ? 124 : 1), stdout, stderr: signal ? `${stderr}\n(killed by ${signal} after ${options.timeout ?? 120} s)` : stderr });
            });
        });
    }

    /** Starts a long-lived process inside the VM (a stand-in, a flow's client); the caller ends it. */
    spawn(argv: string[], env: Record<string, string> = {}): ChildProcess {
        const full = { PATH: VM_PATH, HOME: "/root", LANG: "C.UTF-8", ...env };
        return spawn("nsenter", [...this.nsenterArgs(), "/usr/bin/env", "-i", ...Object.entries(full).map(([k, v]) => `${k}=${v}`), ...argv], {
            stdio: ["pipe", "pipe", "pipe"],
        });
    }

    /** Ends every process in the VM's mount namespace (daemons included), then its mounts go with it. */
    shutdown(): void {
        if (!this.holder?.pid) return;
        let ns: string | undefined;
        try {
            ns = readlinkSync(`/proc/${this.pid}/ns/mnt`);
        } catch {
            ns = undefined;
        }
        const members = (): number[] => {
            if (!ns) return [];
            const pids: number[] = [];
            for (const entry of readdirSync("/proc")) {
                if (!/^\d+$/.test(entry)) continue;
                try {
                    if (readlinkSync(`/proc/${entry}/ns/mnt`) === ns) pids.push(Number(entry));
                } catch {
                    // exited meanwhile
                }
            }
            return pids;
        };
        for (const signal of ["SIGTERM", "SIGKILL"] as const) {
            for (const pid of members()) {
                try {
                    process.kill(pid, signal);
                } catch {
                    // exited meanwhile
                }
            }
            if (signal === "SIGTERM") spawnSync("sleep", ["0.5"]);
        }
        try {
            process.kill(this.holder.pid, "SIGKILL");
        } catch {
            // gone
        }
        this.holder = undefined;
        this.innerPid = undefined;
        rmSync(this.scratch, { recursive: true, force: true });
    }
}
