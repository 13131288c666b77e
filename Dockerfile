# Tessera: multi-stage build. The build stage compiles TypeScript and the native addons
# (lmdb, zstd-napi, @ronomon/reed-solomon) with node-gyp; the runtime stage carries only
# the compiled output and production dependencies, and runs as a non-root user.

FROM node:20-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY src ./src
COPY test ./test
COPY bench ./bench
COPY scripts ./scripts
COPY compat-tests ./compat-tests
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
RUN groupadd --system tessera && useradd --system --gid tessera --home /app tessera \
    && mkdir -p /data && chown tessera:tessera /data
COPY --from=build --chown=tessera:tessera /app/node_modules ./node_modules
COPY --from=build --chown=tessera:tessera /app/dist/src ./dist/src
COPY --chown=tessera:tessera package.json ./
COPY --chown=tessera:tessera config ./config
USER tessera
VOLUME ["/data"]
# S3 API and admin (health, metrics).
EXPOSE 9900 9901
CMD ["node", "dist/src/main.js", "server", "--data-dir", "/data", "--s3-address", "0.0.0.0:9900", "--admin-address", "0.0.0.0:9901"]
