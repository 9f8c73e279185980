/**
 * `npm run bench`: how long the offline plan takes, against the floor of merely loading the
 * Pulumi SDKs, for the real topology and for synthetic ones with ×4 and ×10 the accounts.
 *
 * Every measurement is a separate child process (`node offline/launch.mjs plan --stack all
 * --json`, what `npm run plan` runs), timed and sized by `/usr/bin/time` (wall time, CPU, peak
 * RSS). Goals: the real plan under 2× the floor (issue 2); the time per resource at ×10 no worse
 * than at ×1, in wall time and in CPU (issue 12), where the time per resource is the wall time above the floor divided by
 * the resources planned. Two more rows explain the first goal: the SDK floor (registering the
 * plan's own resources and inputs in Pulumi's SDK, nothing else; `bench/sdkFloor.mjs`) and the
 * same plan with every source compiled through tsx (how the Pulumi CLI runs the program).
 *
 * Prints a table and writes the numbers to `bench/results/bench-<time>.json` (gitignored).
 * `npm run bench -- --runs n` (or `BENCH_RUNS=n`) sets the runs per case (median is kept;
 * default 3, ×10 runs at most twice). Run through the CLI (`offline/cli/bench.ts`).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { PROJECT_ROOT as ROOT } from "../model/projectRoot";
import { synthesizeTopology } from "./synthetic";
import { DEFAULT_TOPOLOGY_FILE } from "../model/load";

const TOPOLOGY = path.join(ROOT, DEFAULT_TOPOLOGY_FILE);
const TIME = "/usr/bin/time";

interface Run {
    wallMs: number;
    /** User + system CPU time of the child. */
    cpuMs: number;
    maxRssMb: number;
    resources: number;
    /** The NSG with the most security rules (ingress and egress) in the plan, and how many. */
    largestNsg?: { nsg: string; rules: number };
}

interface Case {
    name: string;
    accounts?: number;
    runs: Run[];
    wallMs: number;
    cpuMs: number;
    maxRssMb: number;
    resources: number;
    /** (wall − floor wall) / resources. */
    msPerResource?: number;
    /** (CPU − floor CPU) / resources: the same, less sensitive to a busy machine. */
    cpuMsPerResource?: number;
    /** wall / resources. */
    wallMsPerResource?: number;
    /** The NSG with the most security rules (ingress and egress) in the plan, and how many. */
    largestNsg?: { nsg: string; rules: number };
}

function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs `node args…` once; stdout goes to `outFile` when given. */
function runOnce(args: string[], outFile?: string): Run {
    const hasTime = fs.existsSync(TIME);
    const out = outFile ? fs.openSync(outFile, "w") : "ignore";
    const started = process.hrtime.bigint();
    const child = hasTime
        ? spawnSync(TIME, ["-f", "BENCH %e %M %U %S", process.execPath, ...args], { cwd: ROOT, stdio: ["ignore", out, "pipe"], encoding: "utf8" })
        : spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", out, "pipe"], encoding: "utf8" });
    const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
    if (typeof out === "number") fs.closeSync(out);
    if (child.status !== 0) {
        throw new Error(`bench: node ${args.join(" ")} exited ${child.status}\n${String(child.stderr).slice(-4000)}`);
    }
    const line = String(child.stderr).split("\n").reverse().find((l) => l.startsWith("BENCH "));
    const [, , rssKb, user, sys] = line ? line.split(" ") : [];
    let resources = 0;
    let largestNsg: Run["largestNsg"];
    if (outFile) {
        const json = JSON.parse(fs.readFileSync(outFile, "utf8")) as { stacks: { resources: { type: string; inputs?: Record<string, unknown> }[] }[] };
        resources = json.stacks.reduce((n, s) => n + s.resources.length, 0);
        largestNsg = largestNsgOf(json.stacks.flatMap((s) => s.resources));
    }
    return {
        largestNsg,
        wallMs: elapsed,
        cpuMs: user ? (Number(user) + Number(sys)) * 1000 : Number.NaN,
        maxRssMb: rssKb ? Number(rssKb) / 1024 : Number.NaN,
        resources,
    };
}

/** Security rules per NSG, counted by the rules' `networkSecurityGroupId` input. */
function largestNsgOf(resources: { type: string; inputs?: Record<string, unknown> }[]): Run["largestNsg"] {
    const perNsg = new Map<string, number>();
    for (const r of resources) {
        if (r.type !== "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule") continue;
        const id = String(r.inputs?.networkSecurityGroupId ?? "?");
        perNsg.set(id, (perNsg.get(id) ?? 0) + 1);
    }
    const [nsg, rules] = [...perNsg].sort((a, b) => b[1] - a[1])[0] ?? ["none", 0];
    return { nsg, rules };
}

