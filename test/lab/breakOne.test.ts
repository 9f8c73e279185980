/**
 * The lab tells which flow a rendered value feeds: in a lab whose copies of two rendered values are
 * broken — Nginx's WebSocket upstream port and the Redis exporter's scrape port — exactly the two
 * flows that depend on them fail, and every other flow still passes.
 * Needs root and the lab's packages (.ci/install-lab.sh); runs when BLITZHUB_LAB=1 (`.ci/run` sets it).
 */
import { afterAll, describe, expect, it } from "vitest";
import { runFlows } from "../../lab/flows";
import { Lab } from "../../lab/lab";
import type { RenderedFile } from "../../render/types";

const enabled = process.env.BLITZHUB_LAB === "1";

/** Replaces `from` by `to` in one file of one VM; throws when the value is not there (the test would prove nothing). */
function breakValue(files: RenderedFile[], label: string, vm: string, path: string, from: RegExp, to: string): RenderedFile[] {
    if (label !== vm) return files;
    return files.map((f) => {
        if (f.path !== path) return f;
        if (!from.test(f.content)) throw new Error(`${vm} ${path}: ${from} not found`);
        return { ...f, content: f.content.replace(from, to) };
    });
}

describe.skipIf(!enabled)("the lab with one upstream port and one scrape port broken", () => {
    const lab = new Lab({
        stack: "eu",
        mutate: (files, label) =>
            breakValue(
                breakValue(files, label, "EU-FE-01/app", "/etc/nginx/conf.d/frontend.conf", /(upstream fastify_ws \{[^}]*server 10\.0\.2\.18:)3001/, "$13999"),
                label,
                "EU-MON-01/observability",
                "/etc/prometheus/prometheus.yml",
                /"10\.0\.2\.19:9121"/,
                '"10.0.2.19:9129"',
            ),
    });
    afterAll(() => lab.destroy());

    it("fails ws-nginx and prometheus-targets, and only them", async () => {
        await lab.build();
        const results = await runFlows(lab, undefined, () => undefined);
        const failed = results.filter((r) => r.status === "failed");
        expect(failed.map((r) => r.name).sort(), failed.map((r) => `${r.name}: ${r.detail}`).join("\n")).toEqual(["prometheus-targets", "ws-nginx"]);
        expect(failed.find((r) => r.name === "prometheus-targets")!.detail).toContain("10.0.2.19:9129");
        expect(results.filter((r) => r.status === "passed").length).toBe(results.length - 2);
    }, 600_000);
});
