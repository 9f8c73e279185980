/**
 * The diff's comparison and its replacement table, without planning twice: the table covers
 * every resource type the real plan registers, and compareStack decides update versus replace
 * (and follows replacements to the inputs they feed) the way the providers' schemas say.
 */
import { describe, expect, it } from "vitest";
import { compareStack, diffValues, UNKNOWN_AFTER_REPLACE, type DiffResource, type HeadResource } from "../../offline/diff/compare";
import { formatDiffText, paletteFor } from "../../offline/diff/format";
import { isProviderResource, loadReplacementTable, replacementFieldsFor } from "../../offline/diff/replacementTable";
import { createHash } from "node:crypto";
import { sharedPlan } from "../sharedPlan";

const table = loadReplacementTable();

/** An OCID as the offline mocks make it for a resource (the diff finds replaced ids by it). */
function mockId(kind: string, type: string, name: string): string {
    return `ocid1.${kind}.oc1.eu-frankfurt-1.amaaaaaa${createHash("sha256").update(`${type}:${name}`).digest("hex").slice(0, 40)}`;
}

describe("replacement table", () => {
    it("names a provider, a file and fields for every resource type the plan of all stacks registers", async () => {
        const stacks = await sharedPlan();
        expect(stacks.map((s) => s.stack)).toEqual(["eu", "na", "sa", "as", "au"]);
        const types = new Set(stacks.flatMap((s) => s.resources.map((r) => r.type)).filter(isProviderResource));
        expect(types.size).toBeGreaterThan(30);
        const missing = [...types].filter((t) => !(t in table.types));
        expect(missing, "add these types to data/replacement-fields.yaml from their provider schemas").toEqual([]);
        for (const t of types) expect(table.sources[table.types[t].provider], t).toBeDefined();
    }, 300_000);

    it("reads oci_core_instance as the provider does: shape in place, subnet and private IP force new", () => {
        const instance = table.types["oci:Core/instance:Instance"];
        expect(table.sources.oci).toMatchObject({ version: "v8.23.0", upstream: "oracle/terraform-provider-oci" });
        expect(instance.file).toBe("internal/service/core/core_instance_resource.go");
        expect(replacementFieldsFor(instance, "shape")).toEqual([]);
        expect(replacementFieldsFor(instance, "shapeConfig.ocpus")).toEqual([]);
        expect(replacementFieldsFor(instance, "createVnicDetails.subnetId")).toEqual(["create_vnic_details.subnet_id"]);
        expect(replacementFieldsFor(instance, "createVnicDetails.privateIp")).toEqual(["create_vnic_details.private_ip"]);
        expect(replacementFieldsFor(instance, "metadata.user_data")).toEqual(["metadata.user_data"]);
        expect(replacementFieldsFor(table.types["command:local:Command"], "triggers[0]")).toEqual(["triggers"]);
        expect(replacementFieldsFor(table.types["command:local:Command"], "stdin")).toEqual([]);
        expect(replacementFieldsFor(table.types["random:index/randomPassword:RandomPassword"], "length")).toEqual(["length"]);
    });
});

