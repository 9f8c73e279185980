/** The management bastions' sshd drop-in (jump host only), checked with `sshd -t`. */
import { vmLabel } from "./lookup";
import { renderTemplate } from "./templates";
import type { FileSpec, ServiceContext } from "./types";

export function renderSshBastion(ctx: ServiceContext): FileSpec[] {
    const label = vmLabel(ctx.account, ctx.vm);
    const path = ctx.placement.def.files.find((f) => f.startsWith("/etc/ssh/")) ?? "/etc/ssh/sshd_config.d/bastion.conf";
    return [
        {
            path,
            content: renderTemplate("ssh-bastion/bastion.conf.hbs", { vmLabel: label, ip: ctx.vm.privateIp }),
            validate: "mkdir -p /run/sshd && sshd -t",
            reload: "systemctl reload ssh",
        },
    ];
}
