import * as oci from "@pulumi/oci";
import { isAlwaysFree, policyContext } from "../lib/context";
import { allowancesRef, formatMonthly, monthlyCost } from "../lib/cost";
import { PROJECT_RULE, type BlitzStackPolicy } from "../lib/policy";
import { toNumber } from "../lib/props";
import { byUrn, groupByTenancy } from "../lib/tenancy";

/** Size in GB of a block volume (`sizeInGbs`, else `sizeInMbs`). */
function volumeGb(props: Record<string, unknown>): number {
    const gb = toNumber(props.sizeInGbs);
    if (gb !== undefined) return gb;
    const mb = toNumber(props.sizeInMbs);
    return mb === undefined ? 0 : mb / 1024;
}

/**
 * Advisory, pay-as-you-go tenancies: boot volumes plus block volumes within the Always Free
 * total. The Solana ledger (100 GB beside three boot volumes) knowingly exceeds it; the message
 * costs it.
 */
export const blockStorage: BlitzStackPolicy = {
    name: "free-tier-block-storage",
    description: "Boot and block volumes per tenancy stay within the Always Free block storage total (200 GB).",
    enforcementLevel: "advisory",
    remediationSteps: "Shrink boot volumes toward the 50 GB minimum or data volumes in the topology, or accept the stated monthly cost.",
    frameworks: PROJECT_RULE,
    validateStack: (args, reportViolation) => {
        const context = policyContext();
        const { allowances } = context;
        const { totalGb, bootVolumeMinGb } = allowances.allowances.blockStorage;
        // Always Free tenancies cannot be billed: free-tier-always-free-tenancy refuses their excess.
        for (const tenancy of groupByTenancy(args.resources).filter((t) => !isAlwaysFree(context, t.label))) {
            const instances = byUrn(tenancy.resources.filter((r) => r.isType(oci.core.Instance)));
            const volumes = byUrn(tenancy.resources.filter((r) => r.isType(oci.core.Volume)));
            const bootGb = instances.reduce((sum, r) => {
                const source = (r.props.sourceDetails ?? {}) as Record<string, unknown>;
                return sum + (toNumber(source.bootVolumeSizeInGbs) ?? bootVolumeMinGb);
            }, 0);
            const blockGb = volumes.reduce((sum, r) => sum + volumeGb(r.props), 0);
            const total = bootGb + blockGb;
            if (total <= totalGb) continue;
            const excess = total - totalGb;
            const blamed = [...volumes].sort((a, b) => volumeGb(b.props) - volumeGb(a.props))[0] ?? instances[0];
            reportViolation(
                `${tenancy.label}: block storage ${total} GB (boot ${bootGb} + block ${blockGb}) exceeds the Always Free ${totalGb} GB ` +
                    `(${allowancesRef(allowances)}) by ${excess} GB: ${formatMonthly(allowances, monthlyCost(allowances, "blockStorageGbMonth", excess))}`,
                blamed.urn,
            );
        }
    },
};
