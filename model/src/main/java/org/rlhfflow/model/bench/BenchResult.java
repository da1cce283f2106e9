package org.rlhfflow.model.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Throughputs measured for one {@link BenchCase}, with the process's peak resident memory and its
 * minor page faults during the case (-1 where /proc is missing); field names are the JSON keys.
 */
public record BenchResult(
    @JsonProperty("preset") String preset,
    @JsonProperty("batch") int batch,
    @JsonProperty("seq") int seq,
    @JsonProperty("params") long params,
    @JsonProperty("train_tokens_per_s") double trainTokensPerS,
    @JsonProperty("mfu") double mfu,
    @JsonProperty("gen_tokens_per_s_kv") double genTokensPerSKv,
    @JsonProperty("gen_tokens_per_s_nokv") double genTokensPerSNoKv,
    @JsonProperty("peak_rss_mib") double peakRssMiB,
    @JsonProperty("minor_faults") long minorFaults) {}
