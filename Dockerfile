# syntax=docker/dockerfile:1
# ory-bff: the sidecar image. Build with `docker build -t ory-bff .`; run with at least ORY_URL set.

# Build: all dependencies (TypeScript, esbuild); `npm run build` compiles to dist/ and bundles the server, its
# dependencies included, into dist/bundle/ (scripts/bundle.ts): one file instead of a few hundred modules, and V8's
# code cache for it, made by starting the bundled server once with the node options of the CMD below (read from this
# file by scripts/lib/image.ts). Build and runtime stages use the same node image, so that the cache fits.
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json Dockerfile ./
COPY scripts/bundle.ts ./scripts/
COPY scripts/lib/image.ts ./scripts/lib/
COPY src ./src
RUN npm run build

# Runtime: node, the bundle and package.json, no node_modules; owned by root and only read by the app, so the
# container runs with a read-only root filesystem (docker run --read-only): nothing is written at runtime. The bundle's
# source maps (dist/bundle/*.cjs.map) come along: scripts/resolve-stack-trace.ts turns a logged trace into src/ lines.
FROM node:22-slim
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0
# glibc's allocator: blocks of 128 KB and more are mapped on their own and given back when freed, always. By default
# glibc raises that threshold to the size of the largest such block freed, up to 32 MB: once start-up has freed the
# bundle's source and code cache buffers (2.5 and 2.2 MB), blocks of up to 2.5 MB come from the heap instead, and
# their pages stay resident after they are freed (≈ 10 MB of idle RSS in one process of two; docs/performance.md).
ENV MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=build /app/dist/bundle ./dist/bundle
COPY package.json ./
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
# The server drains on SIGTERM (in-flight requests finish within SHUTDOWN_GRACE_MS); keep the orchestrator's grace
# period (Kubernetes: terminationGracePeriodSeconds, 30 s by default) above it.
STOPSIGNAL SIGTERM
# No curl in a slim image: node's own fetch asks /health/alive, which never calls Ory.
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health/alive').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1 (not npm): signals reach the server directly. V8's heap is sized for a sidecar under load
# (docs/performance.md): young-generation semi-spaces of at most 4 MB (V8's default is 16 MB; 2 MB cost 20 % more CPU
# per request, as request objects outlived the collections and were promoted; 8 MB saved no more and idled 3 MB
# larger), and an old generation that grows by half its live size between full collections (--heap-growing-percent=50;
# V8 lets it grow up to fourfold): ≈ 45 MB less peak RSS under load for no measurable CPU. npm run bench and npm run measure:startup run the server with these same
# options; the code cache is made with them.
CMD ["node", "--max-semi-space-size=4", "--heap-growing-percent=50", "dist/bundle/server.js"]
