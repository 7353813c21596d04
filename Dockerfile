# Multi-stage build of the credence service. The SQLite driver uses cgo, so the build stage
# has a C compiler and the runtime stage the C library it links against.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=1 go build -trimpath -ldflags "-s -w" -o /out/credence ./cmd/credence

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /data credence && mkdir -p /data && chown credence /data
COPY --from=build /out/credence /usr/local/bin/credence
USER credence
WORKDIR /data
ENV CREDENCE_ADDR=0.0.0.0:8080 CREDENCE_DB=/data/credence.db
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["credence"]
CMD ["serve"]
