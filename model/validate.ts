/**
 * Cross-field checks of a structurally valid topology. Every check adds to one list, so a user
 * sees all problems at once; each problem names the YAML path it is about.
 */
import { contains, overlaps, parseNetwork, type Network } from "./cidr";
import { limitUrl, type OciLimits } from "./ociLimits";
import { formatPath, type PathSegment } from "./yamlPath";
import { LOAD_BALANCER_TLS_SERVICES, TLS_ONLY_PORTS } from "./tlsOnlyPorts";
import { WIREGUARD_TUNNEL_SPACE } from "./tunnelSpace";
import type { RegionKey, Role, RoleName, ServiceDef, ServicePort, Topology, Vm } from "./schema";

/** A problem found by a check, before its path is turned into text and given a line. */
export interface PathProblem {
    path: PathSegment[];
    message: string;
    /** Report the line of the key rather than of its value. */
    key?: boolean;
}

/** OCI VM.Standard.A1.Flex limits: whole OCPUs 1-80, 1-64 GB per OCPU, at most 512 GB. */
const A1_LIMITS = { maxOcpus: 80, minGbPerOcpu: 1, maxGbPerOcpu: 64, maxMemoryGb: 512 };

/** Runs every cross-field check; an empty list means the topology is consistent. */
export function validateTopology(topology: Topology, limits: OciLimits): PathProblem[] {
    const problems: PathProblem[] = [];
    const report = (path: PathSegment[], message: string) => problems.push({ path, message });
    checkServices(topology, report);
    checkTlsOnlyPorts(topology, report);
    checkLoadBalancerTlsPorts(topology, report);
    checkOciLimits(topology, limits, report);
    checkSharedNames(topology, report);
    checkStartOrder(topology, report);
    checkEveryVm(topology, report);
    checkAddressSpace(topology, report);
    checkAccounts(topology, report);
    checkKeyRotations(topology, report);
    for (const roleName of Object.keys(topology.roles) as RoleName[]) {
        checkRole(topology, roleName, report);
    }
    return dedupe(problems);
}

type Report = (path: PathSegment[], message: string) => void;

/** Ports their service serves only over TLS say so (`tls: true`), so plan, firewall and policies agree with the rendered config. */
function checkTlsOnlyPorts(topology: Topology, report: Report): void {
    for (const [name, required] of Object.entries(TLS_ONLY_PORTS)) {
        topology.services[name]?.ports.forEach((port, index) => {
            if (required.ports.includes(port.name) && !port.tls) report(["services", name, "ports", index], `port ${port.name} must say tls: true (${required.why})`);
        });
    }
}

/** `loadBalancerTls` only where a renderer serves it, and never with the internal CA's `tls` on the same port. */
function checkLoadBalancerTlsPorts(topology: Topology, report: Report): void {
    for (const [name, service] of Object.entries(topology.services)) {
        service.ports.forEach((port, index) => {
            if (!port.loadBalancerTls) return;
            if (!LOAD_BALANCER_TLS_SERVICES.includes(name)) report(["services", name, "ports", index, "loadBalancerTls"], `only ${LOAD_BALANCER_TLS_SERVICES.join(" and ")} serve TLS to the load balancer; ${name} would not`);
            else if (port.tls) report(["services", name, "ports", index, "tls"], "a port serves either the internal CA's certificate (tls) or the backend CA's (loadBalancerTls), not both");
            else if (port.localOnly) report(["services", name, "ports", index, "localOnly"], "a port for the load balancer cannot be local only");
        });
    }
}

/** Real calendar dates, strictly increasing: each names one key version, made once. */
function checkKeyRotations(topology: Topology, report: Report): void {
    topology.keyRotations.forEach((date, index) => {
        const parsed = new Date(`${date}T00:00:00Z`);
        if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
            report(["keyRotations", index], `${date} is not a calendar date`);
        } else if (index > 0 && date <= topology.keyRotations[index - 1]) {
            report(["keyRotations", index], `${date} is not after ${topology.keyRotations[index - 1]}: rotations are listed oldest first, once each`);
        }
    });
}

