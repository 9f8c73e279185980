/**
 * What the plan computes, checked against OCI's limits and the free tier: NSG rules per NSG,
 * DRG attachments and RPCs, IAM statements; the billing mode of each tenancy; and firewall
 * sources that aggregate without admitting a VM that is not a client.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadTopology, parseTopology } from "../../model/load";
import { loadOciLimits, parseOciLimits } from "../../model/ociLimits";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import { planLimitProblems } from "../../plan/limits";
import { coverClients } from "../../plan/sourceCover";

const topology = loadTopology(`${PROJECT_ROOT}/topology/blitzhub.yaml`);
const allowances = loadAllowances();
const plan = buildPlan(topology, allowances);
const limits = loadOciLimits();
const LIMITS_TEXT = readFileSync(`${PROJECT_ROOT}/data/oci-limits.yaml`, "utf8");

/** The committed limits with one maximum lowered, to make the real plan cross it. */
function lowered(key: string, max: number) {
    return parseOciLimits(LIMITS_TEXT.replace(new RegExp(`(  ${key}:\\n(?:    #.*\\n)?    max: )\\d+`), `$1${max}`), "limits.yaml");
}

describe("plan limits", () => {
    it("the default plan is within every limit; its largest NSG holds the counted rules", () => {
        expect(planLimitProblems(topology, plan, limits)).toEqual([]);
        const perNsg = new Map<string, number>();
        // Ingress and egress rules alike count against the NSG's limit.
        for (const a of plan.accounts) for (const r of [...a.firewall, ...a.egress]) perNsg.set(`${a.name} ${r.target.kind === "vm" ? r.target.vm : r.target.kind}`, (perNsg.get(`${a.name} ${r.target.kind === "vm" ? r.target.vm : r.target.kind}`) ?? 0) + 1);
        expect(Math.max(...perNsg.values())).toBeLessThanOrEqual(limits.limits.securityRulesPerNsg.max);
    });

    it("an NSG over the rule limit names the VM's services in the topology and the limit's source", () => {
        const account = plan.accounts.find((a) => a.name === "EU-BE-01")!;
        const api = account.firewall.filter((r) => r.target.kind === "vm" && r.target.vm === "api").length;
        const egress = account.egress.filter((r) => r.target.kind === "vm" && r.target.vm === "api").length;
        expect(egress).toBeGreaterThan(1);
        const problems = planLimitProblems(topology, plan, lowered("securityRulesPerNsg", api));
        expect(problems).toContainEqual({
            path: "roles.backend.vms[0].services",
            message:
                `EU-BE-01: the NSG of vm:api would hold ${api + egress} security rules (${api} ingress + ${egress} egress); OCI allows ${api} per NSG ` +
                `(${limits.sources.find((s) => s.id === "nsg-security-rules")!.url}): fewer client groups or dependencies on this VM`,
        });
    });

    it("DRG attachments and RPCs per DRG, IAM policies per tenancy", () => {
        const drgUrl = limits.sources.find((s) => s.id === "drg-limits")!.url;
        expect(planLimitProblems(topology, plan, lowered("drgVcnAttachments", 8))).toEqual([
            { path: "regions.eu.hub", message: `the EU-NET-01 DRG would take 9 VCN attachments; OCI allows 8 per DRG (${drgUrl})` },
        ]);
        expect(planLimitProblems(topology, plan, lowered("drgRemotePeeringConnections", 3))).toEqual([
            { path: "regions.eu.hub", message: `the EU-NET-01 DRG would hold 4 remote peering connections; OCI allows 3 per DRG (${drgUrl})` },
        ]);
        const iamUrl = limits.sources.find((s) => s.id === "iam-service-limits")!.url;
        const index = topology.accounts.findIndex((a) => a.name === "EU-NET-01");
        expect(planLimitProblems(topology, plan, lowered("iamPoliciesPerTenancy", 11))).toEqual([
            { path: `accounts[${index}].name`, message: `EU-NET-01: the tenancy would hold 12 peering policies; OCI allows 11 per tenancy (${iamUrl})` },
        ]);
        expect(planLimitProblems(topology, plan, lowered("iamStatementsPerPolicy", 3)).map((p) => p.message)).toContain(
            `EU-NET-01: a peering policy would hold 4 statements; OCI allows 3 per policy (${iamUrl})`,
        );
    });
});

