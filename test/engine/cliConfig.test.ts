/**
 * What the real Pulumi CLI (built from the Go module proxy by `npm run engine:build`) makes of
 * this project: it accepts `Pulumi.yaml` and every `Pulumi.<stack>.yaml`, and the config it would
 * hand the program is the config the offline engine hands it under mocks.
 *
 * The real `pulumi preview` needs `pulumi-language-nodejs` and the oci/random/command plugins,
 * which the module proxy refuses (docs/real-engine.md); the CLI alone is what can be checked.
 * Skipped with the reason when the CLI is not built; fails under CI=true.
 */
import * as fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { OFFLINE_EDGE_CERTIFICATE_KEYS, OFFLINE_OCI_CONFIG, OFFLINE_SECRET_DEFAULTS, prepareStacks } from "../../offline/stackInputs";
import { REGION_KEYS } from "../../model/schema";
import { PROJECT_DIR } from "../../stacks/config";
import { CliSandbox, engineMissing } from "./realCli";

const missing = engineMissing();
const pkg = JSON.parse(fs.readFileSync(`${PROJECT_DIR}/package.json`, "utf8")) as { dependencies: Record<string, string> };

if (missing !== undefined && process.env.CI === "true") {
    it("the real-engine CLI is built (CI)", () => {
        throw new Error(missing);
    });
}

/** Keys whose value the offline engine sets itself (README, "The offline engine"). */
const OFFLINE_OVERRIDES = new Set<string>(["blitzhub:ociConfigFile", "blitzhub:topology", ...Object.keys(OFFLINE_SECRET_DEFAULTS), ...OFFLINE_EDGE_CERTIFICATE_KEYS]);

/** A config value as the program reads it: `requireObject` parses JSON, `require` takes the string. */
function asProgramReadsIt(value: string): unknown {
    try {
        return JSON.parse(value);
    } catch {
        return value;
    }
}

describe.skipIf(missing !== undefined)(`the real Pulumi CLI${missing ? ` (skipped: ${missing})` : ""}`, () => {
    const sandboxes: CliSandbox[] = [];
    const sandbox = () => {
        const s = new CliSandbox();
        sandboxes.push(s);
        return s;
    };
    afterAll(() => sandboxes.forEach((s) => s.dispose()));

    it("is the version the Node.js SDK is pinned to, stamped into the binary", async () => {
        const out = (await sandbox().ok("version")).trim();
        expect(out).toBe(`v${pkg.dependencies["@pulumi/pulumi"]}`);
    });

    for (const stack of REGION_KEYS) {
        it(`loads Pulumi.yaml and Pulumi.${stack}.yaml and hands the program the offline engine's config (${stack})`, async () => {
            const cli = sandbox();
            cli.copyFromRepo("Pulumi.yaml", `Pulumi.${stack}.yaml`);
            await cli.ok("stack", "init", stack, "--secrets-provider", "passphrase");
            const shown = JSON.parse(await cli.ok("config", "--json", "--stack", stack)) as Record<string, { value?: string; secret: boolean }>;

            const offline = prepareStacks({ stacks: [stack] }).find((s) => s.stack === stack)!;
            const real = Object.fromEntries(
                Object.entries(shown)
                    .filter(([key]) => !OFFLINE_OVERRIDES.has(key))
                    .map(([key, entry]) => [key, asProgramReadsIt(entry.value ?? "")]),
            );
            const mocked = Object.fromEntries(
                Object.entries(offline.config)
                    .filter(([key]) => !OFFLINE_OVERRIDES.has(key))
                    .map(([key, value]) => [key, asProgramReadsIt(value)]),
            );
            expect(real).toEqual(mocked);
            // The overridden key is there for real too: the offline engine replaces, never invents it.
            expect(shown["blitzhub:ociConfigFile"]?.value).toBe("~/.oci/config");
            expect(offline.config["blitzhub:ociConfigFile"]).toContain(OFFLINE_OCI_CONFIG);
            expect(offline.secretKeys.filter((k) => !OFFLINE_OVERRIDES.has(k))).toEqual(
                Object.entries(shown).filter(([, e]) => e.secret).map(([k]) => k),
            );
        });
    }
});
