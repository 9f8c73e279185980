/**
 * `npm run plan -- --stack <eu|na|sa|as|au|all> [--json] [--topology FILE]`
 *
 * Runs the real program of each stack under Pulumi's mocks (offline/engine.ts) and prints the
 * plan: a tree grouped by account with totals, or the JSON of docs/design.md §4 with `--json`.
 * Bad input: one line per problem (`<path>[:line]: <message>`) on stderr, exit 2, before any
 * resource is registered.
 */
import { Command, Option } from "commander";
import type { PlannedStack } from "../engine";
import { STACK_CHOICES, parseArgs, requireStacks, runCli, write } from "./common";

async function main(argv: string[]): Promise<number> {
    const cli = new Command("plan")
        .description(
            "Offline plan: runs the real Pulumi program of each stack under Pulumi's mocks, with the stack's own " +
                "Pulumi.<stack>.yaml and config/oci-config.example instead of ~/.oci/config. The eu stack always runs " +
                "first (the others read its outputs), and is printed only when asked for.",
        )
        .requiredOption("--stack <stack>", `stack to plan: ${STACK_CHOICES}`)
        .option("--json", "print the plan as JSON (docs/design.md §4)", false)
        .option("--topology <file>", "topology file instead of each stack's blitzhub:topology")
        .addOption(new Option("--synthesize-accounts", "bench/tests only: example config for accounts missing from the stack files").hideHelp())
        .addOption(new Option("--project-dir <dir>", "tests only: project root holding Pulumi.yaml and the stack files").hideHelp());
    const parsed = parseArgs(cli, argv);
    if (parsed !== undefined) return parsed;
    const opts = cli.opts<{ stack: string; json: boolean; topology?: string; synthesizeAccounts?: boolean; projectDir?: string }>();
    const stacks = requireStacks(opts.stack);
    if (stacks === undefined) return 2;
    // The engine (and with it the Pulumi SDK) loads only once the arguments are known good.
    const { planStacks } = await import("../engine");
    const planned: PlannedStack[] = await planStacks({
        stacks,
        topologyFile: opts.topology,
        projectDir: opts.projectDir,
        synthesizeMissingAccounts: opts.synthesizeAccounts === true,
    });
    const text = opts.json ? (await import("../formatJson")).formatPlanJson(planned) : (await import("../formatTree")).formatPlanTree(planned);
    await write(process.stdout, text);
    return 0;
}

runCli("plan", () => main(process.argv));
