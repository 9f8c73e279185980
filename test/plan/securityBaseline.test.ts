/**
 * The CIS baseline the plan works out per tenancy: compartments and placement, Events rules,
 * budget, paid-only controls, the IAM statements, and that everything it creates in an Always
 * Free tenancy is an Always Free service in the allowances data.
 */
import { describe, expect, it } from "vitest";
import { loadAllowances } from "../../model/allowances";
import { DEFAULT_TOPOLOGY_FILE, loadTopology } from "../../model/load";
import { loadOciLimits } from "../../model/ociLimits";
import { buildPlan } from "../../plan";
import { admitAttachmentStatements, admitRemotePeeringStatements, endorseRemotePeeringStatements } from "../../plan/iamStatements";
import {
    accountCompartments,
    compartmentOf,
    CREATED_BY_TAG,
    EVENT_RULES,
    keyRotationProblem,
    keyVersionName,
    operatorStatements,
    rotationDateOf,
    PLACEMENT,
    type PlacedKind,
    securityBaseline,
    serviceStatements,
} from "../../plan/securityBaseline";

const allowances = loadAllowances();
const plan = buildPlan(loadTopology(DEFAULT_TOPOLOGY_FILE), allowances, loadOciLimits());
const account = (name: string) => plan.accounts.find((a) => a.name === name)!;

describe("compartments", () => {
    it("gives every account network, security and workload, and data only to accounts holding buckets or a database", () => {
        for (const a of plan.accounts) {
            const hasData = a.buckets.length > 0 || a.autonomousDatabase !== undefined;
            expect(accountCompartments(a), a.name).toEqual(["network", "security", "workload", ...(hasData ? ["data"] : [])]);
        }
        expect(plan.accounts.filter((a) => accountCompartments(a).includes("data")).map((a) => a.name).sort()).toEqual(
            plan.accounts.filter((a) => a.buckets.length > 0 || a.autonomousDatabase).map((a) => a.name).sort(),
        );
    });

    it("places instances and volumes in workload, the network in network, buckets in data, keys in security", () => {
        const data = plan.accounts.find((a) => a.buckets.length > 0)!;
        expect((["instance", "volume"] as PlacedKind[]).map((k) => compartmentOf(data, k))).toEqual(["workload", "workload"]);
        expect((["vcn", "subnet", "nsg", "drg", "loadBalancer"] as PlacedKind[]).map((k) => compartmentOf(data, k))).toEqual(Array(5).fill("network"));
        expect(compartmentOf(data, "bucket")).toBe("data");
        expect(compartmentOf(data, "key")).toBe("security");
    });

    it("refuses to place a bucket in an account without a data compartment", () => {
        const frontend = account("EU-FE-01");
        expect(PLACEMENT.bucket).toBe("data");
        expect(() => compartmentOf(frontend, "bucket")).toThrow("EU-FE-01: bucket placed in compartment data, which the account does not have");
    });
});

describe("the baseline by billing mode", () => {
    it("an Always Free tenancy: no Cloud Guard, no Security Zone, no Cloud Guard Events rule, a budget alerting at the first cent", () => {
        const free = securityBaseline(account("EU-FE-01"));
        expect(free).toMatchObject({ cloudGuard: false, securityZone: false, vulnerabilityScanning: true, auditRetentionDays: 365 });
        expect(free.eventRules.map((r) => r.cis)).not.toContain("4.15");
        expect(free.eventRules).toHaveLength(EVENT_RULES.length - 1);
        expect(free.budget).toMatchObject({ amount: 1, alerts: [{ type: "ACTUAL", thresholdType: "ABSOLUTE", threshold: 0.01 }] });
    });

    it("a pay-as-you-go tenancy: Cloud Guard and a Security Zone, every Events rule, a budget of its planned monthly cost", () => {
        const paid = account("EU-SOL-01");
        const baseline = securityBaseline(paid);
        expect(baseline).toMatchObject({ cloudGuard: true, securityZone: true });
        expect(baseline.eventRules).toHaveLength(EVENT_RULES.length);
        expect(baseline.budget.amount).toBe(Math.ceil(paid.freeTier.overage.monthlyCost));
        expect(baseline.budget.amount).toBeGreaterThan(1);
        expect(baseline.budget.alerts.map((a) => `${a.type} ${a.threshold}%`)).toEqual(["ACTUAL 80%", "ACTUAL 100%", "FORECAST 100%"]);
    });

    it("creates in Always Free tenancies only what the allowances data says an Always Free tenancy has", () => {
        const services = allowances.securityServices;
        const free = securityBaseline(account("EU-FE-01"));
        const used: (keyof typeof services)[] = ["notifications", "events", "logging", "audit", "budgets", "vault", ...(free.vulnerabilityScanning ? (["vulnerabilityScanning"] as const) : [])];
        for (const service of used) expect(services[service].alwaysFree, service).toBe(true);
        expect(services.cloudGuard.alwaysFree).toBe(free.cloudGuard);
        expect(services.securityZones.alwaysFree).toBe(free.securityZone);
        for (const [name, service] of Object.entries(services)) expect(allowances.sources.map((s) => s.id), name).toContain(service.source);
    });
});

