/**
 * Reads the topology file: YAML with positions → zod schema → cross-field checks → a typed
 * `Topology`. Every problem found is reported at once, each with its YAML path and line.
 */
import type { Document, LineCounter } from "yaml";
import type { core } from "zod";
import { UserInputError, type Problem, yamlTypeName } from "./errors";
import { Topology } from "./schema";
import { validateTopology } from "./validate";
import { loadOciLimits } from "./ociLimits";
import { parseYamlInput, readInputFile } from "./yamlInput";
import { formatPath, lineOfPath, parsePath, type PathSegment } from "./yamlPath";


/** Default topology file, relative to the project root. */
export const DEFAULT_TOPOLOGY_FILE = "topology/blitzhub.yaml";

/**
 * Loads and validates a topology file.
 * @throws UserInputError when the file is missing, not YAML, or not a valid topology
 */
export function loadTopology(file: string): Topology {
    return parseTopology(readInputFile(file, file, "the topology file"), file);
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
    const { doc, lines: lineCounter, data } = parseYamlInput(text, fileName, { maxSyntaxProblems: MAX_SYNTAX_PROBLEMS });
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
        throw new UserInputError([{ path: fileName, line: 1, message: "the topology must be a YAML mapping" }]);
    }
    // reportInput: a key present with the wrong type is told apart from a missing one.
    const parsed = Topology.safeParse(data, { reportInput: true });
    if (!parsed.success) {
        throw new UserInputError(parsed.error.issues.flatMap((issue) => zodIssueProblems(issue, doc, lineCounter)).map((problem) => ({ ...problem, file: fileName })));
    }
    const problems = validateTopology(parsed.data, loadOciLimits());
    if (problems.length > 0) {
        throw new UserInputError(
            problems.map((problem) => ({ ...withLine(problem.path, problem.message, doc, lineCounter, problem.key ?? false), file: fileName })),
        );
    }
    return parsed.data;
}

/** Most YAML errors cascade: one per line, the first few, then how many more follow. */
const MAX_SYNTAX_PROBLEMS = 5;

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


/**
 * Gives the problems the plan finds (computed counts: NSG rules, DRG attachments, IAM
 * statements) the line of their YAML path in the topology file, as the model's own problems have.
 */
export function withTopologyLines(error: UserInputError, file: string): UserInputError {
    let located: { doc: Document; lines: LineCounter } | undefined;
    try {
        const { doc, lines } = parseYamlInput(readInputFile(file, file, "the topology file"), file);
        located = { doc, lines };
    } catch {
        return error;
    }
    return new UserInputError(
        error.problems.map((problem) => {
            if (problem.line !== undefined) return { file, ...problem };
            const segments = parsePath(problem.path);
            const line = segments && segments.length > 0 ? lineOfPath(located!.doc, located!.lines, segments) : undefined;
            return line === undefined ? { file, ...problem } : { file, ...problem, line };
        }),
    );
}
