/**
 * Where in the topology YAML a planned resource comes from, so a finding can point at the line a
 * reviewer would change: the VM, block volume, load balancer or bucket entry whose name the
 * resource carries (`eu-sol-01-validator-ledger` → `roles.solana.vms[0].blockVolumes[0]`), else
 * the account's entry. Resources the topology does not name (providers, components) get none.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { LineCounter, parseDocument, type Document } from "yaml";
import { PROJECT_ROOT } from "../../model/projectRoot";
import { formatPath, lineOfPath, type PathSegment } from "../../model/yamlPath";
import { accountSlug } from "../../plan/addressPlan";

export interface SourceLocation {
    /** Path relative to the project root (`topology/blitzhub.yaml`), `/`-separated. */
    file: string;
    line: number;
    /** YAML path of the entry (`roles.solana.vms[0]`). */
    yamlPath: string;
}

interface Named {
    name: string;
    path: PathSegment[];
}

type Yaml = Record<string, unknown>;

const isObject = (v: unknown): v is Yaml => v !== null && typeof v === "object" && !Array.isArray(v);
const nameOf = (v: unknown): string | undefined => (isObject(v) && typeof v.name === "string" ? v.name : undefined);

/** The entries of one role whose names resource names are built from. */
function namedEntries(roleName: string, role: Yaml): Named[] {
    const out: Named[] = [];
    const base: PathSegment[] = ["roles", roleName];
    const vms = Array.isArray(role.vms) ? role.vms : [];
    vms.forEach((vm, j) => {
        const vmName = nameOf(vm);
        if (!vmName) return;
        out.push({ name: vmName, path: [...base, "vms", j] });
        const volumes = isObject(vm) && Array.isArray(vm.blockVolumes) ? vm.blockVolumes : [];
        volumes.forEach((v, k) => {
            const volume = nameOf(v);
            if (volume) out.push({ name: `${vmName}-${volume}`, path: [...base, "vms", j, "blockVolumes", k] });
        });
    });
    for (const key of ["loadBalancer", "networkLoadBalancer"] as const) {
        const lb = nameOf(role[key]);
        if (lb) out.push({ name: lb, path: [...base, key] });
    }
    const buckets = Array.isArray(role.buckets) ? role.buckets : [];
    buckets.forEach((b, k) => {
        const bucket = nameOf(b);
        if (bucket) out.push({ name: bucket, path: [...base, "buckets", k] });
    });
    return out;
}

/** Finds source locations of resources in one topology file. */
export class TopologyLocator {
    private readonly doc: Document;
    private readonly lines = new LineCounter();
    private readonly data: Yaml;
    private readonly file: string;

    constructor(topologyFile: string) {
        this.doc = parseDocument(readFileSync(topologyFile, "utf8"), { lineCounter: this.lines });
        const data: unknown = this.doc.toJS();
        this.data = isObject(data) ? data : {};
        const rel = relative(PROJECT_ROOT, topologyFile);
        this.file = (rel.startsWith("..") ? topologyFile : rel).split("\\").join("/");
    }

    /** The entry `resourceName` of `account` comes from; undefined when the topology does not name it. */
    locate(account: string | null, resourceName: string | null): SourceLocation | undefined {
        if (!account) return undefined;
        const accounts = Array.isArray(this.data.accounts) ? this.data.accounts : [];
        const index = accounts.findIndex((a) => nameOf(a) === account);
        if (index < 0) return undefined;
        const entry = accounts[index] as Yaml;
        const roleName = typeof entry.role === "string" ? entry.role : undefined;
        const role = roleName && isObject(this.data.roles) ? this.data.roles[roleName] : undefined;
        const prefix = `${accountSlug(account)}-`;
        if (roleName && isObject(role) && resourceName?.startsWith(prefix)) {
            const rest = resourceName.slice(prefix.length);
            const match = namedEntries(roleName, role)
                .filter((n) => rest === n.name || rest.startsWith(`${n.name}-`))
                .sort((a, b) => b.name.length - a.name.length)[0];
            if (match) return this.at(match.path);
        }
        return this.at(["accounts", index]);
    }

    private at(path: PathSegment[]): SourceLocation | undefined {
        const line = lineOfPath(this.doc, this.lines, path);
        return line === undefined ? undefined : { file: this.file, line, yamlPath: formatPath(path) };
    }
}
