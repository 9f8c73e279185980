/**
 * Every config file of one VM: the catalogue's renderer of each service placed on it, then the
 * host concerns (firewall, logrotate, backup timers). Pure.
 */
import type { AccountPlan, TopologyPlan, VmPlan } from "../plan/types";
import { renderAlertmanager } from "./alertmanager";
import { renderAnsible } from "./ansible";
import { renderArgocd } from "./argocd";
import { backupStore, renderBackupTimers } from "./backupTimers";
import { renderCrowdsec } from "./crowdsec";
import { renderFastify } from "./fastify";
import { renderFirewall } from "./firewall";
import { renderFluentd } from "./fluentd";
import { renderGrafana } from "./grafana";
import { renderHaproxy } from "./haproxy";
import { renderJaeger } from "./jaeger";
import { renderLogrotate } from "./logrotate";
import { internalCaTrustFile, PKI_CA_CERT_SECRET } from "./internalPki";
import { renderLoki } from "./loki";
import { vmLabel } from "./lookup";
import { renderMinio, renderOffsiteBackup } from "./minio";
import { renderModsecurity, renderNginx, renderRpcGateway } from "./nginx";
import { renderNodeExporter } from "./nodeExporter";
import { renderOtelCollector } from "./otelCollector";
import { renderPrometheus } from "./prometheus";
import { renderPromtail } from "./promtail";
import { renderRabbitmq } from "./rabbitmq";
import { renderReact } from "./react";
import { renderRedis } from "./redis";
import { applyPermissions, directoriesOf } from "./permissions";
import { secretRefsIn } from "./secrets";
import { PLACEHOLDER_OPERATOR, renderIdentitySync } from "./identities";
import { renderSolanaValidator } from "./solanaValidator";
import { renderSshBastion } from "./sshBastion";
import type { FileSpec, RenderedFile, RenderOptions, ServiceRenderer } from "./types";
import { renderVault } from "./vault";
import { renderWazuhManager } from "./wazuhManager";
import { renderWireguard, wireguardFirewall } from "./wireguard";

/** Catalogue service → the renderer of its config files. */
export const SERVICE_RENDERERS: Readonly<Record<string, ServiceRenderer>> = {
    nginx: renderNginx,
    modsecurity: renderModsecurity,
    "rpc-gateway": renderRpcGateway,
    haproxy: renderHaproxy,
    prometheus: renderPrometheus,
    alertmanager: renderAlertmanager,
    redis: renderRedis,
    loki: renderLoki,
    fluentd: renderFluentd,
    grafana: renderGrafana,
    vault: renderVault,
    rabbitmq: renderRabbitmq,
    promtail: renderPromtail,
    "node-exporter": renderNodeExporter,
    minio: renderMinio,
    "ssh-bastion": renderSshBastion,
    "otel-collector": renderOtelCollector,
    fastify: renderFastify,
    jaeger: renderJaeger,
    ansible: renderAnsible,
    wireguard: renderWireguard,
    crowdsec: renderCrowdsec,
    "solana-validator": renderSolanaValidator,
    "wazuh-manager": renderWazuhManager,
    argocd: renderArgocd,
    react: renderReact,
};

function complete(account: AccountPlan, vm: VmPlan, service: string, spec: FileSpec): RenderedFile {
    const secretRefs = secretRefsIn(spec.content);
    const permissions = vm.services.find((s) => s.service === service)?.def.permissions ?? [];
    const ownership = applyPermissions(
        spec.path,
        { mode: spec.mode ?? "0644", owner: spec.owner ?? "root", group: spec.group ?? "root" },
        permissions,
        // The CA certificate is public; only its value is unknown until deploy.
        secretRefs.some((r) => r !== PKI_CA_CERT_SECRET),
    );
    const directories = directoriesOf(spec.path, permissions);
    return {
        account: account.name,
        vm: vm.name,
        service,
        path: spec.path,
        content: spec.content.endsWith("\n") ? spec.content : `${spec.content}\n`,
        ...ownership,
        ...(spec.validate ? { validate: spec.validate } : {}),
        ...(spec.reload ? { reload: spec.reload } : {}),
        secretRefs,
        ...(directories.length > 0 ? { directories } : {}),
    };
}

/** Every file of one VM, services in placement order, then the host concerns. */
export function renderVm(plan: TopologyPlan, account: AccountPlan, vm: VmPlan, options: RenderOptions = {}): RenderedFile[] {
    const files: RenderedFile[] = [];
    const label = vmLabel(account, vm);
    for (const placement of vm.services) {
        const renderer = SERVICE_RENDERERS[placement.service];
        if (!renderer) continue;
        for (const spec of renderer({ plan, account, vm, placement, options })) files.push(complete(account, vm, placement.service, spec));
    }
    files.push(
        complete(account, vm, "host-firewall", {
            path: "/etc/nftables.conf",
            content: renderFirewall(label, vm, wireguardFirewall(plan, account, vm)),
            mode: "0755",
            validate: "nft -c -f /etc/nftables.conf",
            reload: "nft -f /etc/nftables.conf",
        }),
    );
    files.push(complete(account, vm, "internal-ca", internalCaTrustFile()));
    const operators = options.operators?.length ? options.operators : [PLACEHOLDER_OPERATOR];
    for (const spec of renderIdentitySync(operators)) files.push(complete(account, vm, "identities", spec));
    for (const spec of renderLogrotate(label, vm)) files.push(complete(account, vm, "logrotate", spec));
    for (const spec of renderBackupTimers(plan, label, vm)) files.push(complete(account, vm, "backup", spec));
    const store = backupStore(plan);
    if (store && store.vm === vm) {
        for (const spec of renderOffsiteBackup({ plan, account, vm, placement: store.placement, options })) files.push(complete(account, vm, "backup-offsite", spec));
    }
    const seen = new Set<string>();
    for (const f of files) {
        if (seen.has(f.path)) throw new Error(`${label}: two renderers write ${f.path}`);
        seen.add(f.path);
    }
    return files;
}
