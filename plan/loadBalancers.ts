/**
 * Load-balancer plans: the account's flexible LB and, where the role has one, its network LB,
 * with backends `{vm, ip, port, weight}` taken from the account's VMs that run the backend
 * set's service. Public or private follows the role's `exposure.loadBalancer`.
 */
import type { Problem } from "../model/errors";
import type { Account, Topology } from "../model/schema";
import { accountSlug, type AccountAddressPlan } from "./addressPlan";
import type { ServiceIndex } from "./dependencies";
import type { LbBackend, LoadBalancerPlan, NetworkLoadBalancerPlan } from "./types";

function backendsOf(
    index: ServiceIndex,
    account: Account,
    addresses: AccountAddressPlan,
    service: string,
    port: number,
    weights: Record<string, number>,
): LbBackend[] {
    const ipOf = new Map(addresses.vms.map((v) => [v.vm, v.privateIp]));
    return (index.hosts.get(service) ?? [])
        .filter((h) => h.account.name === account.name)
        .map((h) => ({
            vm: h.vm.name,
            vmResourceName: `${accountSlug(account.name)}-${h.vm.name}`,
            ip: ipOf.get(h.vm.name) ?? h.ip,
            port,
            weight: weights[h.vm.name] ?? 1,
        }));
}

function servicePort(topology: Topology, service: string, portName: string) {
    return topology.services[service]?.ports.find((p) => p.name === portName);
}

/** The flexible LB of an account. Problems name `roles.<role>.loadBalancer...`. */
export function planLoadBalancer(
    topology: Topology,
    index: ServiceIndex,
    account: Account,
    addresses: AccountAddressPlan,
    problems: Problem[],
): LoadBalancerPlan {
    const role = topology.roles[account.role]!;
    const lb = role.loadBalancer;
    const path = `roles.${account.role}.loadBalancer`;
    const backendSets = lb.backendSets.map((set, i) => {
        const setPath = `${path}.backendSets[${i}]`;
        const port = servicePort(topology, set.service, set.port);
        if (!port) problems.push({ path: `${setPath}.port`, message: `service "${set.service}" has no port "${set.port}"` });
        const healthPort = set.healthCheck.port === undefined ? port : servicePort(topology, set.service, set.healthCheck.port);
        if (set.healthCheck.port !== undefined && !healthPort) {
            problems.push({ path: `${setPath}.healthCheck.port`, message: `service "${set.service}" has no port "${set.healthCheck.port}"` });
        }
        const primaries = backendsOf(index, account, addresses, set.service, port?.port ?? 0, set.weights);
        if (primaries.length === 0) {
            problems.push({ path: `${setPath}.service`, message: `no VM of role ${account.role} runs "${set.service}"` });
        }
        for (const vmName of Object.keys(set.weights)) {
            if (!primaries.some((b) => b.vm === vmName)) {
                problems.push({ path: `${setPath}.weights.${vmName}`, message: `"${vmName}" is not a backend of this set (no such VM running ${set.service})` });
            }
        }
        // Backups on a VM that is already a primary of the set would be one backend twice (OCI names a backend ip:port).
        const backups = set.backupBackends.flatMap((backup) =>
            backendsOf(index, account, addresses, backup.service, servicePort(topology, backup.service, backup.port)?.port ?? 0, {})
                .filter((b) => !primaries.some((p) => p.ip === b.ip && p.port === b.port))
                .map((b): LbBackend => ({ ...b, backup: true })),
        );
        const backends = [...primaries, ...backups];
        return {
            name: set.name,
            service: set.service,
            portName: set.port,
            port: port?.port ?? 0,
            policy: set.policy,
            healthCheck: {
                protocol: set.healthCheck.protocol,
                port: healthPort?.port ?? port?.port ?? 0,
                ...(set.healthCheck.protocol === "HTTP" ? { urlPath: set.healthCheck.path, returnCode: set.healthCheck.returnCode } : {}),
                intervalMs: set.healthCheck.intervalMs,
                timeoutMs: set.healthCheck.timeoutMs,
                retries: set.healthCheck.retries,
            },
            ...(set.sessionPersistence ? { sessionPersistence: { ...set.sessionPersistence } } : {}),
            backendTls: port?.loadBalancerTls ?? false,
            backends,
        };
    });
    const https = lb.listeners.find((l) => l.tls);
    lb.listeners.forEach((listener, i) => {
        if (!lb.backendSets.some((s) => s.name === listener.backendSet)) {
            problems.push({ path: `${path}.listeners[${i}].backendSet`, message: `no backend set "${listener.backendSet}"` });
        }
        if (listener.tls && listener.protocol !== "HTTP") {
            problems.push({ path: `${path}.listeners[${i}].tls`, message: "TLS termination is for HTTP listeners; a TCP listener passes TLS through to its backends" });
        }
        if (listener.redirectToHttps && (listener.protocol !== "HTTP" || listener.tls)) {
            problems.push({ path: `${path}.listeners[${i}].redirectToHttps`, message: "only a plain HTTP listener redirects to HTTPS" });
        }
        if (listener.redirectToHttps && !https) {
            problems.push({ path: `${path}.listeners[${i}].redirectToHttps`, message: "the load balancer has no HTTPS listener (tls: true) to redirect to" });
        }
    });
    if (lb.hostNames.length > 0 && !https) {
        problems.push({ path: `${path}.hostNames`, message: "names what the HTTPS listeners serve, and the load balancer has none (tls: true)" });
    }
    return {
        account: account.name,
        name: lb.name,
        resourceName: `${accountSlug(account.name)}-${lb.name}`,
        public: role.exposure.loadBalancer === "public",
        subnet: "lb",
        bandwidthMbps: { ...lb.bandwidthMbps },
        hostNames: [...lb.hostNames],
        listeners: lb.listeners.map((l) => ({
            name: l.name,
            port: l.port,
            protocol: l.protocol,
            backendSet: l.backendSet,
            ...(l.idleTimeoutSeconds !== undefined ? { idleTimeoutSeconds: l.idleTimeoutSeconds } : {}),
            tls: l.tls,
            ...(l.redirectToHttps && https ? { redirectToHttpsPort: https.port } : {}),
        })),
        backendSets,
    };
}

