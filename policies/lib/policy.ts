/**
 * What every BlitzHub policy carries besides the `@pulumi/policy` fields: a one-line
 * description, an explicit enforcement level and the remediation a reviewer should apply.
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
}

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
