/**
 * Setup file of the `program:*` projects (vitest.config.ts): each program test file sets the SDK's
 * process-wide mocks and stack, so it must be the only program file its process ever runs. The
 * config gives each project two files and the pool two fresh workers, one file each; this fails
 * the second file loudly should a worker ever be handed both, instead of letting it run on the
 * first file's SDK state.
 */
import { expect } from "vitest";

const MARK = Symbol.for("blitzhub.programTestFile");
const state = globalThis as { [MARK]?: string };
const file = expect.getState().testPath ?? "(unknown)";
if (state[MARK] !== undefined && state[MARK] !== file) {
    throw new Error(`program test files ${state[MARK]} and ${file} ran in one process: the SDK's mocks and stack would leak between them (vitest.config.ts: two files per program project, two workers)`);
}
state[MARK] = file;
