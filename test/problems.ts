import { isUserInputError, type Problem } from "../model/errors";

/** The problems of the `UserInputError` that `run` must throw; any other outcome fails the test. */
export function problemsOf(run: () => unknown): Problem[] {
    try {
        run();
    } catch (error) {
        if (isUserInputError(error)) return error.problems;
        throw error;
    }
    throw new Error("expected a UserInputError");
}
