# syntax=docker/dockerfile:1
# Build: compile the standalone binary with Bun.
FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json bun.lock bunfig.toml tsconfig.json ./
COPY server/package.json server/package.json
COPY client/package.json client/package.json
COPY shared/package.json shared/package.json
RUN bun install --frozen-lockfile
COPY server server
COPY client client
COPY shared shared
COPY scripts scripts
RUN bun run build binary

# Run: the binary alone on a small glibc image.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --home-dir /data gamejournal \
 && mkdir -p /data && chown gamejournal /data
COPY --from=build /src/dist/gamejournal /usr/local/bin/gamejournal
USER gamejournal
WORKDIR /data
ENV DATA_DIR=/data \
    SERVER_ADDRESS=:8080
EXPOSE 8080
VOLUME ["/data"]
# The binary checks itself: no curl in the image. Degraded (e.g. Redis away, writes spooling) still counts as up.
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/gamejournal", "health"]
ENTRYPOINT ["/usr/local/bin/gamejournal"]
CMD ["serve"]
