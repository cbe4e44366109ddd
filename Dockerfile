# repo-rag: one image for the web service (`serve`, the default), the worker (`worker`) and
# scheduled runs (`process --all-pending`). See docs/deploy-render.md.
# Not built on the machine that wrote it (no Docker engine there); DeployFilesTest checks that
# its build command and jar path are the ones the Maven build uses, and runs the jar as it would.

# Build stage: the same command as ./rag, so the image holds the jar the tests exercise.
FROM maven:3-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -DskipTests -pl rag-cli -am package

FROM eclipse-temurin:17-jre
# A user without a login and without root; the data directory (embedded store, clone cache) is
# the only place it writes besides its home (where DJL keeps the ONNX native library).
RUN useradd --system --create-home --home-dir /home/rag --uid 10001 rag \
    && mkdir -p /data && chown rag:rag /data
COPY --from=build /src/rag-cli/target/rag.jar /app/rag.jar
USER rag
ENV RAG_HOME=/data
# `serve` listens on $PORT (Render sets it), 8080 when unset.
EXPOSE 8080
# Heap as a share of the container's memory, the rest left to metaspace, threads and the ONNX
# runtime; an OutOfMemoryError ends the process so the platform restarts it instead of it limping
# on. JAVA_TOOL_OPTIONS adds flags (e.g. -Xmx300m on a 512 MB instance): the JVM reads it itself.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError", "-jar", "/app/rag.jar"]
CMD ["serve"]
