/**
 * How the project answers the CIS recommendations that no policy checks in full on the plan.
 * Every recommendation of `data/cis-oci-v3.0.0.json` is either named in full by a policy's
 * `frameworks.cis` or has an entry here (a test holds both ways), so the CIS report accounts for
 * every item.
 *
 * - `manual`: the plan cannot show it (identity-domain settings, users' credentials, the live
 *   tenancy's state); `why` says what to review and where.
 * - `absent`: concerns a service the program may not create; not applicable while the plan has no
 *   resource of `types`, manual (`why`) as soon as it has one.
 */
import * as oci from "@pulumi/oci";
import type { ResourceClass } from "../lib/policy";

export type CisAssessment =
    | { kind: "manual"; why: string }
    | { kind: "absent"; types: ResourceClass[]; what: string; why: string };

const IDENTITY_DOMAIN = "set in the tenancy's identity domain (console or API), which the program does not manage";
const LIVE_CREDENTIALS = "a property of the live tenancy's users and their credentials, which the plan does not contain";

export const CIS_ASSESSMENTS: Record<string, CisAssessment> = {
    "1.1": { kind: "manual", why: "the program creates each tenancy's BlitzHubOperators group (use instances and volumes in the workload compartment, read the network) and the read-only BlitzHubPreview group; other service-level administrator groups are created outside the program: review the tenancy's groups and policies" },
    "1.2": { kind: "manual", why: "policies written outside the program (in the console) need the review too: only Administrators may manage all-resources in tenancy" },
    "1.3": { kind: "manual", why: "policies granting use of users and groups are written outside the program: review that they exclude the Administrators group" },
    "1.4": { kind: "manual", why: `the password policy is ${IDENTITY_DOMAIN}` },
    "1.5": { kind: "manual", why: `the password expiry is ${IDENTITY_DOMAIN}` },
    "1.6": { kind: "manual", why: `the password reuse rule is ${IDENTITY_DOMAIN}` },
    "1.7": { kind: "manual", why: `MFA for console users: ${LIVE_CREDENTIALS}` },
    "1.8": { kind: "manual", why: `API key age: ${LIVE_CREDENTIALS} (the operators' keys of ~/.oci/config)` },
    "1.9": { kind: "manual", why: `customer secret key age: ${LIVE_CREDENTIALS}` },
    "1.10": { kind: "manual", why: `auth token age: ${LIVE_CREDENTIALS}` },
    "1.11": { kind: "manual", why: `IAM database password age: ${LIVE_CREDENTIALS}` },
    "1.12": { kind: "manual", why: `API keys of administrators: ${LIVE_CREDENTIALS}` },
    "1.13": { kind: "manual", why: `users' email addresses: ${LIVE_CREDENTIALS}` },
    "1.14": { kind: "manual", why: "whether software on the instances authenticates with instance principals or with keys is decided on the hosts, not in the plan" },
    "1.15": { kind: "manual", why: "storage administrator groups and their policies are created outside the program: review that they cannot delete what they manage" },
    "1.16": { kind: "manual", why: `unused credentials: ${LIVE_CREDENTIALS}` },
    "1.17": { kind: "manual", why: `the number of active API keys per user: ${LIVE_CREDENTIALS}` },
    "2.6": { kind: "absent", types: [oci.integration.IntegrationInstance], what: "Oracle Integration Cloud instance", why: "no policy checks an Integration Cloud instance's allowed sources yet: review its network access" },
    "2.7": { kind: "absent", types: [oci.analytics.AnalyticsInstance], what: "Oracle Analytics Cloud instance", why: "no policy checks an Analytics Cloud instance's allowed sources yet: review its network access" },
    "2.8": { kind: "manual", why: "review that the access control list names exactly the clients that need the database" },
    "5.3.1": { kind: "absent", types: [oci.filestorage.FileSystem], what: "File Storage file system", why: "no policy checks a file system's kmsKeyId yet: set a customer-managed key on it" },
};
