/** HashiCorp Vault on EU-SEC-01: `vault.hcl` with raft storage joined to the three peers by IP; OCI KMS auto-unseal when the role has an OCI Vault. */
import { internalTlsFiles } from "./internalPki";
import { instancesOf, requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

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
    ];
}
