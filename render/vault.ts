/** HashiCorp Vault on EU-SEC-01: `vault.hcl` with raft storage joined to the three peers by IP; OCI KMS auto-unseal when the role has an OCI Vault. */
import type { AccountPlan, TopologyPlan } from "../plan/types";
import { derivedPasswordPath, INTERNAL_CA_BUNDLE_PATH, internalTlsFiles } from "./internalPki";
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { secretPlaceholder } from "./secrets";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** Vault's policy for Prometheus: read the metrics, renew its own token; nothing else. */
export const VAULT_METRICS_POLICY = "prometheus-metrics";

/** Where the metrics token's ID waits on the Vault VMs until an operator creates the token. */
export const VAULT_METRICS_TOKEN_ID_FILE = "/etc/vault/prometheus-metrics.token";

/** The command that creates the metrics policy and token once (the admin token on stdin). */
export const VAULT_METRICS_TOKEN_COMMAND = "/usr/local/sbin/blitzhub-vault-metrics-token";

/**
 * The placeholder path of Prometheus' Vault token: derived from the deployment's seed (HKDF) like
 * the Redis users' passwords, so the Vault stack and the monitoring stack (other tenancies) know
 * the same value without a shared catalogue secret. It is the token's ID, set when it is created.
 */
export function vaultMetricsTokenPath(plan: TopologyPlan): { path: string; account: AccountPlan } | undefined {
    const vault = instancesOf(plan, "vault")[0];
    return vault ? { path: derivedPasswordPath(vault.account, "vault", "prometheus_metrics"), account: vault.account } : undefined;
}

export function renderVault(ctx: ServiceContext): FileSpec[] {
    const { plan, account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const api = requirePort(placement, `${label} vault`, "api", "http");
    const cluster = requirePort(placement, `${label} vault`, "cluster");
    const peers = instancesOf(plan, "vault", account.name).filter((i) => i.vm.name !== vm.name).map((i) => ({
        ip: i.vm.privateIp,
        port: requirePort(i.placement, `${label} vault peer`, "api", "http").port,
    }));
    const dataDir = (vm.blockVolumes.find((b) => b.for.includes("vault"))?.mountPath ?? "/var/lib/vault").replace(/\/$/, "");
    const secret = (re: RegExp) => placement.def.secrets.find((s) => re.test(s.path))?.path;
    const kms = { keySecret: secret(/kms_key/), cryptoSecret: secret(/kms_crypto/), managementSecret: secret(/kms_management/) };
    const kmsSeal = kms.keySecret && kms.cryptoSecret && kms.managementSecret ? { ...kms, vaultName: account.name } : undefined;
    const configPath = placement.def.files.find((f) => f.endsWith(".hcl")) ?? "/etc/vault/vault.hcl";
    const reload = "systemctl reload vault";
    const tls = internalTlsFiles(account, vm, "vault", { dir: "/etc/vault/tls", owner: "vault", reload });
    const metricsToken = vaultMetricsTokenPath(plan)!;
    const policyPath = `/etc/vault/policies/${VAULT_METRICS_POLICY}.hcl`;
    return [
        ...tls.files,
        {
            path: configPath,
            content: renderTemplate("vault/vault.hcl.hbs", {
                vmLabel: label,
                version: placement.def.version,
                peerCount: peers.length + 1,
                ip: vm.privateIp,
                apiPort: api.port,
                clusterPort: cluster.port,
                dataDir: `${dataDir}/raft`,
                nodeId: vm.resourceName,
                peers,
                kmsSeal,
                tls,
            }),
            mode: "0600",
            owner: "vault",
            group: "vault",
            validate: `vault operator diagnose -skip=storage -skip=listener -config=${configPath} >/dev/null`,
            reload,
        },
        { path: policyPath, content: renderTemplate("vault/prometheus-metrics.hcl.hbs", { vmLabel: label }), mode: "0640", owner: "vault", group: "vault" },
        { path: VAULT_METRICS_TOKEN_ID_FILE, content: secretPlaceholder(metricsToken.path), mode: "0600", owner: "root", group: "root" },
        {
            path: VAULT_METRICS_TOKEN_COMMAND,
            content: renderTemplate("vault/metrics-token.sh.hbs", {
                vmLabel: label,
                address: `https://${vm.privateIp}:${api.port}`,
                caBundle: INTERNAL_CA_BUNDLE_PATH,
                policy: VAULT_METRICS_POLICY,
                policyPath,
                tokenIdFile: VAULT_METRICS_TOKEN_ID_FILE,
            }),
            mode: "0750",
            owner: "root",
            group: "root",
            validate: `sh -n ${VAULT_METRICS_TOKEN_COMMAND}`,
        },
    ];
}
