# One image for every Node service of Relais (gateway, router, connectors, simulators): Node
# runs the TypeScript sources itself (type stripping, docs/adr/0015): no build step, no compiler
# and no tsx in the image.
# The command picks the part: `bin/relais.ts gateway`, `bin/relais.ts connector tax`,
# `silos/tax/main.ts`… (docker-compose.yml). Secrets are never copied in: they arrive at run
# time as files under /run/secrets (the <VAR>_FILE variables, docs/configuration.md).

# --- production dependencies only, resolved from the lockfile ---
FROM node:26-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/connector-kit/package.json ./packages/connector-kit/
COPY bin/package.json ./bin/
# The `node` devDependency (the runtime pin for npm scripts) is not installed: the image is Node 26.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime: sources + node_modules, owned by root, run as the unprivileged `node` user ---
FROM node:26-trixie-slim AS runtime
# NODE_COMPILE_CACHE: a restarted container reuses the stripped sources and V8's code of its
# first start (docs/adr/0015); a new container starts cold.
# NODE_OPTIONS: the V8 options of every Relais process, bin/node-options.ts (docs/adr/0039).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    RELAIS_DATA_DIR=/data \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache \
    NODE_OPTIONS=--max-semi-space-size=4
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY core ./core
COPY identity ./identity
COPY privacy ./privacy
COPY proof ./proof
COPY console ./console
COPY citizen ./citizen
COPY web ./web
COPY packages ./packages
COPY protocols ./protocols
COPY router ./router
COPY connectors ./connectors
COPY flows ./flows
COPY gateway ./gateway
COPY schemas ./schemas
COPY silos ./silos
# infra: the local broker launcher `relais start` imports (its jars are not copied).
COPY infra ./infra
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
ENTRYPOINT ["node"]
CMD ["bin/relais.ts", "gateway"]
