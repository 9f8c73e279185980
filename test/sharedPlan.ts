/**
 * The real program's plan of all five stacks, made once per test file that asks for it and
 * shared by the tests of that file.
 */
import { planStacks, type PlannedStack } from "../offline/engine";

let planned: Promise<PlannedStack[]> | undefined;

/** The planned stacks eu, na, sa, as, au (in that order). Treat them as read-only. */
export function sharedPlan(): Promise<PlannedStack[]> {
    planned ??= planStacks({ stacks: ["eu", "na", "sa", "as", "au"] });
    return planned;
}