describe("compareStack", () => {
    const subnetType = "oci:Core/subnet:Subnet";
    const instanceType = "oci:Core/instance:Instance";
    const subnetUrn = `urn:pulumi:eu::blitzhub::${subnetType}::eu-fe-01-vm`;
    const subnetId = mockId("subnet", subnetType, "eu-fe-01-vm");
    const subnet = (prohibit: boolean): HeadResource => ({ urn: subnetUrn, type: subnetType, name: "eu-fe-01-vm", account: "EU-FE-01", inputs: { cidrBlock: "10.0.1.0/28", prohibitPublicIpOnVnic: prohibit } });
    const instance = (shape: string, userData: string): HeadResource => ({
        urn: `urn:pulumi:eu::blitzhub::${instanceType}::eu-fe-01-app`,
        type: instanceType,
        name: "eu-fe-01-app",
        account: "EU-FE-01",
        inputs: { shape, createVnicDetails: { subnetId, nsgIds: ["ocid1.nsg.x"] }, metadata: { user_data: userData }, agentConfig: { pluginsConfigs: [{ name: "a" }] } },
        ignoreChanges: ["metadata.user_data"],
        dependsOn: [subnetUrn],
        propertyDependencies: { createVnicDetails: [subnetUrn] },
    });
    const password = (length: number): HeadResource => ({ urn: "urn:pulumi:eu::blitzhub::random:index/randomPassword:RandomPassword::p", type: "random:index/randomPassword:RandomPassword", name: "p", account: null, inputs: { length } });
    const secret = (): HeadResource => ({
        urn: "urn:pulumi:eu::blitzhub::oci:Vault/secret:Secret::s",
        type: "oci:Vault/secret:Secret",
        name: "s",
        account: "EU-SEC-01",
        inputs: { secretName: "s", secretContent: { content: "[secret]" } },
        dependsOn: [password(1).urn],
        propertyDependencies: { secretContent: [password(1).urn] },
    });

    it("a shape change updates the instance in place; an ignored path is no change", () => {
        const d = compareStack({ stack: "eu", resources: [subnet(true), instance("VM.Standard.E2.1.Micro", "old")] }, { stack: "eu", resources: [subnet(true), instance("VM.Standard.A1.Flex", "new")] }, table);
        expect(d.changes.map((c) => [c.name, c.op, c.paths.map((p) => p.path)])).toEqual([["eu-fe-01-app", "update", ["shape"]]]);
        expect(d.unchanged).toBe(1);
    });

    it("a replaced subnet replaces the instance in it (its subnet id is unknown until then)", () => {
        const d = compareStack({ stack: "eu", resources: [subnet(true), instance("s", "u")] }, { stack: "eu", resources: [subnet(false), instance("s", "u")] }, table);
        expect(d.changes.map((c) => [c.name, c.op, c.replaceBecause])).toEqual([
            ["eu-fe-01-vm", "replace", ["prohibit_public_ip_on_vnic"]],
            ["eu-fe-01-app", "replace", ["create_vnic_details.subnet_id"]],
        ]);
        expect(d.changes[1].paths).toEqual([expect.objectContaining({ path: "createVnicDetails.subnetId", old: subnetId, new: UNKNOWN_AFTER_REPLACE, causedBy: subnetUrn })]);
    });

    it("a replaced password updates the secret it feeds, shown as [secret]; creates and deletes are listed", () => {
        const gone: DiffResource = { urn: "urn:pulumi:eu::blitzhub::oci:Core/vcn:Vcn::old", type: "oci:Core/vcn:Vcn", name: "old", account: "EU-FE-01", inputs: { cidrBlock: "10.0.1.0/27" } };
        const d = compareStack({ stack: "eu", resources: [password(30), secret(), gone] }, { stack: "eu", resources: [password(32), secret(), subnet(true)] }, table);
        expect(d.changes.map((c) => [c.name, c.op])).toEqual([["p", "replace"], ["s", "update"], ["eu-fe-01-vm", "create"], ["old", "delete"]]);
        const text = formatDiffText({ base: "b", head: "h", stacks: [d] }, paletteFor({ isTTY: false }, {}));
        expect(text).toContain("~ secretContent: {\"content\":\"[secret]\"} => \"[unknown: output of a replaced resource]\"");
        expect(text).toContain("+- random:index/randomPassword:RandomPassword  p  replace [replace: length]");
        expect(text).toMatch(/Resources: 1 to create, 1 to update, 1 to replace, 1 to delete, 0 unchanged/);
    });

    it("a type missing from the table is an error naming the table", () => {
        const odd: HeadResource = { urn: "urn:x::oci:Core/odd:Odd::o", type: "oci:Core/odd:Odd", name: "o", account: null, inputs: {} };
        expect(() => compareStack({ stack: "eu", resources: [] }, { stack: "eu", resources: [odd] }, table)).toThrow(/replacement-fields\.yaml: no entry for resource type oci:Core\/odd:Odd/);
    });

    it("diffValues reports leaf paths with list indices", () => {
        expect(diffValues({ a: [1, 2], b: { c: "x" } }, { a: [1, 3, 4], b: {} })).toEqual([
            { path: "a[1]", kind: "update", old: 2, new: 3 },
            { path: "a[2]", kind: "add", new: 4 },
            { path: "b.c", kind: "delete", old: "x" },
        ]);
    });

    it("colour: on a TTY, never with NO_COLOR, always with FORCE_COLOR", () => {
        expect(paletteFor({ isTTY: true }, {}).add("x")).toBe("\x1b[32mx\x1b[0m");
        expect(paletteFor({ isTTY: true }, { NO_COLOR: "1" }).add("x")).toBe("x");
        expect(paletteFor({ isTTY: false }, {}).add("x")).toBe("x");
        expect(paletteFor({ isTTY: false }, { FORCE_COLOR: "1" }).add("x")).toBe("\x1b[32mx\x1b[0m");
    });
});
