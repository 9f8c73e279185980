import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/**
 * Test projects (README, "Tests"):
 * - `unit` (`npm test`): everything that runs in-process: the model, plan, render, policies, the
 *   checkers, and the Pulumi program under the SDK's runtime mocks. Files share a few long-lived
 *   workers and their module cache (`isolate: false`): @pulumi/oci, the plan of all stacks
 *   (`test/sharedPlan.ts`) and the rendered files are loaded or made once per worker, not once per
 *   file. The program files run their stacks one after another in those workers, as the offline
 *   engine runs five stacks in one process: `setMocks` resets the SDK's monitor and stack, and
 *   `test/sdkState.ts` waits for a file's registrations and clears its config when it ends.
 * - `cli`: the commands end to end in child processes (`node offline/launch.mjs …`): every test
 *   pays a process start and a plan. `npm run test:cli`; `.ci/run` runs it in its own block.
 * - `engine` and `lab`: the real Pulumi CLI and the network-namespace lab, run by `.ci/run` only.
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
const SEPARATE = ["test/engine/**", "test/lab/**"];
/** Test workers (see poolOptions below). */
const WORKERS = availableParallelism() + 1;

const shared = {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks" as const,
    globalSetup: ["test/globalSetup.ts"],
};

export default defineConfig({
    test: {
        // Vitest decides process reuse for the whole forks pool (a project's own `isolate` does not):
        // processes are reused (`isolate: false`) and recycled between projects. The minimum equals
        // the maximum: with fewer, Tinypool's idle-worker removal races the reuse and kills a
        // queued file ("Terminating worker thread", Vitest 3.2). One worker more than there are
        // cores: several files spend seconds waiting on the daemons they start (Alertmanager's
        // gossip, the namespace labs), and a third worker fills that time (npm test on 2 cores,
        // measured twice each, same conditions: 2 workers 69 and 84 s, 3 workers 60 and 73 s).
        poolOptions: { forks: { isolate: false, minForks: WORKERS, maxForks: WORKERS } },
        projects: [
            {
                test: {
                    ...shared,
                    name: "unit",
                    include: ["test/**/*.test.ts", "policies/**/*.test.ts"],
                    exclude: [...CLI, ...SEPARATE],
                    isolate: false,
                    setupFiles: ["test/sdkState.ts"],
                },
            },
            // In the shared forks, but each file with a fresh module cache (as before, when each had its own process).
            { test: { ...shared, name: "cli", include: CLI, isolate: true } },
            { test: { ...shared, name: "engine", include: ["test/engine/**/*.test.ts"], isolate: true } },
            { test: { ...shared, name: "lab", include: ["test/lab/**/*.test.ts"], isolate: true } },
        ],
    },
});
