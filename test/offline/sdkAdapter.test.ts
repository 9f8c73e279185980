/**
 * The SDK internals the offline engine relies on (offline/sdkAdapter.ts) against the SDK
 * installed: an upgrade of @pulumi/pulumi fails here, naming what to re-check, rather than as
 * a plan that hangs or mislabels resources.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { runtimeInternals, SDK_VERSION } from "../../offline/sdkAdapter";

const RECHECK = `offline/sdkAdapter.ts was written against @pulumi/pulumi ${SDK_VERSION}: re-check the internals it uses against the new version, then update SDK_VERSION`;

describe("the SDK the offline adapter was written against", () => {
    it("is the version package.json pins and the one installed", () => {
        const pinned = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
        const installed = (JSON.parse(readFileSync(join(PROJECT_ROOT, "node_modules/@pulumi/pulumi/package.json"), "utf8")) as { version: string }).version;
        expect(pinned, `package.json pins @pulumi/pulumi ${pinned}; ${RECHECK}`).toBe(SDK_VERSION);
        expect(installed, `node_modules holds @pulumi/pulumi ${installed}; ${RECHECK}`).toBe(SDK_VERSION);
    });

    it("still has the runtime internals and the mock monitor's methods and resource map", async () => {
        expect(typeof runtimeInternals.getMonitor, `runtime.getMonitor; ${RECHECK}`).toBe("function");
        expect(typeof runtimeInternals.waitForRPCs, `runtime.waitForRPCs; ${RECHECK}`).toBe("function");
        await pulumi.runtime.setMocks({ newResource: (a) => ({ id: a.name, state: a.inputs }), call: () => ({}) }, "p", "s", false, "o");
        const monitor = runtimeInternals.getMonitor();
        for (const method of ["registerResource", "readResource", "registerResourceOutputs"] as const) {
            expect(typeof monitor?.[method], `mock monitor .${method}; ${RECHECK}`).toBe("function");
        }
        expect(monitor?.resources, `mock monitor .resources; ${RECHECK}`).toBeInstanceOf(Map);
    });

    it("exports the signatures of serialized secrets, resources, assets, archives and unknowns", () => {
        const { specialSigKey, specialSecretSig, specialResourceSig, specialAssetSig, specialArchiveSig, unknownValue } = pulumi.runtime;
        for (const value of [specialSigKey, specialSecretSig, specialResourceSig, specialAssetSig, specialArchiveSig, unknownValue]) {
            expect(value, RECHECK).toMatch(/^[0-9a-f-]{32,36}$/);
        }
    });
});
