/** Data protection: stateful resources survive deletes; credentials stay secret. */
import type { BlitzPolicy } from "../lib/policy";
import { plaintextSecrets } from "./plaintextSecrets";
import { statefulProtected } from "./statefulProtected";

export const dataProtectionPolicies: BlitzPolicy[] = [statefulProtected, plaintextSecrets];
