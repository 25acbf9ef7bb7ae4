# Wharf's own image (docs/operations.md). Build: docker build -t wharf .
# Stage 1 builds the server and the portal with the dev dependencies; stage 2 holds only the runtime.
FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 ships prebuilt binaries for linux x64/arm64; the toolchain is the fallback when none fits.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
COPY packages/server/package.json packages/server/
COPY packages/portal/package.json packages/portal/
RUN npm ci --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.base.json ./
COPY packages packages
COPY scripts scripts
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    WHARF_DATA_DIR=/data \
    WHARF_HTTP_ADDR=0.0.0.0:5000
RUN groupadd --system --gid 10001 wharf && useradd --system --uid 10001 --gid wharf --home-dir /data wharf \
    && mkdir /data && chown wharf:wharf /data && chmod 0700 /data
WORKDIR /opt/wharf
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules node_modules
COPY --from=build /src/packages/server/package.json packages/server/
COPY --from=build /src/packages/server/bin packages/server/bin
COPY --from=build /src/packages/server/dist packages/server/dist
COPY --from=build /src/packages/portal/dist packages/portal/dist
USER wharf
VOLUME ["/data"]
EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.WHARF_HTTP_ADDR||':5000').split(':').pop()+'/livez').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/wharf/packages/server/bin/wharf.js"]
CMD ["serve"]