function measure(name: string, args: string[], runs: number, outFile?: string, accounts?: number): Case {
    process.stderr.write(`bench: ${name} ×${runs} … `);
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) results.push(runOnce(args, outFile));
    const c: Case = {
        name,
        accounts,
        runs: results,
        wallMs: median(results.map((r) => r.wallMs)),
        cpuMs: median(results.map((r) => r.cpuMs)),
        maxRssMb: Math.max(...results.map((r) => r.maxRssMb)),
        resources: results[0].resources,
        largestNsg: results[0].largestNsg,
    };
    process.stderr.write(`${c.wallMs.toFixed(0)} ms wall, ${c.cpuMs.toFixed(0)} ms CPU, ${c.maxRssMb.toFixed(0)} MB\n`);
    return c;
}

/** The plan CLI as `npm run plan` runs it; `nodeFlags` only for the synthetic cases (a larger heap for ×10). */
function planArgs(extra: string[], nodeFlags: string[] = []): string[] {
    return [...nodeFlags, path.join("offline", "launch.mjs"), "plan", "--stack", "all", "--json", ...extra];
}

/** The same plan with every source compiled by tsx on the fly, as Pulumi.yaml's `nodeargs` runs the program. */
const TSX_PLAN_ARGS = ["--import", "tsx", path.join("offline", "cli", "main.ts"), "plan", "--stack", "all", "--json"];

/** Makes the next launch rebuild the bundle, as after a source change. */
function dropBundle(): void {
    fs.rmSync(path.join(ROOT, ".build", "offline", "current.json"), { force: true });
}

export interface BenchOptions {
    /** Runs per case (the median is kept); ×10 runs at most twice. */
    runs: number;
}