function checkServices(topology: Topology, report: Report): void {
    const managedBy = new Set(
        Object.values(topology.roles)
            .map((role) => role.autonomousDatabase?.service)
            .filter((name): name is string => name !== undefined),
    );
    const placed = placedServices(topology);
    for (const [name, def] of Object.entries(topology.services)) {
        const at = ["services", name];
        duplicates(def.ports.map((port) => port.name)).forEach((index) =>
            report([...at, "ports", index, "name"], `duplicate port name "${def.ports[index].name}"`),
        );
        def.ports.forEach((port, index) => {
            if (port.toPort !== undefined && port.toPort < port.port) {
                report([...at, "ports", index, "toPort"], `toPort ${port.toPort} is below port ${port.port}`);
            }
        });
        def.dependsOn.forEach((dependency, index) => {
            const depAt = [...at, "dependsOn", index];
            const target = topology.services[dependency.service];
            if (!target) {
                report([...depAt, "service"], `depends on service "${dependency.service}", which is not in the catalogue`);
                return;
            }
            dependency.ports?.forEach((portName, portIndex) => {
                if (!target.ports.some((port) => port.name === portName)) {
                    report(
                        [...depAt, "ports", portIndex],
                        `service "${dependency.service}" has no port named "${portName}" (has: ${names(target.ports)})`,
                    );
                }
            });
            if (!placed.has(dependency.service) && target.managedBy === undefined) {
                report([...depAt, "service"], `depends on service "${dependency.service}", which no VM runs`);
            }
            if (/^[A-Z]/.test(dependency.scope)) {
                const account = topology.accounts.find((candidate) => candidate.name === dependency.scope);
                if (!account) {
                    report([...depAt, "scope"], `no account named "${dependency.scope}"`);
                } else if (!roleRuns(topology, topology.roles[account.role], dependency.service)) {
                    report([...depAt, "scope"], `account ${account.name} (${account.role}) does not run "${dependency.service}"`);
                }
            }
        });
        def.startAfter.forEach((other, index) => {
            if (!topology.services[other]) report([...at, "startAfter", index], `start order names unknown service "${other}"`);
            if (other === name) report([...at, "startAfter", index], "a service cannot start after itself");
        });
        if (def.health && !def.ports.some((port) => port.name === def.health!.port)) {
            report([...at, "health", "port"], `no port named "${def.health.port}" (has: ${names(def.ports)})`);
        }
        def.alerts.forEach((alert, index) => {
            if (alert.specExpr !== undefined && !alert.fix) {
                report([...at, "alerts", index, "fix"], `alert ${alert.alert} corrects the spec's expression (specExpr); say why in "fix"`);
            }
            if (alert.fix !== undefined && alert.specExpr === undefined) {
                report([...at, "alerts", index, "specExpr"], `alert ${alert.alert} has a "fix" but no "specExpr" it fixes`);
            }
        });
        if (def.install.method !== "apt") {
            if (def.install.repositories.length > 0) report([...at, "install", "repositories"], `only an apt package comes from apt repositories (method is ${def.install.method})`);
            if (def.install.aptVersion !== undefined) report([...at, "install", "aptVersion"], `only an apt package has an apt version (method is ${def.install.method})`);
            if (def.install.packageVersion !== undefined) report([...at, "install", "packageVersion"], `only an apt package has a package version (method is ${def.install.method})`);
        } else if (def.install.aptVersion !== undefined) {
            const version = def.version.replace(/^v/, "");
            const upstream = def.install.aptVersion.replace(/^\d+:/, "");
            if (!upstream.startsWith(version) && !version.startsWith(upstream)) {
                report([...at, "install", "aptVersion"], `"${def.install.aptVersion}" is neither version ${def.version} as the repository spells it nor its series`);
            }
        }
        if (def.install.method === "npm" && def.install.runtime === undefined) {
            report([...at, "install", "runtime"], "an npm package needs the Node.js runtime that runs it (install.runtime)");
        }
        if (def.install.method !== "npm" && def.install.runtime !== undefined) {
            report([...at, "install", "runtime"], `only an npm package has a Node.js runtime (method is ${def.install.method})`);
        }
        if (def.install.method !== "apt" && def.install.companions.length > 0) {
            report([...at, "install", "companions"], `only an apt package has companion packages (method is ${def.install.method})`);
        }
        if (def.managedBy !== undefined) {
            if (!managedBy.has(name)) {
                report([...at, "managedBy"], `managed by ${def.managedBy}, but no role declares an autonomousDatabase providing "${name}"`);
            }
        } else if (def.memoryMb < 16) {
            report([...at, "memoryMb"], "a service that runs on a VM needs a memory limit of at least 16 MiB");
        }
    }
}

