import * as oci from "@pulumi/oci";
import { cisFull, type BlitzResourcePolicy } from "../lib/policy";
import { isTrue } from "../lib/props";

/** Mandatory (Checkov CKV_OCI_4): boot and block volume traffic encrypted between host and storage. */
export const inTransitEncryption: BlitzResourcePolicy = {
    name: "instance-in-transit-encryption",
    description: "Instances enable in-transit encryption of their paravirtualized volume attachments.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set isPvEncryptionInTransitEnabled: true (or launchOptions.isPvEncryptionInTransitEnabled: true) on the instance.",
    frameworks: { cis: cisFull("3.3"), checkov: ["CKV_OCI_4"] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.core.Instance)) args.notApplicable("applies to instances");
        const launch = (args.props.launchOptions ?? {}) as Record<string, unknown>;
        if (!isTrue(args.props.isPvEncryptionInTransitEnabled) && !isTrue(launch.isPvEncryptionInTransitEnabled)) {
            reportViolation(`${args.name} does not enable in-transit encryption (isPvEncryptionInTransitEnabled is not true)`);
        }
    },
};
