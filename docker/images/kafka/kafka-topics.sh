#!/bin/bash
# Kafka's topics tool, at the path apache/kafka's image has it.
exec java -Xmx128m -Dlog4j2.configurationFile=/opt/kafka/config/log4j2.properties -cp '/opt/kafka/libs/*' \
  org.apache.kafka.tools.TopicCommand "$@"
