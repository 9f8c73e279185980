/**
 * What the subcommands share: the `-s, --stack` option, list options, the caller's working
 * directory for relative paths, and the context a subcommand runs with. Exit codes (docs/design.md §4):
 * 0 done, 1 a failure (a mandatory violation, or a defect of the tool), 2 bad input with one line
 * per problem.
 */
import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { type Command, Option } from "commander";
import { UserInputError } from "../../model/errors";
import { REGION_KEYS, type RegionKey } from "../../model/schema";
import type { Style } from "../style";
import type { Progress } from "./progress";

/** Help text of `--stack`. */
export const STACK_CHOICES = `${REGION_KEYS.join(", ")} or all`;

/** `-s, --stack <stack>`, as the Pulumi CLI spells it; mandatory. */
export function stackOption(what: string): Option {
    return new Option("-s, --stack <stack>", `${what}: ${STACK_CHOICES}`).makeOptionMandatory();
}

/** Parser of a repeatable, comma-separated option: `--account A --account B,C` → `[A, B, C]`. */
export function listOption(value: string, previous: string[] = []): string[] {
    return [...previous, ...value.split(",").map((item) => item.trim()).filter((item) => item !== "")];
}

/** `all` → every region stack; otherwise the one named; unknown → undefined. */
export function stacksOf(value: string): RegionKey[] | undefined {
    if (value === "all") return [...REGION_KEYS];
    return (REGION_KEYS as readonly string[]).includes(value) ? [value as RegionKey] : undefined;
}

/** The stacks `--stack` names, or undefined after printing why it names none. */
export function requireStacks(value: string): RegionKey[] | undefined {
    const stacks = stacksOf(value);
    if (stacks === undefined) process.stderr.write(`--stack: unknown stack "${value}" (stacks: ${REGION_KEYS.join(", ")}, all)\n`);
    return stacks;
}

/** Writes and waits until the text is flushed (large JSON into a pipe). */
export function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
    return new Promise((done) => (stream.write(text) ? done() : stream.once("drain", () => done())));
}

/**
 * The directory the user ran the command from. npm runs a script in the package root and
 * records where it was called from in `INIT_CWD`; that counts only when npm started this CLI
 * itself (the script is ours), not when the variable was merely inherited from an outer script
 * (a CLI spawned by `npm test` with its own cwd).
 */
export function callerCwd(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
    const script = env.npm_lifecycle_script ?? "";
    if (env.INIT_CWD && /(^|\s)(node\s+)?offline\/launch\.mjs(\s|$)/.test(script)) return env.INIT_CWD;
    return cwd;
}

/** A path as the user gave it and as resolved against their working directory. */
export interface UserPath {
    given: string;
    absolute: string;
    /** For messages: `rendered (/home/me/infra/rendered)`, or just the path when given absolute. */
    shown: string;
}

/** Resolves `given` against `cwd` (the caller's directory). */
export function userPath(given: string, cwd: string): UserPath {
    const absolute = resolve(cwd, given);
    return { given, absolute, shown: isAbsolute(given) ? absolute : `${given} (${absolute})` };
}

/** A file the user named must exist: otherwise bad input (exit 2) naming the option and both paths. */
export function requireFile(option: string, file: UserPath): void {
    if (!existsSync(file.absolute)) throw new UserInputError([{ path: option, message: `${file.shown}: no such file` }]);
}

/** What a subcommand runs with. */
export interface CliContext {
    /** The caller's working directory (see `callerCwd`). */
    cwd: string;
    /** Resolves a path option against `cwd`. */
    path(given: string): UserPath;
    stdout: NodeJS.WriteStream;
    /** Styles for stdout (plain unless stdout is a colour terminal or FORCE_COLOR). */
    style: Style;
    /** A progress line on stderr (shown only on a terminal, after 2 s). */
    progress(): Progress;
}

/**
 * One subcommand. `configure` adds its description and options to the command the table made
 * (loading nothing heavy, so `--help` is immediate); `run` does the work — importing the engine
 * and the layers it needs only then — and resolves to the exit code. A `UserInputError` thrown
 * from `run` is bad input: one line per problem, exit 2.
 */
export interface Subcommand<Options = Record<string, unknown>> {
    configure(command: Command): Command;
    run(options: Options, context: CliContext): Promise<number>;
}
