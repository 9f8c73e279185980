/**
 * `npm run plan -- -s <eu|na|sa|as|au|all> [--json | --summary | --outputs] [--account NAME]
 * [--type TOKEN] [--topology FILE]`
 *
 * Runs the real program of each stack under Pulumi's mocks (offline/engine.ts) and prints the
 * plan: a tree grouped by account with totals, only the counts (`--summary`), the JSON of
 * docs/design.md §4 (`--json`), or each stack's outputs as `pulumi stack output` prints them
 * (`--outputs`). `--account` and `--type` narrow the tree, the counts and the JSON to the
 * resources they select. Bad input: one line per problem on stderr, exit 2, before any resource
 * is registered.
 */
import { type Command, Option } from "commander";
import { plural } from "../plural";
import { listOption, requireFile, requireStacks, stackOption, write, type Subcommand } from "./common";

interface PlanOptions {
    stack: string;
    json?: boolean;
    summary?: boolean;
    outputs?: boolean;
    account?: string[];
    type?: string[];
    topology?: string;
    synthesizeAccounts?: boolean;
    projectDir?: string;
}

export const subcommand: Subcommand<PlanOptions> = {
    configure: (command: Command) =>
        command
            .description(
                "Offline plan: runs the real Pulumi program of each stack under Pulumi's mocks, with the stack's own " +
                    "Pulumi.<stack>.yaml and config/oci-config.example instead of ~/.oci/config. The eu stack always runs " +
                    "first (the others read its outputs), and is printed only when asked for.",
            )
            .addOption(stackOption("stack to plan"))
            .option("--json", "print the plan as JSON: per stack every resource with its urn, type, name, account, parent and inputs")
            .addOption(new Option("--summary", "print the counts only: per stack and account, free tier, totals").conflicts(["json"]))
            .addOption(
                new Option("--outputs", "print each stack's outputs as `pulumi stack output` does (secrets as [secret]); with --json as `pulumi stack output --json`, by stack")
                    .conflicts(["summary", "account", "type"]),
            )
            .option("--account <names>", "only these accounts (repeat or comma-separate; case does not matter)", listOption)
            .option(
                "--type <tokens>",
                "only resources of these types (repeat or comma-separate): the type token (oci:Core/instance:Instance), " +
                    "its short form in the tree (oci:Core/Instance) or the last part, case ignored (Instance, FrontendAccount)",
                listOption,
            )
            .option("--topology <file>", "topology file instead of each stack's blitzhub:topology (relative to the current directory)")
            .addOption(new Option("--synthesize-accounts", "bench/tests only: example config for accounts missing from the stack files").hideHelp())
            .addOption(new Option("--project-dir <dir>", "tests only: project root holding Pulumi.yaml and the stack files").hideHelp()),

    async run(opts, ctx) {
        const stacks = requireStacks(opts.stack);
        if (stacks === undefined) return 2;
        const topology = opts.topology === undefined ? undefined : ctx.path(opts.topology);
        if (topology) requireFile("--topology", topology);
        // The engine (and with it the Pulumi SDK) loads only once the arguments are known good.
        const { planStacks } = await import("../engine");
        const progress = ctx.progress();
        let planned;
        try {
            planned = await planStacks({
                stacks,
                topologyFile: topology?.absolute,
                projectDir: opts.projectDir === undefined ? undefined : ctx.path(opts.projectDir).absolute,
                synthesizeMissingAccounts: opts.synthesizeAccounts === true,
                onProgress: (p) => progress.update(() => `planning ${p.stack}… ${p.index}/${plural(p.total, "stack")}, ${plural(p.resources, "resource")}`),
            });
        } finally {
            progress.done();
        }
        if (opts.outputs) {
            const { formatOutputsJson, formatOutputsText } = await import("../formatOutputs");
            await write(ctx.stdout, opts.json ? formatOutputsJson(planned) : formatOutputsText(planned, ctx.style));
            return 0;
        }
        const { filterPlan } = await import("../planFilter");
        const filter = { accounts: opts.account, types: opts.type };
        const selected = filterPlan(planned, filter);
        if (opts.json) {
            await write(ctx.stdout, (await import("../formatJson")).formatPlanJson(selected));
            return 0;
        }
        const { formatPlanTree } = await import("../formatTree");
        await write(ctx.stdout, formatPlanTree(selected, { summary: opts.summary, filter, style: ctx.style }));
        return 0;
    },
};
