/**
 * `npm run plan -- --stack <eu|na|sa|as|au|all> [--json] [--topology FILE]`
 *
 * Runs the real program of each stack under Pulumi's mocks (offline/engine.ts) and prints the
 * plan: a tree grouped by account with totals, or the JSON of DESIGN §4 with `--json`.
 * Bad input: one line per problem (`<path>[:line]: <message>`) on stderr, exit 2, before any
 * resource is registered.
 */
import { Command, CommanderError, Option } from "commander";
import { formatProblem, isUserInputError } from "../../model/errors";
import { REGION_KEYS, type RegionKey } from "../../model/schema";
import type { PlannedStack } from "../engine";

/** `all` → every region stack; otherwise the one named. Unknown → undefined. */
export function stacksOf(value: string): RegionKey[] | undefined {
    if (value === "all") return [...REGION_KEYS];
    return (REGION_KEYS as readonly string[]).includes(value) ? [value as RegionKey] : undefined;
}

/** Writes and waits until the text is flushed (large JSON into a pipe). */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
    return new Promise((resolve) => (stream.write(text) ? resolve() : stream.once("drain", () => resolve())));
}

async function main(argv: string[]): Promise<number> {
    const cli = new Command("plan")
        .description(
            "Offline plan: runs the real Pulumi program of each stack under Pulumi's mocks, with the stack's own " +
                "Pulumi.<stack>.yaml and config/oci-config.example instead of ~/.oci/config. The eu stack always runs " +
                "first (the others read its outputs), and is printed only when asked for.",
        )
        .requiredOption("--stack <stack>", `stack to plan: ${REGION_KEYS.join(", ")} or all`)
        .option("--json", "print the plan as JSON (DESIGN §4)", false)
        .option("--topology <file>", "topology file instead of each stack's blitzhub:topology")
        // Bench/tests only (synthetic topologies): example config for accounts the stack files lack.
        .addOption(new Option("--synthesize-accounts", "bench/tests only: example config for accounts missing from the stack files").hideHelp())
        // Tests only: another project root (stack files, Pulumi.yaml, example OCI config).
        .addOption(new Option("--project-dir <dir>", "tests only: project root holding Pulumi.yaml and the stack files").hideHelp())
        .exitOverride()
        .configureOutput({ writeErr: (text) => process.stderr.write(text) });
    try {
        cli.parse(argv);
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        throw error;
    }
    const opts = cli.opts<{ stack: string; json: boolean; topology?: string; synthesizeAccounts?: boolean; projectDir?: string }>();
    const stacks = stacksOf(opts.stack);
    if (stacks === undefined) {
        process.stderr.write(`--stack: unknown stack "${opts.stack}" (stacks: ${REGION_KEYS.join(", ")}, all)\n`);
        return 2;
    }
    try {
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
    } catch (error) {
        if (isUserInputError(error)) {
            process.stderr.write(`${error.problems.map(formatProblem).join("\n")}\n`);
            return 2;
        }
        process.stderr.write(`plan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        return 1;
    }
}

main(process.argv).then(
    (code) => process.exit(code),
    (error) => {
        process.stderr.write(`plan failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        process.exit(1);
    },
);
