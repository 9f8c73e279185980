/**
 * `npm run lab -- [-s eu] [--keep] [--verbose]`: builds the lab of a stack, runs every flow, prints
 * one line per flow and `N passed, N failed` (plus the services not run and why), removes
 * everything it made (also on Ctrl-C and SIGTERM) unless --keep, and exits 1 when a flow failed.
 * Needs root (namespaces, mounts) and the packages of .ci/install-lab.sh.
 */
import { Command } from "commander";
import { REGION_KEYS, type RegionKey } from "../model/schema";
import { runFlows, summarize } from "./flows";
import { Lab } from "./lab";

async function main(argv: string[]): Promise<number> {
    const cli = new Command("lab")
        .description("Runs the rendered system of a stack in network namespaces and drives real traffic through it")
        .option("-s, --stack <stack>", `stack: ${REGION_KEYS.join(", ")}`, "eu")
        .option("--keep", "leave the lab running after the flows (Ctrl-C removes it)")
        .option("--only <flows>", "comma-separated flow names to run")
        .option("-v, --verbose", "print provisioning details");
    cli.exitOverride();
    try {
        cli.parse(argv);
    } catch {
        return 2;
    }
    const opts = cli.opts<{ stack: string; keep?: boolean; only?: string; verbose?: boolean }>();
    if (!(REGION_KEYS as readonly string[]).includes(opts.stack)) {
        process.stderr.write(`--stack: unknown stack "${opts.stack}" (stacks: ${REGION_KEYS.join(", ")})\n`);
        return 2;
    }
    if (process.getuid?.() !== 0) {
        process.stderr.write("lab: needs root (network and mount namespaces)\n");
        return 2;
    }
    const t0 = Date.now();
    const lab = new Lab({ stack: opts.stack as RegionKey, log: (line) => (opts.verbose ? process.stderr.write(`${line}\n`) : undefined) });
    let cleaned = false;
    const cleanup = () => {
        if (cleaned) return;
        cleaned = true;
        lab.destroy();
    };
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.on(signal, () => {
            // A second signal while the lab is being removed must not cut the removal short.
            if (cleaned) return;
            process.stderr.write(`lab: ${signal}, removing the lab\n`);
            cleanup();
            process.exit(130);
        });
    }
    process.on("exit", cleanup);
    try {
        await lab.build();
        process.stdout.write(`lab ${opts.stack}: ${lab.vms.size} VMs built in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
        const results = await runFlows(lab, opts.only ? opts.only.split(",") : undefined, (line) => process.stdout.write(`${line}\n`));
        const { failed, text } = summarize(lab, results);
        process.stdout.write(text);
        process.stdout.write(`lab: ${((Date.now() - t0) / 1000).toFixed(1)} s in all\n`);
        if (opts.keep) {
            process.stdout.write(`lab kept: namespaces ${lab.prefix}-*, roots under ${lab.scratch}; Ctrl-C removes it\n`);
            await new Promise(() => undefined);
        }
        return failed > 0 ? 1 : 0;
    } catch (error) {
        process.stderr.write(`lab: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
    } finally {
        if (!opts.keep) cleanup();
    }
}

main(process.argv).then((code) => process.exit(code));
