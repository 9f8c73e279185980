/**
 * Delivers the rendered config files of one VM: one command per service copies that service's
 * files over SSH through the management bastion, fills in secrets on the host, validates
 * (`nginx -t`, `haproxy -c`, `promtool check config`, ...) and reloads it. A command's only
 * trigger is a hash of its service's rendered content, so a template change re-runs exactly the
 * services it renders for, on the VMs it renders for, and never touches an instance.
 *
 * `@pulumi/command` 4.5 has no `connection.proxy` and no `CopyToRemote`, so each copy is a
 * `local.Command` piping the delivery script to `ssh -o ProxyCommand=...` (see
 * `deliveryScript.ts`).
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import type { RenderedFile } from "../../render/types";
import { contentHash, localCommand, remoteScript, secretEnvName } from "./deliveryScript";

export interface ConfigDeliveryArgs {
    /**
     * Rendered files of one VM, any number of services (`renderVm(...)`); placeholders only,
     * never secret values. Each service gets its own command.
     */
    files: RenderedFile[];
    /** Resource name of the VM (`eu-fe-01-app`): prefix of the commands' names. */
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

/** The delivery of one service on the VM. */
export interface ServiceDelivery {
    /** sha256 of the delivered content (the command's trigger). */
    contentHash: string;
    command: command.local.Command;
}

export class ConfigDelivery extends pulumi.ComponentResource {
    /** Service name → its delivery, in the order the files name the services. */
    readonly services: Record<string, ServiceDelivery> = {};

    constructor(name: string, args: ConfigDeliveryArgs, opts?: pulumi.ComponentResourceOptions) {
        super("blitzhub:delivery:ConfigDelivery", name, {}, opts);
        const plans = (() => {
            try {
                return deliveryPlans(args);
            } catch (error) {
                throw new pulumi.ResourceError(`${name}: ${error instanceof Error ? error.message : String(error)}`, this);
            }
        })();

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

        for (const plan of plans) {
            const cmd = new command.local.Command(
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
            this.services[plan.service] = { contentHash: plan.hash, command: cmd };
        }

        this.registerOutputs({ contentHashes: Object.fromEntries(plans.map((p) => [p.service, p.hash])) });
    }
}

/** What the component derives for one service, checked before any child exists. */
export interface DeliveryPlan {
    service: string;
    hash: string;
    script: string;
    secretEnv: Record<string, pulumi.Input<string>>;
}

/** One plan per service of the VM's files; throws when the files span VMs or miss a secret value. */
export function deliveryPlans(args: Pick<ConfigDeliveryArgs, "files" | "secrets">): DeliveryPlan[] {
    if (args.files.length === 0) throw new Error("ConfigDelivery: no files to deliver");
    const vms = new Set(args.files.map((f) => `${f.account}/${f.vm}`));
    if (vms.size > 1) throw new Error(`ConfigDelivery: files of more than one VM: ${[...vms].join(", ")}`);
    const byService = new Map<string, RenderedFile[]>();
    for (const file of args.files) byService.set(file.service, [...(byService.get(file.service) ?? []), file]);
    return [...byService.values()].map((files) => deliveryPlan({ files, secrets: args.secrets }));
}

/** The plan of one service's files (one VM, one service). */
export function deliveryPlan(args: Pick<ConfigDeliveryArgs, "files" | "secrets">): DeliveryPlan {
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
