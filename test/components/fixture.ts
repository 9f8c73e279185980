/**
 * The plan fixture of the component tests: H2's fixture topology (through the real schema and
 * the real `buildPlan`) plus a vault, catalogue secrets and a backup bucket, and the per-account
 * settings a stack config would give.
 */
import type { RemoteHub } from "../../components/Peering";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import type { AccountSettings } from "../../stacks/region";
import { fixtureTopology } from "../plan/fixtures";
import { loadOciLimits } from "../../model/ociLimits";

export function componentTopology() {
    return fixtureTopology((input) => {
        input.services.redis.secrets = [{ path: "secret/redis_password" }];
        input.services.fastify.secrets = [{ path: "secret/redis_password" }, { path: "secret/jwt_secret", length: 64 }];
        input.services.vault.secrets = [{ path: "secret/vault_unseal_keys", source: "manual" }];
        input.services["oracle-adb"].secrets = [{ path: "secret/adb/admin_password", length: 32 }];
        input.roles.security.ociVault = { name: "vault", purpose: "catalogue secrets" };
        input.roles.data.buckets = [{ name: "backups", purpose: "MinIO backups" }];
        input.keyRotations = ["2026-11-30", "2027-11-01"];
    });
}

export function componentPlan(): TopologyPlan {
    return buildPlan(componentTopology(), loadAllowances(), loadOciLimits());
}

export const tenancyOf = (account: string) => `ocid1.tenancy.oc1..test${account.toLowerCase().replace(/-/g, "")}`;
export const groupOf = (account: string) => `ocid1.group.oc1..test${account.toLowerCase().replace(/-/g, "")}netadmins`;

export function settingsOf(plan: TopologyPlan, region: string): Record<string, AccountSettings> {
    return Object.fromEntries(
        plan.accounts
            .filter((a) => a.region === region)
            .map((a) => [
                a.name,
                {
                    providerArgs: { region: a.homeRegion, tenancyOcid: tenancyOf(a.name), ignoreDefinedTags: ["Oracle-Tags.CreatedBy", "Oracle-Tags.CreatedOn"] },
                    tenancyOcid: tenancyOf(a.name),
                    networkAdminGroupOcid: groupOf(a.name),
                    securityNotifications: { emails: ["secops@example.com"], https: [] },
                },
            ]),
    );
}

export function remoteHubsOf(plan: TopologyPlan): RemoteHub[] {
    return plan.stacks
        .filter((s) => s.region !== "eu")
        .map((s) => ({ region: s.region, account: s.hub, tenancyOcid: tenancyOf(s.hub), networkAdminGroupOcid: groupOf(s.hub) }));
}

export const SSH_KEYS = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAITESTKEY test@blitzhub"];
