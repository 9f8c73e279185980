/** Who may act on the VMs: no shared admin identity. */
import type { BlitzPolicy } from "../lib/policy";
import { sharedAdminIdentity } from "./sharedAdminIdentity";

export const identityPolicies: BlitzPolicy[] = [sharedAdminIdentity];