/**
 * A version pin is a version: apt installs `name=<version>*`, so a word such as `latest` fails at
 * first boot. A digit first (after an optional `v`, or MinIO's `RELEASE.`), then version characters.
 */
const VERSION = /^(v|RELEASE\.)?\d[0-9A-Za-z.+~:-]*$/;

/** Env names that carry credentials; `_FILE`/`_PATH` variants name where the secret is delivered. */
const SECRET_ENV_NAME = /(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?)$/i;
/** A URL with a password in it (`amqp://user:pass@host`). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

/**
 * Values OCI documents a limit for, checked before any resource exists (`data/oci-limits.yaml`):
 * boot volume sizes, the names the plan derives from account and VM names (display names,
 * hostname labels, VCN DNS labels), listeners and backend sets per load balancer; and version
 * pins that are versions, and no credentials in plain text in a service's `env`.
 */
function checkOciLimits(topology: Topology, limits: OciLimits, report: Report): void {
    const l = limits.limits;
    const cite = (key: Parameters<typeof limitUrl>[1]) => `(${limitUrl(limits, key)})`;
    for (const [name, def] of Object.entries(topology.services)) {
        if (!VERSION.test(def.version)) {
            report(["services", name, "version"], `"${def.version}" is not a version: pin one such as 1.2.3 (apt installs ${def.install.package || name}=<version>*) ${cite("versions")}`);
        }
        for (const [key, value] of Object.entries(def.env)) {
            const named = SECRET_ENV_NAME.test(key) && value !== "";
            if (named || URL_WITH_PASSWORD.test(value)) {
                report(
                    ["services", name, "env", key],
                    `${key} holds a credential in plain text: declare it under services.${name}.secrets (e.g. { path: secret/${name.replace(/-/g, "_")}/${key.toLowerCase()} }), ` +
                        "which Pulumi generates as a secret and delivers as a @@secret:...@@ placeholder filled on the host, and remove the value from env",
                );
            }
        }
    }
    for (const [roleName, role] of Object.entries(topology.roles) as [RoleName, Role][]) {
        role.vms.forEach((vm, index) => {
            const size = vm.bootVolumeGb;
            if (size < l.bootVolumeGb.min || size > l.bootVolumeGb.max) {
                report(["roles", roleName, "vms", index, "bootVolumeGb"], `${size} GB is outside OCI's boot volume range ${l.bootVolumeGb.min}-${l.bootVolumeGb.max} GB ${cite("bootVolumeGb")}`);
            }
        });
        const lb = role.loadBalancer;
        if (lb.listeners.length > l.lbListeners.max) {
            report(["roles", roleName, "loadBalancer", "listeners"], `${lb.listeners.length} listeners: OCI allows at most ${l.lbListeners.max} per load balancer ${cite("lbListeners")}`);
        }
        if (lb.backendSets.length > l.lbBackendSets.max) {
            report(["roles", roleName, "loadBalancer", "backendSets"], `${lb.backendSets.length} backend sets: OCI allows at most ${l.lbBackendSets.max} per load balancer ${cite("lbBackendSets")}`);
        }
    }
    topology.accounts.forEach((account, index) => {
        const role = topology.roles[account.role];
        if (!role) return;
        // The names the plan derives (plan/addressPlan.ts accountSlug, components' displayName).
        const slug = account.name.toLowerCase();
        const at: PathSegment[] = ["accounts", index, "name"];
        const vcnLabel = slug.replace(/[^a-z0-9]/g, "");
        if (vcnLabel.length > l.dnsLabelChars.max || !/^[a-z]/.test(vcnLabel)) {
            report(at, `the VCN DNS label "${vcnLabel.length > 24 ? `${vcnLabel.slice(0, 24)}…` : vcnLabel}" derived from the account name must be 1-${l.dnsLabelChars.max} letters and digits starting with a letter (${vcnLabel.length} characters) ${cite("dnsLabelChars")}`);
        }
        const longestVm = role.vms.reduce((a, b) => (b.name.length > a.name.length ? b : a));
        const hostname = `${slug}-${longestVm.name}`;
        if (hostname.length > l.hostnameLabelChars.max) {
            report(at, `the hostname label "${hostname.slice(0, 40)}…" of VM ${longestVm.name} is ${hostname.length} characters; OCI allows ${l.hostnameLabelChars.max} ${cite("hostnameLabelChars")}`);
        }
        const hubSlug = topology.regions[account.region]?.hub.toLowerCase() ?? "";
        const names = [
            `${slug}-default-security-list`,
            `${slug}-vcn-to-${hubSlug}-drg`,
            ...role.vms.flatMap((vm) => [`${slug}-${vm.name}-nsg`, ...vm.blockVolumes.map((v) => `${slug}-${vm.name}-${v.name}`)]),
        ];
        const longest = names.reduce((a, b) => (b.length > a.length ? b : a));
        if (longest.length > l.displayNameChars.max) {
            report(at, `the display name "${longest.slice(0, 40)}…" is ${longest.length} characters; OCI allows ${l.displayNameChars.max} ${cite("displayNameChars")}`);
        }
    });
}

