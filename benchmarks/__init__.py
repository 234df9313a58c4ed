"""REST vs SOAP, direct and through the gateway: bytes, latency, throughput and CPU, measured
honestly (paired, alternating runs on one machine) and written up as a report. Ratios are printed
and reported, never asserted as timings in tests."""
