// The Pulumi CLI starts a Node.js policy pack through @pulumi/pulumi's run-policy-pack, which
// require()s the package `main` under ts-node (CommonJS). This project is ESM TypeScript run by
// tsx (as Pulumi.yaml does for the program), so this entry registers tsx's ESM hooks and imports
// index.ts; run-policy-pack awaits the promise it exports. (tsx's CommonJS build of
// `tsx/esm/api` resolves its hook file wrongly, hence the dynamic import of the ESM build.)
module.exports = import("tsx/esm/api").then(({ register }) => {
    register();
    return import("./index.ts");
});