/** Backup prefixes must not be shared; a secret path or apt repository named twice must mean the same one. */
function checkSharedNames(topology: Topology, report: Report): void {
    const targets = new Map<string, string>();
    const secrets = new Map<string, { service: string; source: string; length: number }>();
    const repositories = new Map<string, { service: string; definition: string }>();
    for (const [name, def] of Object.entries(topology.services)) {
        // One list file and keyring per repository name on a VM: the name must mean one repository.
        const declared = [
            ...def.install.repositories.map((repository, index) => ({ repository, at: ["services", name, "install", "repositories", index] })),
            ...(def.install.runtime?.repositories ?? []).map((repository, index) => ({ repository, at: ["services", name, "install", "runtime", "repositories", index] })),
        ];
        for (const { repository, at } of declared) {
            if ("ppa" in repository) continue;
            const definition = JSON.stringify(repository);
            const first = repositories.get(repository.name);
            if (!first) repositories.set(repository.name, { service: name, definition });
            else if (first.definition !== definition) report(at, `repository "${repository.name}" is declared differently by ${first.service}`);
        }
        def.backup.forEach((backup, index) => {
            const owner = targets.get(backup.target);
            if (owner) report(["services", name, "backup", index, "target"], `backup target ${backup.target} is already used by ${owner}`);
            else targets.set(backup.target, name);
        });
        def.secrets.forEach((secret, index) => {
            const first = secrets.get(secret.path);
            if (!first) secrets.set(secret.path, { service: name, source: secret.source, length: secret.length });
            else if (first.source !== secret.source || first.length !== secret.length) {
                report(
                    ["services", name, "secrets", index],
                    `${secret.path} is declared by ${first.service} as ${first.source}/${first.length} but here as ${secret.source}/${secret.length}`,
                );
            }
        });
    }
}

/** The spec's start orders (*Ordem*) must not contradict each other. */
function checkStartOrder(topology: Topology, report: Report): void {
    const state = new Map<string, "visiting" | "done">();
    const visit = (name: string, trail: string[]): void => {
        if (state.get(name) === "done") return;
        if (state.get(name) === "visiting") {
            const cycle = [...trail.slice(trail.indexOf(name)), name];
            report(["services", cycle[cycle.length - 2], "startAfter"], `start order is circular: ${cycle.join(" → ")}`);
            return;
        }
        state.set(name, "visiting");
        for (const other of topology.services[name]?.startAfter ?? []) if (topology.services[other] && other !== name) visit(other, [...trail, name]);
        state.set(name, "done");
    };
    for (const name of Object.keys(topology.services)) visit(name, []);
}

