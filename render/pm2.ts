/**
 * PM2, which runs the Node.js apps (Fastify, React) under their runtime's account: its state
 * lives in that account's home, so every command runs as that account with that `PM2_HOME`.
 */

/** The home of a runtime account (PM2 keeps `~/.pm2` there). */
export function runtimeHome(user: string): string {
    return `/home/${user}`;
}

/**
 * `pm2 <args>` as `user`, from root (delivery runs as root). In a clean environment from `/`: the
 * delivery's own environment holds secret values, and a PM2 that starts or reloads an app hands
 * its environment to that app.
 */
export function pm2As(user: string, args: string): string {
    return `(cd / && runuser -u ${user} -- env -i PATH=/usr/bin:/bin HOME=${runtimeHome(user)} PM2_HOME=${runtimeHome(user)}/.pm2 pm2 ${args})`;
}

/**
 * Reloads `app`, which reads its config files again, when it runs. Before the app's first release
 * (its own pipeline deploys it) there is nothing to reload, which is not a failed delivery.
 */
export function pm2Reload(app: string, user: string): string {
    return (
        `if ${pm2As(user, `describe ${app}`)} >/dev/null 2>&1; then ${pm2As(user, `reload ${app}`)}; ` +
        `else echo "blitzhub-delivery: ${app} has no release under PM2 yet; it reads this config when it first starts"; fi`
    );
}
