/**
 * Ansible on the MGMT A1: `ansible.cfg` (ProxyJump through the bastions), an inventory of every
 * VM by IP, the vault password file, and the spec's `deploy_websocket.yml` (a rolling restart of
 * Fastify with its health checks, then the Nginx frontends).
 */
import { dependencyTargets, instancesOf, requirePort, vmLabel } from "./lookup";
import { runtimeHome } from "./pm2";
import { secretPlaceholder } from "./secrets";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Ansible group names: letters, digits and underscores. */
const group = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "_");

export function renderAnsible(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const bastions = dependencyTargets(ctx, "ssh-bastion");
    if (bastions.length === 0) throw new Error(`${label} ansible: the plan resolves no ssh-bastion`);
    const bastion = bastions[0];
    const vaultPasswordFile = placement.def.env.ANSIBLE_VAULT_PASSWORD_FILE ?? "/etc/ansible/.vault_pass";
    const secret = placement.def.secrets.find((s) => /vault_password/.test(s.path));
    if (!secret) throw new Error(`${label} ansible: the catalogue declares no vault password secret`);
    const groups = new Map<string, { name: string; ip: string }[]>();
    const add = (g: string, host: { name: string; ip: string }) => groups.set(g, [...(groups.get(g) ?? []), host]);
    for (const a of plan.accounts) {
        for (const v of a.vms) {
            const host = { name: v.resourceName, ip: v.privateIp };
            add(group(a.name), host);
            add(`role_${group(a.role)}`, host);
            for (const s of v.services) add(`svc_${group(s.service)}`, host);
        }
    }
    const config = placement.def.files.find((f) => f.endsWith("ansible.cfg")) ?? "/etc/ansible/ansible.cfg";
    return [
        {
            path: config,
            content: renderTemplate("ansible/ansible.cfg.hbs", {
                vmLabel: label,
                version: placement.def.version,
                vaultPasswordFile,
                proxyJump: `${bastion.ip}:${requirePort(bastion, label, "ssh").port}`,
            }),
        },
        {
            path: "/etc/ansible/hosts.yml",
            content: renderTemplate("ansible/hosts.yml.hbs", {
                vmLabel: label,
                vmCount: plan.accounts.reduce((n, a) => n + a.vms.length, 0),
                groups: [...groups.entries()].map(([name, hosts]) => ({ name, hosts })),
            }),
        },
        { path: vaultPasswordFile, content: secretPlaceholder(secret.path), mode: "0600" },
        ...placement.def.files
            .filter((f) => f.endsWith("/deploy_websocket.yml"))
            .map((path) => ({ path, content: deployWebsocket(ctx, label, group), validate: `ansible-playbook --syntax-check -i /etc/ansible/hosts.yml ${path}` })),
    ];
}

/** The rolling Fastify restart: its ports and health paths from the plan, its hosts from the inventory groups. */
function deployWebsocket(ctx: ServiceContext, label: string, group: (s: string) => string): string {
    const fastify = instancesOf(ctx.plan, "fastify")[0];
    if (!fastify) throw new Error(`${label} ansible: deploy_websocket.yml needs a fastify in the plan`);
    const runtime = fastify.placement.def.install.runtime;
    if (!runtime) throw new Error(`${label} ansible: deploy_websocket.yml needs fastify's Node.js runtime`);
    const wsPort = requirePort(fastify.placement, label, "ws").port;
    const wsHealth = ctx.plan.accounts
        .flatMap((a) => a.loadBalancer.backendSets)
        .find((b) => b.service === "fastify" && b.port === wsPort)?.healthCheck.urlPath;
    return renderTemplate("ansible/deploy_websocket.yml.hbs", {
        vmLabel: label,
        backendGroup: `svc_${group("fastify")}`,
        frontendGroup: `svc_${group("nginx")}`,
        pm2App: "fastify",
        runtimeUser: runtime.user,
        runtimeHome: runtimeHome(runtime.user),
        apiPort: requirePort(fastify.placement, label, "api").port,
        apiHealth: fastify.placement.def.health?.path ?? "/health",
        wsPort,
        wsHealth: wsHealth ?? "/ws/health",
        retries: 30,
        delaySeconds: 5,
    });
}
