#!/usr/bin/env node
/**
 * Builds the real-engine binaries that engine/components.json gives a wrapper module for, with
 * the ordinary `go` client and the module proxy, into `.engine/bin/` (git-ignored).
 *
 *   npm run engine:build
 *
 * A binary is rebuilt only when its inputs change: the wrapper's go.mod, go.sum and Go files,
 * the Go version, the build flags and the stamped version. Each build is kept outside the clone
 * in `${XDG_CACHE_HOME:-~/.cache}/blitzhub-engine/<name>-<hash>/`, so a fresh clone on the same
 * machine copies it instead of compiling; GOCACHE and GOMODCACHE are Go's defaults, which
 * persist across clones too. Go runs under `nice -n 10` with `-p 2` (a shared 2-core machine).
 *
 * Components without a wrapper (the language host and the providers, which the proxy refuses:
 * `npm run engine:probe`) are listed as not built. Exit 1 when a build fails.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { loadComponents } from "./probe.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BIN_DIR = path.join(repo, ".engine", "bin");
const cacheRoot = path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "blitzhub-engine");

/** `go build` arguments of a component (part of its inputs' hash). */
function buildArgs(component, output) {
    const ldflags = `-s -w -X ${component.versionVariable}=${component.version}`;
    return ["build", "-p", "2", "-mod=readonly", "-trimpath", "-ldflags", ldflags, "-o", output, component.package];
}

/** sha256 over everything that decides the binary. */
function inputsHash(component, goVersion) {
    const dir = path.join(repo, component.wrapper);
    const files = fs
        .readdirSync(dir)
        .filter((f) => f === "go.mod" || f === "go.sum" || f.endsWith(".go"))
        .sort();
    const hash = createHash("sha256");
    hash.update(`${goVersion}\n${JSON.stringify(buildArgs(component, "OUT"))}\n`);
    for (const f of files) hash.update(`${f}\n`).update(fs.readFileSync(path.join(dir, f))).update("\n");
    return hash.digest("hex").slice(0, 16);
}

function copyExecutable(from, to) {
    const tmp = `${to}.tmp-${process.pid}`;
    fs.copyFileSync(from, tmp);
    fs.chmodSync(tmp, 0o755);
    fs.renameSync(tmp, to);
}

/** Builds (or restores) one component; returns how, and the seconds it took. */
function buildComponent(component, goVersion) {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    const hash = inputsHash(component, goVersion);
    const target = path.join(BIN_DIR, component.binary);
    const stamp = `${target}.inputs`;
    if (fs.existsSync(target) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8").trim() === hash) {
        return { how: "up to date", hash, seconds: seconds() };
    }
    const cacheDir = path.join(cacheRoot, `${component.name}-${hash}`);
    const cached = path.join(cacheDir, component.binary);
    let how = "restored from the build cache";
    if (!fs.existsSync(cached)) {
        how = "built";
        fs.mkdirSync(cacheDir, { recursive: true });
        const partial = `${cached}.partial-${process.pid}`;
        const args = buildArgs(component, partial);
        console.log(`engine:build: ${component.binary}: nice -n 10 go ${args.join(" ")}   (in ${component.wrapper})`);
        const run = spawnSync("nice", ["-n", "10", "go", ...args], { cwd: path.join(repo, component.wrapper), stdio: "inherit" });
        if (run.status !== 0) {
            fs.rmSync(partial, { force: true });
            return { how: "FAILED", hash, seconds: seconds() };
        }
        fs.renameSync(partial, cached);
    }
    fs.mkdirSync(BIN_DIR, { recursive: true });
    copyExecutable(cached, target);
    fs.writeFileSync(stamp, `${hash}\n`);
    return { how, hash, seconds: seconds() };
}

function main() {
    const go = spawnSync("go", ["version"], { encoding: "utf8" });
    if (go.error || go.status !== 0) {
        console.error("engine:build: the `go` command is not on PATH (Go 1.26 is needed; see docs/real-engine.md)");
        process.exit(2);
    }
    const goVersion = go.stdout.trim();
    let failed = 0;
    for (const component of loadComponents()) {
        if (!component.wrapper) {
            console.log(`engine:build: ${component.binary} (${component.matches}): not built: the module proxy refuses its module (npm run engine:probe; docs/real-engine.md)`);
            continue;
        }
        const result = buildComponent(component, goVersion);
        if (result.how === "FAILED") failed++;
        console.log(`engine:build: ${component.binary} ${component.version}: ${result.how} in ${result.seconds.toFixed(1)} s (inputs ${result.hash}) -> ${path.relative(repo, path.join(BIN_DIR, component.binary))}`);
    }
    process.exit(failed > 0 ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
