// @ts-check
/**
 * The SDK floor of a plan: what registering its resources costs in Pulumi's SDK alone.
 *
 *     node bench/sdkFloor.mjs <plan.json>      (the output of `npm run plan -- --stack all --json`)
 *
 * Loads `@pulumi/pulumi` and the provider SDKs, then, in one stack under Pulumi's stock mocks,
 * constructs every resource of the plan with its own class (`oci.core.Instance`,
 * `command.local.Command`, a `ComponentResource` for components) and its planned inputs as plain
 * values. No topology, plan, rendering, components, dependencies or output chaining: whatever a
 * program planning these resources does on top of this is its own cost.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const pulumi = require("@pulumi/pulumi");
/** Package name of a type token → its SDK module. */
const packages = { oci: require("@pulumi/oci"), command: require("@pulumi/command"), random: require("@pulumi/random") };

/**
 * The class registering a custom resource of `type`: `oci:Core/instance:Instance` →
 * `oci.core.Instance`, `random:index/randomPassword:RandomPassword` → `random.RandomPassword`,
 * `pulumi:providers:oci` → `oci.Provider`. Undefined for a type no SDK class registers.
 * @param {string} type
 */
function classOf(type) {
    const [pkg, module, name] = type.split(":");
    if (pkg === "pulumi" && module === "providers") return /** @type {any} */ (packages)[name]?.Provider;
    const sdk = /** @type {any} */ (packages)[pkg];
    if (!sdk) return undefined;
    const top = module.split("/")[0];
    const namespace = top === "index" ? sdk : sdk[top.charAt(0).toLowerCase() + top.slice(1)] ?? sdk[top.toLowerCase()];
    return namespace?.[name];
}

const [planFile] = process.argv.slice(2);
if (!planFile) {
    process.stderr.write("usage: node bench/sdkFloor.mjs <plan.json>\n");
    process.exit(2);
}
/** @type {{ stacks: { resources: { type: string; name: string; inputs: Record<string, unknown> }[] }[] }} */
const plan = JSON.parse(readFileSync(planFile, "utf8"));
const resources = plan.stacks.flatMap((s) => s.resources).filter((r) => r.type !== "pulumi:pulumi:Stack");

// As the offline engine does: the SDK captures a stack trace for every promise it tracks
// (leak diagnostics), which alone would double this floor.
Error.stackTraceLimit = 0;
let registered = 0;
let constructed = 0;
await pulumi.runtime.setMocks(
    {
        newResource: (/** @type {any} */ args) => {
            registered++;
            return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (/** @type {any} */ args) => args.inputs,
    },
    "blitzhub",
    "sdk-floor",
    false,
);
await pulumi.runtime.runInPulumiStack(async () => {
    const seen = new Set();
    for (const r of resources) {
        // The plan repeats some names across stacks (one stack here): keep URNs unique.
        const name = seen.has(`${r.type}::${r.name}`) ? `${r.name}-${seen.size}` : r.name;
        seen.add(`${r.type}::${name}`);
        if (r.type === "pulumi:pulumi:StackReference") continue;
        constructed++;
        const Class = classOf(r.type);
        if (Class) new Class(name, r.inputs);
        else if (!r.type.startsWith("pulumi:")) new pulumi.ComponentResource(r.type, name, {});
        else throw new Error(`sdk floor: no class for ${r.type}`);
    }
    return {};
});
await /** @type {any} */ (pulumi.runtime).waitForRPCs();
process.stdout.write(`${JSON.stringify({ constructed, customRegistered: registered })}\n`);
