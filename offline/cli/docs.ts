/**
 * `npm run docs [-- --check]`
 *
 * Regenerates what `docs/` derives from the topology: one runbook page per service
 * (`docs/runbooks/<service>.md`, render/runbooks.ts) and the default topology's picture
 * (`docs/topology.svg`, render/diagram.ts), which the README embeds. `--check` writes nothing
 * and exits 1 naming each file that is missing, stale or no longer generated (CI runs it).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { RUNBOOK_DIR } from "../../plan";
import { generatedDocs } from "../docs/generatedDocs";
import { write, type Subcommand } from "./common";

interface DocsOptions {
    check?: boolean;
}

export const subcommand: Subcommand<DocsOptions> = {
    configure: (command: Command) =>
        command
            .description("Regenerates docs/runbooks/*.md and docs/topology.svg from the topology; --check only compares (exit 1 when stale)")
            .option("--check", "write nothing; exit 1 when a generated file is missing or stale"),

    async run(opts, ctx) {
        const check = opts.check === true;
        const files = await generatedDocs();
        const runbookDir = join(PROJECT_ROOT, RUNBOOK_DIR);
        const extra = existsSync(runbookDir)
            ? readdirSync(runbookDir).map((f) => `${RUNBOOK_DIR}/${f}`).filter((f) => f.endsWith(".md") && !files.has(f))
            : [];
        const stale = [...files].filter(([file, content]) => {
            const full = join(PROJECT_ROOT, file);
            return !existsSync(full) || readFileSync(full, "utf8") !== content;
        });
        if (check) {
            const problems = [...stale.map(([f]) => `${f}: ${existsSync(join(PROJECT_ROOT, f)) ? "stale" : "missing"}`), ...extra.map((f) => `${f}: no longer generated (no such service)`)];
            if (problems.length > 0) {
                await write(process.stderr, `${problems.join("\n")}\nrun \`npm run docs\` and commit the result\n`);
                return 1;
            }
            await write(ctx.stdout, `docs current: ${files.size} generated files\n`);
            return 0;
        }
        for (const [file, content] of stale) {
            mkdirSync(dirname(join(PROJECT_ROOT, file)), { recursive: true });
            writeFileSync(join(PROJECT_ROOT, file), content);
        }
        for (const file of extra) rmSync(join(PROJECT_ROOT, file));
        await write(ctx.stdout, `docs: ${stale.length} written, ${extra.length} removed, ${files.size - stale.length} already current\n`);
        return 0;
    },
};