/** The network LB of an account, when its role has one. */
export function planNetworkLoadBalancer(
    topology: Topology,
    index: ServiceIndex,
    account: Account,
    addresses: AccountAddressPlan,
    problems: Problem[],
): NetworkLoadBalancerPlan | undefined {
    const role = topology.roles[account.role]!;
    const nlb = role.networkLoadBalancer;
    if (!nlb) return undefined;
    const path = `roles.${account.role}.networkLoadBalancer`;
    const backendSets = nlb.backendSets.map((set, i) => {
        const setPath = `${path}.backendSets[${i}]`;
        const port = servicePort(topology, set.service, set.port);
        if (!port) problems.push({ path: `${setPath}.port`, message: `service "${set.service}" has no port "${set.port}"` });
        const backends = backendsOf(index, account, addresses, set.service, port?.port ?? 0, {});
        if (backends.length === 0) problems.push({ path: `${setPath}.service`, message: `no VM of role ${account.role} runs "${set.service}"` });
        return {
            name: set.name,
            service: set.service,
            portName: set.port,
            port: port?.port ?? 0,
            ...(port?.toPort !== undefined ? { toPort: port.toPort } : {}),
            policy: set.policy,
            preserveSourceIp: set.preserveSourceIp,
            healthCheck: {
                protocol: set.healthCheck.protocol,
                port: set.healthCheck.port,
                ...(set.healthCheck.path !== undefined ? { urlPath: set.healthCheck.path } : {}),
            },
            backends,
        };
    });
    nlb.listeners.forEach((listener, i) => {
        if (!nlb.backendSets.some((s) => s.name === listener.backendSet)) {
            problems.push({ path: `${path}.listeners[${i}].backendSet`, message: `no backend set "${listener.backendSet}"` });
        }
    });
    return {
        account: account.name,
        name: nlb.name,
        resourceName: `${accountSlug(account.name)}-${nlb.name}`,
        public: role.exposure.loadBalancer === "public",
        subnet: "lb",
        listeners: nlb.listeners.map((l) => ({
            name: l.name,
            protocol: l.protocol,
            port: l.port,
            ...(l.toPort !== undefined ? { toPort: l.toPort } : {}),
            backendSet: l.backendSet,
        })),
        backendSets,
    };
}
