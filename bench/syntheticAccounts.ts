/**
 * Example account config and OCI profiles for the topology accounts a stack file does not list:
 * what the bench's synthetic topologies (×4, ×10 accounts) need to run through the real
 * engine. Never used on the normal path: a real stack lists its accounts.
 */
import type { RegionKey, Topology } from "../model/schema";

/** Example account config and OCI profiles for topology accounts a stack file does not list. */
export function synthesizeAccounts(
    raw: Record<string, unknown>,
    topology: Topology,
    stack: RegionKey,
    profiles: string[],
): void {
    const accounts = { ...((raw.accounts as Record<string, unknown>) ?? {}) };
    for (const account of topology.accounts) {
        if (account.region !== stack || account.name in accounts) continue;
        accounts[account.name] = {
            profile: account.name,
            networkAdminGroupOcid: `ocid1.group.oc1..example${account.name.toLowerCase().replace(/[^a-z0-9]/g, "")}networkadmins`,
        };
        const slug = account.name.toLowerCase().replace(/[^a-z0-9]/g, "");
        const region = account.homeRegion ?? topology.regions[stack]?.homeRegion ?? "eu-frankfurt-1";
        profiles.push(
            [
                `[${account.name}]`,
                `user=ocid1.user.oc1..example${slug}user`,
                "fingerprint=00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00",
                `key_file=~/.oci/blitzhub-${account.name.toLowerCase()}.pem`,
                `tenancy=ocid1.tenancy.oc1..example${slug}tenancy`,
                `region=${region}`,
                "",
            ].join("\n"),
        );
    }
    raw.accounts = accounts;
}
