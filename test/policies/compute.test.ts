import { describe, expect, it } from "vitest";
import { bucketPrivate } from "../../policies/compute/bucketPrivate";
import { bucketVersioned } from "../../policies/compute/bucketVersioned";
import { inTransitEncryption } from "../../policies/compute/inTransitEncryption";
import { legacyImds } from "../../policies/compute/legacyImds";
import { monitoring } from "../../policies/compute/monitoring";
import { volumeBackup } from "../../policies/compute/volumeBackup";
import { check, compliantAccount, modify } from "./fixtures";

const base = compliantAccount();
const withInputs = (inputs: Record<string, unknown>) => (r: { inputs: Record<string, unknown> }) => ({ inputs: { ...r.inputs, ...inputs } });
const one = (policy: string, resourceName: string, message: string) => [
    { policy, enforcement: "mandatory", account: "EU-BE-01", resourceName, message },
];

describe("instance-legacy-imds-disabled (mandatory)", () => {
    it("passes instances that disable IMDS v1", async () => {
        expect(await check(legacyImds, base)).toEqual([]);
    });
    it("rejects an instance that leaves it on", async () => {
        const resources = modify(base, "eu-be-01-app", withInputs({ instanceOptions: { areLegacyImdsEndpointsDisabled: false } }));
        expect(await check(legacyImds, resources)).toEqual(
            one("instance-legacy-imds-disabled", "eu-be-01-app", "eu-be-01-app leaves the legacy IMDS v1 endpoints enabled (instanceOptions.areLegacyImdsEndpointsDisabled is not true)"),
        );
    });
});

describe("instance-in-transit-encryption (mandatory)", () => {
    it("passes instances with in-transit encryption", async () => {
        expect(await check(inTransitEncryption, base)).toEqual([]);
    });
    it("rejects an instance without it", async () => {
        const resources = modify(base, "eu-be-01-cache", withInputs({ isPvEncryptionInTransitEnabled: undefined }));
        expect(await check(inTransitEncryption, resources)).toEqual(
            one("instance-in-transit-encryption", "eu-be-01-cache", "eu-be-01-cache does not enable in-transit encryption (isPvEncryptionInTransitEnabled is not true)"),
        );
    });
});

describe("instance-monitoring-enabled (mandatory)", () => {
    it("passes instances that state monitoring on", async () => {
        expect(await check(monitoring, base)).toEqual([]);
    });
    it("rejects an instance that disables monitoring, and one that does not say", async () => {
        const disabled = modify(base, "eu-be-01-app", withInputs({ agentConfig: { isMonitoringDisabled: true } }));
        expect(await check(monitoring, disabled)).toEqual(
            one("instance-monitoring-enabled", "eu-be-01-app", "eu-be-01-app disables instance monitoring (agentConfig.isMonitoringDisabled: true)"),
        );
        const unstated = modify(base, "eu-be-01-app", withInputs({ agentConfig: undefined }));
        expect((await check(monitoring, unstated)).map((v) => v.message)).toEqual(["eu-be-01-app does not state agentConfig.isMonitoringDisabled: false"]);
    });
});

describe("bucket-not-public (mandatory)", () => {
    it("passes a NoPublicAccess bucket", async () => {
        expect(await check(bucketPrivate, base)).toEqual([]);
    });
    it("rejects an ObjectRead bucket", async () => {
        const resources = modify(base, "eu-be-01-backups", withInputs({ accessType: "ObjectRead" }));
        expect(await check(bucketPrivate, resources)).toEqual(one("bucket-not-public", "eu-be-01-backups", "eu-be-01-backups is public (accessType ObjectRead)"));
    });
});

describe("bucket-versioned (mandatory)", () => {
    it("passes a versioned bucket", async () => {
        expect(await check(bucketVersioned, base)).toEqual([]);
    });
    it("rejects an unversioned bucket", async () => {
        const resources = modify(base, "eu-be-01-backups", withInputs({ versioning: "Disabled" }));
        expect(await check(bucketVersioned, resources)).toEqual(
            one("bucket-versioned", "eu-be-01-backups", "eu-be-01-backups does not enable versioning (versioning is Disabled)"),
        );
    });
});

describe("block-volume-backup-policy (mandatory)", () => {
    it("passes a volume with a backup policy assignment (linked by its assetId dependency)", async () => {
        expect(await check(volumeBackup, base)).toEqual([]);
    });
    it("rejects a volume whose assignment is missing", async () => {
        const resources = base.filter((r) => r.name !== "eu-be-01-app-data-backup-policy");
        expect(await check(volumeBackup, resources)).toEqual(
            one("block-volume-backup-policy", "eu-be-01-app-data", "eu-be-01-app-data has no backup policy assignment (and the topology does not declare backupPolicy: none for it)"),
        );
    });
    it("accepts a volume the topology declares backupPolicy: none for", async () => {
        const ledger = modify(base, "eu-be-01-app-data", () => ({ name: "eu-sol-01-validator-ledger" })).filter((r) => !r.name.endsWith("-backup-policy"));
        expect(await check(volumeBackup, ledger)).toEqual([]);
    });
    it("does not count an assignment that targets another volume", async () => {
        const resources = modify(base, "eu-be-01-app-data-backup-policy", () => ({
            name: "other-backup-policy",
            dependsOn: [],
            propertyDependencies: { assetId: ["urn:pulumi:eu::blitzhub::oci:Core/volume:Volume::other"] },
            inputs: { assetId: "other-id", policyId: "p" },
        }));
        expect((await check(volumeBackup, resources)).map((v) => v.resourceName)).toEqual(["eu-be-01-app-data"]);
    });
});
