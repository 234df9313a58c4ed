"""What lets an operator follow a request through all three services: the ids every log line
carries (log_context), Prometheus metrics (service_metrics, metrics_access), and OpenTelemetry
traces (tracing, trace_store)."""
