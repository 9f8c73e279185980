/**
 * The pack over what the real program registers for every stack (offline engine, in-process),
 * and over that same output with one resource changed to break a rule: the resource-level
 * counterpart of the topology edits the model already refuses (SSH to the world, an
 * overlapping VCN).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedResource, PlannedStack } from "../../offline/engine";
import { sharedPlan } from "../sharedPlan";
import { isStackPolicy } from "../../policies/lib/policy";
import { cisPolicies, policies } from "../../policies/all";
import { runPolicies } from "../../policies/runner";

let planned: PlannedStack[];

beforeAll(async () => {
    planned = await sharedPlan();
}, 180_000);

/** A deep copy of the stacks (the planned ones by default) with `change` applied to the first resource `pick` selects. */
function changed(
    pick: (r: PlannedResource) => boolean,
    change: (r: PlannedResource) => PlannedResource,
    base: PlannedStack[] = planned,
): { stacks: PlannedStack[]; target: PlannedResource } {
    const stacks = structuredClone(base);
    for (const stack of stacks) {
        const index = stack.resources.findIndex(pick);
        if (index >= 0) {
            stack.resources[index] = change(stack.resources[index]);
            return { stacks, target: stack.resources[index] };
        }
    }
    throw new Error("no resource matched");
}

describe("the pack over the planned stacks", () => {
    it("finds no mandatory violation, and every policy checks something", async () => {
        const report = await runPolicies(planned);
        expect(report.violations.filter((v) => v.enforcement === "mandatory")).toEqual([]);
        const cis = new Set(cisPolicies.map((p) => p.name));
        expect(report.violations.filter((v) => !cis.has(v.policy)).map((v) => v.policy).sort()).toEqual([...Array(10).fill("free-tier-a1-allowance"), "free-tier-block-storage", "free-tier-block-storage"]);
        // What the baseline does not apply, advisory, one finding per stack: Secure Boot (it would
        // replace every existing VM). The tag default and key rotation are planned and pass.
        const cisFindings = report.violations.filter((v) => cis.has(v.policy));
        expect(cisFindings.every((v) => v.enforcement === "advisory")).toBe(true);
        expect([...new Set(cisFindings.map((v) => v.policy))]).toEqual(["cis-instance-secure-boot"]);
        expect(cisFindings.map((v) => v.stack)).toEqual(["eu", "na", "sa", "as", "au"]);
        for (const policy of policies.filter((p) => !isStackPolicy(p))) expect(report.applied[policy.name], policy.name).toBeGreaterThan(0);
        expect(report.applied["no-overlapping-vcn-cidrs-topology"]).toBe(1);
    });

    it("reports a public load balancer's backend set that no longer re-encrypts", async () => {
        const { stacks, target } = changed(
            (r) => r.type === "oci:LoadBalancer/backendSet:BackendSet" && r.name === "eu-fe-01-lb-web-backend-set",
            (r) => ({ ...r, inputs: { ...r.inputs, sslConfiguration: undefined } }),
        );
        const mandatory = (await runPolicies(stacks)).violations.filter((v) => v.enforcement === "mandatory");
        expect(mandatory.map((v) => [v.policy, v.account, v.resourceName])).toEqual([["no-public-lb-backend-without-tls", "EU-FE-01", target.name]]);
        expect(mandatory[0].message).toMatch(/used by eu-fe-01-lb-http-listener \(port 80\), eu-fe-01-lb-https-listener \(port 443\): no sslConfiguration/);
    });

    it("reports an SSH rule opened to the world, naming account, resource and rules", async () => {
        const { stacks, target } = changed(
            (r) => r.type === "oci:Core/networkSecurityGroupSecurityRule:NetworkSecurityGroupSecurityRule" && /tcp-22-from/.test(r.name),
            (r) => ({ ...r, inputs: { ...r.inputs, source: "0.0.0.0/0" } }),
        );
        const mandatory = (await runPolicies(stacks)).violations.filter((v) => v.enforcement === "mandatory");
        expect(mandatory.map((v) => [v.policy, v.account, v.resourceName])).toEqual([
            ["no-admin-ports-from-internet", target.account, target.name],
            ["public-ingress-only-on-listeners", target.account, target.name],
        ]);
        expect(mandatory[0].message).toBe(`${target.name} opens SSH 22 to 0.0.0.0/0 (tcp 22)`);
    });

    it("reports a VCN of one stack overlapping a VCN of another", async () => {
        const euFe = planned[0].resources.find((r) => r.type === "oci:Core/vcn:Vcn" && r.account === "EU-FE-01")!;
        const { stacks, target } = changed(
            (r) => r.type === "oci:Core/vcn:Vcn" && r.account === "NA-FE-01",
            (r) => ({ ...r, inputs: { ...r.inputs, cidrBlocks: euFe.inputs.cidrBlocks } }),
        );
        const mandatory = (await runPolicies(stacks)).violations.filter((v) => v.enforcement === "mandatory");
        expect(mandatory).toEqual([
            {
                policy: "no-overlapping-vcn-cidrs-topology",
                enforcement: "mandatory",
                stack: "na",
                account: "NA-FE-01",
                urn: target.urn,
                resourceName: target.name,
                message: `NA-FE-01/${target.name} CIDR ${(euFe.inputs.cidrBlocks as string[])[0]} overlaps EU-FE-01/${euFe.name} CIDR ${(euFe.inputs.cidrBlocks as string[])[0]} in another stack`,
            },
        ]);
    });

    it("reports a private-role instance given a public IP and an unprotected volume", async () => {
        const first = changed(
            (r) => r.type === "oci:Core/instance:Instance" && r.account === "EU-SEC-01",
            (r) => ({ ...r, inputs: { ...r.inputs, createVnicDetails: { ...(r.inputs.createVnicDetails as object), assignPublicIp: "true" } } }),
        );
        const second = changed((r) => r.type === "oci:Core/volume:Volume", (r) => ({ ...r, protect: false, retainOnDelete: false }), first.stacks);
        const mandatory = (await runPolicies(second.stacks)).violations.filter((v) => v.enforcement === "mandatory");
        expect(mandatory.map((v) => [v.policy, v.account, v.resourceName])).toEqual([
            ["private-instances-no-public-ip", "EU-SEC-01", first.target.name],
            ["stateful-resources-protected", second.target.account, second.target.name],
        ]);
    });
});
