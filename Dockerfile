# feedback-hub container image (JVM mode).
#
#   docker build -t feedback-hub .
#   docker run -p 8080:8080 -p 9000:9000 -v hub-data:/data -e HUB_MANAGEMENT_TOKEN=... feedback-hub
#
# Configuration: every key of application.properties can be set as an environment variable
# (hub.catalog.sink -> HUB_CATALOG_SINK). Extra JVM flags: JAVA_TOOL_OPTIONS.
# Connectors are the YAML files in /app/routes; mount a folder there to replace them.

# ---- build -------------------------------------------------------------------------------
FROM eclipse-temurin:17-jdk-noble AS build
WORKDIR /build

# Maven itself, the plugins and every dependency (Quarkus deployment artifacts included) go
# into their own layer, rebuilt only when the POM or the wrapper changes
COPY mvnw ./
COPY .mvn/ .mvn/
COPY pom.xml ./
RUN ./mvnw -B -q dependency:go-offline quarkus:go-offline

COPY application.properties ./
COPY src/ src/
RUN ./mvnw -B -DskipTests package

# ---- run ---------------------------------------------------------------------------------
# Ubuntu-based Temurin JRE; it ships curl (used by the HEALTHCHECK), checked below
FROM eclipse-temurin:17-jre-noble

RUN set -eux; \
    command -v curl; \
    groupadd --system --gid 185 hub; \
    useradd --system --uid 185 --gid hub --home-dir /app --no-create-home --shell /usr/sbin/nologin hub; \
    mkdir -p /data; \
    chown hub:hub /data

# the application stays root-owned (read-only to the hub); only /data is writable
WORKDIR /app
COPY --from=build /build/target/quarkus-app/lib/ lib/
COPY --from=build /build/target/quarkus-app/quarkus-run.jar ./
COPY --from=build /build/target/quarkus-app/app/ app/
COPY --from=build /build/target/quarkus-app/quarkus/ quarkus/
# routes are read from routes/ under the working directory at start; application.properties is
# already baked into the application and sits here for reference only
COPY routes/ routes/
COPY application.properties ./

ENV HUB_DATA_DIR=/data
VOLUME /data
# the management port must be reachable from outside the container, so it listens on every
# interface; the hub then refuses to start without HUB_MANAGEMENT_TOKEN (or HUB_MANAGEMENT_OPEN=true)
ENV QUARKUS_MANAGEMENT_HOST=0.0.0.0

USER 185:185
# 8080: public traffic (relay, webhooks); 9000: management (/q/health, /q/metrics, /q/jolokia, /hub)
EXPOSE 8080 9000

HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${QUARKUS_MANAGEMENT_PORT:-9000}/q/health/ready" || exit 1

ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", \
    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", \
    "-jar", "quarkus-run.jar"]
