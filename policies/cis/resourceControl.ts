/**
 * A CIS control on each resource of some classes, as a stack policy (advisory unless the spec says mandatory) that reports the
 * offenders of a stack in one finding (`aggregate.ts`). The classes the program does not create
 * leave the policy with nothing to check (the CIS report then says not applicable).
 */
import type { PolicyResource } from "@pulumi/policy";
import type { BlitzStackPolicy, Enforcement, Frameworks, ResourceClass } from "../lib/policy";
import { label, reportOffenders } from "./aggregate";

export interface ResourceControlSpec {
    name: string;
    description: string;
    remediationSteps: string;
    frameworks: Frameworks;
    enforcementLevel?: Enforcement;
    /** Resource classes the control applies to. */
    classes: ResourceClass[];
    /** `instances`, for the message. */
    noun: string;
    /** `boot without a customer-managed key`, for the message. */
    problem: string;
    /** True when the resource satisfies the control. */
    satisfied: (resource: PolicyResource, all: PolicyResource[]) => boolean;
}

export function resourceControl(spec: ResourceControlSpec): BlitzStackPolicy {
    return {
        name: spec.name,
        description: spec.description,
        enforcementLevel: spec.enforcementLevel ?? "advisory",
        remediationSteps: spec.remediationSteps,
        frameworks: spec.frameworks,
        validateStack: (args, reportViolation) => {
            const checked = args.resources.filter((r) => spec.classes.some((c) => r.isType(c)));
            if (checked.length === 0) args.notApplicable(`no ${spec.noun} in the stack`);
            const offenders = checked.filter((r) => !spec.satisfied(r, args.resources)).map((r) => ({ urn: r.urn, label: label(r) }));
            reportOffenders(offenders, checked.length, spec.noun, spec.problem, reportViolation);
        },
    };
}
