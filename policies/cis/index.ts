/**
 * The CIS OCI Foundations Benchmark baseline the plan can show: default security lists and
 * database access (mandatory), and the tenancy-level controls (compartments, detective controls,
 * customer-managed keys, Secure Boot) as advisory findings until every tenancy has them.
 */
import type { BlitzPolicy } from "../lib/policy";
import { compartmentExists, noRootResources } from "./compartments";
import { bucketWriteLogs, notificationTopic, subnetFlowLogs, tagDefaults } from "./detectiveControls";
import { bootVolumeCmk, bucketCmk, keyRotation, volumeCmk } from "./encryption";
import { eventRulePolicies } from "./eventRules";
import { manageAllOnlyAdministrators } from "./iamPolicies";
import { secureBoot } from "./instanceControls";
import { autonomousDatabaseAccess, defaultSecurityListRestricted } from "./networkAccess";
import { bucketEvents } from "./storageControls";

export const cisPolicies: BlitzPolicy[] = [
    manageAllOnlyAdministrators,
    defaultSecurityListRestricted,
    autonomousDatabaseAccess,
    secureBoot,
    tagDefaults,
    notificationTopic,
    ...eventRulePolicies,
    subnetFlowLogs,
    keyRotation,
    bucketWriteLogs,
    bucketCmk,
    bucketEvents,
    volumeCmk,
    bootVolumeCmk,
    compartmentExists,
    noRootResources,
];
