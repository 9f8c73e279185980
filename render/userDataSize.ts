/**
 * OCI's instance metadata limit: `user_data` (the cloud-init document as components/Vm.ts sends
 * it: gzip, then base64, render/userData.ts) and `ssh_authorized_keys` together at most 32,000 bytes
 * (data/oci-limits.yaml). Checked where the document is rendered, so a VM whose bootstrap grew
 * too large is refused before any resource exists, naming the VM in the topology.
 */
import { UserInputError } from "../model/errors";
import { limitUrl, loadOciLimits } from "../model/ociLimits";
import { formatPath } from "../model/yamlPath";
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import { encodeUserData } from "./userData";

/** Bytes of instance metadata a VM launches with: the encoded user data plus the newline-joined keys. */
export function metadataBytes(cloudInit: string, sshAuthorizedKeys: readonly string[]): number {
    const userData = Buffer.byteLength(encodeUserData(cloudInit), "utf8");
    return userData + Buffer.byteLength(sshAuthorizedKeys.join("\n"), "utf8");
}

/** Returns `cloudInit` when it fits; throws a `UserInputError` naming the VM otherwise. */
export function checkedUserData(plan: TopologyPlan, account: AccountPlan, vm: VmPlan, cloudInit: string, sshAuthorizedKeys: readonly string[]): string {
    const limits = loadOciLimits();
    const max = limits.limits.userDataBytes.max;
    const bytes = metadataBytes(cloudInit, sshAuthorizedKeys);
    if (bytes <= max) return cloudInit;
    const role = plan.accounts.find((a) => a.name === account.name)?.role ?? account.role;
    const index = Math.max(0, account.vms.findIndex((v) => v.name === vm.name));
    throw new UserInputError([
        {
            path: formatPath(["roles", role, "vms", index]),
            message:
                `${account.name}/${vm.name}: instance metadata would be ${bytes} bytes (cloud-init ${Buffer.byteLength(cloudInit, "utf8")} bytes, gzip- and base64-encoded, plus the SSH keys); ` +
                `OCI allows ${max} (${limitUrl(limits, "userDataBytes")}): move files from cloud-init to config delivery`,
        },
    ]);
}
