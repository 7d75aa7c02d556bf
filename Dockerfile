# Kiln image: build stage (JDK + Maven wrapper + Node for the web UI), then a small JRE runtime.
FROM eclipse-temurin:17-jdk AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so code changes do not refetch them.
COPY .mvn .mvn
COPY mvnw pom.xml ./
COPY handlers/pom.xml handlers/
COPY engine/pom.xml engine/
COPY api/pom.xml api/
COPY bench/pom.xml bench/
RUN ./mvnw -B -ntp -q dependency:go-offline -DexcludeReactor=true || true
COPY . .
RUN ./mvnw -B -ntp -q package -DskipTests -pl api -am

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /var/lib/kiln --create-home kiln
COPY --from=build /src/api/target/kiln.jar /opt/kiln/kiln.jar
USER kiln
ENV KILN_HTTP_HOST=0.0.0.0 \
    KILN_DATA_DIR=/var/lib/kiln
EXPOSE 8080
# SIGTERM reaches the JVM directly (exec form), so workers hand back in-flight tasks on stop.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/kiln/kiln.jar"]
