/**
 * `npm run check -- -s <eu|na|sa|as|au|all> [--topology FILE] [--format text|json|sarif]
 *  [--suppressions FILE] [--cis-report [--tenancy-kind alwaysFree|payAsYouGo]] [--today YYYY-MM-DD]`
 *
 * Plans the stacks with the offline engine (the real program under mocks), runs the policy
 * pack in-process over every resource (and the topology-wide policies over all stacks), and
 * prints each violation with its policy, account, resource, benchmark ids and what to change
 * (policies/report/). Exit 1 on any unsuppressed mandatory violation or expired suppression;
 * exit 2 with one line per problem (`<path>[:line]: <message>`) on bad input.
 */
import { resolve } from "node:path";
import type { Command } from "commander";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { UserInputError } from "../../model/errors";
import type { TenancyKind } from "../../policies/frameworks/benchmarks";
import type { Format } from "../../policies/report/checkOutput";
import { plural } from "../plural";
import type { Style } from "../style";
import { requireFile, requireStacks, stackOption, write, type Subcommand } from "./common";

interface CheckOptions {
    stack: string;
    topology?: string;
    json?: boolean;
    format: Format;
    suppressions?: string;
    cisReport?: boolean;
    tenancyKind?: TenancyKind;
    today?: string;
}

/** The text report on a colour terminal: section titles bold, the verdict green or red. */
function colourText(text: string, style: Style): string {
    return text
        .split("\n")
        .map((line) => {
            if (/^(Mandatory|Advisory) violations \(\d+\):$|^Suppressed |^Expired suppressions |^Suppressions that matched /.test(line)) return style.bold(line);
            if (line.startsWith("PASS: ")) return `${style.green("PASS")}${line.slice(4)}`;
            if (line.startsWith("FAIL: ")) return `${style.red("FAIL")}${line.slice(4)}`;
            return line;
        })
        .join("\n");
}

/** A `YYYY-MM-DD` calendar day, or a user error naming the option. */
function isoDate(option: string, value: string): string {
    const parsed = new Date(`${value}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
        throw new UserInputError([{ path: option, message: `"${value}" is not a date such as 2026-11-30` }]);
    }
    return value;
}

export const subcommand: Subcommand<CheckOptions> = {
    configure: (command: Command) =>
        command
            .description("Offline policy check: the policy pack run in-process over the mocked plan of each stack; exit 1 on a mandatory violation")
            .addOption(stackOption("stack to check"))
            .option("--topology <file>", "topology file instead of each stack's blitzhub:topology (relative to the current directory)")
            .option("--json", "same as --format json")
            // Choices are checked in run: the lists live with the policy pack, which --help does not load.
            .option("--format <format>", "output format: text, json or sarif", "text")
            .option("--suppressions <file>", "suppression file, relative to the current directory (default: policies/suppressions.yaml)")
            .option("--cis-report", "print the CIS OCI Foundations Benchmark report instead of the findings")
            .option("--tenancy-kind <kind>", "kind of tenancy of the CIS report: alwaysFree or payAsYouGo (default: the topology's)")
            .option("--today <date>", "the day (YYYY-MM-DD, UTC) key rotation age and suppression expiry are judged on (default: today)"),

    async run(opts, ctx) {
        const stacks = requireStacks(opts.stack);
        if (stacks === undefined) return 2;
        const { FORMATS, checkOutput } = await import("../../policies/report/checkOutput");
        const { TENANCY_KINDS } = await import("../../policies/frameworks/benchmarks");
        const choice = (option: string, value: string | undefined, choices: readonly string[]) => {
            if (value !== undefined && !choices.includes(value)) throw new UserInputError([{ path: option, message: `"${value}" is not one of ${choices.join(", ")}` }]);
        };
        choice("--format", opts.format, FORMATS);
        choice("--tenancy-kind", opts.tenancyKind, TENANCY_KINDS);
        const today = opts.today === undefined ? undefined : isoDate("--today", opts.today);
        if (opts.cisReport && opts.format === "sarif") {
            process.stderr.write("--format: the CIS report is text or json, not sarif\n");
            return 2;
        }
        const topology = opts.topology === undefined ? undefined : ctx.path(opts.topology);
        if (topology) requireFile("--topology", topology);
        const { loadSuppressions } = await import("../../policies/suppressions");
        // Read before planning: a malformed suppression file fails in a second, not after the plan.
        const suppressions = opts.suppressions === undefined ? loadSuppressions() : loadSuppressions(ctx.path(opts.suppressions).absolute, { required: true });
        const { planStacks } = await import("../engine");
        const { runPolicies } = await import("../../policies/runner");
        const { policies, topologyPolicies } = await import("../../policies/all");
        const { DEFAULT_TOPOLOGY_FILE } = await import("../../model/load");
        const progress = ctx.progress();
        let output: { text: string; exitCode: number };
        try {
            const planned = await planStacks({
                stacks,
                topologyFile: topology?.absolute,
                onProgress: (p) => progress.update(() => `planning ${p.stack}… ${p.index}/${plural(p.total, "stack")}, ${plural(p.resources, "resource")}`),
            });
            progress.update(`running the policies over ${plural(planned.reduce((n, s) => n + s.resources.length, 0), "resource")}…`);
            const report = await runPolicies(planned, { today });
            const format = opts.json ? "json" : opts.format;
            output = checkOutput(planned, report, [...policies, ...topologyPolicies], {
                format,
                suppressions,
                cisReport: opts.cisReport === true,
                tenancyKind: opts.tenancyKind,
                ...(today !== undefined ? { today: new Date(`${today}T00:00:00Z`) } : {}),
                topologyFile: topology?.absolute ?? resolve(PROJECT_ROOT, DEFAULT_TOPOLOGY_FILE),
            });
            if (format === "text") {
                // The billing mode of each tenancy decides what the free-tier policies enforce: say it first.
                const { formatBillingModes } = await import("../formatTree");
                output = { ...output, text: `${formatBillingModes(planned).join("\n")}\n\n${colourText(output.text, ctx.style)}` };
            }
        } finally {
            progress.done();
        }
        await write(ctx.stdout, output.text);
        return output.exitCode;
    },
};