function checkEveryVm(topology: Topology, report: Report): void {
    duplicates(topology.everyVm).forEach((index) => report(["everyVm", index], `"${topology.everyVm[index]}" is listed twice`));
    topology.everyVm.forEach((service, index) => {
        const def = topology.services[service];
        if (!def) report(["everyVm", index], `unknown service "${service}"`);
        else if (def.managedBy !== undefined) report(["everyVm", index], `"${service}" is managed by ${def.managedBy} and cannot run on a VM`);
    });
}

function checkAddressSpace(topology: Topology, report: Report): void {
    const space = parseCidr(topology.addressSpace, ["addressSpace"], report);
    if (space && overlaps(space, parseNetwork(WIREGUARD_TUNNEL_SPACE))) {
        report(["addressSpace"], `${topology.addressSpace} overlaps ${WIREGUARD_TUNNEL_SPACE}, the operators' WireGuard tunnel addresses, which every VCN routes to its bastions`);
    }
    const blocks: { role: RoleName; cidr: Network }[] = [];
    for (const [roleName, role] of Object.entries(topology.roles) as [RoleName, Role][]) {
        const at = ["roles", roleName, "block"];
        const cidr = parseCidr(role.block, at, report);
        if (!cidr) continue;
        if (space && !contains(space, cidr)) report(at, `block ${role.block} is outside the address space ${topology.addressSpace}`);
        const other = blocks.find((block) => overlaps(block.cidr, cidr));
        if (other) report(at, `block ${role.block} overlaps the block ${topology.roles[other.role].block} of role ${other.role}`);
        blocks.push({ role: roleName, cidr });
    }
}

function parseCidr(text: string, at: PathSegment[], report: Report): Network | undefined {
    try {
        return parseNetwork(text);
    } catch (error) {
        report(at, (error as Error).message);
        return undefined;
    }
}

function checkAccounts(topology: Topology, report: Report): void {
    const accounts = topology.accounts;
    duplicates(accounts.map((account) => account.name)).forEach((index) =>
        report(["accounts", index, "name"], `duplicate account name ${accounts[index].name}`),
    );
    accounts.forEach((account, index) => {
        if (!topology.regions[account.region]) report(["accounts", index, "region"], `region "${account.region}" is not declared in regions`);
        if (!topology.roles[account.role]) report(["accounts", index, "role"], `role "${account.role}" is not declared in roles`);
    });
    for (const [regionKey, region] of Object.entries(topology.regions) as [RegionKey, { hub: string }][]) {
        const hub = accounts.find((account) => account.name === region.hub);
        if (!hub) report(["regions", regionKey, "hub"], `hub ${region.hub} is not an account of the topology`);
        else if (hub.region !== regionKey) report(["regions", regionKey, "hub"], `hub ${region.hub} is an account of region ${hub.region}, not ${regionKey}`);
    }
}

function checkRole(topology: Topology, roleName: RoleName, report: Report): void {
    const role = topology.roles[roleName];
    const at: PathSegment[] = ["roles", roleName];
    duplicates(role.vms.map((vm) => vm.name)).forEach((index) => report([...at, "vms", index, "name"], `duplicate VM name "${role.vms[index].name}" in role ${roleName}`));
    role.vms.forEach((vm, index) => checkVm(topology, vm, [...at, "vms", index], report));
    checkLoadBalancer(topology, role, [...at, "loadBalancer"], report);
    if (role.networkLoadBalancer) checkNetworkLoadBalancer(topology, role, [...at, "networkLoadBalancer"], report);
    if (role.autonomousDatabase) {
        const adb = role.autonomousDatabase;
        const def = topology.services[adb.service];
        if (!def) report([...at, "autonomousDatabase", "service"], `unknown service "${adb.service}"`);
        else if (def.managedBy !== "autonomous-database") {
            report([...at, "autonomousDatabase", "service"], `service "${adb.service}" must be declared with managedBy: autonomous-database`);
        }
    }
    duplicates(role.buckets.map((bucket) => bucket.name)).forEach((index) => report([...at, "buckets", index, "name"], `duplicate bucket name "${role.buckets[index].name}"`));
}

interface Binding {
    service: string;
    port: ServicePort;
    /** Where the service is placed (a VM's placement or the `everyVm` entry). */
    at: PathSegment[];
}

