import * as oci from "@pulumi/oci";
import { describe, expect, it } from "vitest";
import { plaintextSecrets, sensitiveLeaves } from "../../policies/dataProtection/plaintextSecrets";
import { statefulProtected } from "../../policies/dataProtection/statefulProtected";
import { check, compliantAccount, modify, resource } from "./fixtures";

const base = compliantAccount();

describe("stateful-resources-protected (mandatory)", () => {
    it("passes protected ADB, volume and bucket, and a vault retained on delete", async () => {
        const vault = resource(oci.kms.Vault, "eu-sec-01-vault", { vaultType: "DEFAULT" }, { account: "EU-SEC-01", retainOnDelete: true });
        expect(await check(statefulProtected, [...base, vault])).toEqual([]);
    });
    it("rejects an unprotected block volume and an unprotected key", async () => {
        const key = resource(oci.kms.Key, "eu-sec-01-unseal-key", { displayName: "unseal" }, { account: "EU-SEC-01" });
        const resources = modify([...base, key], "eu-be-01-app-data", () => ({ protect: false }));
        expect(await check(statefulProtected, resources)).toEqual([
            {
                policy: "stateful-resources-protected",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-app-data",
                message: "eu-be-01-app-data (oci:Core/volume:Volume) holds data but is neither protected nor retained on delete",
            },
            {
                policy: "stateful-resources-protected",
                enforcement: "mandatory",
                account: "EU-SEC-01",
                resourceName: "eu-sec-01-unseal-key",
                message: "eu-sec-01-unseal-key (oci:Kms/key:Key) holds data but is neither protected nor retained on delete",
            },
        ]);
    });
});

describe("no-plaintext-secret-inputs (mandatory)", () => {
    it("passes secret passwords and keys ([secret]) and names that only refer to secrets", async () => {
        const secret = resource(
            oci.vault.Secret,
            "eu-sec-01-redis-password",
            { secretName: "redis_password", keyId: "k", vaultId: "v", secretContent: { contentType: "BASE64", content: "[secret]" } },
            { account: "EU-SEC-01", secretInputPaths: ["secretContent.content"] },
        );
        expect(await check(plaintextSecrets, [...base, secret])).toEqual([]);
    });
    it("rejects a plain ADB admin password and a plain vault secret content", async () => {
        const plainAdb = modify(base, "eu-be-01-adb", (r) => ({ inputs: { ...r.inputs, adminPassword: "Hunter2-Hunter2" }, secretInputPaths: [] }));
        const secret = resource(
            oci.vault.Secret,
            "eu-sec-01-redis-password",
            { secretName: "redis_password", secretContent: { contentType: "BASE64", content: "aHVudGVyMg==" } },
            { account: "EU-SEC-01" },
        );
        expect(await check(plaintextSecrets, [...plainAdb, secret])).toEqual([
            {
                policy: "no-plaintext-secret-inputs",
                enforcement: "mandatory",
                account: "EU-BE-01",
                resourceName: "eu-be-01-adb",
                message: "eu-be-01-adb input adminPassword holds a plain (non-secret) value",
            },
            {
                policy: "no-plaintext-secret-inputs",
                enforcement: "mandatory",
                account: "EU-SEC-01",
                resourceName: "eu-sec-01-redis-password",
                message: "eu-sec-01-redis-password input secretContent.content holds a plain (non-secret) value",
            },
        ]);
    });
    it("finds credential-named leaves and skips references", () => {
        const leaves = sensitiveLeaves({
            adminPassword: "x",
            secretId: "ocid1.vaultsecret",
            privateKeyPath: "~/.oci/key.pem",
            environment: { REDIS_PASSWORD: "y", REDIS_HOST: "10.0.2.10" },
            metadata: { ssh_authorized_keys: "ssh-ed25519 AAAA" },
        });
        expect(leaves.map(([path]) => path.join("."))).toEqual(["adminPassword", "environment.REDIS_PASSWORD"]);
    });
});
