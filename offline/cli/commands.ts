/**
 * The CLI's subcommands. A new one is a file under `offline/cli/` exporting `subcommand`
 * (a `Subcommand`), and a row here; `npm run <name>` then runs `node offline/launch.mjs <name>`.
 * Only the module of the subcommand being run is loaded.
 */
import type { Subcommand } from "./common";

export interface SubcommandEntry {
    name: string;
    /** One line for `--help` of the CLI itself. */
    summary: string;
    load(): Promise<{ subcommand: Subcommand<any> }>;
}

export const SUBCOMMANDS: SubcommandEntry[] = [
    { name: "plan", summary: "offline plan: the real program under Pulumi's mocks, as a tree, a summary, JSON or stack outputs", load: () => import("./plan") },
    { name: "render", summary: "render every config file and cloud-init of the stacks' VMs into a directory", load: () => import("./render") },
    { name: "check", summary: "offline policy check: the policy pack over the planned resources", load: () => import("./check") },
    { name: "bench", summary: "measure the offline plan against the floor of loading the SDKs (minutes, up to ~9 GB)", load: () => import("./bench") },
    { name: "diff", summary: "what pulumi preview --diff would show: the working tree against a git revision or a plan JSON", load: () => import("./diff") },
    { name: "diagram", summary: "draw the topology (SVG) from the plan", load: () => import("./diagram") },
    { name: "docs", summary: "regenerate docs/runbooks and docs/topology.svg from the topology (--check: only compare)", load: () => import("./docs") },
];
