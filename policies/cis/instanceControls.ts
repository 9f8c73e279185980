/** CIS 3.2: Shielded instances boot only signed code (Secure Boot). */
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
    problem: "do not enable Secure Boot",
    satisfied: (r) => isTrue(((r.props.platformConfig ?? {}) as Record<string, unknown>).isSecureBootEnabled),
});
