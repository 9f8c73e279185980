/**
 * `npm run bench -- [--runs N]`: the offline plan's timing and memory against the floor of
 * loading the SDKs (bench/bench.ts, bench/README.md). Several minutes and up to ~9 GB of memory
 * at the ×10 case; `--help` starts nothing.
 */
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Subcommand } from "./common";

function positiveInteger(value: string): number {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a whole number of 1 or more");
    return n;
}

export const subcommand: Subcommand<{ runs: number }> = {
    configure: (command: Command) =>
        command
            .description(
                "Measures the offline plan (real topology, ×4 and ×10 synthetic ones, through the bundle and through tsx) against the floor " +
                    "of loading the Pulumi SDKs; prints a table and writes bench/results/bench-<time>.json. Takes several minutes and up to ~9 GB of memory.",
            )
            .addOption(
                new Option("--runs <n>", "runs per case, the median is kept (×10 at most 2)")
                    .env("BENCH_RUNS")
                    .argParser(positiveInteger)
                    .default(3),
            ),

    async run(opts) {
        const { runBench } = await import("../../bench/bench");
        runBench({ runs: opts.runs });
        return 0;
    },
};
