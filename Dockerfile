# syntax=docker/dockerfile:1
# previewd's image. Two stages: `build` has the dev dependencies and the TypeScript compiler; `runtime`
# has only what `node bin/previewd.js` reads at run time, so neither tsc nor the test tools ship.
# Build: docker build -t previewd:0.1.0 .   (the base image is pinned by tag, never `latest`)

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Manifests first: the dependency layer is reused as long as package-lock.json does not change.
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts/bundle-isomorphic-git.js ./scripts/
RUN npm run build
# The skeleton's schema/ is a symlink to ../schema, which `previewd init` copies into a new GitOps
# repository: copy it dereferenced (cp -L) so the image holds real files, whatever the layout.
COPY schema ./schema
COPY gitops-repo-skeleton ./gitops-repo-skeleton
RUN cp -RL gitops-repo-skeleton /skeleton

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Production dependencies only; no install scripts are needed by them (none builds native code).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
# What the service reads at start: the compiled code, its entry point, the JSON schemas, the render
# templates and the skeleton `previewd init` starts a GitOps repository from (src/assets/load-assets.ts).
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY schema ./schema
COPY templates ./templates
COPY public ./public
COPY --from=build /skeleton ./gitops-repo-skeleton
# The root filesystem can be read-only: the only writes go to DATA_DIR (the GitOps clone and the
# generated webhook secret: mount a volume there) and HOME/tmp (an emptyDir on /tmp in Kubernetes).
ENV DATA_DIR=/var/lib/previewd \
    HOME=/tmp \
    HOST=0.0.0.0 \
    PORT=3000
RUN mkdir -p /var/lib/previewd && chown 1000:1000 /var/lib/previewd
VOLUME ["/var/lib/previewd"]
# Numeric, so that Kubernetes' runAsNonRoot can check it without reading /etc/passwd. 1000 is the
# image's `node` user: it has a passwd entry, which some libraries ask for (os.userInfo()).
USER 1000:1000
EXPOSE 3000
# There is no curl in the image: node itself asks /healthz (the process is alive; readiness is Kubernetes' job).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/previewd.js"]
CMD ["serve"]
