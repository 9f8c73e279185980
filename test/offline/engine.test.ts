/**
 * The engine's mechanics, on a small program whose options are known: URNs, parents, accounts,
 * providers, protect/retain/ignoreChanges/dependsOn, secrets, eu outputs → StackReference, and
 * that bad input stops everything before the program runs.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { isUserInputError } from "../../model/errors";
import { planStacks, type PlannedResource, type PlannedStack } from "../../offline/engine";
import { mockSecretValue } from "../../offline/mocks";
import { PROJECT_DIR } from "../../stacks/config";
import { program as tinyProgram } from "./fixtures/tinyProgram";

const PASSWORD = "random:index/randomPassword:RandomPassword";

function byName(stack: PlannedStack, type: string, name: string): PlannedResource {
    const found = stack.resources.find((r) => r.type === type && r.name === name);
    if (!found) throw new Error(`no ${type} ${name} in ${stack.stack}`);
    return found;
}

describe("engine on a small program", () => {
    let stacks: PlannedStack[];

    beforeAll(async () => {
        stacks = await planStacks({ stacks: ["na", "eu"], program: tinyProgram });
    });

    it("returns the asked stacks in the asked order, eu having run first", () => {
        expect(stacks.map((s) => s.stack)).toEqual(["na", "eu"]);
        expect(stacks.map((s) => s.region)).toEqual(["na", "eu"]);
    });

    it("gives real URNs with the parent type chain, and parents that exist", () => {
        const na = stacks[0];
        const vcn = byName(na, "oci:Core/vcn:Vcn", "na-fe-01-vcn");
        // As the engine names them: the parents' type chain, without the root stack's type.
        expect(vcn.urn).toBe("urn:pulumi:na::blitzhub::blitzhub:test:TinyAccount$oci:Core/vcn:Vcn::na-fe-01-vcn");
        const provider = byName(na, "pulumi:providers:oci", "na-fe-01");
        expect(provider.urn).toBe("urn:pulumi:na::blitzhub::blitzhub:test:TinyAccount$pulumi:providers:oci::na-fe-01");
        expect(vcn.parent).toBe("urn:pulumi:na::blitzhub::blitzhub:test:TinyAccount::NA-FE-01");
        expect(byName(na, "blitzhub:test:TinyAccount", "NA-FE-01").parent).toBe("urn:pulumi:na::blitzhub::pulumi:pulumi:Stack::blitzhub-na");
        const urns = new Set(na.resources.map((r) => r.urn));
        expect(urns.size).toBe(na.resources.length);
        for (const r of na.resources) if (r.parent) expect(urns.has(r.parent), r.urn).toBe(true);
    });

    it("assigns each resource the nearest *Account component, null outside", () => {
        const na = stacks[0];
        expect(byName(na, "oci:Core/vcn:Vcn", "na-be-01-vcn").account).toBe("NA-BE-01");
        expect(byName(na, "blitzhub:test:TinyAccount", "NA-BE-01").account).toBe("NA-BE-01");
        expect(byName(na, "pulumi:pulumi:Stack", "blitzhub-na").account).toBeNull();
        expect(byName(na, "pulumi:pulumi:StackReference", "eu").account).toBeNull();
    });

    it("records the explicit provider of each resource as its URN", () => {
        const eu = stacks[1];
        const provider = byName(eu, "pulumi:providers:oci", "eu-sec-01");
        const instance = byName(eu, "oci:Core/instance:Instance", "eu-sec-01-app");
        expect(instance.provider).toBe(provider.urn);
        expect(byName(eu, "blitzhub:test:TinyAccount", "EU-SEC-01").provider).toBeNull();
        expect(provider.inputs.tenancyOcid).toBe("ocid1.tenancy.oc1..exampleeusec01tenancy");
        expect(provider.inputs.region).toBe("eu-frankfurt-1");
    });

    it("captures protect, retainOnDelete, ignoreChanges and dependencies", () => {
        const eu = stacks[1];
        const bucket = byName(eu, "oci:ObjectStorage/bucket:Bucket", "eu-fe-01-backups");
        expect([bucket.protect, bucket.retainOnDelete]).toEqual([true, true]);
        const instance = byName(eu, "oci:Core/instance:Instance", "eu-fe-01-app");
        expect([instance.protect, instance.retainOnDelete]).toEqual([false, false]);
        expect(instance.ignoreChanges).toEqual(["metadata"]);
        const subnet = byName(eu, "oci:Core/subnet:Subnet", "eu-fe-01-vm");
        const password = byName(eu, PASSWORD, "eu-fe-01-redis-password");
        expect(instance.dependsOn).toEqual(expect.arrayContaining([subnet.urn, password.urn]));
        expect(instance.propertyDependencies.metadata).toEqual([password.urn]);
        expect(subnet.propertyDependencies.vcnId).toEqual([byName(eu, "oci:Core/vcn:Vcn", "eu-fe-01-vcn").urn]);
        expect(instance.custom).toBe(true);
        expect(byName(eu, "blitzhub:test:TinyAccount", "EU-FE-01").custom).toBe(false);
    });

    it("resolves data sources and mocked outputs into the inputs of later resources", () => {
        const eu = stacks[1];
        const instance = byName(eu, "oci:Core/instance:Instance", "eu-fe-01-app");
        expect(instance.inputs.availabilityDomain).toBe("Uocm:EU-FRANKFURT-1-AD-1");
        const subnet = byName(eu, "oci:Core/subnet:Subnet", "eu-fe-01-vm");
        expect(subnet.inputs.vcnId).toMatch(/^ocid1\.vcn\.oc1\.eu-frankfurt-1\./);
    });

    it("prints secrets as [secret], records their paths and never leaks the generated value", () => {
        const eu = stacks[1];
        const instance = byName(eu, "oci:Core/instance:Instance", "eu-fe-01-app");
        expect(instance.secretInputPaths).toEqual(["metadata.user_data"]);
        expect(instance.inputs.metadata).toEqual({ user_data: "[secret]" });
        const password = byName(eu, PASSWORD, "eu-fe-01-redis-password");
        expect(password.inputs.length).toBe(24);
        const text = JSON.stringify(stacks);
        const value = mockSecretValue(PASSWORD, "eu-fe-01-redis-password", 24);
        expect(value).toHaveLength(24);
        expect(text).not.toContain(value);
        expect(text).not.toContain(Buffer.from(`#cloud-config\n# ${value}\n`).toString("base64"));
    });

    it("hands the eu stack's outputs to the other stacks' StackReference", () => {
        const [na, eu] = stacks;
        const ref = byName(na, "pulumi:pulumi:StackReference", "eu");
        expect(ref.inputs.name).toBe("organization/blitzhub/eu");
        expect(eu.outputs.hubVcnId).toMatch(/^ocid1\.vcn\./);
        expect(na.outputs.hubVcnId).toBe(eu.outputs.hubVcnId);
    });

    it("runs again in the same process with the same result (runtime reset between runs)", async () => {
        const again = await planStacks({ stacks: ["na", "eu"], program: tinyProgram });
        expect(again.map((s) => s.resources.map((r) => r.urn))).toEqual(stacks.map((s) => s.resources.map((r) => r.urn)));
    });
});

describe("engine with blitzhub:euStack set", () => {
    it("reads the eu stack the stack file names, and hands it the eu outputs", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-engine-eustack-"));
        for (const file of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..*yaml$/.test(f))) fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
        fs.mkdirSync(path.join(dir, "config"));
        fs.copyFileSync(path.join(PROJECT_DIR, "config", "oci-config.example"), path.join(dir, "config", "oci-config.example"));
        const na = path.join(dir, "Pulumi.na.yaml");
        fs.writeFileSync(na, fs.readFileSync(na, "utf8").replace("  blitzhub:region: na\n", "  blitzhub:region: na\n  blitzhub:euStack: acme/blitzhub/eu\n"));
        const [naStack, eu] = await planStacks({ stacks: ["na", "eu"], program: tinyProgram, projectDir: dir, topologyFile: path.join(PROJECT_DIR, "topology", "blitzhub.yaml") });
        expect(byName(naStack, "pulumi:pulumi:StackReference", "eu").inputs.name).toBe("acme/blitzhub/eu");
        expect(naStack.outputs.hubVcnId).toBe(eu.outputs.hubVcnId);
    });
});

describe("engine on a program that never settles", () => {
    it("fails the stack after the stall timeout and names what is waiting", async () => {
        const { ComponentResource } = await import("@pulumi/pulumi");
        const pulumi = await import("@pulumi/pulumi");
        const random = await import("@pulumi/random");
        const stuck = async () => {
            const parent = new ComponentResource("blitzhub:test:StuckAccount", "EU-FE-01");
            new random.RandomPassword("never", { length: pulumi.output(new Promise<number>(() => {})) }, { parent });
            return {};
        };
        await expect(planStacks({ stacks: ["eu"], program: stuck, stallSeconds: 2 })).rejects.toThrow(
            /stack eu stalled: no resource registered for 2 s .*pending: random:index\/randomPassword:RandomPassword never/,
        );
    });
});

describe("engine on a program that breaks a project rule", () => {
    it("fails an OCI resource left on the default provider (Pulumi.yaml disables it)", async () => {
        const oci = await import("@pulumi/oci");
        const lost = async () => {
            new oci.core.Vcn("lost-vcn", { compartmentId: "ocid1.tenancy.oc1..x", cidrBlocks: ["10.9.0.0/24"] });
            return {};
        };
        await expect(planStacks({ stacks: ["eu"], program: lost })).rejects.toThrow(
            /lost-vcn uses the default "oci" provider, but Pulumi\.yaml sets pulumi:disable-default-providers/,
        );
    });
});

describe("engine on bad input", () => {
    function tempProject(edit: (dir: string) => void): string {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "blitzhub-engine-test-"));
        for (const file of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi\..*yaml$/.test(f))) {
            fs.copyFileSync(path.join(PROJECT_DIR, file), path.join(dir, file));
        }
        fs.mkdirSync(path.join(dir, "config"));
        fs.copyFileSync(path.join(PROJECT_DIR, "config", "oci-config.example"), path.join(dir, "config", "oci-config.example"));
        fs.mkdirSync(path.join(dir, "topology"));
        fs.copyFileSync(path.join(PROJECT_DIR, "topology", "blitzhub.yaml"), path.join(dir, "topology", "blitzhub.yaml"));
        edit(dir);
        return dir;
    }

    async function problems(options: Parameters<typeof planStacks>[0]): Promise<{ lines: string[]; programRan: boolean }> {
        let programRan = false;
        try {
            await planStacks({
                ...options,
                program: async () => {
                    programRan = true;
                    return tinyProgram();
                },
            });
        } catch (error) {
            if (!isUserInputError(error)) throw error;
            return { lines: error.format().split("\n"), programRan };
        }
        throw new Error("expected a UserInputError");
    }

    it("reports every stack-config problem with file, key and line, before the program runs", async () => {
        const dir = tempProject((d) => {
            const file = path.join(d, "Pulumi.na.yaml");
            const text = fs.readFileSync(file, "utf8")
                .replace("      profile: NA-FE-01\n", "")
                .replace("profile: NA-BE-01", "profile: NO-SUCH-PROFILE")
                .replace("  blitzhub:region: na\n", "  blitzhub:region: na\n  blitzhub:colour: blue\n");
            fs.writeFileSync(file, text);
        });
        const { lines, programRan } = await problems({ stacks: ["na"], projectDir: dir });
        expect(programRan).toBe(false);
        expect(lines).toEqual(
            expect.arrayContaining([
                expect.stringMatching(/^Pulumi\.na\.yaml: blitzhub:colour:\d+: unknown key$/),
                expect.stringMatching(/^Pulumi\.na\.yaml: blitzhub:accounts\.NA-FE-01\.profile:\d+: required$/),
            ]),
        );
        expect(lines.every((l) => !/^\s+at /.test(l))).toBe(true);
    });

    it("names a profile missing from the OCI config", async () => {
        const dir = tempProject((d) => {
            const file = path.join(d, "Pulumi.sa.yaml");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("profile: SA-FE-01", "profile: NO-SUCH-PROFILE"));
        });
        const { lines, programRan } = await problems({ stacks: ["sa"], projectDir: dir });
        expect(programRan).toBe(false);
        expect(lines).toEqual([expect.stringMatching(/\[NO-SUCH-PROFILE\]: profile "NO-SUCH-PROFILE" not found .*blitzhub:accounts\.SA-FE-01\.profile/)]);
    });

    it("rejects a stack file that lists another region's account or misses its own", async () => {
        const dir = tempProject((d) => {
            const file = path.join(d, "Pulumi.au.yaml");
            fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/AU-FE-01/g, "SA-FE-01"));
        });
        const { lines, programRan } = await problems({ stacks: ["au"], projectDir: dir });
        expect(programRan).toBe(false);
        expect(lines).toEqual(
            expect.arrayContaining([
                "Pulumi.au.yaml: blitzhub:accounts.AU-FE-01: missing: the topology puts AU-FE-01 in region au",
                "Pulumi.au.yaml: blitzhub:accounts.SA-FE-01: belongs to region sa, not au",
            ]),
        );
    });

    it("reports a malformed topology by YAML path before the program runs", async () => {
        const dir = tempProject(() => {});
        const topology = path.join(dir, "topology", "broken.yaml");
        const text = fs.readFileSync(path.join(PROJECT_DIR, "topology", "blitzhub.yaml"), "utf8");
        fs.writeFileSync(topology, `${text.replace(/^addressSpace: .*$/m, "addressSpace: 10.0.0/16")}\nsurprise: true\n`);
        const { lines, programRan } = await problems({ stacks: ["eu", "sa"], projectDir: dir, topologyFile: topology });
        expect(programRan).toBe(false);
        expect(lines.some((l) => l.includes("addressSpace"))).toBe(true);
        expect(lines.some((l) => l.includes("surprise"))).toBe(true);
    });
});
