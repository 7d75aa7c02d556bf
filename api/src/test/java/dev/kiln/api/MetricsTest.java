package dev.kiln.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kiln.api.testing.KilnServer;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {

  @Test
  void metrics_expose_http_timings_pool_usage_task_durations_claim_latency_and_sse_clients() {
    try (KilnServer s = KilnServer.start(Map.of())) {
      long id = WorkflowApiTest.submit(s, WorkflowApiTest.EXAMPLE);
      WorkflowApiTest.awaitFinished(s, id);
      HttpResponse<String> r = s.get("/metrics");
      assertThat(r.statusCode()).isEqualTo(200);
      String text = r.body();
      assertThat(text).contains("kiln_task_duration_seconds_count{outcome=\"completed\",task_type=\"verdict\"} 1");
      assertThat(text).contains("kiln_task_claim_latency_milliseconds_bucket");
      assertThat(text).contains("kiln_sse_clients");
      // The backlog gauges: nothing is waiting once the workflow has finished.
      assertThat(text).contains("kiln_tasks{status=\"ready\"} 0.0", "kiln_tasks{status=\"running\"} 0.0",
          "kiln_workflows{status=\"pending\"} 0.0", "kiln_workflows{status=\"running\"} 0.0");
      assertThat(text).contains("vertx_http_server_requests_total");
      assertThat(text).containsPattern("vertx_pool_(in_use|usage|queue)");
      // The submission was checked on the API's bounded CPU executor, which /metrics shows by name.
      assertThat(text).containsPattern("vertx_pool_completed_total\\{pool_name=\"kiln-api-cpu\",pool_type=\"worker\"\\} [1-9]");
    }
  }
}
