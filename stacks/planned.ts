/**
 * What the offline engine records of each resource a stack registers, and of each stack. Here,
 * below both the engine (offline/) and the policy runner (policies/), so each imports it
 * without importing the other.
 */
import type { RegionKey } from "../model/schema";
import type { TopologyPlan } from "../plan/types";

/** One resource as the offline engine saw it registered. */
export interface PlannedResource {
    urn: string;
    /** Pulumi type token (`oci:Core/vcn:Vcn`, `blitzhub:frontend:FrontendAccount`). */
    type: string;
    name: string;
    /** Name of the nearest account component (type ending in `Account`), itself included; null outside. */
    account: string | null;
    parent: string | null;
    /** Inputs as sent to the engine; secrets are `"[secret]"`, resource references their URN. */
    inputs: Record<string, unknown>;
    /** URN of the provider the resource uses explicitly; null for components and default providers. */
    provider: string | null;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    /**
     * Every direct dependency URN, as Pulumi records it in state: explicit `dependsOn` and the
     * resources whose outputs feed an input (a component expands to its children).
     */
    dependsOn: string[];
    /** Dependencies per input property (the implicit part of `dependsOn`). */
    propertyDependencies: Record<string, string[]>;
    /** Custom resource (a cloud object) rather than a component. */
    custom: boolean;
    /** Input paths holding secrets (`privateKeyPassword`, `metadata.user_data`). */
    secretInputPaths: string[];
}

export interface PlannedStack {
    stack: RegionKey;
    /** Region key of the stack (same as `stack`). */
    region: RegionKey;
    resources: PlannedResource[];
    /** Stack outputs, secrets replaced by `"[secret]"`. */
    outputs: Record<string, unknown>;
    /** The plan the program's topology produced (same topology, allowances and config). */
    plan: TopologyPlan;
}

