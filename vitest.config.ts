import { readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * Test projects (README, "Tests"):
 * - `unit`: everything that runs in-process on plans, rendered files and checkers. Files share
 *   one module cache per worker (two forks, `isolate: false`): @pulumi/oci, the plan of all stacks
 *   (`test/sharedPlan.ts`) and the rendered files are loaded once per worker, not once per file.
 * - `program:<a>+<b>`: the Pulumi program under the SDK's runtime mocks. Each file sets the SDK's
 *   global mocks and stack, so each file runs in a fresh process of its own (PROGRAM_PAIRS below).
 * - `cli`: the commands end to end in child processes (`node offline/launch.mjs …`): every test
 *   pays a process start and a plan. `npm run test:cli`; `.ci/run` runs it in its own block.
 * - `engine` and `lab`: the real Pulumi CLI and the network-namespace lab, run by `.ci/run` only.
 * `npm test` runs `unit` and `program`.
 */
const CLI = [
    "test/limits/cli.test.ts",
    "test/offline/bundle.test.ts",
    "test/offline/cli.test.ts",
    "test/offline/cliCommands.test.ts",
    "test/offline/diff.test.ts",
    "test/policies/check.cli.test.ts",
    "test/render/cli.test.ts",
];
/**
 * The program files in pairs of similar length (measured alone: euRegion 19 s, program 13 s,
 * engine 10 s, remoteRegion 9 s, validation 7 s, delivery 6 s, account 5 s, sdkAdapter 3 s).
 * Each pair is a project: Vitest runs one project after another, handing a project's files to
 * the pool at once and recycling the workers after it, so the two files of a pair run side by
 * side, each in a fresh worker of its own (test/programProcess.ts fails a file that is not).
 */
const PROGRAM_PAIRS: [string, string][] = [
    ["test/components/euRegion.test.ts", "test/components/program.test.ts"],
    ["test/offline/engine.test.ts", "test/components/remoteRegion.test.ts"],
    ["test/components/validation.test.ts", "test/render/delivery.test.ts"],
    ["test/components/account.test.ts", "test/offline/sdkAdapter.test.ts"],
];
const PROGRAM = PROGRAM_PAIRS.flat();
const unpaired = readdirSync("test/components")
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => `test/components/${f}`)
    .filter((f) => !PROGRAM.includes(f));
if (unpaired.length > 0) throw new Error(`vitest.config.ts: component test files in no program pair: ${unpaired.join(", ")}`);
const SEPARATE = ["test/engine/**", "test/lab/**"];

const shared = {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks" as const,
    globalSetup: ["test/globalSetup.ts"],
};

export default defineConfig({
    test: {
        // Vitest decides process reuse for the whole forks pool (a project's own `isolate` does not):
        // processes are reused (`isolate: false`) and recycled between projects. So `unit` files
        // share two long-lived workers and their module cache, and each `program` pair is a project
        // whose two files start together on the two fresh workers. The minimum equals
        // the maximum: with fewer, Tinypool's idle-worker removal races the reuse and kills a
        // queued file ("Terminating worker thread", Vitest 3.2). (Worker threads would isolate
        // program files too, but under load their RPC to Vitest timed out and lost results.)
        poolOptions: { forks: { isolate: false, minForks: 2, maxForks: 2 } },
        projects: [
            {
                test: {
                    ...shared,
                    name: "unit",
                    include: ["test/**/*.test.ts", "policies/**/*.test.ts"],
                    exclude: [...CLI, ...PROGRAM, ...SEPARATE],
                    isolate: false,
                },
            },
            ...PROGRAM_PAIRS.map((pair) => ({
                test: { ...shared, name: `program:${pair.map((f) => f.replace(/^test\/(.*)\.test\.ts$/, "$1")).join("+")}`, include: pair, setupFiles: ["test/programProcess.ts"] },
            })),
            // In the shared forks, but each file with a fresh module cache (as before, when each had its own process).
            { test: { ...shared, name: "cli", include: CLI, isolate: true } },
            { test: { ...shared, name: "engine", include: ["test/engine/**/*.test.ts"], isolate: true } },
            { test: { ...shared, name: "lab", include: ["test/lab/**/*.test.ts"], isolate: true } },
        ],
    },
});
