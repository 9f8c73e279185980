/**
 * The IAM statements of cross-tenancy peering (DRG attachments to a region hub, remote peering
 * to the EU hub): `Define`/`Endorse` on the requesting side, `Define`/`Admit` on the accepting
 * side. Pure, so components/Peering.ts creates the policies from them and plan/limits.ts counts
 * them against OCI's IAM limits before any resource exists.
 */

/** Another tenancy of a pair, as IAM statements name it. */
export interface StatementPeer {
    /** Account name (`EU-FE-01`). */
    account: string;
    tenancyOcid: string;
    /** Group of that tenancy allowed to manage the attachment/RPC. */
    networkAdminGroupOcid: string;
}

/** IAM alias of an account (`EUFE01`): letters and digits only. */
export function tenancyAlias(account: string): string {
    return account.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
}

/** Statements of the spoke (requestor) side of a cross-tenancy DRG attachment. */
export function endorseAttachmentStatements(groupOcid: string, hub: Pick<StatementPeer, "account" | "tenancyOcid">): string[] {
    const alias = tenancyAlias(hub.account);
    return [
        `Define tenancy ${alias} as ${hub.tenancyOcid}`,
        `Endorse group id ${groupOcid} to manage drg-attachment in tenancy ${alias}`,
        `Endorse group id ${groupOcid} to use drg in tenancy ${alias}`,
    ];
}

/** `compartment id <ocid>`: where a statement applies (the account's network compartment). */
function inCompartment(compartmentOcid: string): string {
    return `compartment id ${compartmentOcid}`;
}

/**
 * Statements of the hub (acceptor) side of a spoke's cross-tenancy DRG attachment: the spoke's
 * network admins reach only the hub's network compartment (its DRG and attachments), never the
 * rest of the tenancy.
 */
export function admitAttachmentStatements(spoke: StatementPeer, networkCompartmentOcid: string): string[] {
    const alias = tenancyAlias(spoke.account);
    const group = `${alias}NetworkAdmins`;
    return [
        `Define tenancy ${alias} as ${spoke.tenancyOcid}`,
        `Define group ${group} as ${spoke.networkAdminGroupOcid}`,
        `Admit group ${group} of tenancy ${alias} to manage drg-attachment in ${inCompartment(networkCompartmentOcid)}`,
        `Admit group ${group} of tenancy ${alias} to use drg in ${inCompartment(networkCompartmentOcid)}`,
    ];
}

/** Statements of a region hub requesting remote peering with the EU hub (its own RPCs: its network compartment). */
export function endorseRemotePeeringStatements(groupOcid: string, globalHub: Pick<StatementPeer, "account" | "tenancyOcid">, networkCompartmentOcid: string): string[] {
    const alias = tenancyAlias(globalHub.account);
    return [
        `Define tenancy ${alias} as ${globalHub.tenancyOcid}`,
        `Allow group id ${groupOcid} to manage remote-peering-from in ${inCompartment(networkCompartmentOcid)}`,
        `Endorse group id ${groupOcid} to manage remote-peering-to in tenancy ${alias}`,
    ];
}

/** Statements of the EU hub accepting remote peering from a region hub: its network compartment only. */
export function admitRemotePeeringStatements(remote: StatementPeer, networkCompartmentOcid: string): string[] {
    const alias = tenancyAlias(remote.account);
    const group = `${alias}NetworkAdmins`;
    return [
        `Define tenancy ${alias} as ${remote.tenancyOcid}`,
        `Define group ${group} as ${remote.networkAdminGroupOcid}`,
        `Admit group ${group} of tenancy ${alias} to manage remote-peering-to in ${inCompartment(networkCompartmentOcid)}`,
    ];
}

