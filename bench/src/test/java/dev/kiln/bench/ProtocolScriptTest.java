package dev.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench/protocol.sh} refuses to start, saying why, when it cannot measure: its jars are not
 * built, or its port is taken (a Kiln left running would be measured instead of a fresh one). The
 * protocol itself takes twelve minutes and is run by hand (the README's numbers).
 */
class ProtocolScriptTest {
  private static final Path SCRIPT = Path.of("protocol.sh").toAbsolutePath();

  @TempDir
  Path dir;

  private record Result(int exit, String err) {}

  private Result run(Map<String, String> env) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", SCRIPT.toString(), dir.resolve("out").toString())
        .directory(dir.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(dir.resolve("stderr").toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the script refuses at once").isTrue();
    return new Result(p.exitValue(), Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
  }

  @Test
  void an_unbuilt_jar_is_named_with_the_build_command() throws Exception {
    assertThat(SCRIPT).exists();
    Result r = run(Map.of("KILN_JAR", "missing/kiln.jar"));
    assertThat(r.exit()).isEqualTo(2);
    // A relative path is taken from where the script was started, not from the repository.
    assertThat(r.err()).contains(dir.resolve("missing/kiln.jar") + " not found")
        .contains("./mvnw -q package -DskipTests");
    assertThat(dir.resolve("out")).as("nothing written").doesNotExist();
  }

  @Test
  void a_taken_port_is_refused_rather_than_measured() throws Exception {
    Path jar = Files.createFile(dir.resolve("stand-in.jar"));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Result r = run(Map.of("KILN_JAR", jar.toString(), "BENCH_JAR", jar.toString(),
          "PORT", Integer.toString(taken.getLocalPort())));
      assertThat(r.exit()).isEqualTo(2);
      assertThat(r.err()).contains("something already listens on port " + taken.getLocalPort());
    }
    assertThat(dir.resolve("out")).as("nothing written").doesNotExist();
  }
}
