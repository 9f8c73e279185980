/**
 * User mistakes (bad YAML, unknown keys, bad config) are reported as a list of problems, each
 * naming where it is, so a CLI prints one line per problem and exits 2 — never a stack trace.
 */

/** One thing wrong with the user's input. */
export interface Problem {
    /** Where: a YAML/config path such as `accounts[3].region` or `roles.frontend.vms[0].services[2]`. */
    path: string;
    /** What is wrong, in words a user can act on. */
    message: string;
    /** 1-based line in the input file, when the parser knows it. */
    line?: number;
    /** The input file, when the path alone does not say which file it is in. */
    file?: string;
}

/** `[<file>: ]<path>[:<line>]: <message>` — the one-line form every CLI prints. */
export function formatProblem(problem: Problem): string {
    const where = problem.path === "" ? "(root)" : problem.path;
    const line = problem.line === undefined ? "" : `:${problem.line}`;
    const file = problem.file === undefined || problem.file === problem.path ? "" : `${problem.file}: `;
    return `${file}${where}${line}: ${problem.message}`;
}

/** Thrown for every mistake in user input; carries all problems found, not just the first. */
export class UserInputError extends Error {
    constructor(public readonly problems: Problem[]) {
        super(problems.map(formatProblem).join("\n") || "invalid input");
        this.name = "UserInputError";
    }

    /** One line per problem, `<path>[:<line>]: <message>`, joined by newlines. */
    format(): string {
        return this.problems.map(formatProblem).join("\n");
    }
}

/** True for a `UserInputError`, also across module copies (tsx/vitest may load a module twice). */
export function isUserInputError(error: unknown): error is UserInputError {
    return error instanceof UserInputError || (error instanceof Error && error.name === "UserInputError" && Array.isArray((error as UserInputError).problems));
}

/** What a YAML value is, in the words a type mismatch is reported with (`string`, `list`, `mapping`). */
export function yamlTypeName(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "list";
    return typeof value === "object" ? "mapping" : typeof value;
}