function checkVm(topology: Topology, vm: Vm, at: PathSegment[], report: Report): void {
    const shape = topology.shapes[vm.shape];
    if (vm.shape === "VM.Standard.E2.1.Micro") {
        if (vm.ocpus !== 1) report([...at, "ocpus"], `VM.Standard.E2.1.Micro has exactly 1 OCPU, not ${vm.ocpus}`);
        if (vm.memoryGb !== 1) report([...at, "memoryGb"], `VM.Standard.E2.1.Micro has exactly 1 GB of memory, not ${vm.memoryGb}`);
    } else {
        if (!Number.isInteger(vm.ocpus) || vm.ocpus > A1_LIMITS.maxOcpus) {
            report([...at, "ocpus"], `VM.Standard.A1.Flex takes a whole number of OCPUs from 1 to ${A1_LIMITS.maxOcpus}, not ${vm.ocpus}`);
        }
        const min = vm.ocpus * A1_LIMITS.minGbPerOcpu;
        const max = Math.min(vm.ocpus * A1_LIMITS.maxGbPerOcpu, A1_LIMITS.maxMemoryGb);
        if (vm.memoryGb < min || vm.memoryGb > max) {
            report([...at, "memoryGb"], `VM.Standard.A1.Flex with ${vm.ocpus} OCPU takes ${min}-${max} GB of memory, not ${vm.memoryGb}`);
        }
    }

    const bindings: Binding[] = [];
    const seen = new Map<string, PathSegment[]>();
    let memoryMb = 0;
    const usage: string[] = [];
    const placements: { service: string; memoryMb?: number; at: PathSegment[]; everyVm: boolean }[] = [
        ...vm.services.map((placement, index) =>
            typeof placement === "string"
                ? { service: placement, at: [...at, "services", index], everyVm: false }
                : { service: placement.service, memoryMb: placement.memoryMb, at: [...at, "services", index], everyVm: false },
        ),
        ...topology.everyVm.map((service, index) => ({ service, at: ["everyVm", index] as PathSegment[], everyVm: true })),
    ];
    for (const placement of placements) {
        const def = topology.services[placement.service];
        const nameAt = placement.everyVm || vm.services[placement.at[placement.at.length - 1] as number] === placement.service
            ? placement.at
            : [...placement.at, "service"];
        if (!def) {
            if (!placement.everyVm) report(nameAt, `unknown service "${placement.service}"`);
            continue;
        }
        if (def.managedBy !== undefined) {
            if (!placement.everyVm) report(nameAt, `"${placement.service}" is managed by ${def.managedBy} and cannot be placed on a VM`);
            continue;
        }
        const earlier = seen.get(placement.service);
        if (earlier) {
            report(placement.everyVm ? earlier : nameAt, `"${placement.service}" is placed twice on VM ${vm.name}${placement.everyVm ? " (it is also in everyVm)" : ""}`);
            continue;
        }
        seen.set(placement.service, placement.at);
        if (placement.memoryMb !== undefined && placement.memoryMb > def.memoryMb) {
            report([...placement.at, "memoryMb"], `a placement may only lower the limit: ${placement.memoryMb} MiB is above ${placement.service}'s ${def.memoryMb} MiB`);
        }
        const limit = placement.memoryMb ?? def.memoryMb;
        memoryMb += limit;
        usage.push(`${placement.service} ${limit}`);
        def.ports.forEach((port) => bindings.push({ service: placement.service, port, at: placement.at }));
    }
    checkPortClashes(vm, bindings, report);

    const availableMb = vm.memoryGb * 1024 - shape.reservedMemoryMb;
    if (memoryMb > availableMb) {
        report(
            [...at, "services"],
            `services need ${memoryMb} MiB (${usage.join(" + ")}) but VM ${vm.name} has ${availableMb} MiB for services ` +
                `(${vm.memoryGb * 1024} - ${shape.reservedMemoryMb} reserved by ${vm.shape})`,
        );
    }

    duplicates(vm.blockVolumes.map((volume) => volume.name)).forEach((index) =>
        report([...at, "blockVolumes", index, "name"], `duplicate block volume name "${vm.blockVolumes[index].name}"`),
    );
    duplicates(vm.blockVolumes.map((volume) => volume.mountPath)).forEach((index) =>
        report([...at, "blockVolumes", index, "mountPath"], `mount path ${vm.blockVolumes[index].mountPath} is used twice`),
    );
    vm.blockVolumes.forEach((volume, index) =>
        volume.for.forEach((service, serviceIndex) => {
            if (!seen.has(service)) report([...at, "blockVolumes", index, "for", serviceIndex], `service "${service}" does not run on VM ${vm.name}`);
        }),
    );
}

