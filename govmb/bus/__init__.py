"""The bus: transactional outbox, relay with windowed publisher confirms, idempotent
consumer (inbox), over RabbitMQ or an in-process transport with the same semantics."""
