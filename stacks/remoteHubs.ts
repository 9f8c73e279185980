/**
 * The EU hub admits remote peering from every other region's hub, so the eu stack needs each
 * hub's tenancy OCID and network-admin group. Both stack files live in this repository: the
 * group comes from `Pulumi.<region>.yaml`, the tenancy from that hub's profile in this stack's
 * OCI config file. Read once, validated, before any resource is registered.
 */
import * as path from "node:path";
import { UserInputError, type Problem } from "../model/errors";
import { parseYamlInput, readInputFile } from "../model/yamlInput";
import type { TopologyPlan } from "../plan/types";
import type { RemoteHub } from "../components/Peering";
import { CONFIG_NAMESPACE, PROJECT_DIR, parseStackConfig, readOciProfile } from "./config";

/** The hubs of every region but eu, with what the EU hub's Admit statements need. */
export function readRemoteHubs(plan: TopologyPlan, ociConfigFile: string, projectDir: string = PROJECT_DIR): RemoteHub[] {
    const hubs: RemoteHub[] = [];
    const problems: Problem[] = [];
    for (const stack of plan.stacks.filter((s) => s.region !== "eu")) {
        const stackFile = `Pulumi.${stack.region}.yaml`;
        try {
            let text: string;
            try {
                text = readInputFile(path.join(projectDir, stackFile), stackFile, stackFile);
            } catch (error) {
                if (!(error instanceof UserInputError)) throw error;
                throw new UserInputError(error.problems.map((p) => ({ ...p, message: `${p.message} (the eu stack needs ${stack.hub}'s tenancy and group to admit its remote peering)` })));
            }
            const document = (parseYamlInput(text, stackFile).data ?? {}) as { config?: Record<string, unknown> };
            const prefix = `${CONFIG_NAMESPACE}:`;
            const raw = Object.fromEntries(
                Object.entries(document.config ?? {})
                    .filter(([key]) => key.startsWith(prefix))
                    .map(([key, value]) => [key.slice(prefix.length), value]),
            );
            const config = parseStackConfig(raw, stackFile);
            const hubConfig = config.accounts[stack.hub];
            if (!hubConfig) throw new UserInputError([{ path: `${stackFile}: ${prefix}accounts.${stack.hub}`, message: `missing: ${stack.hub} is the ${stack.region} hub` }]);
            const profile = readOciProfile(ociConfigFile, hubConfig.profile);
            hubs.push({
                region: stack.region,
                account: stack.hub,
                tenancyOcid: profile.tenancy,
                networkAdminGroupOcid: hubConfig.networkAdminGroupOcid,
            });
        } catch (error) {
            if (!(error instanceof UserInputError)) throw error;
            problems.push(...error.problems);
        }
    }
    if (problems.length > 0) throw new UserInputError(problems);
    return hubs;
}
