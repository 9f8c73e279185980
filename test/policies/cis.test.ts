/**
 * The CIS baseline policies: each passes the compliant tenancy of the fixtures and fails it
 * with one control taken away, naming the recommendation's gap and the offenders.
 */
import * as oci from "@pulumi/oci";
import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../offline/engine";
import { cisPolicies } from "../../policies/cis";
import { compartmentExists, noRootResources } from "../../policies/cis/compartments";
import { bucketWriteLogs, notificationTopic, subnetFlowLogs, tagDefaults } from "../../policies/cis/detectiveControls";
import { bootVolumeCmk, bucketCmk, keyRotation, volumeCmk } from "../../policies/cis/encryption";
import { EVENT_RULES, eventRulePolicies } from "../../policies/cis/eventRules";
import { manageAllOnlyAdministrators } from "../../policies/cis/iamPolicies";
import { secureBoot } from "../../policies/cis/instanceControls";
import { autonomousDatabaseAccess, defaultSecurityListRestricted } from "../../policies/cis/networkAccess";
import { bucketEvents } from "../../policies/cis/storageControls";
import { auditRetention, budgetAlerts, cloudGuardEnabled, securityZones, vulnerabilityScanning } from "../../policies/cis/tenancyControls";
import type { BlitzPolicy } from "../../policies/lib/policy";
import { runPolicies } from "../../policies/runner";
import { check, compliantAccount, context, modify, plannedStack, resource, token } from "./fixtures";

const base = compliantAccount();
const own = { account: "EU-BE-01", provider: base[0].urn };
const without = (type: unknown) => base.filter((r) => r.type !== token(type));
const withInputs = (name: string, inputs: Record<string, unknown>) => modify(base, name, (r) => ({ inputs: { ...r.inputs, ...inputs } }));
const plus = (...extra: PlannedResource[]) => [...base, ...extra];

interface Case {
    policy: BlitzPolicy;
    broken: PlannedResource[];
    message: string | RegExp;
}

