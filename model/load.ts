/**
 * Reads the topology file: YAML with positions → zod schema → cross-field checks → a typed
 * `Topology`. Every problem found is reported at once, each with its YAML path and line.
 */
import { readFileSync } from "node:fs";
import { LineCounter, parseDocument, type Document } from "yaml";
import type { core } from "zod";
import { UserInputError, type Problem, yamlTypeName } from "./errors";
import { Topology } from "./schema";
import { validateTopology } from "./validate";
import { formatPath, lineOfPath, type PathSegment } from "./yamlPath";


/** Default topology file, relative to the project root. */
export const DEFAULT_TOPOLOGY_FILE = "topology/blitzhub.yaml";

/**
 * Loads and validates a topology file.
 * @throws UserInputError when the file is missing, not YAML, or not a valid topology
 */
export function loadTopology(file: string): Topology {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
        throw new UserInputError([{ path: file, message: `cannot read the topology file: ${reason}` }]);
    }
    return parseTopology(text, file);
}

/**
 * Parses and validates topology YAML.
 * @param fileName used only in messages about the file as a whole
 * @throws UserInputError listing every problem with its YAML path and line
 */
export function parseTopology(text: string, fileName: string): Topology {
    const cached = validatedByText.get(text);
    if (cached) return structuredClone(cached);
    const topology = parseUncached(text, fileName);
    validatedByText.set(text, topology);
    if (validatedByText.size > CACHE_ENTRIES) validatedByText.delete(validatedByText.keys().next().value!);
    return structuredClone(topology);
}

/**
 * Topologies already validated, by file text: one process plans up to five stacks from the same
 * file, and YAML parsing is most of the cost (~80 ms of ~100 ms). Callers get their own copy.
 */
const validatedByText = new Map<string, Topology>();
const CACHE_ENTRIES = 4;

function parseUncached(text: string, fileName: string): Topology {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) throw new UserInputError(syntaxProblems(doc, lineCounter, fileName));
    const data: unknown = doc.toJS({ maxAliasCount: 1000 });
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new UserInputError([{ path: fileName, line: 1, message: "the topology must be a YAML mapping" }]);
    }
    // reportInput: a key present with the wrong type is told apart from a missing one.
    const parsed = Topology.safeParse(data, { reportInput: true });
    if (!parsed.success) {
        throw new UserInputError(parsed.error.issues.flatMap((issue) => zodIssueProblems(issue, doc, lineCounter)));
    }
    const problems = validateTopology(parsed.data);
    if (problems.length > 0) {
        throw new UserInputError(
            problems.map((problem) => withLine(problem.path, problem.message, doc, lineCounter, problem.key ?? false)),
        );
    }
    return parsed.data;
}

/** Most YAML errors cascade: one per line, the first few, then how many more follow. */
const MAX_SYNTAX_PROBLEMS = 5;

function syntaxProblems(doc: Document, lineCounter: LineCounter, fileName: string): Problem[] {
    const byLine = new Map<number, Problem>();
    for (const error of [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])) {
        const line = lineCounter.linePos(error.pos[0]).line;
        if (!byLine.has(line)) byLine.set(line, { path: fileName, line, message: `YAML syntax: ${firstLine(error.message)}` });
    }
    const problems = [...byLine.values()];
    if (problems.length <= MAX_SYNTAX_PROBLEMS) return problems;
    const rest = problems.length - MAX_SYNTAX_PROBLEMS;
    return [...problems.slice(0, MAX_SYNTAX_PROBLEMS), { path: fileName, message: `YAML syntax: errors on ${rest} more lines follow (they may all stem from the first)` }];
}

function zodIssueProblems(issue: core.$ZodIssue, doc: Document, lineCounter: LineCounter): Problem[] {
    const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== "symbol");
    if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => withLine([...path, key], `unknown key "${key}"`, doc, lineCounter, true));
    }
    if (issue.code === "invalid_type") {
        const message = issue.input === undefined ? `missing required key (expected ${issue.expected})` : `expected ${issue.expected}, got ${yamlTypeName(issue.input)}`;
        return [withLine(path, message, doc, lineCounter, false)];
    }
    if (issue.code === "invalid_value" && issue.input === undefined) {
        return [withLine(path, `missing required key (${issue.message.replace(/^Invalid option: /, "")})`, doc, lineCounter, false)];
    }
    if (issue.code === "invalid_union") {
        return [withLine(path, unionMessage(issue), doc, lineCounter, false)];
    }
    if (issue.code === "invalid_key") {
        const key = path[path.length - 1];
        return [withLine(path, `invalid key "${String(key)}": ${issue.issues.map((inner) => inner.message).join("; ")}`, doc, lineCounter, true)];
    }
    return [withLine(path, issue.message, doc, lineCounter, false)];
}

/** Names what each alternative of a union wanted (a placement is a name or an object). */
function unionMessage(issue: core.$ZodIssueInvalidUnion): string {
    const alternatives = issue.errors.map((branch) => branch.map((inner) => inner.message).join("; ")).filter(Boolean);
    return alternatives.length > 0 ? `matches none of the allowed forms: ${alternatives.join(" | ")}` : issue.message;
}

function withLine(path: PathSegment[], message: string, doc: Document, lineCounter: LineCounter, key: boolean): Problem {
    const line = lineOfPath(doc, lineCounter, path, { key });
    return { path: formatPath(path), message, ...(line === undefined ? {} : { line }) };
}

function firstLine(message: string): string {
    return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
