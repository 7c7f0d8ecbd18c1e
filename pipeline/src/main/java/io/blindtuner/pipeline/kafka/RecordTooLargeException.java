package io.blindtuner.pipeline.kafka;

/** A record larger than its topic accepts, refused before it is sent. */
public final class RecordTooLargeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  RecordTooLargeException(Topic topic, long size) {
    super(
        "record of "
            + size
            + " bytes exceeds the limit of topic "
            + topic.topicName()
            + " ("
            + topic.maxRecordBytes()
            + " bytes)");
  }
}
