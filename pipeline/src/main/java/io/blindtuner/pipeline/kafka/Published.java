package io.blindtuner.pipeline.kafka;

/**
 * Where the broker stored a published record, once all in-sync replicas have it.
 *
 * @param topic the topic
 * @param partition its partition
 * @param offset its offset
 */
public record Published(Topic topic, int partition, long offset) {}
