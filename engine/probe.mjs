#!/usr/bin/env node
/**
 * Asks the Go module proxy, with the ordinary `go` client and the machine's GOPROXY, for every
 * module@version that engine/components.json says a real-engine binary needs, and prints one
 * row per module: served (with the proxy's timestamp) or the go command's own error.
 *
 *   npm run engine:probe [-- --json]
 *
 * Exit 0 whatever the proxy answers (it is a report); 2 when `go` itself is missing.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

/** The machine's GOPROXY list without `direct`/`off`: a module's source repository is out of reach here. */
const proxyOnly = (() => {
    const configured = spawnSync("go", ["env", "GOPROXY"], { encoding: "utf8" }).stdout?.trim() ?? "";
    return configured.split(/[,|]/).filter((p) => p && p !== "direct" && p !== "off").join(",") || "off";
})();

/** The components and the modules each needs, as engine/components.json lists them. */
export function loadComponents() {
    return JSON.parse(fs.readFileSync(path.join(here, "components.json"), "utf8")).components;
}

/**
 * `go list -m -json module@version` from an empty directory (no wrapper's go.mod involved).
 * Returns `{ served: true, time }` or `{ served: false, error }` with the go command's message.
 */
export function probeModule(modulePath, version) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-probe-"));
    try {
        const run = spawnSync("go", ["list", "-m", "-json", `${modulePath}@${version}`], {
            cwd: dir,
            encoding: "utf8",
            timeout: 180_000,
            // No module of the project's, and no `direct` fallback: the question is what the proxy serves.
            env: { ...process.env, GO111MODULE: "on", GOFLAGS: "-mod=mod", GOPROXY: proxyOnly, GIT_TERMINAL_PROMPT: "0" },
        });
        if (run.error) throw run.error;
        if (run.status === 0) return { served: true, time: JSON.parse(run.stdout).Time ?? "" };
        const message = run.stderr.trim().split("\n").map((l) => l.trim()).join(" ");
        // The answer, not the proxy's address: `$GOPROXY/<module>/@v/<version>.info: 403 Forbidden ...`.
        return { served: false, error: proxyOnly.split(",").reduce((m, url) => m.split(url).join("$GOPROXY"), message) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** Every row of the probe: component, module, version, why, answer. */
export function probeAll(components = loadComponents()) {
    const rows = [];
    for (const component of components) {
        for (const module of component.modules) {
            rows.push({ component: component.name, matches: component.matches, ...module, ...probeModule(module.path, module.version) });
        }
    }
    return rows;
}

/** A component is buildable from the proxy when its module (at least one listed version of each path) is served. */
export function buildableFromProxy(component, rows) {
    const paths = [...new Set(component.modules.map((m) => m.path))];
    return paths.every((p) => rows.some((r) => r.component === component.name && r.path === p && r.served));
}

function main() {
    const json = process.argv.includes("--json");
    const go = spawnSync("go", ["version"], { encoding: "utf8" });
    if (go.error || go.status !== 0) {
        console.error("engine:probe: the `go` command is not on PATH (Go 1.26 is needed; see docs/real-engine.md)");
        process.exit(2);
    }
    const components = loadComponents();
    const rows = probeAll(components);
    if (json) {
        console.log(JSON.stringify({ go: go.stdout.trim(), rows }, null, 2));
        return;
    }
    console.log(`${go.stdout.trim()}; asking the module proxy ($GOPROXY) only, with no direct fallback`);
    for (const component of components) {
        const ok = buildableFromProxy(component, rows);
        console.log(`\n${component.binary} (matches ${component.matches}): ${ok ? "every module served" : "REFUSED"}`);
        for (const r of rows.filter((x) => x.component === component.name)) {
            console.log(`  ${r.served ? "served " : "refused"} ${r.path}@${r.version}${r.served ? `  (${r.time})` : ""}`);
            if (!r.served) console.log(`          ${r.error}`);
        }
    }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