/** Runs every case, prints the table and the goals, writes `bench/results/bench-<time>.json`. */
export function runBench({ runs: RUNS }: BenchOptions): void {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-bench-"));
    const jsonOut = path.join(tmp, "plan.json");
    const realText = fs.readFileSync(TOPOLOGY, "utf8");
    const realAccounts = (parse(realText) as { accounts: unknown[] }).accounts.length;

    // The first launch after a source change builds the bundle: measured once, on its own.
    dropBundle();
    const coldBuild = measure("real plan, first run after a source change (rebuilds the bundle)", planArgs([]), 1, jsonOut, realAccounts);
    const sdkPlan = path.join(tmp, "sdk-floor-plan.json");
    fs.copyFileSync(jsonOut, sdkPlan);

    const floor = measure("floor: load @pulumi/pulumi + @pulumi/oci", ["-e", "require('@pulumi/pulumi'); require('@pulumi/oci')"], RUNS);
    const sdkFloor = measure("SDK floor: register the plan's resources, nothing else", [path.join("bench", "sdkFloor.mjs"), sdkPlan], RUNS);
    sdkFloor.resources = coldBuild.resources;
    const real = measure("real plan --stack all (×1)", planArgs([]), RUNS, jsonOut, realAccounts);
    const tsxPlan = measure("real plan, sources through tsx", TSX_PLAN_ARGS, RUNS, jsonOut, realAccounts);
    const cases: Case[] = [real];
    for (const factor of [4, 10]) {
        const file = path.join(tmp, `topology-x${factor}.yaml`);
        fs.writeFileSync(file, synthesizeTopology(realText, { factor }));
        // Every synthetic monitoring/bastion account scrapes/reaches every VM, so NSG rules (and
        // resources) grow faster than accounts; ×10 needs more than V8's default heap.
        const flags = factor >= 10 ? ["--max-old-space-size=16384"] : [];
        cases.push(
            measure(`synthetic ×${factor}`, planArgs(["--topology", file, "--synthesize-accounts"], flags), factor >= 10 ? Math.min(RUNS, 2) : RUNS, jsonOut, realAccounts * factor),
        );
    }
    for (const c of cases) {
        c.msPerResource = (c.wallMs - floor.wallMs) / c.resources;
        c.cpuMsPerResource = (c.cpuMs - floor.cpuMs) / c.resources;
        c.wallMsPerResource = c.wallMs / c.resources;
    }
    const x10 = cases[cases.length - 1];
    const goals = {
        realVsFloor: real.wallMs / floor.wallMs,
        realVsFloorCpu: real.cpuMs / floor.cpuMs,
        sdkFloorVsFloor: sdkFloor.wallMs / floor.wallMs,
        realVsSdkFloor: real.wallMs / sdkFloor.wallMs,
        realVsSdkFloorCpu: real.cpuMs / sdkFloor.cpuMs,
        tsxPlanVsReal: tsxPlan.wallMs / real.wallMs,
        realVsFloorGoal: 2,
        realVsFloorMet: real.wallMs / floor.wallMs < 2,
        resourcesX10VsX1: x10.resources / real.resources,
        peakMemoryX10VsX1: x10.maxRssMb / real.maxRssMb,
        scaleGoal: 10.5,
        largestNsgX10: x10.largestNsg,
        nsgRuleLimit: 120,
        perResourceX10VsX1: x10.msPerResource! / real.msPerResource!,
        perResourceX10VsX1Cpu: x10.cpuMsPerResource! / real.cpuMsPerResource!,
        perResourceX10VsX1Goal: 1,
        perResourceX10VsX1Met: x10.msPerResource! / real.msPerResource! <= 1 && x10.cpuMsPerResource! / real.cpuMsPerResource! <= 1,
    };

    const rows = [floor, sdkFloor, ...cases.slice(0, 1), tsxPlan, coldBuild, ...cases.slice(1)].map((c) => [
        c.name,
        c.accounts === undefined ? "" : String(c.accounts),
        c.wallMs.toFixed(0),
        c.cpuMs.toFixed(0),
        c.maxRssMb.toFixed(0),
        c.resources ? String(c.resources) : "",
        c.msPerResource === undefined ? "" : c.msPerResource.toFixed(3),
        c.cpuMsPerResource === undefined ? "" : c.cpuMsPerResource.toFixed(3),
        c.wallMsPerResource === undefined ? "" : c.wallMsPerResource.toFixed(3),
        (c.wallMs / floor.wallMs).toFixed(2),
    ]);
    const header = ["case", "accounts", "wall ms", "CPU ms", "peak RSS MB", "resources", "wall ms/res above floor", "CPU ms/res above floor", "wall ms/res", "wall × floor"];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ");
    console.log(fmt(header));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const row of rows) console.log(fmt(row));
    console.log("");
    console.log(
        `real plan / floor: ${goals.realVsFloor.toFixed(2)} wall, ${goals.realVsFloorCpu.toFixed(2)} CPU (goal < ${goals.realVsFloorGoal}) ${goals.realVsFloorMet ? "MET" : "NOT MET"}`,
    );
    console.log(
        `SDK floor / floor: ${goals.sdkFloorVsFloor.toFixed(2)} wall (what registering these ${sdkFloor.resources} resources costs any program); ` +
            `real plan / SDK floor: ${goals.realVsSdkFloor.toFixed(2)} wall, ${goals.realVsSdkFloorCpu.toFixed(2)} CPU`,
    );
    console.log(
        `through tsx: ${goals.tsxPlanVsReal.toFixed(2)}× the bundled plan; the first run after a source change (esbuild rebuild included, one run): ${coldBuild.wallMs.toFixed(0)} ms`,
    );
    console.log(
        `time per resource ×10 / ×1: ${goals.perResourceX10VsX1.toFixed(2)} wall, ${goals.perResourceX10VsX1Cpu.toFixed(2)} CPU (goal ≤ ${goals.perResourceX10VsX1Goal}) ${goals.perResourceX10VsX1Met ? "MET" : "NOT MET"}`,
    );
    console.log(
        `×10 / ×1: resources ${goals.resourcesX10VsX1.toFixed(2)}×, peak memory ${goals.peakMemoryX10VsX1.toFixed(2)}× (goal ≤ ${goals.scaleGoal}×) ` +
            `${goals.resourcesX10VsX1 <= goals.scaleGoal && goals.peakMemoryX10VsX1 <= goals.scaleGoal ? "MET" : "NOT MET"}`,
    );
    console.log(
        `largest NSG at ×10: ${goals.largestNsgX10?.rules ?? "?"} security rules (${goals.largestNsgX10?.nsg ?? "?"}; OCI allows ${goals.nsgRuleLimit}) ` +
            `${(goals.largestNsgX10?.rules ?? Infinity) <= goals.nsgRuleLimit ? "MET" : "NOT MET"}; at ×1: ${real.largestNsg?.rules ?? "?"}`,
    );
    console.log(`load average at the end: ${os.loadavg().map((l) => l.toFixed(1)).join(" ")} on ${os.cpus().length} CPUs (wall times include waiting for the CPU)`);

    const resultsDir = path.join(ROOT, "bench", "results");
    fs.mkdirSync(resultsDir, { recursive: true });
    const file = path.join(resultsDir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGb: Math.round(os.totalmem() / 2 ** 30) };
    const loadAverage = os.loadavg();
    fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), runsPerCase: RUNS, machine, loadAverage, floor, sdkFloor, tsxPlan, coldBuild, cases, goals }, null, 2)}\n`);
    console.log(`results: ${path.relative(ROOT, file)}`);
    fs.rmSync(tmp, { recursive: true, force: true });
}
