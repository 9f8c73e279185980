import * as oci from "@pulumi/oci";
import { policyContext } from "../lib/context";
import { formatMonthly, monthlyCost } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { isTrue, toNumber } from "../lib/props";
import { byUrn, groupByTenancy } from "../lib/tenancy";

/** Smallest paid Autonomous Database: 2 ECPUs. */
const PAID_MIN_ECPUS = 2;

/** Mandatory: every Autonomous Database is an Always Free one, and no more than the allowance. */
export const autonomousDatabase: BlitzStackPolicy = {
    name: "free-tier-autonomous-database",
    description: "Autonomous Databases set isFreeTier and stay within the Always Free count (2) per tenancy.",
    enforcementLevel: "mandatory",
    remediationSteps: "Set isFreeTier: true on the Autonomous Database (role autonomousDatabase.isFreeTier) and keep at most two per tenancy.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const { allowances } = policyContext();
        const { count, storageGbEach } = allowances.allowances.autonomousDatabases;
        for (const tenancy of groupByTenancy(args.resources)) {
            const adbs = byUrn(tenancy.resources.filter((r) => r.isType(oci.database.AutonomousDatabase)));
            const paidCost = (props: Record<string, unknown>) => {
                const ecpus = Math.max(PAID_MIN_ECPUS, toNumber(props.computeCount) ?? toNumber(props.cpuCoreCount) ?? 0);
                const tbs = toNumber(props.dataStorageSizeInTbs);
                const storageGb = toNumber(props.dataStorageSizeInGb) ?? (tbs === undefined ? storageGbEach : tbs * 1024);
                return monthlyCost(allowances, "autonomousDbEcpuHour", ecpus) + monthlyCost(allowances, "autonomousDbStorageGbMonth", storageGb);
            };
            for (const adb of adbs) {
                if (!isTrue(adb.props.isFreeTier)) {
                    reportViolation(
                        `${tenancy.label}: Autonomous Database ${adb.name} does not set isFreeTier: true, so it is billed: ${formatMonthly(allowances, paidCost(adb.props))}`,
                        adb.urn,
                    );
                }
            }
            const free = adbs.filter((r) => isTrue(r.props.isFreeTier));
            for (const extra of free.slice(count)) {
                reportViolation(
                    `${tenancy.label}: ${free.length} Always Free Autonomous Databases exceed the allowance of ${count}; ${extra.name} cannot be created as free ` +
                        `(paid: ${formatMonthly(allowances, paidCost(extra.props))})`,
                    extra.urn,
                );
            }
        }
    },
};
