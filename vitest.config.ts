import { readdirSync } from "node:fs";
import { defineConfig } from "vitest/config";

/**
 * Test projects (README, "Tests"):
 * - `unit`: everything that runs in-process on plans, rendered files and checkers. Files share
 *   one module cache per worker (two forks, `isolate: false`): @pulumi/oci, the plan of all stacks
 *   (`test/sharedPlan.ts`) and the rendered files are loaded once per worker, not once per file.
 * - `program:<file>`: the Pulumi program under the SDK's runtime mocks. Each file sets the SDK's
 *   global mocks and stack, so each file is a project of its own and gets fresh processes.
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
const PROGRAM = [
    ...readdirSync("test/components")
        .filter((f) => f.endsWith(".test.ts"))
        .map((f) => `test/components/${f}`),
    "test/offline/engine.test.ts",
    "test/offline/sdkAdapter.test.ts",
    "test/render/delivery.test.ts",
];
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
        // share two long-lived workers and their module cache, and every `program` file is a
        // project of its own (`program:<file>`), which gives it fresh processes. The minimum equals
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
            ...PROGRAM.map((file) => ({ test: { ...shared, name: `program:${file.replace(/^test\//, "")}`, include: [file] } })),
            // In the shared forks, but each file with a fresh module cache (as before, when each had its own process).
            { test: { ...shared, name: "cli", include: CLI, isolate: true } },
            { test: { ...shared, name: "engine", include: ["test/engine/**/*.test.ts"], isolate: true } },
            { test: { ...shared, name: "lab", include: ["test/lab/**/*.test.ts"], isolate: true } },
        ],
    },
});