const cases: Case[] = [
    { policy: compartmentExists, broken: without(oci.identity.Compartment), message: "1 of 1 tenancies have no compartment: EU-BE-01" },
    {
        policy: noRootResources,
        broken: withInputs("eu-be-01-vcn", { compartmentId: "ocid1.tenancy.oc1..example" }),
        message: /^1 of 7 VCNs, instances, volumes, buckets and databases are in the root compartment: EU-BE-01\/eu-be-01-vcn$/,
    },
    { policy: tagDefaults, broken: withInputs("eu-be-01-created-by", { value: "pulumi" }), message: "1 of 1 tenancies have no tag default recording the creator: EU-BE-01" },
    { policy: notificationTopic, broken: without(oci.ons.Subscription), message: "1 of 1 tenancies have no Notifications topic with a subscription: EU-BE-01" },
    { policy: subnetFlowLogs, broken: base.filter((r) => r.name !== "eu-be-01-vm-subnet-flow-log"), message: "1 of 2 subnets have no flow log: EU-BE-01/eu-be-01-vm-subnet" },
    { policy: bucketWriteLogs, broken: base.filter((r) => r.name !== "eu-be-01-backups-write-log"), message: "1 of 1 buckets have no write-access log: EU-BE-01/eu-be-01-backups" },
    { policy: bucketCmk, broken: withInputs("eu-be-01-backups", { kmsKeyId: undefined }), message: /^1 of 1 buckets are encrypted with Oracle-managed keys/ },
    { policy: volumeCmk, broken: withInputs("eu-be-01-app-data", { kmsKeyId: undefined }), message: /^1 of 1 block volumes are encrypted with Oracle-managed keys .*: EU-BE-01\/eu-be-01-app-data$/ },
    {
        policy: bootVolumeCmk,
        broken: withInputs("eu-be-01-cache", { sourceDetails: { sourceType: "image" } }),
        message: "1 of 3 instances boot from volumes with Oracle-managed keys (no sourceDetails.kmsKeyId): EU-BE-01/eu-be-01-cache",
    },
    {
        policy: secureBoot,
        broken: withInputs("eu-be-01-app", { platformConfig: undefined }),
        message: /^1 of 3 instances do not enable Secure Boot \(not applied: turning it on replaces each existing instance, .*\): EU-BE-01\/eu-be-01-app$/,
    },
    { policy: bucketEvents, broken: withInputs("eu-be-01-backups", { objectEventsEnabled: false }), message: "1 of 1 buckets do not emit object events: EU-BE-01/eu-be-01-backups" },
    {
        policy: keyRotation,
        broken: without(oci.kms.KeyVersion),
        message: "EU-BE-01/eu-be-01-cmk is not rotated within 365 days: no key version is planned (topology keyRotations is empty)",
    },
    {
        policy: defaultSecurityListRestricted,
        broken: plus(resource(oci.core.DefaultSecurityList, "eu-be-01-default-security-list", { ingressSecurityRules: [{ protocol: "6", source: "0.0.0.0/0" }], egressSecurityRules: [] }, own)),
        message: "eu-be-01-default-security-list admits tcp from 0.0.0.0/0",
    },
    { policy: autonomousDatabaseAccess, broken: withInputs("eu-be-01-adb", { whitelistedIps: [] }), message: /^eu-be-01-adb has neither an access control list/ },
    {
        policy: manageAllOnlyAdministrators,
        broken: plus(resource(oci.identity.Policy, "eu-be-01-ops", { statements: ["Allow group Ops to manage all-resources in tenancy"] }, own)),
        message: 'eu-be-01-ops lets group Ops manage all-resources in tenancy ("Allow group Ops to manage all-resources in tenancy")',
    },
    {
        policy: cloudGuardEnabled,
        broken: withInputs("eu-be-01-cloud-guard", { status: "DISABLED" }),
        message: "1 of 1 pay-as-you-go tenancies do not enable Cloud Guard at the root compartment with a target of its recipes: EU-BE-01",
    },
    { policy: securityZones, broken: without(oci.cloudguard.SecurityZone), message: "1 of 1 pay-as-you-go tenancies have no Security Zone: EU-BE-01" },
    {
        policy: vulnerabilityScanning,
        broken: withInputs("eu-be-01-host-scan-target", { targetCompartmentId: "ocid1.compartment.oc1..elsewhere" }),
        message: "1 of 1 tenancies do not scan their instances for vulnerabilities: EU-BE-01",
    },
    { policy: auditRetention, broken: withInputs("eu-be-01-audit-retention", { retentionPeriodDays: 90 }), message: "1 of 1 tenancies keep audit events less than 365 days: EU-BE-01" },
    { policy: budgetAlerts, broken: without(oci.budget.Rule), message: "1 of 1 tenancies have no budget alert (an Always Free one: none at the first cent): EU-BE-01" },
    ...eventRulePolicies.map((policy, i) => ({
        policy,
        // The rule of this recommendation loses one of its event types.
        broken: withInputs(`eu-be-01-events-${EVENT_RULES[i].cis.replace(".", "-")}`, { condition: JSON.stringify({ eventType: EVENT_RULES[i].eventTypes.slice(1) }) }),
        message: `1 of 1 tenancies are not notified of ${EVENT_RULES[i].what}: EU-BE-01`,
    })),
];

