# llm-proxy: a production image. Node 24 runs the TypeScript sources directly (type stripping), so
# there is no build step: the first stage installs the production dependencies, the second holds only
# those, package.json, bin/ and src/, and runs as the unprivileged `node` user.
#
#   docker build -t llm-proxy .
#   docker run -p 4000:4000 -e OPENAI_API_KEY -e LLM_PROXY_MASTER_KEY llm-proxy

FROM node:24-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM node:24-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    DATABASE_URL=sqlite:/app/data/llm-proxy.sqlite \
    NODE_COMPILE_CACHE=/app/.compile-cache \
    MALLOC_ARENA_MAX=1 \
    MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
# The embedded SQLite store's directory; with DATABASE_URL=postgres://… it stays empty.
RUN mkdir -p /app/data /app/.compile-cache && chown node:node /app/data /app/.compile-cache
VOLUME ["/app/data"]
USER node
# Fills Node's compile cache, so that the server starts without loading the TypeScript stripper (~12 MB).
RUN node bin/llm-proxy.js --version
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/health/live`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The same settings as `npm start`: the glibc malloc settings above and these V8 flags (docs/performance.md). Add
# `--workers auto` to use every CPU of the container (it needs REDIS_URL once keys or group limits are on).
ENTRYPOINT ["node", "--max-semi-space-size=4", "--no-maglev", "bin/llm-proxy.js"]
CMD ["serve"]
