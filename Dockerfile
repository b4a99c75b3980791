# syntax=docker/dockerfile:1
# wrapup's production image, in two stages on the SAME Node image: the native better-sqlite3 addon is compiled in the
# build stage and must load in the runtime stage. Node 26 is the Active LTS line. The major is pinned instead of the
# floating `lts` tag so that a new LTS cannot silently move the image past better-sqlite3@12's supported Node range.
# test/dockerfile.test.ts lints this file (no Docker engine runs where the tests run).

# Build stage: TypeScript → dist/ (with the dashboard's static files, copied from src/http/dashboard/ by `npm run build`), the better-sqlite3 addon (python3, make, g++ for node-gyp when no prebuilt binary
# matches), then the dev dependencies and the addon's build leftovers are removed.
FROM node:26-trixie-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/better-sqlite3/build/Release/obj node_modules/better-sqlite3/build/Release/obj.target \
           node_modules/better-sqlite3/build/Release/.deps node_modules/better-sqlite3/build/Release/test_extension.node \
           node_modules/better-sqlite3/deps node_modules/better-sqlite3/src

# Runtime stage: production dependencies, compiled code and config only. The code stays owned by root (the service
# cannot rewrite itself); the unprivileged node user owns only the store directory.
FROM node:26-trixie-slim AS runtime
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="wrapup" \
      org.opencontainers.image.description="After-call summaries for every Genesys Cloud conversation, served to CRMs" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.base.name="docker.io/library/node:26-trixie-slim"
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    STORE_URL=sqlite:///app/data/wrapup.sqlite
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY config ./config
# The store holds summaries: only the node user may enter its directory (a new named volume copies this mode).
RUN mkdir -p /app/data && chown node:node /app/data && chmod 0700 /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 8080
# wrapup stops gracefully on SIGTERM within SHUTDOWN_DEADLINE_MS (8 s), below `docker stop`'s 10 s.
STOPSIGNAL SIGTERM
# Liveness only (/healthz); /readyz also checks Genesys and is for load balancers. Follows PORT if it is changed.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/main.js"]
