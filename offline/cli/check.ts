/**
 * `npm run check -- --stack <eu|na|sa|as|au|all> [--topology FILE] [--format text|json|sarif]
 *  [--suppressions FILE] [--cis-report [--tenancy-kind alwaysFree|payAsYouGo]]`
 *
 * Plans the stacks with the offline engine (the real program under mocks), runs the policy
 * pack in-process over every resource (and the topology-wide policies over all stacks), and
 * prints each violation with its policy, account, resource and benchmark ids (policies/report/).
 * Exit 1 on any unsuppressed mandatory violation or expired suppression; exit 2 with one line
 * per problem (`<path>[:line]: <message>`) on bad input.
 */
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { DEFAULT_TOPOLOGY_FILE } from "../../model/load";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { policies, topologyPolicies } from "../../policies/all";
import { TENANCY_KINDS, type TenancyKind } from "../../policies/frameworks/benchmarks";
import { checkOutput, FORMATS, type Format } from "../../policies/report/checkOutput";
import { runPolicies } from "../../policies/runner";
import { loadSuppressions } from "../../policies/suppressions";
import { planStacks } from "../engine";
import { formatBillingModes } from "../formatTree";
import { STACK_CHOICES, parseArgs, requireStacks, runCli, write } from "./common";

async function main(argv: string[]): Promise<number> {
    const cli = new Command("check")
        .description("Offline policy check: the policy pack run in-process over the mocked plan of each stack")
        .requiredOption("--stack <stack>", `stack to check: ${STACK_CHOICES}`)
        .option("--topology <file>", "topology file instead of each stack's blitzhub:topology")
        .option("--json", "same as --format json", false)
        .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("text"))
        .option("--suppressions <file>", "suppression file (default: policies/suppressions.yaml)")
        .option("--cis-report", "print the CIS OCI Foundations Benchmark report instead of the findings", false)
        .addOption(new Option("--tenancy-kind <kind>", "kind of tenancy of the CIS report (default: the topology's)").choices(TENANCY_KINDS));
    const parsed = parseArgs(cli, argv);
    if (parsed !== undefined) return parsed;
    const opts = cli.opts<{ stack: string; topology?: string; json: boolean; format: Format; suppressions?: string; cisReport: boolean; tenancyKind?: TenancyKind }>();
    const stacks = requireStacks(opts.stack);
    if (stacks === undefined) return 2;
    if (opts.cisReport && opts.format === "sarif") {
        process.stderr.write("--format: the CIS report is text or json, not sarif\n");
        return 2;
    }
    // Read before planning: a malformed suppression file fails in a second, not after the plan.
    const suppressions = opts.suppressions === undefined ? loadSuppressions() : loadSuppressions(resolve(opts.suppressions), { required: true });
    const planned = await planStacks({ stacks, topologyFile: opts.topology });
    const report = await runPolicies(planned);
    const output = checkOutput(planned, report, [...policies, ...topologyPolicies], {
        format: opts.json ? "json" : opts.format,
        suppressions,
        cisReport: opts.cisReport,
        tenancyKind: opts.tenancyKind,
        topologyFile: opts.topology === undefined ? resolve(PROJECT_ROOT, DEFAULT_TOPOLOGY_FILE) : resolve(opts.topology),
    });
    const format = opts.json ? "json" : opts.format;
    // The billing mode of each tenancy decides what the free-tier policies enforce: say it first.
    await write(process.stdout, format === "text" ? `${formatBillingModes(planned).join("\n")}\n\n${output.text}` : output.text);
    return output.exitCode;
}

runCli("check", () => main(process.argv));
