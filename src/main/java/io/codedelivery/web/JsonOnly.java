package io.codedelivery.web;

import io.codedelivery.metrics.PipelineMetrics;
import java.util.List;

/** Lets a body through only as {@code application/json}; see {@link AcceptedMediaTypes} for why before reading it. */
final class JsonOnly extends AcceptedMediaTypes {
  JsonOnly(PipelineMetrics metrics) {
    super(metrics, List.of("application/json"));
  }
}
