/**
 * `npm run check -- --stack <eu|na|sa|as|au|all> [--topology FILE] [--json]`
 *
 * Plans the stacks with the offline engine (the real program under mocks), runs the policy
 * pack in-process over every resource (and the topology-wide policies over all stacks), and
 * prints each violation with its policy, account and resource — mandatory and advisory apart —
 * then a summary line. Exit 1 on any mandatory violation; exit 2 with one line per problem
 * (`<path>[:line]: <message>`) on bad input.
 */
import { Command } from "commander";
import { runPolicies, type PolicyReport, type Violation } from "../../policies/runner";
import { planStacks } from "../engine";
import { formatBillingModes } from "../formatTree";
import { STACK_CHOICES, parseArgs, requireStacks, runCli, write } from "./common";

/** `  no-admin-ports-from-internet  EU-FE-01  eu-fe-01-app-nsg-…: message`. */
function formatViolation(v: Violation): string {
    const where = [v.stack ? `[${v.stack}]` : undefined, v.account ?? "(no account)", v.resourceName ?? "(stack)"].filter(Boolean).join(" ");
    return `  ${v.policy}  ${where}\n      ${v.message}`;
}

/** The human report: mandatory, then advisory, then the summary line. */
export function formatReport(report: PolicyReport): string {
    const mandatory = report.violations.filter((v) => v.enforcement === "mandatory");
    const advisory = report.violations.filter((v) => v.enforcement === "advisory");
    const lines: string[] = [];
    lines.push(`Mandatory violations (${mandatory.length}):`);
    lines.push(...(mandatory.length > 0 ? mandatory.map(formatViolation) : ["  none"]));
    lines.push("", `Advisory violations (${advisory.length}):`);
    lines.push(...(advisory.length > 0 ? advisory.map(formatViolation) : ["  none"]));
    const idle = Object.entries(report.applied).filter(([, n]) => n === 0).map(([name]) => name);
    if (idle.length > 0) lines.push("", `Not applicable to these stacks (no matching resource): ${idle.join(", ")}`);
    lines.push(
        "",
        `${mandatory.length === 0 ? "PASS" : "FAIL"}: ${mandatory.length} mandatory, ${advisory.length} advisory ` +
            `(${report.policies} policies over ${report.resources} resources in stacks ${report.stacks.join(", ")})`,
    );
    return `${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
    const cli = new Command("check")
        .description("Offline policy check: the policy pack run in-process over the mocked plan of each stack")
        .requiredOption("--stack <stack>", `stack to check: ${STACK_CHOICES}`)
        .option("--topology <file>", "topology file instead of each stack's blitzhub:topology")
        .option("--json", "print the violations as JSON", false);
    const parsed = parseArgs(cli, argv);
    if (parsed !== undefined) return parsed;
    const opts = cli.opts<{ stack: string; topology?: string; json: boolean }>();
    const stacks = requireStacks(opts.stack);
    if (stacks === undefined) return 2;
    const planned = await planStacks({ stacks, topologyFile: opts.topology });
    const report = await runPolicies(planned);
    await write(process.stdout, opts.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatBillingModes(planned).join("\n")}\n\n${formatReport(report)}`);
    return report.violations.some((v) => v.enforcement === "mandatory") ? 1 : 0;
}

runCli("check", () => main(process.argv));
