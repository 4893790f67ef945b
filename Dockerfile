# flowrun: build with the official Swift image, run on slim Debian with the binary and its resource
# bundle, the workflows and the shared libraries it links (XGBoost, liblinear, LAPACK/OpenBLAS, SQLite,
# libcurl for the webhook client of notifications) and nothing else.

FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends libxgboost-dev liblinear-dev liblapacke-dev libopenblas-dev libsqlite3-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Resolve dependencies first so source edits reuse this layer.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
# The binary and its resource bundle (the dashboard's templates and assets), which it looks for
# next to itself.
RUN swift build -c release --product flowrun --static-swift-stdlib \
 && bin="$(swift build -c release --show-bin-path)" \
 && install -D "$bin/flowrun" /out/flowrun \
 && cp -R "$bin/flowrun_API.resources" /out/flowrun_API.resources

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends libxgboost0 liblinear4 liblapacke libopenblas0 libsqlite3-0 libcurl4 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --create-home --home-dir /home/flowrun flowrun \
 && mkdir -p /data && chown flowrun /data
COPY --from=build /out/flowrun /usr/local/bin/flowrun
COPY --from=build /out/flowrun_API.resources /usr/local/bin/flowrun_API.resources
COPY workflows /app/workflows
WORKDIR /app
USER flowrun
ENV FLOWRUN_DATA=/data FLOWRUN_WORKFLOWS=/app/workflows FLOWRUN_PORT=8080
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["flowrun"]
CMD ["serve", "--no-worker"]
