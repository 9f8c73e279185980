/**
 * `npm run diff -- --base <git-rev | plan.json> [-s <stack|all>] [--json]`
 *
 * What `pulumi preview --diff` would show for the working tree against a base (offline/diff/):
 * per stack and account, resources to create, update (each changed input, old => new, secrets
 * `[secret]`), replace (the ForceNew fields forcing it) or delete, then a unified diff of every
 * rendered file that changed. Exit 0 with no change, 3 with changes, 2 on bad input.
 */
import { type Command, Option } from "commander";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { formatDiffJson, formatDiffText, hasChanges, paletteFor } from "../diff/format";
import { runDiff } from "../diff/runDiff";
import { STACK_CHOICES, requireStacks, write, type Subcommand } from "./common";

/** Exit code when the plans differ (0: they do not), so CI can comment on a pull request. */
export const EXIT_CHANGES = 3;

interface DiffOptions {
    base: string;
    stack: string;
    json?: boolean;
}

export const subcommand: Subcommand<DiffOptions> = {
    configure: (command: Command) =>
        command
            .description("Offline preview diff: the working tree's plan and rendered files against a git revision or a plan JSON; exit 3 on changes")
            .requiredOption("--base <rev|plan.json>", "git revision (planned from a git archive of it) or a file from `npm run plan -- --json` (relative to the current directory)")
            .addOption(new Option("-s, --stack <stack>", `stack to compare: ${STACK_CHOICES}`).default("all"))
            .option("--json", "print the diff as JSON"),

    async run(opts, ctx) {
        const stacks = requireStacks(opts.stack);
        if (stacks === undefined) return 2;
        const base = opts.base.endsWith(".json") ? ctx.path(opts.base).absolute : opts.base;
        const { planStacks } = await import("../engine");
        const report = await runDiff({ base, stack: opts.stack, stacks, projectDir: PROJECT_ROOT, planHead: (s) => planStacks({ stacks: s }) });
        await write(ctx.stdout, opts.json ? formatDiffJson(report) : formatDiffText(report, paletteFor(ctx.stdout)));
        return hasChanges(report) ? EXIT_CHANGES : 0;
    },
};
