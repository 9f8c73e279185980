/**
 * Every YAML file the program reads (the topology, `Pulumi.<stack>.yaml`, `Pulumi.yaml`, the
 * allowance and limit files) goes through here, so hostile or broken input ends as problems
 * with file, path and line — never as a stack trace, an exhausted heap or a second read of a
 * stream:
 *
 * - size: at most `MAX_INPUT_BYTES`, read in chunks so a stream (`/dev/stdin`) or a huge file
 *   stops at the limit instead of filling memory;
 * - streams are read once: a path that is not a regular file is cached for the process, so
 *   the plan and the policy context see the same text;
 * - nesting: the parser recurses per level and blows the stack (or the heap) on a few thousand
 *   levels, so the text is measured before it is parsed (`MAX_NESTING`);
 * - aliases: `yaml`'s `maxAliasCount` stops the "billion laughs" expansion; the error it throws
 *   becomes a problem naming the first alias.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { resolve } from "node:path";
import { isAlias, LineCounter, parseDocument, visit, type Document } from "yaml";
import { UserInputError, type Problem } from "./errors";

/** Largest input file read (4 MiB: the topology is ~80 KB; ×10 synthetic ones stay well under). */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;
/** Deepest flow nesting (`[[[`) accepted (the topology nests 3). */
export const MAX_NESTING = 64;
/** Widest indentation accepted, in columns (the topology indents at most 14; block nesting costs at least one column a level). */
export const MAX_INDENT_COLUMNS = 256;
/** Alias expansions allowed per document (none of the project's files uses more than a few). */
export const MAX_ALIAS_COUNT = 100;

const streamTexts = new Map<string, string>();
const STDIN_PATHS = new Set(["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"]);

/**
 * Reads a text input file, at most `MAX_INPUT_BYTES`. A non-regular file (pipe, `/dev/stdin`)
 * is read once per process and its text reused.
 * @param shownAs how problems name the file
 * @param what what the file is, for the message (`the topology file`)
 * @throws UserInputError when it cannot be read or is too large
 */
export function readInputFile(file: string, shownAs: string = file, what = "the file"): string {
    const absolute = resolve(file);
    const cached = streamTexts.get(absolute);
    if (cached !== undefined) return cached;
    let fd: number;
    try {
        // A child's stdin may be a socket, which /dev/stdin cannot reopen (ENXIO): read fd 0 itself.
        fd = STDIN_PATHS.has(absolute) ? 0 : openSync(absolute, "r");
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (error as Error).message;
        throw new UserInputError([{ path: shownAs, message: `cannot read ${what}: ${reason}` }]);
    }
    try {
        const stat = fstatSync(fd);
        if (stat.isDirectory()) throw new UserInputError([{ path: shownAs, message: `cannot read ${what}: is a directory` }]);
        if (stat.isFile() && stat.size > MAX_INPUT_BYTES) throw tooLarge(shownAs, what, stat.size);
        const chunks: Buffer[] = [];
        let total = 0;
        const chunk = Buffer.alloc(64 * 1024);
        for (;;) {
            let read: number;
            try {
                read = readSync(fd, chunk, 0, chunk.length, null);
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code === "EAGAIN") continue;
                throw new UserInputError([{ path: shownAs, message: `cannot read ${what}: ${(error as Error).message}` }]);
            }
            if (read === 0) break;
            total += read;
            if (total > MAX_INPUT_BYTES) throw tooLarge(shownAs, what);
            chunks.push(Buffer.from(chunk.subarray(0, read)));
        }
        const text = Buffer.concat(chunks).toString("utf8");
        if (!stat.isFile()) streamTexts.set(absolute, text);
        return text;
    } finally {
        if (fd !== 0) closeSync(fd);
    }
}

function tooLarge(shownAs: string, what: string, size?: number): UserInputError {
    const actual = size === undefined ? "more than that" : `${size} bytes`;
    return new UserInputError([{ path: shownAs, message: `${what} is too large: at most ${MAX_INPUT_BYTES} bytes are read (${actual})` }]);
}

