/**
 * `npm run diagram -- --out FILE.svg [-s <stack|all>] [--topology FILE] [--dot]`
 *
 * Draws the topology from the plan (render/diagram.ts builds the DOT; Graphviz from npm lays it
 * out): regions, tenancies and VCN CIDRs, VMs with their services, LBs and NLBs, DRGs and remote
 * peerings, and the main traffic paths. Bad input: one line per problem, exit 2.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Command, Option } from "commander";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { topologyDot } from "../../render/diagram";
import { planOf, topologySvg } from "../diagram/topologySvg";
import { STACK_CHOICES, requireFile, requireStacks, write, type Subcommand } from "./common";

interface DiagramOptions {
    out: string;
    stack: string;
    topology?: string;
    dot?: boolean;
}

export const subcommand: Subcommand<DiagramOptions> = {
    configure: (command: Command) =>
        command
            .description("Draws the topology (SVG) from the plan: regions, tenancies, VCNs, VMs, load balancers, DRGs and the main traffic paths")
            .requiredOption("--out <file>", "SVG file to write (with --dot: the DOT source), relative to the current directory")
            .addOption(new Option("-s, --stack <stack>", `regions to draw: ${STACK_CHOICES}`).default("all"))
            .option("--topology <file>", "topology file (default topology/blitzhub.yaml of the project)")
            .option("--dot", "write the Graphviz DOT source instead of the SVG"),

    async run(opts, ctx) {
        const stacks = requireStacks(opts.stack);
        if (stacks === undefined) return 2;
        const topology = opts.topology === undefined ? undefined : ctx.path(opts.topology);
        if (topology) requireFile("--topology", topology);
        const plan = planOf(topology?.absolute ?? join(PROJECT_ROOT, "topology", "blitzhub.yaml"));
        const text = opts.dot ? topologyDot(plan, { regions: stacks }) : await topologySvg(plan, stacks);
        const out = ctx.path(opts.out);
        mkdirSync(dirname(out.absolute), { recursive: true });
        writeFileSync(out.absolute, text);
        await write(ctx.stdout, `wrote ${out.shown} (${stacks.join(", ")}: ${plan.accounts.filter((a) => stacks.includes(a.region)).length} tenancies)\n`);
        return 0;
    },
};