/** Two bindings clash when their protocols share tcp or udp and their port ranges overlap. */
function checkPortClashes(vm: Vm, bindings: Binding[], report: Report): void {
    for (let i = 0; i < bindings.length; i++) {
        for (let j = 0; j < i; j++) {
            const a = bindings[j];
            const b = bindings[i];
            if (!protocolsOverlap(a.port.protocol, b.port.protocol)) continue;
            const [aFrom, aTo] = [a.port.port, a.port.toPort ?? a.port.port];
            const [bFrom, bTo] = [b.port.port, b.port.toPort ?? b.port.port];
            if (aFrom > bTo || bFrom > aTo) continue;
            const what = `${describePort(b)} clashes with ${describePort(a)}`;
            const at = b.at[0] === "everyVm" && a.at[0] !== "everyVm" ? a.at : b.at;
            report(at, `port bound twice on VM ${vm.name}: ${what}`);
        }
    }
}

function describePort(binding: Binding): string {
    const range = binding.port.toPort === undefined ? `${binding.port.port}` : `${binding.port.port}-${binding.port.toPort}`;
    const origin = binding.at[0] === "everyVm" ? " (everyVm)" : "";
    return `${binding.service}${origin} ${binding.port.name} ${range}/${binding.port.protocol}`;
}

function protocolsOverlap(a: ServicePort["protocol"], b: ServicePort["protocol"]): boolean {
    const set = (p: ServicePort["protocol"]) => (p === "tcp+udp" ? ["tcp", "udp"] : [p]);
    return set(a).some((protocol) => set(b).includes(protocol));
}

function checkLoadBalancer(topology: Topology, role: Role, at: PathSegment[], report: Report): void {
    const lb = role.loadBalancer;
    if (lb.bandwidthMbps.max < lb.bandwidthMbps.min) report([...at, "bandwidthMbps", "max"], `max ${lb.bandwidthMbps.max} Mbps is below min ${lb.bandwidthMbps.min}`);
    duplicates(lb.listeners.map((listener) => listener.name)).forEach((index) => report([...at, "listeners", index, "name"], `duplicate listener name "${lb.listeners[index].name}"`));
    duplicates(lb.listeners.map((listener) => listener.port)).forEach((index) => report([...at, "listeners", index, "port"], `port ${lb.listeners[index].port} has two listeners`));
    duplicates(lb.backendSets.map((set) => set.name)).forEach((index) => report([...at, "backendSets", index, "name"], `duplicate backend set name "${lb.backendSets[index].name}"`));
    lb.listeners.forEach((listener, index) => {
        if (!lb.backendSets.some((set) => set.name === listener.backendSet)) {
            report([...at, "listeners", index, "backendSet"], `no backend set named "${listener.backendSet}" (has: ${names(lb.backendSets)})`);
        }
    });
    lb.backendSets.forEach((set, index) => {
        const setAt = [...at, "backendSets", index];
        const def = checkBackendService(topology, role, set.service, set.port, setAt, report);
        if (def && set.healthCheck.port !== undefined && !def.ports.some((port) => port.name === set.healthCheck.port)) {
            report([...setAt, "healthCheck", "port"], `service "${set.service}" has no port named "${set.healthCheck.port}"`);
        }
        for (const vmName of Object.keys(set.weights)) {
            const vm = role.vms.find((candidate) => candidate.name === vmName);
            if (!vm) report([...setAt, "weights", vmName], `no VM named "${vmName}" in this role`);
            else if (def && !vmRuns(topology, vm, set.service)) report([...setAt, "weights", vmName], `VM ${vmName} does not run "${set.service}"`);
        }
        const primaryTls = def?.ports.find((port) => port.name === set.port)?.loadBalancerTls ?? false;
        set.backupBackends.forEach((backup, backupIndex) => {
            const backupAt = [...setAt, "backupBackends", backupIndex];
            const backupDef = checkBackendService(topology, role, backup.service, backup.port, backupAt, report);
            const port = backupDef?.ports.find((candidate) => candidate.name === backup.port);
            // One backend set speaks one protocol to all its backends: TLS (sslConfiguration) or not.
            if (port && port.loadBalancerTls !== primaryTls) {
                report(
                    [...backupAt, "port"],
                    primaryTls
                        ? `the set re-encrypts to its backends (port ${set.port} says loadBalancerTls), but ${backup.service}'s port ${backup.port} serves no TLS to the load balancer: the backup would never pass a health check or serve a request`
                        : `${backup.service}'s port ${backup.port} serves TLS to the load balancer (loadBalancerTls), but the set speaks clear text to its backends (port ${set.port})`,
                );
            }
        });
    });
}

