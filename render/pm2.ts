/**
 * PM2, which runs the Node.js apps (Fastify, React) under their runtime's account: its state
 * lives in that account's home, so every command runs as that account with that `PM2_HOME`.
 */

/** The home of a runtime account (PM2 keeps `~/.pm2` there). */
export function runtimeHome(user: string): string {
    return `/home/${user}`;
}

/** `pm2 <args>` as `user`, from root (delivery and Ansible run as root). */
export function pm2As(user: string, args: string): string {
    return `runuser -u ${user} -- env PM2_HOME=${runtimeHome(user)}/.pm2 pm2 ${args}`;
}

/**
 * Reloads `app` with its new config when it runs. Before the app's first release (its own
 * pipeline deploys it) there is nothing to reload, which is not a failed delivery.
 */
export function pm2Reload(app: string, user: string): string {
    return (
        `if ${pm2As(user, `describe ${app}`)} >/dev/null 2>&1; then ${pm2As(user, `reload ${app} --update-env`)}; ` +
        `else echo "blitzhub-delivery: ${app} has no release under PM2 yet; it reads this config when it first starts"; fi`
    );
}