describe("billing modes", () => {
    it("the default topology: the frontend tenancies Always Free and within every allowance, the rest pay-as-you-go with a reason", () => {
        const modes = Object.fromEntries(plan.accounts.map((a) => [a.name, a.freeTier.billing.mode]));
        expect(Object.entries(modes).filter(([, m]) => m === "alwaysFree").map(([n]) => n).sort()).toEqual(["AS-FE-01", "AU-FE-01", "EU-FE-01", "NA-FE-01", "SA-FE-01"]);
        for (const a of plan.accounts) expect(a.freeTier.billing.reason.length, a.name).toBeGreaterThan(20);
        expect(plan.freeTier.refused).toEqual([]);
        for (const a of plan.accounts.filter((x) => x.freeTier.billing.mode === "alwaysFree")) {
            expect(a.freeTier.fits, a.name).toBe(true);
            expect(a.freeTier.overage.monthlyCost).toBe(0);
        }
        // What is paid: 10 A1 beyond 2/12 and the Solana ledgers' storage; gateways cost nothing.
        expect(plan.freeTier.monthlyOverage).toBeGreaterThan(0);
    });

    it("an Always Free tenancy beyond its allowances is refused line by line, naming the resource and the allowance, and costs nothing", () => {
        const text = readFileSync(`${PROJECT_ROOT}/topology/blitzhub.yaml`, "utf8").replace(
            /(\{ name: EU-BE-01, role: backend, region: eu,\n\s+billing: \{ mode: )payAsYouGo/,
            "$1alwaysFree",
        );
        const t = parseTopology(text, "t.yaml");
        const usage = buildPlan(t, allowances).accounts.find((a) => a.name === "EU-BE-01")!.freeTier;
        const ref = `allowances v${allowances.version} of ${allowances.asOf}`;
        expect(usage.refused).toEqual([
            `EU-BE-01 (alwaysFree): A1 OCPU 4 exceed the Always Free 2 (allowances.a1.ocpus, ${ref}); the API would answer LimitExceeded`,
            `EU-BE-01 (alwaysFree): A1 memory 24 GB exceed the Always Free 12 GB (allowances.a1.memoryGb, ${ref}); the API would answer LimitExceeded`,
            `EU-BE-01 (alwaysFree): NAT gateways 1 exceed the Always Free 0 (allowances.natGateways.count, ${ref}); the API would answer LimitExceeded`,
            `EU-BE-01 (alwaysFree): service gateways 1 exceed the Always Free 0 (allowances.serviceGateways.count, ${ref}); the API would answer LimitExceeded`,
        ]);
        expect(usage.overage.monthlyCost).toBe(0);
    });
});

describe("firewall source cover", () => {
    const space = "10.0.0.0/16";
    it("merges contiguous clients into exact blocks and never covers a VM that is not a client", () => {
        expect(coverClients(["10.0.1.4/32", "10.0.1.5/32", "10.0.1.6/32", "10.0.1.7/32"], ["10.0.1.8", "10.0.1.3"], space)).toEqual(["10.0.1.4/30"]);
        expect(coverClients(["10.0.1.4/32", "10.0.1.6/32"], ["10.0.1.5", "10.0.1.7"], space)).toEqual(["10.0.1.4/32", "10.0.1.6/32"]);
    });
    it("takes the largest block around the clients where no other VM is", () => {
        expect(coverClients(["10.0.1.4/32", "10.0.1.6/32"], ["10.0.2.9"], space)).toEqual(["10.0.0.0/23"]);
        expect(coverClients(["10.0.1.4/32"], [], space)).toEqual([space]);
    });
    it("keeps sources outside the address space (the internet) as they are", () => {
        expect(coverClients(["0.0.0.0/0", "10.0.1.4/32"], ["10.0.1.5"], space)).toEqual(["10.0.1.4/32", "0.0.0.0/0"]);
    });
    it("in the plan, no rule's source covers a VM of its tenancy that is not among the rule's clients", () => {
        const hosts = plan.accounts.flatMap((a) => a.vms.map((v) => ({ account: a.name, ip: v.privateIp })));
        const ipNumber = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
        const within = (ip: string, cidr: string) => {
            const [base, bits] = cidr.split("/");
            const size = 2 ** (32 - Number(bits));
            return ipNumber(ip) >= ipNumber(base) && ipNumber(ip) < ipNumber(base) + size;
        };
        const backend = plan.accounts.find((a) => a.name === "EU-BE-01")!;
        const redis = backend.firewall.filter((r) => r.port === 6379 && r.target.kind === "vm" && r.target.vm === "redis-primary");
        const api = backend.vms.find((v) => v.name === "api")!.privateIp;
        const replica = backend.vms.find((v) => v.name === "redis-replica")!.privateIp;
        for (const rule of redis) {
            const covered = hosts.filter((h) => within(h.ip, rule.source)).map((h) => h.ip);
            for (const ip of covered) expect([api, replica], `${rule.key} covers ${ip}`).toContain(ip);
        }
    });
});
