/** Hygiene: ownership tags, explicit providers, each account on its own provider. */
import type { BlitzPolicy } from "../lib/policy";
import { explicitProvider } from "./explicitProvider";
import { providerMatchesAccount } from "./providerMatchesAccount";
import { requiredTags } from "./requiredTags";

export const hygienePolicies: BlitzPolicy[] = [requiredTags, explicitProvider, providerMatchesAccount];
