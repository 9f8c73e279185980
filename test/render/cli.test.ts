/** `npm run render` end to end: the layout and manifest of docs/design.md §4, and exit 2 on bad input. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { realPlan } from "./fixtures";
import { run } from "./sandbox";

const dir = mkdtempSync(join(tmpdir(), "blitzhub-render-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const render = (...args: string[]) => run(process.execPath, ["offline/launch.mjs", "render", ...args], { timeoutMs: 60_000 });

describe("npm run render", () => {
    it("writes DIR/<ACCOUNT>/<vm>/<path>, cloud-init.yaml per VM and manifest.json for the eu stack", async () => {
        const out = join(dir, "eu");
        const { status, stdout } = await render("--stack", "eu", "--out", out);
        expect(status, stdout).toBe(0);
        const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { account: string; vm: string; service: string; path: string; file: string }[];
        const { plan, files } = realPlan();
        const euAccounts = plan.stacks.find((s) => s.region === "eu")!.accounts;
        expect(euAccounts.length).toBe(9);
        for (const e of manifest) {
            expect(Object.keys(e).sort()).toEqual(["account", "file", "path", "service", "vm"]);
            expect(euAccounts).toContain(e.account);
            expect(existsSync(join(out, e.file)), e.file).toBe(true);
            if (e.service !== "cloud-init") {
                expect(e.file).toBe(`${e.account}/${e.vm}${e.path}`);
                const rendered = files.find((f) => f.account === e.account && f.vm === e.vm && f.path === e.path)!;
                expect(readFileSync(join(out, e.file), "utf8")).toBe(rendered.content);
            }
        }
        const vms = plan.accounts.filter((a) => euAccounts.includes(a.name)).flatMap((a) => a.vms.map((v) => `${a.name}/${v.name}`));
        expect(vms.length).toBe(27);
        for (const vm of vms) expect(manifest.some((e) => e.file === `${vm}/cloud-init.yaml` && e.service === "cloud-init"), vm).toBe(true);
        expect(manifest.length).toBe(files.filter((f) => euAccounts.includes(f.account)).length + 27);
    });

    it("exits 2 with one line per problem on a bad stack or topology", async () => {
        const bad = await render("--stack", "mars", "--out", join(dir, "x"));
        expect(bad.status).toBe(2);
        expect(bad.stdout.trim()).toBe('--stack: unknown stack "mars" (stacks: eu, na, sa, as, au, all)');
        const topo = join(dir, "bad.yaml");
        writeFileSync(topo, readFileSync("topology/blitzhub.yaml", "utf8").replace("version: 1", "version: 2\nbogusKey: 1"));
        const r = await render("--stack", "eu", "--out", join(dir, "y"), "--topology", topo);
        expect(r.status).toBe(2);
        const lines = r.stdout.trim().split("\n");
        expect(lines.length).toBeGreaterThanOrEqual(2);
        // Each line: the topology file, the YAML path and its line, the message.
        for (const l of lines) expect(l.startsWith(`${topo}: `) && /^[\w.[\]()-]+(:\d+)?: /.test(l.slice(topo.length + 2)), l).toBe(true);
        expect(r.stdout).not.toMatch(/\n\s+at /);
        expect(existsSync(join(dir, "y"))).toBe(false);
    });
});
