/**
 * Delivers the rendered config files of one service on one VM: copies them over SSH through
 * the management bastion, fills in secrets on the host, validates (`nginx -t`, `haproxy -c`,
 * `promtool check config`, ...) and reloads. The only trigger is a hash of the rendered
 * content, so a template change re-runs exactly the deliveries of the VMs it renders for and
 * never touches an instance.
 *
 * `@pulumi/command` 4.5 has no `connection.proxy` and no `CopyToRemote`, so the copy is a
 * `local.Command` piping the delivery script to `ssh -o ProxyCommand=...` (see
 * `deliveryScript.ts`).
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { RenderedFile } from "../../render/types";
import { contentHash, localCommand, remoteScript, secretEnvName } from "./deliveryScript";

export interface ConfigDeliveryArgs {
    /** Rendered files of one VM and one service (`renderVm(...)` filtered by `service`); placeholders only, never secret values. */
    files: RenderedFile[];
    /** Resource name of the VM (`eu-fe-01-app`): prefix of the child's name. */
    vmResourceName: string;
    /** Static private IP of the VM (from the plan), reached from the bastion. */
    host: pulumi.Input<string>;
    /** User on the VM with passwordless sudo (`ops`, created by cloud-init). */
    user?: string;
    /** Public address of the management bastion used as jump host. */
    bastionHost: pulumi.Input<string>;
    /** User on the bastion (`ops`). */
    bastionUser?: string;
    /** SSH port of the bastion (22). */
    bastionPort?: number;
    /** Private key of `user` on the bastion and the VM; kept secret. */
    privateKey: pulumi.Input<string>;
    /**
     * Secret values by Vault path (`secret/redis_password`). Every path in the files'
     * `secretRefs` must be present; values reach the host only through the SSH stream.
     */
    secrets?: Record<string, pulumi.Input<string>>;
}

export class ConfigDelivery extends pulumi.ComponentResource {
    /** sha256 of the delivered content (the command's trigger). */
    readonly contentHash: string;
    readonly command: command.local.Command;

    constructor(name: string, args: ConfigDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:delivery:ConfigDelivery", name, {}, opts);
        const plan = deliveryPlan(args);
        this.contentHash = plan.hash;

        const create = pulumi
            .all([args.host, args.bastionHost])
            .apply(([host, bastionHost]) =>
                localCommand({
                    host,
                    user: args.user ?? "ops",
                    bastionHost,
                    bastionUser: args.bastionUser ?? "ops",
                    bastionPort: args.bastionPort ?? 22,
                }),
            );

        this.command = new command.local.Command(
            `${args.vmResourceName}-${plan.service}-config`,
            {
                interpreter: ["/bin/bash", "-c"],
                create,
                stdin: plan.script,
                environment: pulumi.secret(
                    pulumi.all({ BLITZHUB_SSH_KEY: args.privateKey, ...plan.secretEnv }) as pulumi.Output<Record<string, string>>,
                ),
                triggers: [plan.hash],
            },
            { parent: this },
        );

        this.registerOutputs({ contentHash: this.contentHash });
    }
}

/** What the component derives from its args, checked before any child exists. */
export function deliveryPlan(args: Pick<ConfigDeliveryArgs, "files" | "secrets">): {
    service: string;
    hash: string;
    script: string;
    secretEnv: Record<string, pulumi.Input<string>>;
} {
    const { files } = args;
    if (files.length === 0) throw new Error("ConfigDelivery: no files to deliver");
    const services = new Set(files.map((f) => `${f.account}/${f.vm}/${f.service}`));
    if (services.size !== 1) throw new Error(`ConfigDelivery: files of more than one VM/service: ${[...services].join(", ")}`);
    const refs = [...new Set(files.flatMap((f) => f.secretRefs))].sort();
    const missing = refs.filter((r) => args.secrets?.[r] === undefined);
    if (missing.length > 0) throw new Error(`ConfigDelivery ${[...services][0]}: no value for ${missing.join(", ")}`);
    const secretEnv: Record<string, pulumi.Input<string>> = {};
    for (const r of refs) secretEnv[secretEnvName(r)] = args.secrets![r];
    return { service: files[0].service, hash: contentHash(files), script: remoteScript(files), secretEnv };
}