describe("IAM statements", () => {
    const ids = { network: "ocid1.compartment.oc1..net", security: "ocid1.compartment.oc1..sec", workload: "ocid1.compartment.oc1..work" };
    const peer = { account: "EU-FE-01", tenancyOcid: "ocid1.tenancy.oc1..fe", networkAdminGroupOcid: "ocid1.group.oc1..fenet" };

    it("cross-tenancy Admit and Allow statements reach the network compartment, never the whole tenancy", () => {
        const statements = [
            ...admitAttachmentStatements(peer, ids.network),
            ...admitRemotePeeringStatements(peer, ids.network),
            ...endorseRemotePeeringStatements("ocid1.group.oc1..hub", peer, ids.network),
        ].filter((s) => /^(Admit|Allow)/.test(s));
        expect(statements).toHaveLength(4);
        for (const s of statements) expect(s).toMatch(/ in compartment id ocid1\.compartment\.oc1\.\.net$/);
    });

    it("operators use instances and volumes in workload only, and never manage anything", () => {
        const statements = operatorStatements(ids);
        expect(statements.filter((s) => / (manage|use) /.test(s))).toEqual([
            "Allow group BlitzHubOperators to use instance-family in compartment id ocid1.compartment.oc1..work",
            "Allow group BlitzHubOperators to use volume-family in compartment id ocid1.compartment.oc1..work",
        ]);
    });

    it("Block Volume and Object Storage may use the tenancy's key and no other", () => {
        expect(serviceStatements(ids, "ocid1.key.oc1..k", "eu-frankfurt-1", { vulnerabilityScanning: false })).toEqual([
            "Allow service blockstorage, objectstorage-eu-frankfurt-1 to use keys in compartment id ocid1.compartment.oc1..sec where target.key.id = 'ocid1.key.oc1..k'",
        ]);
    });
});

describe("key rotation (CIS 4.16)", () => {
    it("plans one key version per topology date in every tenancy, and the CreatedBy tag default", () => {
        for (const a of plan.accounts) {
            const baseline = securityBaseline(a);
            expect(baseline.keyRotation, a.name).toEqual({ rotations: ["2026-11-30"], maxAgeDays: 365 });
            expect(baseline.createdByTag).toEqual({ namespace: "BlitzHub", name: "CreatedBy", value: "${iam.principal.name}" });
        }
        expect(CREATED_BY_TAG.value).toBe("${iam.principal.name}");
    });

    it("names a version after its key and date, and reads the date back", () => {
        expect(keyVersionName("eu-net-01-cmk", "2026-11-30")).toBe("eu-net-01-cmk-rotation-2026-11-30");
        expect(rotationDateOf("eu-net-01-cmk-rotation-2026-11-30")).toBe("2026-11-30");
        expect(rotationDateOf("eu-net-01-cmk")).toBeUndefined();
    });

    it("judges the newest rotation against the day: 365 days pass, 366 fail, a future date fails, none fails", () => {
        expect(keyRotationProblem(["2026-11-30"], "2027-11-30")).toBeUndefined();
        expect(keyRotationProblem(["2026-11-30"], "2027-12-01")).toBe("the newest version (2026-11-30) is 366 days old on 2027-12-01, more than 365");
        // Leap year: 2028-02-29 exists, and the age counts it.
        expect(keyRotationProblem(["2027-03-01"], "2028-03-01")).toBe("the newest version (2027-03-01) is 366 days old on 2028-03-01, more than 365");
        expect(keyRotationProblem(["2025-01-01", "2027-06-01"], "2028-01-01")).toBeUndefined();
        expect(keyRotationProblem(["2026-11-30", "2027-01-10"], "2026-12-01")).toBe(
            "rotation 2027-01-10 is dated after today (2026-12-01): list a rotation on the day its pulumi up runs",
        );
        expect(keyRotationProblem([], "2026-12-01")).toBe("no key version is planned (topology keyRotations is empty)");
    });
});
