package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyAndTokenTest {

  @Test
  void the_same_idempotency_key_twice_returns_the_same_workflow_and_stores_one_row() throws Exception {
    try (KilnServer s = KilnServer.start(Map.of())) {
      HttpResponse<String> first = s.postJson("/workflow", WorkflowApiTest.EXAMPLE, "Idempotency-Key", "batch-7");
      HttpResponse<String> again = s.postJson("/workflow", WorkflowApiTest.EXAMPLE, "Idempotency-Key", "batch-7");
      assertThat(first.statusCode()).isEqualTo(201);
      assertThat(again.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(again.body()).getLong("workflow_id"))
          .isEqualTo(new JsonObject(first.body()).getLong("workflow_id"));
      try (var c = java.sql.DriverManager.getConnection(s.database.jdbcUrl(), s.database.user(), s.database.password());
          var rs = c.createStatement().executeQuery("SELECT count(*) FROM workflows WHERE idempotency_key = 'batch-7'")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(1);
      }
      HttpResponse<String> conflict = s.postJson("/workflow", WorkflowApiTest.EXAMPLE.replace("72.1", "72.2"),
          "Idempotency-Key", "batch-7");
      assertThat(conflict.statusCode()).isEqualTo(409);
      assertThat(new JsonObject(conflict.body()).getString("field")).isEqualTo("Idempotency-Key");
    }
  }

  @Test
  void with_a_token_set_state_changing_endpoints_need_it_and_reads_stay_open() {
    try (KilnServer s = KilnServer.start(Map.of("KILN_API_TOKEN", "s3cret"))) {
      HttpResponse<String> none = s.postJson("/workflow", WorkflowApiTest.EXAMPLE);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(new JsonObject(none.body()).getString("field")).isEqualTo("Authorization");
      assertThat(s.postJson("/workflow", WorkflowApiTest.EXAMPLE, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
      HttpResponse<String> ok = s.postJson("/workflow", WorkflowApiTest.EXAMPLE, "Authorization", "Bearer s3cret");
      assertThat(ok.statusCode()).isEqualTo(201);
      long id = new JsonObject(ok.body()).getLong("workflow_id");
      assertThat(s.get("/status/" + id).statusCode()).isEqualTo(200);
      assertThat(s.post("/workflows/" + id + "/cancel", null, null).statusCode()).isEqualTo(401);
      assertThat(s.post("/workflows/" + id + "/retry", null, null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void with_token_for_reads_every_workflow_endpoint_needs_it() {
    try (KilnServer s = KilnServer.start(Map.of("KILN_API_TOKEN", "s3cret", "KILN_API_TOKEN_READS", "true"))) {
      assertThat(s.get("/status/1").statusCode()).isEqualTo(401);
      assertThat(s.get("/workflows").statusCode()).isEqualTo(401);
      assertThat(s.get("/workflows/1/input").statusCode()).isEqualTo(401);
      assertThat(s.get("/workflows", "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
      assertThat(s.get("/health").statusCode()).isEqualTo(200);
    }
  }
}
