/**
 * `npm run check -- -s <eu|na|sa|as|au|all> [--topology FILE] [--json]`
 *
 * Plans the stacks with the offline engine (the real program under mocks), runs the policy
 * pack in-process over every resource (and the topology-wide policies over all stacks), and
 * prints each violation with its policy, account, resource and the policy's remediation —
 * mandatory and advisory apart — then a summary line. Exit 1 on any mandatory violation; exit 2
 * with one line per problem (`<path>[:line]: <message>`) on bad input.
 */
import type { Command } from "commander";
import type { PolicyReport, Violation } from "../../policies/runner";
import { plural } from "../plural";
import { PLAIN, type Style } from "../style";
import { requireFile, requireStacks, stackOption, write, type Subcommand } from "./common";

/** `  no-admin-ports-from-internet  [eu] EU-FE-01 eu-fe-01-app-nsg-…`, the message, then `fix:` and the remediation. */
function formatViolation(v: Violation, style: Style): string {
    const where = [v.stack ? `[${v.stack}]` : undefined, v.account ?? "(no account)", v.resourceName ?? "(stack)"].filter(Boolean).join(" ");
    const name = v.enforcement === "mandatory" ? style.red(v.policy) : style.yellow(v.policy);
    return `  ${name}  ${where}\n      ${v.message}\n      ${style.dim(`fix: ${v.remediation}`)}`;
}

/** The human report: mandatory, then advisory, then the summary line. */
export function formatReport(report: PolicyReport, style: Style = PLAIN): string {
    const mandatory = report.violations.filter((v) => v.enforcement === "mandatory");
    const advisory = report.violations.filter((v) => v.enforcement === "advisory");
    const lines: string[] = [];
    lines.push(style.bold(`Mandatory violations (${mandatory.length}):`));
    lines.push(...(mandatory.length > 0 ? mandatory.map((v) => formatViolation(v, style)) : ["  none"]));
    lines.push("", style.bold(`Advisory violations (${advisory.length}):`));
    lines.push(...(advisory.length > 0 ? advisory.map((v) => formatViolation(v, style)) : ["  none"]));
    const idle = Object.entries(report.applied).filter(([, n]) => n === 0).map(([name]) => name);
    if (idle.length > 0) lines.push("", `Not applicable to these stacks (no matching resource): ${idle.join(", ")}`);
    const verdict = mandatory.length === 0 ? style.green("PASS") : style.red("FAIL");
    lines.push(
        "",
        `${verdict}: ${mandatory.length} mandatory, ${advisory.length} advisory ` +
            `(${plural(report.policies, "policy", "policies")} over ${plural(report.resources, "resource")} in ${report.stacks.length === 1 ? "stack" : "stacks"} ${report.stacks.join(", ")})`,
    );
    return `${lines.join("\n")}\n`;
}

interface CheckOptions {
    stack: string;
    topology?: string;
    json?: boolean;
}

export const subcommand: Subcommand<CheckOptions> = {
    configure: (command: Command) =>
        command
            .description("Offline policy check: the policy pack run in-process over the mocked plan of each stack; exit 1 on a mandatory violation")
            .addOption(stackOption("stack to check"))
            .option("--topology <file>", "topology file instead of each stack's blitzhub:topology (relative to the current directory)")
            .option("--json", "print the violations as JSON"),

    async run(opts, ctx) {
        const stacks = requireStacks(opts.stack);
        if (stacks === undefined) return 2;
        const topology = opts.topology === undefined ? undefined : ctx.path(opts.topology);
        if (topology) requireFile("--topology", topology);
        const { planStacks } = await import("../engine");
        const { runPolicies } = await import("../../policies/runner");
        const progress = ctx.progress();
        let report: PolicyReport;
        try {
            const planned = await planStacks({
                stacks,
                topologyFile: topology?.absolute,
                onProgress: (p) => progress.update(() => `planning ${p.stack}… ${p.index}/${plural(p.total, "stack")}, ${plural(p.resources, "resource")}`),
            });
            progress.update(`running the policies over ${plural(planned.reduce((n, s) => n + s.resources.length, 0), "resource")}…`);
            report = await runPolicies(planned);
        } finally {
            progress.done();
        }
        await write(ctx.stdout, opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, ctx.style));
        return report.violations.some((v) => v.enforcement === "mandatory") ? 1 : 0;
    },
};
