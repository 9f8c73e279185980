/**
 * `npm run check -- --stack <eu|na|sa|as|au|all> [--topology FILE] [--json]`
 *
 * Plans the stacks with the offline engine (the real program under mocks), runs the policy
 * pack in-process over every resource (and the topology-wide policies over all stacks), and
 * prints each violation with its policy, account and resource — mandatory and advisory apart —
 * then a summary line. Exit 1 on any mandatory violation; exit 2 with one line per problem
 * (`<path>[:line]: <message>`) on bad input.
 */
import { Command, CommanderError } from "commander";
import { formatProblem, isUserInputError } from "../../model/errors";
import { REGION_KEYS, type RegionKey } from "../../model/schema";
import { runPolicies, type PolicyReport, type Violation } from "../../policies/runner";
import { planStacks } from "../engine";

/** `all` → every region stack; otherwise the one named; unknown → undefined. */
function stacksOf(value: string): RegionKey[] | undefined {
    if (value === "all") return [...REGION_KEYS];
    return (REGION_KEYS as readonly string[]).includes(value) ? [value as RegionKey] : undefined;
}

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

function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
    return new Promise((resolve) => (stream.write(text) ? resolve() : stream.once("drain", () => resolve())));
}

async function main(argv: string[]): Promise<number> {
    const cli = new Command("check")
        .description("Offline policy check: the policy pack run in-process over the mocked plan of each stack")
        .requiredOption("--stack <stack>", `stack to check: ${REGION_KEYS.join(", ")} or all`)
        .option("--topology <file>", "topology file instead of each stack's blitzhub:topology")
        .option("--json", "print the violations as JSON", false)
        .exitOverride()
        .configureOutput({ writeErr: (text) => process.stderr.write(text) });
    try {
        cli.parse(argv);
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        throw error;
    }
    const opts = cli.opts<{ stack: string; topology?: string; json: boolean }>();
    const stacks = stacksOf(opts.stack);
    if (stacks === undefined) {
        process.stderr.write(`--stack: unknown stack "${opts.stack}" (stacks: ${REGION_KEYS.join(", ")}, all)\n`);
        return 2;
    }
    try {
        const planned = await planStacks({ stacks, topologyFile: opts.topology });
        const report = await runPolicies(planned);
        await write(process.stdout, opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
        return report.violations.some((v) => v.enforcement === "mandatory") ? 1 : 0;
    } catch (error) {
        if (isUserInputError(error)) {
            // The same topology problem is found once per stack that loads it: print it once.
            process.stderr.write(`${[...new Set(error.problems.map(formatProblem))].join("\n")}\n`);
            return 2;
        }
        throw error;
    }
}

main(process.argv).then(
    (code) => process.exit(code),
    (error) => {
        process.stderr.write(`check failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
    },
);
