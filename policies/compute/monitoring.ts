import * as oci from "@pulumi/oci";
import type { BlitzResourcePolicy } from "../lib/policy";
import { isTrue } from "../lib/props";

/** Mandatory (Checkov CKV_OCI_6): the Oracle Cloud Agent's monitoring plugin stays on, stated explicitly. */
export const monitoring: BlitzResourcePolicy = {
    name: "instance-monitoring-enabled",
    description: "Instances keep the Oracle Cloud Agent monitoring on (agentConfig.isMonitoringDisabled: false, stated).",
    enforcementLevel: "mandatory",
    remediationSteps: "Set agentConfig: { isMonitoringDisabled: false } on the instance (and do not disable all plugins).",
    frameworks: { cis: [], checkov: ["CKV_OCI_6"] },
    validateResource: (args, reportViolation) => {
        if (!args.isType(oci.core.Instance)) args.notApplicable("applies to instances");
        const agent = (args.props.agentConfig ?? {}) as Record<string, unknown>;
        if (isTrue(agent.areAllPluginsDisabled)) {
            reportViolation(`${args.name} disables every Oracle Cloud Agent plugin (agentConfig.areAllPluginsDisabled), monitoring included`);
        } else if (agent.isMonitoringDisabled === undefined) {
            reportViolation(`${args.name} does not state agentConfig.isMonitoringDisabled: false`);
        } else if (isTrue(agent.isMonitoringDisabled)) {
            reportViolation(`${args.name} disables instance monitoring (agentConfig.isMonitoringDisabled: true)`);
        }
    },
};
