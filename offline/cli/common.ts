/**
 * What the offline CLIs (`plan`, `render`, `check`) share: the `--stack` choice, argument
 * parsing and the exit codes of docs/design.md §4 — 2 with one line per problem for bad input, 1 for a
 * failure of the tool itself.
 */
import { type Command, CommanderError } from "commander";
import { formatProblem, isUserInputError } from "../../model/errors";
import { REGION_KEYS, type RegionKey } from "../../model/schema";

/** Help text of `--stack`. */
export const STACK_CHOICES = `${REGION_KEYS.join(", ")} or all`;

/** `all` → every region stack; otherwise the one named; unknown → undefined. */
export function stacksOf(value: string): RegionKey[] | undefined {
    if (value === "all") return [...REGION_KEYS];
    return (REGION_KEYS as readonly string[]).includes(value) ? [value as RegionKey] : undefined;
}

/**
 * Parses `argv` into `cli`. Returns the exit code when parsing ends the run (`--help`: 0, a
 * usage error: 2, commander has printed why), undefined when the command should go on.
 */
export function parseArgs(cli: Command, argv: string[]): number | undefined {
    cli.exitOverride().configureOutput({ writeErr: (text) => process.stderr.write(text) });
    try {
        cli.parse(argv);
        return undefined;
    } catch (error) {
        if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
        throw error;
    }
}

/** The stacks `--stack` names, or undefined after printing why it names none. */
export function requireStacks(value: string): RegionKey[] | undefined {
    const stacks = stacksOf(value);
    if (stacks === undefined) process.stderr.write(`--stack: unknown stack "${value}" (stacks: ${REGION_KEYS.join(", ")}, all)\n`);
    return stacks;
}

/** Writes and waits until the text is flushed (large JSON into a pipe). */
export function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
    return new Promise((resolve) => (stream.write(text) ? resolve() : stream.once("drain", () => resolve())));
}

/**
 * Runs a CLI's `main` and exits with its code. A `UserInputError` prints one line per problem
 * (a topology problem every stack finds is printed once) and exits 2; anything else is a defect
 * of the tool: its stack trace and exit 1.
 */
export function runCli(name: string, main: () => Promise<number>): void {
    main().then(
        (code) => process.exit(code),
        (error: unknown) => {
            if (isUserInputError(error)) {
                process.stderr.write(`${[...new Set(error.problems.map(formatProblem))].join("\n")}\n`);
                process.exit(2);
            }
            process.stderr.write(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
            if (import.meta.url.includes("/.build/") && !(process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled) {
                process.stderr.write("(positions are in the offline bundle; NODE_OPTIONS=--enable-source-maps maps them to the TypeScript sources)\n");
            }
            process.exit(1);
        },
    );
}
