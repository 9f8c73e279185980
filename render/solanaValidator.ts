/**
 * The Solana validator's `/solana/config/validator.yml`: its flags as YAML (RPC on the plan IP
 * and catalogue port, the gossip/TPU range, the ledger on its block volume, the identity keypair
 * delivered from Vault). The bootstrap does not install the validator (`NOT_BOOTSTRAPPED`).
 */
import { requirePort, vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

/** The smallest `--limit-ledger-size` solana-validator 1.18 accepts (shreds); the ledger volume is the spec's 100 GB. */
export const SOLANA_MIN_LEDGER_SHREDS = 50_000_000;

/**
 * YAML the launcher can turn into flags: a mapping of flag names to scalars or lists of scalars (python3-yaml ships
 * with cloud-init on every VM). Non-zero on a parse error, a non-mapping, a key that is no flag name or a nested mapping.
 */
export const SOLANA_VALIDATE =
    "/usr/bin/python3 -c 'import re, sys, yaml; d = yaml.safe_load(open(sys.argv[1])); " +
    "bad = [k for k, v in d.items() if not re.fullmatch(\"[a-z][a-z0-9-]*\", str(k)) or isinstance(v, dict) or isinstance(v, list) and any(isinstance(x, (dict, list)) for x in v)] if isinstance(d, dict) else [\"<not a mapping>\"]; " +
    "sys.exit(\"not solana-validator flags: %s\" % bad if bad else 0)' /solana/config/validator.yml";

export function renderSolanaValidator(ctx: ServiceContext): FileSpec[] {
    const { account, vm, placement } = ctx;
    const label = vmLabel(account, vm);
    const path = placement.def.files.find((f) => f.endsWith("validator.yml")) ?? "/solana/config/validator.yml";
    const volume = vm.blockVolumes.find((v) => v.for.includes("solana-validator"));
    if (!volume) throw new Error(`${label} solana-validator: no block volume for the ledger`);
    const identity = placement.def.env.SOLANA_KEYPAIR;
    if (!identity) throw new Error(`${label} solana-validator: the catalogue sets no SOLANA_KEYPAIR path`);
    const rpc = requirePort(placement, `${label} solana-validator`, "rpc");
    const gossip = requirePort(placement, `${label} solana-validator`, "gossip");
    if (gossip.toPort === undefined) throw new Error(`${label} solana-validator: the gossip port is not a range`);
    const pubsub = requirePort(placement, `${label} solana-validator`, "rpc-ws");
    if (pubsub.port !== rpc.port + 1) throw new Error(`${label} solana-validator: PubSub is always rpc-port + 1 (${rpc.port + 1}), the catalogue says ${pubsub.port}`);
    const log = placement.def.logrotate?.paths[0] ?? "/var/log/solana.log";
    return [
        {
            path,
            content: renderTemplate("solana-validator/validator.yml.hbs", {
                vmLabel: label,
                version: placement.def.version,
                identity,
                ledger: volume.mountPath,
                snapshots: `${volume.mountPath}/snapshots`,
                log,
                ip: vm.privateIp,
                rpcPort: rpc.port,
                rpcWsPort: pubsub.port,
                dynamicPortRange: `${gossip.port}-${gossip.toPort}`,
                ledgerGb: volume.sizeGb,
                limitLedgerShreds: SOLANA_MIN_LEDGER_SHREDS,
            }),
            mode: "0600",
            owner: "solana",
            group: "solana",
            validate: SOLANA_VALIDATE,
        },
    ];
}
