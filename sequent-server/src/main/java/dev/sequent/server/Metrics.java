package dev.sequent.server;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Counters and latency histograms in the Prometheus text format (version 0.0.4), without a client
 * library: request counts by endpoint and status, request latency histograms by endpoint, and gauges read
 * at scrape time (users held, queue depth, ...). Recording is a few {@link LongAdder} increments.
 */
final class Metrics {
  /** Upper bounds of the latency buckets, in seconds (then +Inf). */
  static final double[] BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
      0.5, 1, 2.5};
  private static final long[] BUCKET_NANOS = new long[BUCKETS.length];

  static {
    for (int i = 0; i < BUCKETS.length; i++) {
      BUCKET_NANOS[i] = Math.round(BUCKETS[i] * 1e9);
    }
  }

  /** One endpoint's latency histogram. */
  private static final class Histogram {
    final LongAdder[] buckets = new LongAdder[BUCKETS.length + 1];
    final LongAdder sumNanos = new LongAdder();

    Histogram() {
      for (int i = 0; i < buckets.length; i++) {
        buckets[i] = new LongAdder();
      }
    }

    void record(long nanos) {
      int i = 0;
      while (i < BUCKET_NANOS.length && nanos > BUCKET_NANOS[i]) {
        i++;
      }
      buckets[i].increment();
      sumNanos.add(nanos);
    }
  }

  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> counters = new ConcurrentHashMap<>();
  private final Map<String, String> counterHelp = new ConcurrentHashMap<>();
  private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();
  private final Map<String, String> gaugeHelp = new ConcurrentHashMap<>();
  private final Map<String, Supplier<String>> infos = new ConcurrentHashMap<>();
  private final Map<String, String> infoHelp = new ConcurrentHashMap<>();

  /** Records one finished request. */
  void request(String endpoint, int status, long nanos) {
    requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    latency.computeIfAbsent(endpoint, k -> new Histogram()).record(nanos);
  }

  /** A counter (a name ending in _total), created on first use. */
  LongAdder counter(String name, String help) {
    counterHelp.putIfAbsent(name, help);
    return counters.computeIfAbsent(name, k -> new LongAdder());
  }

  /** A gauge read at scrape time. */
  void gauge(String name, String help, LongSupplier value) {
    gaugeHelp.put(name, help);
    gauges.put(name, value);
  }

  /** An info metric: {@code name{labels} 1}, with the labels read at scrape time (e.g. the model version). */
  void info(String name, String help, Supplier<String> labels) {
    infoHelp.put(name, help);
    infos.put(name, labels);
  }

  /** Requests counted so far for an endpoint and status (tests). */
  long requests(String endpoint, int status) {
    LongAdder a = requests.get(endpoint + "\u0000" + status);
    return a == null ? 0 : a.sum();
  }

  /** The exposition text. */
  String render() {
    StringBuilder sb = new StringBuilder(4096);
    sb.append("# HELP sequent_http_requests_total HTTP requests by endpoint and status code.\n");
    sb.append("# TYPE sequent_http_requests_total counter\n");
    new java.util.TreeMap<>(requests).forEach((key, count) -> {
      int sep = key.indexOf('\u0000');
      sb.append("sequent_http_requests_total{endpoint=\"").append(key, 0, sep).append("\",code=\"")
          .append(key.substring(sep + 1)).append("\"} ").append(count.sum()).append('\n');
    });
    sb.append("# HELP sequent_http_request_duration_seconds Time from a request's arrival to its response.\n");
    sb.append("# TYPE sequent_http_request_duration_seconds histogram\n");
    new java.util.TreeMap<>(latency).forEach((endpoint, h) -> {
      long cumulative = 0;
      for (int i = 0; i <= BUCKETS.length; i++) {
        cumulative += h.buckets[i].sum();
        String le = i < BUCKETS.length ? format(BUCKETS[i]) : "+Inf";
        sb.append("sequent_http_request_duration_seconds_bucket{endpoint=\"").append(endpoint).append("\",le=\"")
            .append(le).append("\"} ").append(cumulative).append('\n');
      }
      sb.append("sequent_http_request_duration_seconds_sum{endpoint=\"").append(endpoint).append("\"} ")
          .append(format(h.sumNanos.sum() / 1e9)).append('\n');
      sb.append("sequent_http_request_duration_seconds_count{endpoint=\"").append(endpoint).append("\"} ")
          .append(cumulative).append('\n');
    });
    new java.util.TreeMap<>(counters).forEach((name, value) -> {
      sb.append("# HELP ").append(name).append(' ').append(counterHelp.get(name)).append('\n');
      sb.append("# TYPE ").append(name).append(" counter\n");
      sb.append(name).append(' ').append(value.sum()).append('\n');
    });
    new java.util.TreeMap<>(gauges).forEach((name, value) -> {
      sb.append("# HELP ").append(name).append(' ').append(gaugeHelp.get(name)).append('\n');
      sb.append("# TYPE ").append(name).append(" gauge\n");
      sb.append(name).append(' ').append(value.getAsLong()).append('\n');
    });
    new java.util.TreeMap<>(infos).forEach((name, labels) -> {
      sb.append("# HELP ").append(name).append(' ').append(infoHelp.get(name)).append('\n');
      sb.append("# TYPE ").append(name).append(" gauge\n");
      sb.append(name).append('{').append(labels.get()).append("} 1\n");
    });
    return sb.toString();
  }

  /** A label value with backslash, quote and newline escaped as the text format requires. */
  static String label(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%s", v);
  }
}
