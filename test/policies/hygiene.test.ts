import * as oci from "@pulumi/oci";
import { describe, expect, it } from "vitest";
import { explicitProvider } from "../../policies/hygiene/explicitProvider";
import { providerMatchesAccount } from "../../policies/hygiene/providerMatchesAccount";
import { requiredTags } from "../../policies/hygiene/requiredTags";
import { check, compliantAccount, modify, resource } from "./fixtures";

const base = compliantAccount();

describe("required-freeform-tags (mandatory)", () => {
    it("passes taggable resources carrying account, role, region and managed-by", async () => {
        expect(await check(requiredTags, base)).toEqual([]);
    });
    it("rejects a VCN missing role and managed-by", async () => {
        const resources = modify(base, "eu-be-01-vcn", (r) => ({ inputs: { ...r.inputs, freeformTags: { account: "EU-BE-01", region: "eu" } } }));
        expect(await check(requiredTags, resources)).toEqual([
            {
                policy: "required-freeform-tags",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-vcn",
                message: "eu-be-01-vcn lacks freeform tag(s) role, managed-by",
            },
        ]);
    });
});

describe("explicit-provider (mandatory)", () => {
    it("passes OCI resources with the account's provider", async () => {
        expect(await check(explicitProvider, base)).toEqual([]);
    });
    it("rejects an OCI resource without a provider and one on a default provider", async () => {
        const orphan = resource(oci.core.Vcn, "stray-vcn", { cidrBlocks: ["10.0.9.0/27"] });
        const defaulted = resource(oci.core.Vcn, "default-vcn", { cidrBlocks: ["10.0.9.32/27"] }, { provider: "urn:pulumi:eu::blitzhub::pulumi:providers:oci::default_4_20_0::id" });
        expect(await check(explicitProvider, [...base, orphan, defaulted])).toEqual([
            {
                policy: "explicit-provider",
                enforcement: "mandatory",
                account: null,
                resourceName: "stray-vcn",
                message: "stray-vcn (oci:Core/vcn:Vcn) has no explicit provider",
            },
            {
                policy: "explicit-provider",
                enforcement: "mandatory",
                account: null,
                resourceName: "default-vcn",
                message: "default-vcn (oci:Core/vcn:Vcn) uses the default provider default_4_20_0",
            },
        ]);
    });
});

describe("provider-matches-account (mandatory)", () => {
    it("passes resources on their own account's provider", async () => {
        expect(await check(providerMatchesAccount, base)).toEqual([]);
    });
    it("rejects a resource of EU-BE-01 on EU-FE-01's provider", async () => {
        const fe = compliantAccount({ account: "EU-FE-01", role: "frontend", region: "eu", vcnCidr: "10.0.1.0/27" });
        const resources = modify([...base, ...fe], "eu-be-01-vcn", () => ({ provider: fe[0].urn }));
        expect(await check(providerMatchesAccount, resources)).toEqual(
            ["account tag", "account component"].map((source) => ({
                policy: "provider-matches-account",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-vcn",
                message: `eu-be-01-vcn belongs to EU-BE-01 (${source}) but uses provider eu-fe-01, not eu-be-01`,
            })),
        );
    });
});
