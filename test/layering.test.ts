/**
 * The layering of the README, checked on every import of the sources: pure folders (model,
 * plan, render) never import `@pulumi/*`, no folder imports one above it
 * (model → plan → render → components → stacks → offline, policies, bench), and the top
 * folders import each other in one direction only.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../model/projectRoot";

const RANK: Record<string, number> = { model: 0, plan: 1, render: 2, components: 3, stacks: 4, offline: 5, policies: 5, bench: 5 };
const PURE = ["model", "plan", "render"];

function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((entry) => {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) return entry === "node_modules" ? [] : sources(path);
        return /\.(ts|mjs|cjs)$/.test(entry) ? [path] : [];
    });
}

/** Every module a file imports (static, dynamic, re-export), as written. */
function importsOf(text: string): string[] {
    const specs = [...text.matchAll(/(?:^|[\n;])\s*(?:import|export)\b[^;]*?\bfrom\s+"([^"]+)"|\bimport\s*\(\s*"([^"]+)"\s*\)|(?:^|[\n;])\s*import\s+"([^"]+)"|\brequire\(\s*"([^"]+)"\s*\)/g)];
    return specs.map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
}

interface Edge {
    file: string;
    from: string;
    to: string;
    spec: string;
}

const folderOf = (file: string) => relative(PROJECT_ROOT, file).split("/")[0];
const edges: Edge[] = [];
const pulumiImports: { file: string; spec: string }[] = [];
for (const folder of Object.keys(RANK)) {
    for (const file of sources(join(PROJECT_ROOT, folder))) {
        for (const spec of importsOf(readFileSync(file, "utf8"))) {
            if (spec.startsWith("@pulumi/")) pulumiImports.push({ file: relative(PROJECT_ROOT, file), spec });
            if (!spec.startsWith(".")) continue;
            const to = folderOf(resolve(dirname(file), spec));
            if (to !== folder && to in RANK) edges.push({ file: relative(PROJECT_ROOT, file), from: folder, to, spec });
        }
    }
}

describe("layering", () => {
    it("reads the imports of every folder (the check sees something)", () => {
        expect(edges.length).toBeGreaterThan(50);
        expect(pulumiImports.some((i) => i.file.startsWith("components/"))).toBe(true);
    });

    it("keeps @pulumi/* out of the pure folders", () => {
        expect(pulumiImports.filter((i) => PURE.includes(i.file.split("/")[0])).map((i) => `${i.file} imports ${i.spec}`)).toEqual([]);
    });

    it("imports only from the folder's own layer or below", () => {
        expect(edges.filter((e) => RANK[e.to] > RANK[e.from]).map((e) => `${e.file} (${e.from}) imports ${e.spec} (${e.to}, a layer above)`)).toEqual([]);
    });

    it("has no two folders importing each other", () => {
        const pairs = new Set(edges.map((e) => `${e.from}→${e.to}`));
        const cycles = [...pairs].filter((p) => {
            const [from, to] = p.split("→");
            return pairs.has(`${to}→${from}`);
        });
        expect(cycles.map((c) => `${c}: ${edges.filter((e) => `${e.from}→${e.to}` === c).map((e) => e.file).join(", ")}`)).toEqual([]);
    });
});
