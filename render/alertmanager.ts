/**
 * Alertmanager on its MON micro: the routing config and receivers, and its API (9093) and
 * cluster gossip (9094) over mutual TLS with a leaf of the internal CA.
 *
 * The flags that turn TLS on cannot go into the unit cloud-init wrote: the unit lives in the
 * VM's user data, and changing user data replaces the instance. They arrive instead as a
 * delivered systemd drop-in that replaces `ExecStart` (the unit's own command plus the flags),
 * so existing VMs get them with a restart.
 */
import type { VmPlan } from "../plan/types";
import { internalTlsFiles } from "./internalPki";
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { RELEASE_ARTIFACTS } from "./releases";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Alertmanager's web configuration (`--web.config.file`, exporter-toolkit's format). */
export const ALERTMANAGER_WEB_CONFIG = "/etc/alertmanager/web.yml";
/** Alertmanager's gossip TLS configuration (`--cluster.tls-config`). */
export const ALERTMANAGER_CLUSTER_TLS_CONFIG = "/etc/alertmanager/cluster-tls.yml";
/** The drop-in that gives the release unit its TLS flags. */
export const ALERTMANAGER_DROP_IN = "/etc/systemd/system/alertmanager.service.d/blitzhub-tls.conf";
/** Starts the delivered binary with the delivered files on loopback: the check delivery runs before it restarts the service. */
export const ALERTMANAGER_CHECK = "/usr/local/sbin/blitzhub-alertmanager-check";

/** The command line of Alertmanager on `vm`: the release unit's, plus the listeners and their TLS files. */
export function alertmanagerCommand(vm: VmPlan, web: { port: number }, cluster: { port: number }, peers: string[]): { binary: string; args: string[] } {
    const [binary, ...unitArgs] = RELEASE_ARTIFACTS.alertmanager.unit.execStart.split(/\s+/);
    return {
        binary,
        args: [
            ...unitArgs,
            `--web.listen-address=${vm.privateIp}:${web.port}`,
            `--web.config.file=${ALERTMANAGER_WEB_CONFIG}`,
            `--cluster.listen-address=${vm.privateIp}:${cluster.port}`,
            `--cluster.tls-config=${ALERTMANAGER_CLUSTER_TLS_CONFIG}`,
            ...peers.map((p) => `--cluster.peer=${p}`),
        ],
    };
}

export function renderAlertmanager(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const configPath = placement.def.files.find((f) => /alertmanager\.ya?ml$/.test(f)) ?? "/etc/alertmanager/alertmanager.yml";
    const dir = configPath.replace(/\/[^/]+$/, "");
    const receivers = ["critical", "warning", "operators"].map((name) => {
        const secret = placement.def.secrets.find((s) => s.path === `secret/alertmanager/slack_${name}_url`);
        if (!secret) throw new Error(`${label} alertmanager: the catalogue declares no secret/alertmanager/slack_${name}_url for the ${name} receiver`);
        return { name, urlFile: `${dir}/slack-${name}.url`, channel: `#blitzhub-${name}`, secret: secret.path };
    });
    const web = requirePort(placement, `${label} alertmanager`, "http");
    const cluster = requirePort(placement, `${label} alertmanager`, "cluster");
    for (const port of [web, cluster]) {
        if (!port.tls) throw new Error(`${label} alertmanager: the catalogue's port ${port.name} must say tls: true (Alertmanager serves it over mutual TLS)`);
    }
    // Peers: the other Alertmanagers of the account (none in the default topology, one micro).
    const peers = instancesOf(plan, "alertmanager", account.name)
        .filter((i) => i.vm !== vm)
        .map((i) => `${i.vm.privateIp}:${requirePort(i.placement, `${label} alertmanager → peer`, "cluster").port}`);
    // Owned by prometheus (the account Alertmanager runs as): the catalogue gives it /etc/alertmanager recursively.
    // One leaf for the API's server side, and both sides of the gossip (peers verify each other).
    const tls = internalTlsFiles(account, vm, "alertmanager", { dir: `${dir}/tls`, owner: "prometheus", group: "prometheus" });
    const command = alertmanagerCommand(vm, web, cluster, peers);
    const validate = ALERTMANAGER_CHECK;
    // A restart, not SIGHUP: the command line (the drop-in) and the listeners' TLS are read at start.
    const reload = "systemctl daemon-reload && systemctl restart alertmanager";
    const files: FileSpec[] = [
        { path: configPath, content: renderTemplate("alertmanager/alertmanager.yml.hbs", { vmLabel: label, receivers }) },
        // The webhook URL of each receiver, filled in from its secret at delivery (readable by Alertmanager only).
        ...receivers.map((r) => ({ path: r.urlFile, content: `@@secret:${r.secret}@@\n`, mode: "0640" })),
        { path: ALERTMANAGER_WEB_CONFIG, content: renderTemplate("alertmanager/web.yml.hbs", { vmLabel: label, tls }), mode: "0640", owner: "prometheus", group: "prometheus" },
        { path: ALERTMANAGER_CLUSTER_TLS_CONFIG, content: renderTemplate("alertmanager/cluster-tls.yml.hbs", { vmLabel: label, tls }), mode: "0640", owner: "prometheus", group: "prometheus" },
        ...tls.files,
        { path: ALERTMANAGER_DROP_IN, content: renderTemplate("alertmanager/tls-drop-in.conf.hbs", { vmLabel: label, execStart: [command.binary, ...command.args].join(" ") }) },
        {
            path: ALERTMANAGER_CHECK,
            content: renderTemplate("alertmanager/check.sh.hbs", { vmLabel: label, configPath, binary: command.binary, webConfig: ALERTMANAGER_WEB_CONFIG, clusterTlsConfig: ALERTMANAGER_CLUSTER_TLS_CONFIG }),
            mode: "0755",
        },
    ];
    return files.map((f) => ({ ...f, validate, reload }));
}
