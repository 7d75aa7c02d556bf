package dev.kiln.api.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The built web UI is on the classpath under webroot/ and served at /, beside (not over) the API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebRootTest {
  private KilnServer server;

  @BeforeAll
  void start() {
    server = KilnServer.start(Map.of());
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void the_page_and_its_assets_are_served_and_the_api_still_answers_json() {
    HttpResponse<String> index = server.get("/");
    assertThat(index.statusCode()).isEqualTo(200);
    assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(index.body()).contains("<kiln-app>");
    assertThat(index.headers().firstValue("Cache-Control").orElse("")).as("index.html is revalidated")
        .contains("max-age=0");

    Matcher script = Pattern.compile("src=\"\\.?/?(assets/[^\"]+\\.js)\"").matcher(index.body());
    assertThat(script.find()).as("index.html references its bundle: " + index.body()).isTrue();
    HttpResponse<String> bundle = server.get("/" + script.group(1));
    assertThat(bundle.statusCode()).isEqualTo(200);
    assertThat(bundle.headers().firstValue("Content-Type").orElse("")).contains("javascript");
    assertThat(bundle.body()).contains("kiln-app");
    assertThat(bundle.headers().firstValue("Cache-Control").orElse("")).as("hashed assets are kept")
        .contains("max-age=31536000");

    HttpResponse<String> api = server.get("/workflows");
    assertThat(api.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(api.body()).getJsonArray("workflows")).isNotNull();

    HttpResponse<String> missing = server.get("/no-such-page");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getString("error")).isEqualTo("not_found");

    HttpResponse<String> postToStatic = server.post("/index.html", "application/json", "{}");
    assertThat(postToStatic.statusCode()).isEqualTo(404);
  }
}