describe("CIS baseline policies", () => {
    it("have a passing and a failing case each", () => {
        expect(new Set(cases.map((c) => c.policy.name))).toEqual(new Set(cisPolicies.map((p) => p.name)));
    });

    for (const { policy, broken, message } of cases) {
        describe(`${policy.name} (${policy.enforcementLevel}, CIS ${policy.frameworks.cis.map((c) => c.id).join(", ")})`, () => {
            it("passes the compliant tenancy", async () => {
                expect(await check(policy, base)).toEqual([]);
            });
            it("fails it with the control taken away", async () => {
                const found = await check(policy, broken);
                expect(found).toHaveLength(1);
                expect(found[0].account).toBe("EU-BE-01");
                expect(found[0].enforcement).toBe(policy.enforcementLevel);
                expect(found[0].message).toMatch(typeof message === "string" ? new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) : message);
            });
        });
    }

    describe("in an Always Free tenancy", () => {
        const alwaysFree = { ...context, billing: { "EU-BE-01": { mode: "alwaysFree" as const, reason: "test" } } };
        const checkAlwaysFree = async (policy: BlitzPolicy, resources: PlannedResource[]) =>
            (await runPolicies([plannedStack(resources)], { policies: [policy], topologyPolicies: [], context: alwaysFree })).violations.map((v) => v.message);

        it("Cloud Guard, Security Zones and Cloud Guard problem notifications are not applicable", async () => {
            const cloudGuardEvents = eventRulePolicies[EVENT_RULES.findIndex((e) => e.cis === "4.15")];
            const bare = base.filter((r) => !r.type.startsWith("oci:CloudGuard/") && r.name !== "eu-be-01-events-4-15");
            for (const policy of [cloudGuardEnabled, securityZones, cloudGuardEvents]) {
                expect(await checkAlwaysFree(policy, bare)).toEqual([]);
                // The same tenancy, pay-as-you-go, fails each of them.
                expect(await check(policy, bare)).toHaveLength(1);
            }
        });
        it("the budget must alert at the first cent", async () => {
            // The compliant fixture carries a first-cent rule; without it, a percentage alert alone is not enough.
            const percentOnly = base.filter((r) => r.name !== "eu-be-01-budget-first-cent");
            expect(percentOnly).toHaveLength(base.length - 1);
            expect(await checkAlwaysFree(budgetAlerts, percentOnly)).toEqual(["1 of 1 tenancies have no budget alert (an Always Free one: none at the first cent): EU-BE-01"]);
            expect(await checkAlwaysFree(budgetAlerts, base)).toEqual([]);
            const firstCent = withInputs("eu-be-01-budget-actual-100", { type: "ACTUAL", thresholdType: "ABSOLUTE", threshold: 0.01 });
            expect(await checkAlwaysFree(budgetAlerts, firstCent)).toEqual([]);
        });
    });

    describe("cis-key-rotation judges the newest version against the context's day", () => {
        const on = async (today: string, resources: PlannedResource[] = base) =>
            (await runPolicies([plannedStack(resources)], { policies: [keyRotation], topologyPolicies: [], context: { ...context, today } })).violations.map((v) => v.message);
        it("passes up to 365 days after the newest rotation and fails the day after", async () => {
            expect(await on("2027-11-30")).toEqual([]);
            expect(await on("2027-12-01")).toEqual(["EU-BE-01/eu-be-01-cmk is not rotated within 365 days: the newest version (2026-11-30) is 366 days old on 2027-12-01, more than 365"]);
        });
        it("a later rotation resets the age; one dated after today fails", async () => {
            const key = base.find((r) => r.name === "eu-be-01-cmk")!;
            const rotated = plus(resource(oci.kms.KeyVersion, "eu-be-01-cmk-rotation-2027-11-15", { keyId: "eu-be-01-key-id" }, { ...own, propertyDependencies: { keyId: [key.urn] } }));
            expect(await on("2028-06-01", rotated)).toEqual([]);
            expect(await on("2027-11-01", rotated)).toEqual([
                "EU-BE-01/eu-be-01-cmk is not rotated within 365 days: rotation 2027-11-15 is dated after today (2027-11-01): list a rotation on the day its pulumi up runs",
            ]);
        });
        it("a version of another key does not count; OCI's automatic rotation within a year does", async () => {
            const other = base.map((r) => (r.type === token(oci.kms.KeyVersion) ? { ...r, propertyDependencies: { keyId: ["urn:other-key"] }, inputs: { ...r.inputs, keyId: "other" } } : r));
            expect(await on("2026-12-01", other)).toHaveLength(1);
            const auto = modify(other, "eu-be-01-cmk", (r) => ({ inputs: { ...r.inputs, isAutoRotationEnabled: true, autoKeyRotationDetails: { rotationIntervalInDays: 90 } } }));
            expect(await on("2026-12-01", auto)).toEqual([]);
            const yearly = modify(auto, "eu-be-01-cmk", (r) => ({ inputs: { ...r.inputs, autoKeyRotationDetails: { rotationIntervalInDays: 400 } } }));
            expect(await on("2026-12-01", yearly)).toHaveLength(1);
        });
    });

    it("cis-cloud-guard-enabled needs a root target with detector and responder recipes", async () => {
        expect(await check(cloudGuardEnabled, without(oci.cloudguard.Target))).toHaveLength(1);
        expect(await check(cloudGuardEnabled, withInputs("eu-be-01-cloud-guard-target", { targetResponderRecipes: [] }))).toHaveLength(1);
        expect(await check(cloudGuardEnabled, withInputs("eu-be-01-cloud-guard-target", { targetResourceId: "ocid1.compartment.oc1..workload" }))).toHaveLength(1);
    });

    it("an Events rule that is disabled or notifies no topic does not count", async () => {
        const name = "eu-be-01-events-4-5";
        expect((await check(eventRulePolicies[2], withInputs(name, { isEnabled: false }))).map((v) => v.message)).toEqual(["1 of 1 tenancies are not notified of IAM group changes: EU-BE-01"]);
        expect(await check(eventRulePolicies[2], withInputs(name, { actions: { actions: [{ actionType: "FAAS", functionId: "x" }] } }))).toHaveLength(1);
    });
});
