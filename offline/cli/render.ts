/**
 * `npm run render -- -s <eu|na|sa|as|au|all> --out DIR [--topology FILE]`
 *
 * Renders every config file of every VM of the stack(s) (docs/design.md §4): each file at
 * `DIR/<ACCOUNT>/<vm>/<absolute path on the VM>`, the VM's cloud-init at
 * `DIR/<ACCOUNT>/<vm>/cloud-init.yaml`, and `DIR/manifest.json`
 * `[{"account","vm","service","path","file"}]` (`file` relative to DIR). Secrets appear only
 * as `@@secret:<vault path>@@` placeholders. Bad input: one line per problem, exit 2.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { isUserInputError, UserInputError } from "../../model/errors";
import { DEFAULT_TOPOLOGY_FILE, loadTopology, withTopologyLines } from "../../model/load";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { parseYamlInput, readInputFile } from "../../model/yamlInput";
import type { RegionKey } from "../../model/schema";
import { loadAllowances } from "../../model/allowances";
import { buildPlan } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { renderAccount, renderCloudInit, unrenderedServices, type CloudInitOptions } from "../../render/index";
import { CONFIG_NAMESPACE, parseStackConfig } from "../../stacks/configSchema";
import { plaintextSecretProblems } from "../../stacks/plaintextSecrets";
import { checkOutputDir, writeOutputDir } from "../outputDir";
import { plural } from "../plural";
import { requireFile, requireStacks, stackOption, userPath, type Subcommand } from "./common";
import { loadOciLimits } from "../../model/ociLimits";

/** One manifest entry (docs/design.md §4). */
export interface ManifestEntry {
    account: string;
    vm: string;
    service: string;
    /** Absolute path on the VM. */
    path: string;
    /** Path of the rendered copy, relative to the output directory. */
    file: string;
}

/** Where cloud-init keeps the user data on the VM (the manifest's `path` for cloud-init.yaml). */
export const CLOUD_INIT_PATH_ON_VM = "/var/lib/cloud/instance/user-data.txt";

const PROJECT_DIR = PROJECT_ROOT;

/**
 * The `blitzhub:*` settings of `Pulumi.<stack>.yaml` that shape rendering (topology, SSH keys,
 * WireGuard peers), validated like the program validates them; none when the file is absent.
 */
export function stackSettings(stack: RegionKey): { topology?: string; options: CloudInitOptions } {
    const stackFile = `Pulumi.${stack}.yaml`;
    const file = join(PROJECT_DIR, stackFile);
    if (!existsSync(file)) return { options: {} };
    const config = (parseYamlInput(readInputFile(file, stackFile, stackFile), stackFile).data as { config?: Record<string, unknown> } | null)?.config ?? {};
    const plaintext = plaintextSecretProblems(config, stackFile);
    if (plaintext.length > 0) throw new UserInputError(plaintext);
    const raw = Object.fromEntries(
        Object.entries(config)
            .filter(([key]) => key.startsWith(`${CONFIG_NAMESPACE}:`))
            .map(([key, value]) => [key.slice(CONFIG_NAMESPACE.length + 1), value]),
    );
    const parsed = parseStackConfig(raw, stackFile);
    return {
        topology: typeof raw.topology === "string" ? raw.topology : undefined,
        options: {
            operators: parsed.operators,
            deployPublicKey: parsed.deployPublicKey,
            wireguardPeers: parsed.wireguardPeers,
            ...(parsed.offsiteBackup ? { offsiteBackup: parsed.offsiteBackup } : {}),
        },
    };
}

/** Renders the accounts of `stacks` into `outDir`; returns the manifest (also written as manifest.json). */
export function renderToDirectory(
    plan: TopologyPlan,
    stacks: RegionKey[],
    outDir: string,
    optionsByStack: Partial<Record<RegionKey, CloudInitOptions>> = {},
): ManifestEntry[] {
    const manifest: ManifestEntry[] = [];
    const put = (relative: string, content: string) => {
        const target = join(outDir, relative);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, content);
    };
    for (const stack of stacks) {
        const accounts = plan.stacks.find((s) => s.region === stack)?.accounts ?? [];
        for (const account of accounts) {
            const files = renderAccount(plan, account, optionsByStack[stack]);
            for (const vm of plan.accounts.find((a) => a.name === account)!.vms) {
                for (const f of files.filter((x) => x.vm === vm.name)) {
                    const file = `${account}/${vm.name}${f.path}`;
                    put(file, f.content);
                    manifest.push({ account, vm: vm.name, service: f.service, path: f.path, file });
                }
                const file = `${account}/${vm.name}/cloud-init.yaml`;
                put(file, renderCloudInit(plan, account, vm.name, { ...optionsByStack[stack], files: files.filter((x) => x.vm === vm.name) }));
                manifest.push({ account, vm: vm.name, service: "cloud-init", path: CLOUD_INIT_PATH_ON_VM, file });
            }
        }
    }
    put("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
}

interface RenderOptions {
    stack: string;
    out: string;
    topology?: string;
    force?: boolean;
}

export const subcommand: Subcommand<RenderOptions> = {
    configure: (command: Command) =>
        command
            .description("Renders every config file and cloud-init of the stack's VMs from the plan")
            .addOption(stackOption("stack to render"))
            .requiredOption("--out <dir>", "output directory, relative to the current directory (DIR/<ACCOUNT>/<vm>/<path on the VM>, DIR/manifest.json)")
            .option("--topology <file>", "topology file instead of the stack's blitzhub:topology (relative to the current directory)")
            .option("--force", "replace a non-empty --out directory as a whole (never merged)"),

    async run(opts, ctx) {
        const stacks = requireStacks(opts.stack);
        if (stacks === undefined) return 2;
        const out = ctx.path(opts.out);
        // Refused before the plan: a wrong --out fails in a second, and nothing is written.
        const outOptions = { force: opts.force === true, shown: out.shown };
        checkOutputDir(out.absolute, outOptions);
        const settings = Object.fromEntries(stacks.map((s) => [s, stackSettings(s)])) as Record<RegionKey, ReturnType<typeof stackSettings>>;
        // --topology is the user's path; blitzhub:topology is relative to the project.
        const topology = opts.topology ? ctx.path(opts.topology) : userPath(settings[stacks[0]].topology ?? DEFAULT_TOPOLOGY_FILE, PROJECT_DIR);
        requireFile("--topology", topology);
        let plan: TopologyPlan;
        try {
            plan = buildPlan(loadTopology(topology.absolute), loadAllowances(), loadOciLimits());
        } catch (error) {
            throw isUserInputError(error) ? withTopologyLines(error, topology.absolute) : error;
        }
        const options = Object.fromEntries(stacks.map((s) => [s, settings[s].options]));
        const manifest = writeOutputDir(out.absolute, (dir) => renderToDirectory(plan, stacks, dir, options), outOptions);
        const vms = new Set(manifest.map((m) => `${m.account}/${m.vm}`)).size;
        process.stdout.write(`rendered ${plural(manifest.length, "file")} for ${plural(vms, "VM")} into ${out.shown} (manifest.json)\n`);
        const accounts = new Set(manifest.map((m) => m.account));
        const scoped = { ...plan, accounts: plan.accounts.filter((a) => accounts.has(a.name)) };
        for (const u of unrenderedServices(scoped)) {
            process.stdout.write(`not rendered (no template yet): ${u.service} ${u.files.join(", ")}\n`);
        }
        return 0;
    },
};
