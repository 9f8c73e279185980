/** Traffic in transit: TLS at the public edge and between the VMs. */
import type { BlitzPolicy } from "../lib/policy";
import { internalTlsDisabled } from "./internalTlsDisabled";
import { publicBackendWithoutTls } from "./publicBackendWithoutTls";
import { publicHttpWithoutTls } from "./publicHttpWithoutTls";

export const transportPolicies: BlitzPolicy[] = [publicHttpWithoutTls, publicBackendWithoutTls, internalTlsDisabled];
