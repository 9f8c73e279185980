/**
 * What every BlitzHub policy carries besides the `@pulumi/policy` fields: a one-line
 * description, an explicit enforcement level, the remediation a reviewer should apply and the
 * benchmark checks it implements (CIS OCI Foundations Benchmark v3.0.0, Checkov).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { Resource } from "@pulumi/pulumi";

/** Enforcement this pack uses: mandatory blocks `pulumi up` (and `npm run check` exits 1). */
export type Enforcement = "mandatory" | "advisory";

interface BlitzPolicyFields {
    /** One line: what the policy requires. */
    description: string;
    enforcementLevel: Enforcement;
    /** What to change when it fires. */
    remediationSteps: string;
    /** The benchmark checks this policy implements; empty lists for a project-only rule. */
    frameworks: Frameworks;
}

/**
 * A CIS recommendation a policy checks on the plan. `full`: the policy checks everything the
 * recommendation asks of the resources the program creates, so no violation means pass;
 * `partial`: it checks part of it (the rest needs the console or the live tenancy).
 */
export interface CisRef {
    /** Recommendation id in the numbering of `data/cis-oci-v3.0.0.json` (`2.1`, `5.1.1`). */
    id: string;
    coverage: "full" | "partial";
}

export interface Frameworks {
    /** CIS Oracle Cloud Infrastructure Foundations Benchmark v3.0.0 recommendations. */
    cis: CisRef[];
    /** Checkov check ids for the OCI Terraform provider (`CKV_OCI_5`, `CKV2_OCI_2`), from `data/checkov-oci-checks.json`. */
    checkov: string[];
}

/** `cisFull("2.1", "2.3")`: recommendations the policy checks in full. */
export function cisFull(...ids: string[]): CisRef[] {
    return ids.map((id) => ({ id, coverage: "full" }));
}

/** Frameworks of a rule the benchmarks do not have. */
export const PROJECT_RULE: Frameworks = { cis: [], checkov: [] };

export type BlitzResourcePolicy = ResourceValidationPolicy & BlitzPolicyFields;
export type BlitzStackPolicy = StackValidationPolicy & BlitzPolicyFields;
export type BlitzPolicy = BlitzResourcePolicy | BlitzStackPolicy;

/** True for a stack policy (it has `validateStack`). */
export function isStackPolicy(policy: BlitzPolicy): policy is BlitzStackPolicy {
    return typeof (policy as BlitzStackPolicy).validateStack === "function";
}

/** A resource class as `isType` takes it (its `__pulumiType` is the type token). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResourceClass = new (...rest: any[]) => Resource;
