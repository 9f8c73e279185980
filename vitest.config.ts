import { defineConfig } from "vitest/config";

/**
 * Test projects (README, "Tests"):
 * - `unit`: everything that runs in-process on plans, rendered files and checkers. Files share
 *   one module cache per worker (two forks, `isolate: false`): @pulumi/oci, the plan of all stacks
 *   (`test/sharedPlan.ts`) and the rendered files are loaded once per worker, not once per file.
 * - `program`: the Pulumi program under the SDK's runtime mocks. Each file sets the SDK's global
 *   mocks and stack, so each file gets its own worker thread (its own Node module cache).
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
const PROGRAM = ["test/components/**/*.test.ts", "test/offline/engine.test.ts", "test/offline/sdkAdapter.test.ts", "test/render/delivery.test.ts"];
const SEPARATE = ["test/engine/**", "test/lab/**"];

const shared = {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks" as const,
    globalSetup: ["test/globalSetup.ts"],
};

export default defineConfig({
    test: {
        // Three workers keep both cores busy: files spend much of their time waiting for child
        // processes (checkers, Chromium, the shared plan). Vitest decides process reuse for the
        // whole forks pool (the projects' own `isolate` does not), so the pools differ: `unit` runs
        // in two forks that stay up and keep their module cache from file to file (`isolate:
        // false`); `program` in one worker thread, a fresh one per file (threads stay isolated).
        // The minimum equals the maximum: with fewer, Tinypool's idle-worker removal races the
        // reuse and kills a queued file ("Terminating worker thread", Vitest 3.2).
        poolOptions: {
            forks: { isolate: false, minForks: 2, maxForks: 2 },
            threads: { minThreads: 1, maxThreads: 1 },
        },
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
            { test: { ...shared, name: "program", include: PROGRAM, pool: "threads" } },
            // In the shared forks, but each file with a fresh module cache (as before, when each had its own process).
            { test: { ...shared, name: "cli", include: CLI, isolate: true } },
            { test: { ...shared, name: "engine", include: ["test/engine/**/*.test.ts"], isolate: true } },
            { test: { ...shared, name: "lab", include: ["test/lab/**/*.test.ts"], isolate: true } },
        ],
    },
});