/** A parsed YAML document with its line positions and its plain value. */
export interface ParsedYaml {
    doc: Document;
    lines: LineCounter;
    data: unknown;
}

/**
 * Parses YAML text within the limits above.
 * @param shownAs how problems name the file
 * @throws UserInputError for syntax errors, deep nesting or alias expansion beyond the limits
 */
export function parseYamlInput(text: string, shownAs: string, opts: { uniqueKeys?: boolean; maxSyntaxProblems?: number } = {}): ParsedYaml {
    if (text.length > MAX_INPUT_BYTES) throw tooLarge(shownAs, "the file", text.length);
    const deep = deepestLine(text);
    if (deep) {
        throw new UserInputError([{ path: shownAs, line: deep.line, message: `${deep.what}: refused before parsing, as such nesting exhausts the parser` }]);
    }
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: opts.uniqueKeys ?? true });
    if (doc.errors.length > 0) {
        const byLine = new Map<number, Problem>();
        for (const error of [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])) {
            const line = lines.linePos(error.pos[0]).line;
            if (!byLine.has(line)) byLine.set(line, { path: shownAs, line, message: `YAML syntax: ${error.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}` });
        }
        const problems = [...byLine.values()];
        const max = opts.maxSyntaxProblems ?? 5;
        if (problems.length <= max) throw new UserInputError(problems);
        throw new UserInputError([
            ...problems.slice(0, max),
            { path: shownAs, message: `YAML syntax: errors on ${problems.length - max} more lines follow (they may all stem from the first)` },
        ]);
    }
    let data: unknown;
    try {
        data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
        if (!(error instanceof ReferenceError) && !(error instanceof RangeError)) throw error;
        let line: number | undefined;
        visit(doc, {
            Alias(_key, node) {
                if (isAlias(node) && node.range) line = lines.linePos(node.range[0]).line;
                return visit.BREAK;
            },
        });
        throw new UserInputError([
            {
                path: shownAs,
                ...(line === undefined ? {} : { line }),
                message: `aliases expand beyond ${MAX_ALIAS_COUNT} copies (an alias bomb exhausts memory): write the values out or use fewer aliases`,
            },
        ]);
    }
    return { doc, lines, data };
}

/**
 * The first line whose nesting exceeds `MAX_NESTING`: block nesting by indentation and `- `
 * entries, flow nesting by brackets outside quotes and comments. An upper bound of the
 * parser's depth, measured in one pass without recursion.
 */
function deepestLine(text: string): { line: number; what: string } | undefined {
    let flow = 0;
    let line = 1;
    let atLineStart = true;
    let indent = 0;
    let quote: string | undefined;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "\n") {
            line++;
            atLineStart = true;
            indent = 0;
            if (quote === "#") quote = undefined;
            continue;
        }
        if (atLineStart) {
            if (c === " " || c === "\t") {
                indent++;
                continue;
            }
            if (c === "-" && (text[i + 1] === " " || text[i + 1] === "\t")) {
                indent += 2;
                i++;
                continue;
            }
            atLineStart = false;
            if (indent > MAX_INDENT_COLUMNS) return { line, what: `indented ${indent} columns, more than ${MAX_INDENT_COLUMNS}` };
        }
        if (quote !== undefined) {
            if (quote === "#") continue;
            if (c === quote) {
                if (quote === "'" && text[i + 1] === "'") i++;
                else quote = undefined;
            } else if (c === "\\" && quote === '"') i++;
            continue;
        }
        if (c === '"' || c === "'") {
            const prev = text[i - 1];
            if (prev === undefined || /[\s[{,:-]/.test(prev)) quote = c;
        } else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]))) {
            quote = "#";
        } else if (c === "[" || c === "{") {
            flow++;
            if (flow > MAX_NESTING) return { line, what: `brackets nested deeper than ${MAX_NESTING} levels` };
        } else if ((c === "]" || c === "}") && flow > 0) {
            flow--;
        }
    }
    return undefined;
}