function checkNetworkLoadBalancer(topology: Topology, role: Role, at: PathSegment[], report: Report): void {
    const nlb = role.networkLoadBalancer!;
    duplicates(nlb.listeners.map((listener) => listener.name)).forEach((index) => report([...at, "listeners", index, "name"], `duplicate listener name "${nlb.listeners[index].name}"`));
    duplicates(nlb.backendSets.map((set) => set.name)).forEach((index) => report([...at, "backendSets", index, "name"], `duplicate backend set name "${nlb.backendSets[index].name}"`));
    nlb.listeners.forEach((listener, index) => {
        if (!nlb.backendSets.some((set) => set.name === listener.backendSet)) {
            report([...at, "listeners", index, "backendSet"], `no backend set named "${listener.backendSet}" (has: ${names(nlb.backendSets)})`);
        }
        if (listener.toPort !== undefined && listener.toPort < listener.port) {
            report([...at, "listeners", index, "toPort"], `toPort ${listener.toPort} is below port ${listener.port}`);
        }
    });
    nlb.backendSets.forEach((set, index) => checkBackendService(topology, role, set.service, set.port, [...at, "backendSets", index], report));
}

/** A backend names a service some VM of the role runs, and one of its ports. */
function checkBackendService(
    topology: Topology,
    role: Role,
    service: string,
    portName: string,
    at: PathSegment[],
    report: Report,
): ServiceDef | undefined {
    const def = topology.services[service];
    if (!def) {
        report([...at, "service"], `unknown service "${service}"`);
        return undefined;
    }
    if (!roleRuns(topology, role, service)) report([...at, "service"], `no VM of this role runs "${service}"`);
    if (!def.ports.some((port) => port.name === portName)) {
        report([...at, "port"], `service "${service}" has no port named "${portName}" (has: ${names(def.ports)})`);
    }
    return def;
}

function placedServices(topology: Topology): Set<string> {
    const placed = new Set<string>(topology.everyVm);
    for (const role of Object.values(topology.roles)) {
        for (const vm of role.vms) for (const placement of vm.services) placed.add(typeof placement === "string" ? placement : placement.service);
    }
    return placed;
}

function roleRuns(topology: Topology, role: Role, service: string): boolean {
    return role.vms.some((vm) => vmRuns(topology, vm, service));
}

function vmRuns(topology: Topology, vm: Vm, service: string): boolean {
    return topology.everyVm.includes(service) || vm.services.some((placement) => (typeof placement === "string" ? placement : placement.service) === service);
}

/** Indexes of the entries equal to an earlier entry. */
function duplicates<T>(values: readonly T[]): number[] {
    const seen = new Set<T>();
    const out: number[] = [];
    values.forEach((value, index) => {
        if (seen.has(value)) out.push(index);
        seen.add(value);
    });
    return out;
}

function names(items: readonly { name: string }[]): string {
    return items.length === 0 ? "none" : items.map((item) => item.name).join(", ");
}

function dedupe(problems: PathProblem[]): PathProblem[] {
    const seen = new Set<string>();
    return problems.filter((problem) => {
        const id = `${formatPath(problem.path)}\u0000${problem.message}`;
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
    });
}
