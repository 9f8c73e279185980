/** The GitHub workflows: actions pinned by commit, no secrets for forks, deployments behind a protected environment. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const DIR = ".github/workflows";
type Step = { uses?: string; env?: Record<string, string>; with?: Record<string, unknown> };
type Job = { if?: string; environment?: string | { name: string }; steps: Step[]; permissions?: Record<string, string> };
const workflows = readdirSync(DIR)
    .filter((f) => f.endsWith(".yml"))
    .map((f) => ({ file: f, text: readFileSync(join(DIR, f), "utf8"), doc: parse(readFileSync(join(DIR, f), "utf8")) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> } }));

describe("workflows", () => {
    it("pin every action by a 40-hex commit with its tag in a comment", () => {
        for (const w of workflows) {
            const uses = w.text.split("\n").filter((l) => /^\s*(- )?uses:/.test(l));
            expect(uses.length, w.file).toBeGreaterThan(0);
            for (const line of uses) expect(line, w.file).toMatch(/uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$/);
        }
    });

    it("default to read-only repository permissions", () => {
        for (const w of workflows) expect(w.doc.permissions, w.file).toEqual({ contents: "read" });
    });

    it("give a job secrets only behind an environment, and a fork's pull request no job with secrets", () => {
        for (const w of workflows) {
            for (const [name, job] of Object.entries(w.doc.jobs)) {
                const usesSecrets = JSON.stringify(job.steps).includes("secrets.") && JSON.stringify(job.steps).replace(/secrets\.GITHUB_TOKEN/g, "").includes("secrets.");
                if (!usesSecrets) continue;
                expect(job.environment, `${w.file} ${name}`).toBeDefined();
                if ("pull_request" in w.doc.on) expect(job.if, `${w.file} ${name}`).toContain("github.event.pull_request.head.repo.full_name == github.repository");
                expect(w.doc.on, `${w.file}: pull_request_target runs fork code with secrets`).not.toHaveProperty("pull_request_target");
            }
        }
        const preview = workflows.find((w) => w.file === "preview.yml")!;
        expect(JSON.stringify(preview.doc.jobs["offline-check"])).not.toContain("secrets.");
        expect(preview.doc.jobs.preview.environment).toBe("preview");
    });

    it("deploy only from main, by hand, in the protected production environment", () => {
        const deploy = workflows.find((w) => w.file === "deploy.yml")!;
        expect(Object.keys(deploy.doc.on)).toEqual(["workflow_dispatch"]);
        for (const [name, job] of Object.entries(deploy.doc.jobs)) expect(job.environment, name).toBe("production");
        expect(deploy.doc.jobs.eu.if).toBe("github.ref == 'refs/heads/main'");
    });
});
