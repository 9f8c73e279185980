/**
 * `npm run diagram -- --out FILE.svg [-s <stack|all>] [--topology FILE] [--dot]`
 *
 * Draws the topology from the plan (render/diagram.ts builds the DOT; Graphviz from npm lays it
 * out): regions, tenancies and VCN CIDRs, VMs with their services, LBs and NLBs, DRGs and remote
 * peerings, and the main traffic paths. Bad input: one line per problem, exit 2.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { topologyDot } from "../../render/diagram";
import { planOf, topologySvg } from "../diagram/topologySvg";
import { STACK_CHOICES, parseArgs, requireStacks, runCli } from "./common";

async function main(argv: string[]): Promise<number> {
    const cli = new Command("diagram")
        .description("Draws the topology (SVG) from the plan: regions, tenancies, VCNs, VMs, load balancers, DRGs and the main traffic paths")
        .requiredOption("--out <file>", "SVG file to write (with --dot: the DOT source)")
        .option("-s, --stack <stack>", `regions to draw: ${STACK_CHOICES}`, "all")
        .option("--topology <file>", "topology file", "topology/blitzhub.yaml")
        .option("--dot", "write the Graphviz DOT source instead of the SVG", false);
    const parsed = parseArgs(cli, argv);
    if (parsed !== undefined) return parsed;
    const opts = cli.opts<{ out: string; stack: string; topology: string; dot: boolean }>();
    const stacks = requireStacks(opts.stack);
    if (stacks === undefined) return 2;
    const topology = resolve(opts.topology === "topology/blitzhub.yaml" ? PROJECT_ROOT : process.cwd(), opts.topology);
    const plan = planOf(topology);
    const text = opts.dot ? topologyDot(plan, { regions: stacks }) : await topologySvg(plan, stacks);
    mkdirSync(dirname(resolve(opts.out)), { recursive: true });
    writeFileSync(resolve(opts.out), text);
    process.stdout.write(`wrote ${opts.out} (${stacks.join(", ")}: ${plan.accounts.filter((a) => stacks.includes(a.region)).length} tenancies)\n`);
    return 0;
}

runCli("diagram", () => main(process.argv));
