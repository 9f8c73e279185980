/**
 * The offline CLI: `node offline/launch.mjs <command> [options]` (what `npm run <command>` and
 * the `blitzhub` bin run), or `node --import tsx offline/cli/main.ts <command>` from the sources.
 * Subcommands come from the table in `commands.ts`; `--help` works on each.
 */
import { Command, CommanderError } from "commander";
import { formatProblem, isUserInputError } from "../../model/errors";
import { styleFor } from "../style";
import { SUBCOMMANDS } from "./commands";
import { callerCwd, userPath, type CliContext } from "./common";
import { Progress } from "./progress";

/** The name in usage lines; `npm run <command> -- …` runs the same. */
export const CLI_NAME = "blitzhub";

/** The subcommand `args` (argv after the script) asks for: the first word, or the one after `help`. */
function requestedSubcommand(args: string[]): string | undefined {
    const words = args.filter((arg) => !arg.startsWith("-"));
    return words[0] === "help" ? words[1] : words[0];
}

/**
 * Runs the CLI over `argv` (`process.argv` form) and resolves to the exit code: `--help` 0,
 * a usage error 2 (commander says why), bad input 2 with one line per problem, the
 * subcommand's own code otherwise.
 */
export async function runCli(argv: string[]): Promise<number> {
    let exitCode = 0;
    const program = new Command(CLI_NAME)
        .description("BlitzHub offline tools: plan, render and check the Pulumi program without a cloud account or the Pulumi CLI.")
        .usage("<command> [options]")
        .exitOverride()
        .configureOutput({ writeErr: (text) => process.stderr.write(text) })
        .showHelpAfterError(`(commands: ${SUBCOMMANDS.map((s) => s.name).join(", ")}; add --help for usage)`)
        .addHelpText("after", "\nWith npm: npm run <command> -- [options]   (e.g. npm run plan -- -s eu --summary)");
    program.helpCommand(true);
    const context: CliContext = {
        cwd: callerCwd(),
        path: (given) => userPath(given, context.cwd),
        stdout: process.stdout,
        style: styleFor(process.stdout),
        progress: () => new Progress(),
    };
    const requested = requestedSubcommand(argv.slice(2));
    for (const entry of SUBCOMMANDS) {
        const command = program.command(entry.name).summary(entry.summary).showHelpAfterError("(add --help for usage)");
        if (entry.name !== requested) continue;
        const { subcommand } = await entry.load();
        subcommand.configure(command).action(async (options: Record<string, unknown>) => {
            exitCode = await subcommand.run(options, context);
        });
    }
    try {
        await program.parseAsync(argv);
        return exitCode;
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        if (isUserInputError(error)) {
            // A topology problem every stack finds is printed once.
            process.stderr.write(`${[...new Set(error.problems.map(formatProblem))].join("\n")}\n`);
            return 2;
        }
        process.stderr.write(`${requested ?? CLI_NAME} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        if (import.meta.url.includes("/.build/") && !(process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) {
            process.stderr.write("(positions are in the offline bundle; NODE_OPTIONS=--enable-source-maps maps them to the TypeScript sources)\n");
        }
        return 1;
    }
}

runCli(process.argv).then((code) => process.exit(code));
