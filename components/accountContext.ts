/**
 * What every building block of an account needs: the account's plan, its own provider (its
 * tenancy), where its resources go and the tags they carry.
 */
import * as oci from "@pulumi/oci";
import * as pulumi from "@pulumi/pulumi";
import { type Concern, compartmentOf, type PlacedKind } from "../plan/securityBaseline";
import type { AccountPlan } from "../plan/types";

export interface AccountContext {
    /** The account as the plan worked it out (addresses, VMs, firewall, load balancers). */
    plan: AccountPlan;
    /** The account's provider; every resource of the account names it explicitly. */
    provider: oci.Provider;
    /** Tenancy OCID of the account (IAM policies and data sources live at its root). */
    tenancyOcid: string;
    /** Where the account's compartments live (the tenancy root unless configured). */
    parentCompartmentId: string;
    /** The account's compartments by concern (`plan/securityBaseline.ts`). */
    compartments: Partial<Record<Concern, pulumi.Input<string>>>;
    /** Freeform tags every taggable resource of the account carries. */
    tags: Record<string, string>;
}

/** The compartment the plan places a kind of resource in. */
export function compartmentFor(ctx: AccountContext, kind: PlacedKind): pulumi.Input<string> {
    const concern = compartmentOf(ctx.plan, kind);
    const id = ctx.compartments[concern];
    if (id === undefined) throw new Error(`${ctx.plan.name}: compartment ${concern} not created`);
    return id;
}

/** `account`, `role`, `region`, `managed-by` — the freeform tags of every taggable resource. */
export function accountTags(plan: AccountPlan): Record<string, string> {
    return { account: plan.name, role: plan.role, region: plan.region, "managed-by": "pulumi" };
}

/** Options of a child resource of `parent` in the account: parent and the account's provider, explicitly. */
export function childOptions(
    parent: pulumi.Resource,
    ctx: AccountContext,
    extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
    return { ...extra, parent, provider: ctx.provider };
}

/** Invoke options of a data source looked up in the account's tenancy. */
export function invokeOptions(parent: pulumi.Resource, ctx: AccountContext): pulumi.InvokeOutputOptions {
    return { parent, provider: ctx.provider };
}
