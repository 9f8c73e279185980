/**
 * Problems found while planning are collected per account, so the same mistake in a role shows
 * up once per account of that role: report it once.
 */
import { UserInputError, type Problem } from "../model/errors";

/** Problems without repeats (same path and message), in first-seen order. */
export function uniqueProblems(problems: Problem[]): Problem[] {
    const seen = new Set<string>();
    return problems.filter((p) => {
        const key = `${p.path}\u0000${p.message}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
    });
}

/** Throws a `UserInputError` with the unique problems, when there are any. */
export function throwIfProblems(problems: Problem[]): void {
    if (problems.length > 0) throw new UserInputError(uniqueProblems(problems));
}
