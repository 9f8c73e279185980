/**
 * Where `render --out DIR` writes, all or nothing:
 *
 * - `DIR` that is a file, or whose parent cannot be written, is refused (exit 2, one line);
 * - a non-empty `DIR` is refused: rendering never merges with what is there. `--force`
 *   replaces it as a whole (the old tree is removed only after the new one is in place);
 * - the files go to a temporary sibling directory (`.DIR.render-XXXXXX`, same filesystem), which
 *   is renamed to `DIR` once complete. An interrupted run (Ctrl-C, SIGTERM, an error) removes
 *   the temporary directory and leaves `DIR` as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { UserInputError } from "../model/errors";

export interface OutputDirOptions {
    /** Replace a non-empty `DIR` (the command's `--force`). */
    force?: boolean;
    /** How the option is named in messages (`--out`). */
    option?: string;
    /** How `dir` is named in messages (the CLI's `rendered (/abs/rendered)`); `dir` by default. */
    shown?: string;
}

function refuse(option: string, dir: string, message: string): UserInputError {
    return new UserInputError([{ path: `${option} ${dir}`, message }]);
}

/** Checks `dir` before any work: exists as a file, not empty without `force`. */
export function checkOutputDir(dir: string, opts: OutputDirOptions = {}): void {
    const option = opts.option ?? "--out";
    let stat: fs.Stats | undefined;
    try {
        stat = fs.statSync(dir);
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw refuse(option, opts.shown ?? dir, `cannot use it: ${(error as Error).message}`);
    }
    if (stat && !stat.isDirectory()) throw refuse(option, opts.shown ?? dir, "is a file, not a directory: name a directory to render into");
    if (stat && fs.readdirSync(dir).length > 0 && !opts.force) {
        throw refuse(option, opts.shown ?? dir, "is not empty: render never merges into existing files; name a new or empty directory, or pass --force to replace it");
    }
}

/**
 * Renders into a temporary sibling of `dir` with `write(tempDir)`, then renames it into place.
 * @returns what `write` returned
 * @throws UserInputError when `dir` is refused or its parent cannot be written
 */
export function writeOutputDir<T>(dir: string, write: (tempDir: string) => T, opts: OutputDirOptions = {}): T {
    const option = opts.option ?? "--out";
    const target = path.resolve(dir);
    checkOutputDir(target, opts);
    const parent = path.dirname(target);
    let temp: string;
    try {
        fs.mkdirSync(parent, { recursive: true });
        temp = fs.mkdtempSync(path.join(parent, `.${path.basename(target)}.render-`));
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "read-only file system" : (error as Error).message;
        throw refuse(option, opts.shown ?? dir, `cannot write into ${parent}: ${reason}`);
    }
    const cleanup = () => fs.rmSync(temp, { recursive: true, force: true });
    const onSignal = (signal: NodeJS.Signals) => {
        cleanup();
        process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
        const result = write(temp);
        let old: string | undefined;
        if (fs.existsSync(target)) {
            // --force: the old tree steps aside before the new one moves in, then goes.
            old = `${temp}.old`;
            fs.renameSync(target, old);
        }
        fs.renameSync(temp, target);
        if (old) fs.rmSync(old, { recursive: true, force: true });
        return result;
    } catch (error) {
        cleanup();
        throw error;
    } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
    }
}
