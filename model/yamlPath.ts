/**
 * Paths into the topology document, in the form users read (`roles.frontend.vms[0].services[2]`),
 * and the source line of a path in a parsed YAML document.
 */
import { isMap, isNode, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

/** One step of a path: a map key or a sequence index. */
export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `["roles", "frontend", "vms", 0, "services", 2]` → `roles.frontend.vms[0].services[2]`. */
export function formatPath(segments: readonly PathSegment[]): string {
    let out = "";
    for (const segment of segments) {
        if (typeof segment === "number") out += `[${segment}]`;
        else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
        else out += `[${JSON.stringify(segment)}]`;
    }
    return out;
}

/**
 * Line (1-based) of the node at `segments`, or of its nearest existing ancestor when the path
 * does not exist (a missing key is reported where its parent is). With `key: true` the line of
 * the key itself (an unknown key).
 */
export function lineOfPath(
    doc: Document,
    lineCounter: LineCounter,
    segments: readonly PathSegment[],
    opts: { key?: boolean } = {},
): number | undefined {
    let node: unknown = doc.contents;
    let offset = isNode(node) ? node.range?.[0] : undefined;
    for (const segment of segments) {
        let next: { value: unknown; keyOffset?: number } | undefined;
        if (isMap(node)) {
            const pair = node.items.find((item) => isPair(item) && keyText(item.key) === String(segment));
            if (pair) next = { value: pair.value, keyOffset: isNode(pair.key) ? pair.key.range?.[0] : undefined };
        } else if (isSeq(node) && typeof segment === "number") {
            const item = node.items[segment];
            if (item !== undefined) next = { value: item };
        }
        if (!next) break;
        node = next.value;
        const valueOffset = isNode(node) ? (node as Node).range?.[0] : undefined;
        offset = opts.key && next.keyOffset !== undefined ? next.keyOffset : (valueOffset ?? next.keyOffset ?? offset);
    }
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
}

function keyText(key: unknown): string | undefined {
    if (isScalar(key)) return String(key.value);
    if (typeof key === "string" || typeof key === "number") return String(key);
    return undefined;
}

/** `roles.frontend.vms[0].services` → `["roles", "frontend", "vms", 0, "services"]` (inverse of `formatPath`). */
export function parsePath(path: string): PathSegment[] | undefined {
    const segments: PathSegment[] = [];
    const pattern = /(?:^|\.)([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
    let index = 0;
    while (index < path.length) {
        pattern.lastIndex = index;
        const match = pattern.exec(path);
        if (!match) return undefined;
        if (match[1] !== undefined) segments.push(match[1]);
        else if (match[2] !== undefined) segments.push(Number(match[2]));
        else segments.push(JSON.parse(match[3]) as string);
        index = pattern.lastIndex;
    }
    return segments;
}
