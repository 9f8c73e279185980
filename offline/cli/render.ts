/**
 * `npm run render -- --stack <eu|na|sa|as|au|all> --out DIR [--topology FILE]`
 *
 * Renders every config file of every VM of the stack(s) (docs/design.md §4): each file at
 * `DIR/<ACCOUNT>/<vm>/<absolute path on the VM>`, the VM's cloud-init at
 * `DIR/<ACCOUNT>/<vm>/cloud-init.yaml`, and `DIR/manifest.json`
 * `[{"account","vm","service","path","file"}]` (`file` relative to DIR). Secrets appear only
 * as `@@secret:<vault path>@@` placeholders. Bad input: one line per problem, exit 2.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { Command } from "commander";
import { isUserInputError, UserInputError } from "../../model/errors";
import { loadTopology, withTopologyLines } from "../../model/load";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { parseYamlInput, readInputFile } from "../../model/yamlInput";
import type { RegionKey } from "../../model/schema";
import { buildPlan, loadAllowances } from "../../plan/index";
import type { TopologyPlan } from "../../plan/types";
import { renderAccount, renderCloudInit, unrenderedServices, type CloudInitOptions } from "../../render/index";
import { CONFIG_NAMESPACE, parseStackConfig } from "../../stacks/configSchema";
import { plaintextSecretProblems } from "../../stacks/plaintextSecrets";
import { checkOutputDir, writeOutputDir } from "../outputDir";
import { STACK_CHOICES, parseArgs, requireStacks, runCli } from "./common";

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
function stackSettings(stack: RegionKey): { topology?: string; options: CloudInitOptions } {
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
        options: { sshAuthorizedKeys: parsed.sshAuthorizedKeys, wireguardPeers: parsed.wireguardPeers },
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

async function main(argv: string[]): Promise<number> {
    const cli = new Command("render")
        .description("Renders every config file and cloud-init of the stack's VMs from the plan")
        .requiredOption("--stack <stack>", `stack to render: ${STACK_CHOICES}`)
        .requiredOption("--out <dir>", "output directory (DIR/<ACCOUNT>/<vm>/<path on the VM>, DIR/manifest.json)")
        .option("--topology <file>", "topology file instead of the stack's blitzhub:topology")
        .option("--force", "replace a non-empty --out directory as a whole (never merged)", false);
    const parsed = parseArgs(cli, argv);
    if (parsed !== undefined) return parsed;
    const opts = cli.opts<{ stack: string; out: string; topology?: string; force: boolean }>();
    const stacks = requireStacks(opts.stack);
    if (stacks === undefined) return 2;
    checkOutputDir(resolve(opts.out), { force: opts.force });
    const settings = Object.fromEntries(stacks.map((s) => [s, stackSettings(s)])) as Record<RegionKey, ReturnType<typeof stackSettings>>;
    const topologyFile = opts.topology ?? settings[stacks[0]].topology ?? "topology/blitzhub.yaml";
    const resolved = resolve(opts.topology ? process.cwd() : PROJECT_DIR, topologyFile);
    if (!existsSync(resolved)) {
        process.stderr.write(`--topology: ${topologyFile}: no such file\n`);
        return 2;
    }
    const topology = loadTopology(resolved);
    let plan: TopologyPlan;
    try {
        plan = buildPlan(topology, loadAllowances());
    } catch (error) {
        throw isUserInputError(error) ? withTopologyLines(error, resolved) : error;
    }
    const options = Object.fromEntries(stacks.map((s) => [s, settings[s].options]));
    const manifest = writeOutputDir(opts.out, (dir) => renderToDirectory(plan, stacks, dir, options), { force: opts.force });
    const vms = new Set(manifest.map((m) => `${m.account}/${m.vm}`)).size;
    process.stdout.write(`rendered ${manifest.length} files for ${vms} VMs into ${opts.out} (manifest.json)\n`);
    const accounts = new Set(manifest.map((m) => m.account));
    const scoped = { ...plan, accounts: plan.accounts.filter((a) => accounts.has(a.name)) };
    for (const u of unrenderedServices(scoped)) {
        process.stdout.write(`not rendered (no template yet): ${u.service} ${u.files.join(", ")}\n`);
    }
    return 0;
}

runCli("render", () => main(process.argv));
