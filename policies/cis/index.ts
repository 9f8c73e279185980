/**
 * The CIS OCI Foundations Benchmark baseline the plan can show. Mandatory: default security
 * lists, database access, compartments, the detective controls (topic, Events rules, flow and
 * bucket logs, audit retention, budget), customer-managed keys, object events, Cloud Guard and
 * Security Zones in pay-as-you-go tenancies, Vulnerability Scanning, the CreatedBy tag default
 * and key rotation (a key version per topology `keyRotations` date). Advisory, with why: Secure
 * Boot (changing it replaces a VM).
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
import { auditRetention, budgetAlerts, cloudGuardEnabled, securityZones, vulnerabilityScanning } from "./tenancyControls";

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
    cloudGuardEnabled,
    securityZones,
    vulnerabilityScanning,
    auditRetention,
    budgetAlerts,
];
