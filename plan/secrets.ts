/**
 * The service catalogue's secrets as one list: each Vault path once, with the services that use
 * it and the longest value its consumer accepts.
 */
import type { Topology } from "../model/schema";

/** A catalogue secret (`secret/redis_password`) with the services that use it. */
export interface CatalogueSecret {
    path: string;
    source: "random" | "manual";
    length: number;
    description?: string;
    /** Services that use it. */
    usedBy: string[];
    /** Longest value its consumer accepts (the Autonomous Database: 30), when it has a limit. */
    maxLength?: number;
}

/** Longest password the Autonomous Database accepts (12-30 characters). */
export const ADB_PASSWORD_MAX_LENGTH = 30;

/**
 * Every catalogue secret once, with the services that use it. Secrets of a service OCI runs
 * for us (the Autonomous Database) are capped at what it accepts.
 */
export function catalogueSecrets(topology: Topology): CatalogueSecret[] {
    const byPath = new Map<string, CatalogueSecret>();
    for (const [service, def] of Object.entries(topology.services)) {
        for (const secret of def.secrets) {
            const known = byPath.get(secret.path);
            if (known) known.usedBy.push(service);
            else byPath.set(secret.path, { path: secret.path, source: secret.source, length: secret.length, description: secret.description, usedBy: [service] });
            if (def.managedBy === "autonomous-database") byPath.get(secret.path)!.maxLength = ADB_PASSWORD_MAX_LENGTH;
        }
    }
    return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The generated secret that is the ADMIN password of the managed database `service`. */
export function adbAdminSecretPath(topology: Topology, service: string): string | undefined {
    return topology.services[service]?.secrets.find((s) => s.source === "random")?.path;
}
