/**
 * Through the real program under mocks (offline engine): one line changed in the Nginx
 * template changes no instance input and changes exactly the delivery commands of the Nginx VMs.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planStacks, type PlannedResource } from "../../offline/engine";
import { sharedPlan } from "../sharedPlan";
import { TEMPLATES_DIR, useTemplatesDir } from "../../render/templates";

const dir = mkdtempSync(join(tmpdir(), "blitzhub-templates-"));
afterAll(() => {
    useTemplatesDir(undefined);
    rmSync(dir, { recursive: true, force: true });
});

const byUrn = (resources: PlannedResource[]) => new Map(resources.map((r) => [r.urn, r]));

describe("a one-line Nginx template change in the eu plan", () => {
    it("changes no instance input and only the nginx delivery commands of the frontend VMs", async () => {
        // The eu stack plans first and alone in a plan of every stack: the shared plan's eu is its plan.
        const before = (await sharedPlan())[0];
        expect(before.stack).toBe("eu");
        cpSync(TEMPLATES_DIR, dir, { recursive: true });
        const file = join(dir, "nginx/frontend.conf.hbs");
        writeFileSync(file, readFileSync(file, "utf8").replace("keepalive 32;", "keepalive 48;"));
        useTemplatesDir(dir);
        const [after] = await planStacks({ stacks: ["eu"] });
        useTemplatesDir(undefined);

        const a = byUrn(before.resources);
        const b = byUrn(after.resources);
        expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
        const instances = before.resources.filter((r) => r.type === "oci:Core/instance:Instance");
        expect(instances.length).toBe(27);
        for (const r of instances) expect(b.get(r.urn)!.inputs, r.name).toEqual(r.inputs);

        const changed = [...a.values()].filter((r) => JSON.stringify(r.inputs) !== JSON.stringify(b.get(r.urn)!.inputs));
        expect(changed.every((r) => r.type === "command:local:Command"), changed.map((r) => `${r.type} ${r.name}`).join("\n")).toBe(true);
        expect(changed.map((r) => r.name).sort()).toEqual(["eu-fe-01-app-nginx-config", "eu-fe-01-edge-1-nginx-config", "eu-fe-01-edge-2-nginx-config"]);
        const deliveries = before.resources.filter((r) => r.type === "blitzhub:delivery:ConfigDelivery");
        expect(deliveries.length).toBe(27);
    }, 180_000);
});
