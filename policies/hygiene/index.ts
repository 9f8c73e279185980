/** Hygiene: ownership tags and explicit providers. */
import type { BlitzPolicy } from "../lib/policy";
import { explicitProvider } from "./explicitProvider";
import { requiredTags } from "./requiredTags";

export const hygienePolicies: BlitzPolicy[] = [requiredTags, explicitProvider];
