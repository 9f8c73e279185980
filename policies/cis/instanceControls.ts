/**
 * CIS 3.2: Shielded instances boot only signed code (Secure Boot). Not applied by the program,
 * and the finding says why: `platformConfig` cannot change in place (the provider replaces the
 * instance), the program cannot tell a VM that exists from one that does not yet, and the
 * topology's shapes (VM.Standard.A1.Flex, VM.Standard.E2.1.Micro) are not verified against
 * OCI's list of shapes that support Shielded instances. Advisory until both are settled.
 */
import * as oci from "@pulumi/oci";
import { cisFull } from "../lib/policy";
import { isTrue } from "../lib/props";
import { resourceControl } from "./resourceControl";

export const secureBoot = resourceControl({
    name: "cis-instance-secure-boot",
    description: "Instances enable Secure Boot (platformConfig.isSecureBootEnabled).",
    remediationSteps: "Set platformConfig: { type: <the shape's platform type>, isSecureBootEnabled: true } on shapes that support Shielded instances.",
    frameworks: { cis: cisFull("3.2"), checkov: [] },
    classes: [oci.core.Instance],
    noun: "instances",
    problem:
        "do not enable Secure Boot (not applied: turning it on replaces each existing instance, the program cannot tell new VMs from existing ones, and Shielded-instance support of the A1 and E2.1.Micro shapes is unverified)",
    satisfied: (r) => isTrue(((r.props.platformConfig ?? {}) as Record<string, unknown>).isSecureBootEnabled),
});
